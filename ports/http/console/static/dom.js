// Small DOM helpers. Text is always set with textContent, never parsed as HTML, so nothing a
// user typed can become markup.

export const $ = (sel, root = document) => root.querySelector(sel);

// h builds an element: attrs are set as attributes (on* functions as listeners), children are
// nodes or strings (text).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

let noticeTimer;

// notice shows a message in the page's alert region (read out by screen readers).
export function notice(text) {
  const el = $('#notice');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { el.hidden = true; }, 8000);
}

// when formats an RFC 3339 time in the reader's locale.
export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

// toLocalInput turns an RFC 3339 time into a datetime-local value; fromLocalInput back.
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(v) {
  return v ? new Date(v).toISOString() : null;
}
