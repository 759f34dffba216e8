// The task board: three columns by status, newest first in each. Every change goes through
// the API with If-Match (the version the user saw), and every change, from this tab or any
// other, comes back through the live feed, which reloads the one task it names.

import {api, etag, ApiError} from './api.js';
import {$, h, notice, when, toLocalInput, fromLocalInput} from './dom.js';

const STATUSES = ['todo', 'in_progress', 'done'];
const LABEL = {todo: 'To do', in_progress: 'In progress', done: 'Done'};
const tasks = new Map(); // id → task as the API last showed it

export async function loadBoard() {
  tasks.clear();
  let cursor = '';
  do {
    const q = new URLSearchParams({limit: '200'});
    if (cursor) q.set('cursor', cursor);
    const {body} = await api('GET', `/v1/tasks?${q}`);
    for (const t of body.items) tasks.set(t.id, t);
    cursor = body.next_cursor || '';
  } while (cursor);
  render();
}

// taskChanged applies a task.changed frame: the task is fetched again (a frame carries only
// the changed fields), or dropped when it was deleted.
export async function taskChanged(frame) {
  const id = frame.data?.task_id || frame.id;
  if (frame.data?.action === 'deleted') {
    tasks.delete(id);
    render();
    return;
  }
  const known = tasks.get(id);
  if (known && frame.data?.version && known.version >= frame.data.version) return;
  try {
    const {body} = await api('GET', `/v1/tasks/${encodeURIComponent(id)}`);
    tasks.set(id, body);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    tasks.delete(id);
  }
  render();
}

function render() {
  const sorted = [...tasks.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  for (const status of STATUSES) {
    const list = $(`ul[data-status="${status}"]`);
    const mine = sorted.filter((t) => t.status === status);
    list.replaceChildren(...mine.map(card));
    $(`[data-count="${status}"]`).textContent = `(${mine.length})`;
  }
}

function card(t) {
  const titleId = `task-${t.id}-title`;
  // A done task goes back with Reopen; the others move between To do and In progress.
  const moveTo = t.status === 'done' ? [] : STATUSES.filter((s) => s !== t.status && s !== 'done');
  return h('li', {class: `card prio-${t.priority}`, 'data-task-id': t.id, 'aria-labelledby': titleId},
    h('h4', {id: titleId}, t.title),
    t.description ? h('p', {class: 'desc'}, t.description) : null,
    h('p', {class: 'meta'},
      h('span', {class: 'prio'}, t.priority),
      t.due_at ? h('span', {class: 'due'}, 'due ', h('time', {datetime: t.due_at}, when(t.due_at))) : null,
      h('span', {class: 'version'}, `v${t.version}`)),
    h('div', {class: 'actions'},
      t.status === 'done'
        ? h('button', {type: 'button', class: 'reopen', onclick: () => act(t, 'reopen')}, 'Reopen')
        : h('button', {type: 'button', class: 'complete', onclick: () => act(t, 'complete')}, 'Complete'),
      ...moveTo.map((s) => h('button', {type: 'button', class: `move-${s}`,
        'aria-label': `Move “${t.title}” to ${LABEL[s]}`, onclick: () => move(t, s)}, `→ ${LABEL[s]}`)),
      h('button', {type: 'button', class: 'edit', 'aria-label': `Edit “${t.title}”`, onclick: () => openEdit(t)}, 'Edit'),
      h('button', {type: 'button', class: 'history', 'aria-label': `History of “${t.title}”`, onclick: () => openHistory(t)}, 'History'),
      h('button', {type: 'button', class: 'delete', 'aria-label': `Delete “${t.title}”`, onclick: () => remove(t)}, 'Delete')));
}

// settle records the task an answer carries, at once: the live frame that follows is then
// older than what the board shows and is skipped.
function settle(body) {
  if (body?.id) tasks.set(body.id, body);
  render();
}

async function act(t, verb) {
  try {
    settle((await api('POST', `/v1/tasks/${t.id}/${verb}`, {headers: {'If-Match': etag(t.version)}})).body);
  } catch (err) { failed(err, t); }
}

async function move(t, status) {
  try {
    settle((await api('PATCH', `/v1/tasks/${t.id}`, {body: {status}, headers: {'If-Match': etag(t.version)}})).body);
  } catch (err) { failed(err, t); }
}

async function remove(t) {
  if (!confirm(`Delete “${t.title}”?`)) return;
  try {
    await api('DELETE', `/v1/tasks/${t.id}`, {headers: {'If-Match': etag(t.version)}});
    tasks.delete(t.id);
    render();
  } catch (err) { failed(err, t); }
}

// failed explains a refused change; a stale one (412) reloads the task, so the next click
// acts on what is there now.
async function failed(err, t) {
  if (err instanceof ApiError && err.status === 412) {
    notice(`“${t.title}” changed elsewhere; the board now shows its current version. Try again.`);
    await taskChanged({id: t.id, data: {task_id: t.id}}).catch(() => {});
    return;
  }
  notice(err.message);
}

export function initBoard() {
  $('#task-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target;
    try {
      const {body} = await api('POST', '/v1/tasks', {body: {
        title: f.title.value, priority: f.priority.value, due_at: fromLocalInput(f.due_at.value)}});
      settle(body);
      f.reset();
      f.title.focus();
    } catch (err) { notice(err.message); }
  });
  initEdit();
  $('#history-close').addEventListener('click', () => $('#history-dialog').close());
}

// The edit dialog keeps the version it was opened on: saving sends it as If-Match, so a change
// made elsewhere meanwhile is answered 412 and shown, with the current version on offer.
let editing = null;

function fillEdit(t) {
  const f = $('#edit-form');
  editing = t;
  f.title.value = t.title;
  f.description.value = t.description || '';
  f.status.value = t.status;
  f.priority.value = t.priority;
  f.due_at.value = toLocalInput(t.due_at);
}

function showStale(current) {
  const p = $('#stale');
  p.textContent = current
    ? `This task was changed elsewhere (now version ${current.version}: “${current.title}”, ${LABEL[current.status]}, ${current.priority}). Load it, or save yours over it.`
    : 'This task was changed elsewhere.';
  p.hidden = false;
  $('#edit-take-current').hidden = !current;
  $('#edit-overwrite').hidden = !current;
}

function hideStale() {
  $('#stale').hidden = true;
  $('#edit-take-current').hidden = true;
  $('#edit-overwrite').hidden = true;
}

function openEdit(t) {
  hideStale();
  fillEdit(t);
  $('#task-dialog').showModal();
}

let current = null; // the task's current version after a 412

async function save(version) {
  const f = $('#edit-form');
  const patch = {title: f.title.value, description: f.description.value, status: f.status.value,
    priority: f.priority.value, due_at: fromLocalInput(f.due_at.value)};
  try {
    const {body} = await api('PATCH', `/v1/tasks/${editing.id}`, {body: patch, headers: {'If-Match': etag(version)}});
    settle(body);
    $('#task-dialog').close();
  } catch (err) {
    if (err instanceof ApiError && err.status === 412) {
      current = (await api('GET', `/v1/tasks/${editing.id}`).catch(() => null))?.body;
      showStale(current);
      return;
    }
    notice(err.message);
  }
}

function initEdit() {
  $('#edit-form').addEventListener('submit', (e) => {
    e.preventDefault();
    save(editing.version);
  });
  $('#edit-cancel').addEventListener('click', () => $('#task-dialog').close());
  $('#edit-take-current').addEventListener('click', () => {
    hideStale();
    fillEdit(current);
  });
  $('#edit-overwrite').addEventListener('click', () => {
    hideStale();
    editing = current;
    save(current.version);
  });
}

async function openHistory(t) {
  const list = $('#history-list');
  $('#history-title').textContent = `History of “${t.title}”`;
  list.replaceChildren(h('li', {}, 'Loading…'));
  $('#history-dialog').showModal();
  try {
    const {body} = await api('GET', `/v1/tasks/${t.id}/history`);
    list.replaceChildren(...body.items.map((e) => h('li', {},
      h('strong', {}, e.action), ` v${e.version} · `, h('time', {datetime: e.at}, when(e.at)),
      ` · ${LABEL[e.task.status]}, ${e.task.priority}: “${e.task.title}”`)));
    if (!body.items.length) list.replaceChildren(h('li', {}, 'No history yet: it is written by the audit worker shortly after each change.'));
  } catch (err) {
    list.replaceChildren(h('li', {}, err.message));
  }
}
