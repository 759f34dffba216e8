// To-dos: newest first, a page at a time. A new to-do is accepted (202) before the worker
// stores it, so it shows as pending, and its Location is polled until the stored to-do is
// there (usually milliseconds in the embedded default, longer behind Kafka).

import {api, ApiError} from './api.js';
import {$, h, notice, when} from './dom.js';

const PAGE = 20;
let cursor = '';

export async function loadTodos() {
  cursor = '';
  $('#todo-list').replaceChildren();
  await more();
}

async function more() {
  const q = new URLSearchParams({limit: String(PAGE)});
  if (cursor) q.set('cursor', cursor);
  const {body} = await api('GET', `/v1/todos?${q}`);
  const list = $('#todo-list');
  for (const t of body.items) {
    if (!list.querySelector(`[data-todo-id="${t.id}"]`)) list.append(item(t, false));
  }
  cursor = body.next_cursor || '';
  $('#todo-more').hidden = !cursor;
}

function item(t, pending) {
  const titleId = `todo-${t.id}-title`;
  const li = h('li', {class: pending ? 'todo pending' : 'todo', 'data-todo-id': t.id,
    'data-state': pending ? 'pending' : 'stored', 'aria-labelledby': titleId, 'aria-busy': pending ? 'true' : 'false'},
  h('input', {type: 'checkbox', id: `todo-${t.id}-done`, checked: t.completed, disabled: pending,
    'aria-label': `Completed: ${t.title}`, onchange: (e) => complete(t, e.target)}),
  h('span', {id: titleId, class: 'title'}, t.title),
  pending
    ? h('span', {class: 'state'}, 'pending: accepted, not stored yet')
    : h('time', {datetime: t.created_at, class: 'state'}, when(t.created_at)),
  h('button', {type: 'button', class: 'delete', disabled: pending, 'aria-label': `Delete “${t.title}”`,
    onclick: () => remove(t)}, 'Delete'));
  return li;
}

async function complete(t, box) {
  try {
    await api('PATCH', `/v1/todos/${t.id}`, {body: {completed: box.checked}});
    t.completed = box.checked;
  } catch (err) {
    box.checked = !box.checked;
    notice(err.message);
  }
}

async function remove(t) {
  try {
    await api('DELETE', `/v1/todos/${t.id}`);
    $(`[data-todo-id="${t.id}"]`)?.remove();
  } catch (err) { notice(err.message); }
}

// waitStored polls the accepted to-do's Location until it is stored, backing off to a second
// between tries, and then shows the stored to-do in place of the pending one.
async function waitStored(location, pendingItem) {
  for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
    await new Promise((r) => setTimeout(r, pause));
    if (!pendingItem.isConnected) return;
    try {
      const {body} = await api('GET', location);
      pendingItem.replaceWith(item(body, false));
      return;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        notice(err.message);
        return;
      }
    }
  }
}

// randomKey names one create for its retries; crypto.randomUUID exists only on https and
// localhost, getRandomValues everywhere.
function randomKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function initTodos() {
  $('#todo-more').addEventListener('click', () => more().catch((err) => notice(err.message)));
  $('#todo-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target;
    try {
      const {body, headers} = await api('POST', '/v1/todos', {body: {title: f.title.value},
        headers: {'Idempotency-Key': randomKey()}});
      const pendingItem = item(body, true);
      $('#todo-list').prepend(pendingItem);
      f.reset();
      f.title.focus();
      waitStored(headers.get('Location') || `/v1/todos/${body.id}`, pendingItem);
    } catch (err) { notice(err.message); }
  });
}
