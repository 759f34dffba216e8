// The operator pages: the outbox's figures and the parked messages (filter, group by reason,
// open one, replay one, a selection or all matching, always after a dry run). They call
// /v1/ops/..., which answers 403 to anyone but an operator; the tab shows only when it does not.

import {api} from './api.js';
import {$, h, notice, when} from './dom.js';

let pending = null; // the replay request the dry run showed, sent as is on confirm

// probeOperator reports whether the signed-in user may use the operator routes: anything but
// 403 (503 included: no outbox, or a broker that keeps nothing) means the role is there.
export async function probeOperator() {
  try {
    await api('GET', '/v1/ops/outbox');
    return true;
  } catch (err) {
    return err.status !== 403 && err.status !== 401;
  }
}

function filter() {
  const f = {};
  for (const name of ['topic', 'handler', 'group', 'reason']) {
    const v = $(`#ops-${name}`).value.trim();
    if (v) f[name] = v;
  }
  return f;
}

async function loadOutbox() {
  const el = $('#ops-outbox');
  try {
    const {body} = await api('GET', '/v1/ops/outbox');
    el.replaceChildren(h('dt', {}, 'Rows not yet relayed'), h('dd', {'data-field': 'rows'}, body.rows),
      h('dt', {}, 'Oldest'), h('dd', {'data-field': 'oldest'}, `${body.oldest_age_seconds.toFixed(1)} s`));
  } catch (err) {
    el.replaceChildren(h('dt', {}, 'Outbox'), h('dd', {}, err.message));
  }
}

// loadParked lists the parked messages that match the filter, with the counts by reason.
export async function loadParked() {
  await loadOutbox();
  const list = $('#ops-list');
  const reasons = $('#ops-reasons');
  let body;
  try {
    ({body} = await api('GET', `/v1/ops/parked?${new URLSearchParams(filter())}`));
  } catch (err) {
    list.replaceChildren();
    reasons.replaceChildren();
    $('#ops-count').textContent = err.message;
    return;
  }
  $('#ops-count').textContent = body.matched === 1 ? '1 parked message matches' : `${body.matched} parked messages match`;
  reasons.replaceChildren(...body.by_reason.map((r) => h('li', {},
    h('button', {type: 'button', onclick: () => { $('#ops-reason').value = r.reason; loadParked(); }},
      `${r.count} × ${r.reason}`))));
  list.replaceChildren(...body.items.map(row));
}

function row(m) {
  const label = `Select ${m.ref} (${m.type || 'event'} ${m.event_id})`;
  return h('tr', {'data-ref': m.ref},
    h('td', {}, h('input', {type: 'checkbox', class: 'pick', value: m.ref, 'aria-label': label})),
    h('td', {}, m.ref), h('td', {}, when(m.parked_at)), h('td', {}, m.type), h('td', {}, m.topic),
    h('td', {}, m.handler), h('td', {}, m.group), h('td', {class: 'reason'}, m.reason),
    h('td', {}, h('div', {class: 'actions'},
      h('button', {type: 'button', onclick: () => openParked(m.ref), 'aria-label': `Open ${m.ref}`}, 'Open'),
      h('button', {type: 'button', onclick: () => dryRun({refs: [m.ref]}), 'aria-label': `Replay ${m.ref}`}, 'Replay'))));
}

async function openParked(ref) {
  const view = $('#ops-detail');
  try {
    const {body} = await api('GET', `/v1/ops/parked/${encodeURIComponent(ref)}`);
    $('#ops-detail-title').textContent = `Parked message ${body.ref}`;
    $('#ops-headers').replaceChildren(...Object.entries(body.headers).sort()
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    $('#ops-payload').textContent = body.payload ?? body.payload_base64 ?? `(omitted: ${body.payload_omitted})`;
    view.hidden = false;
    $('#ops-detail-title').focus();
  } catch (err) { notice(err.message); }
}

// dryRun asks what the replay would do and shows it; nothing is published until confirmed.
async function dryRun(request) {
  try {
    const {body} = await api('POST', '/v1/ops/parked/replay', {body: {...request, dry_run: true}});
    pending = request;
    $('#ops-plan-summary').textContent = `Would replay ${body.replayed} of ${body.selected} selected parked messages.`;
    $('#ops-plan-list').replaceChildren(...body.outcomes.map((o) => h('li', {},
      o.refused ? `${o.ref}: refused, ${o.refused}` : `${o.ref}: event ${o.event_id} to ${o.topic}`)));
    $('#ops-plan').hidden = false;
    $('#ops-confirm').disabled = body.replayed === 0;
    $('#ops-plan-summary').focus();
  } catch (err) { notice(err.message); }
}

async function confirmReplay() {
  if (!pending) return;
  try {
    const {body} = await api('POST', '/v1/ops/parked/replay', {body: {...pending, dry_run: false}});
    $('#ops-result').textContent = `Replayed ${body.replayed} of ${body.selected} selected parked messages.`;
  } catch (err) { notice(err.message); }
  pending = null;
  $('#ops-plan').hidden = true;
}

export function initOps() {
  $('#ops-filter').addEventListener('submit', (e) => { e.preventDefault(); loadParked(); });
  $('#ops-refresh').addEventListener('click', () => loadParked());
  $('#ops-replay-selected').addEventListener('click', () => {
    const refs = [...document.querySelectorAll('#ops-list .pick:checked')].map((c) => c.value);
    if (refs.length === 0) notice('Select parked messages first.');
    else dryRun({refs});
  });
  $('#ops-replay-matching').addEventListener('click', () => dryRun({all: true, ...filter()}));
  $('#ops-confirm').addEventListener('click', confirmReplay);
  $('#ops-cancel').addEventListener('click', () => { pending = null; $('#ops-plan').hidden = true; });
  $('#ops-detail-close').addEventListener('click', () => { $('#ops-detail').hidden = true; });
}
