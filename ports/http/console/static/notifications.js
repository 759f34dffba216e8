// Notifications: newest first, each with its channels' delivery status; the unread count in
// the tab; new ones arrive live as notification.created frames (a redelivered frame repeats an
// id, which is skipped).

import {api} from './api.js';
import {$, h, notice, when} from './dom.js';

const PAGE = 50;
let cursor = '';
let unread = 0;
const seen = new Set();

function setUnread(n) {
  unread = Math.max(0, n);
  $('#unread').textContent = String(unread);
  $('#unread').dataset.count = String(unread);
}

export async function loadNotifications() {
  cursor = '';
  seen.clear();
  $('#notification-list').replaceChildren();
  await more();
  // The unread count is the number of unread ones, up to a page of 200 ("200+" beyond).
  const {body} = await api('GET', '/v1/notifications?unread=true&limit=200');
  setUnread(body.items.length);
  if (body.next_cursor) $('#unread').textContent = '200+';
}

async function more() {
  const q = new URLSearchParams({limit: String(PAGE)});
  if (cursor) q.set('cursor', cursor);
  const {body} = await api('GET', `/v1/notifications?${q}`);
  for (const n of body.items) {
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    $('#notification-list').append(item(n));
  }
  cursor = body.next_cursor || '';
  $('#notification-more').hidden = !cursor;
}

function item(n) {
  const titleId = `notification-${n.id}-title`;
  return h('li', {class: n.read ? 'notification' : 'notification unread', 'data-notification-id': n.id,
    'data-read': String(n.read), 'aria-labelledby': titleId},
  h('h3', {id: titleId}, n.read ? '' : h('span', {class: 'dot', 'aria-label': 'unread'}, '● '), n.title),
  h('p', {}, n.message),
  h('p', {class: 'meta'}, h('time', {datetime: n.created_at}, when(n.created_at)),
    ...n.deliveries.map((d) => h('span', {class: `channel ${d.status}`, 'data-channel': d.channel},
      `${d.channel}: ${d.status}${d.reason ? ` (${d.reason})` : ''}`))),
  n.read ? null : h('button', {type: 'button', class: 'mark-read', 'aria-label': `Mark “${n.title}” read`,
    onclick: () => markRead(n)}, 'Mark read'));
}

async function markRead(n) {
  try {
    const {body} = await api('POST', `/v1/notifications/${n.id}/read`);
    $(`[data-notification-id="${n.id}"]`)?.replaceWith(item(body || {...n, read: true}));
    if (!n.read) setUnread(unread - 1);
    n.read = true;
  } catch (err) { notice(err.message); }
}

// notificationCreated applies a notification.created frame, whose data is the notification.
export function notificationCreated(frame) {
  const n = frame.data;
  if (!n?.id || seen.has(n.id)) return;
  seen.add(n.id);
  $('#notification-list').prepend(item(n));
  if (!n.read) setUnread(unread + 1);
}

export function initNotifications() {
  $('#notification-more').addEventListener('click', () => more().catch((err) => notice(err.message)));
  $('#read-all').addEventListener('click', async () => {
    try {
      await api('POST', '/v1/notifications/read-all');
      await loadNotifications();
    } catch (err) { notice(err.message); }
  });
}
