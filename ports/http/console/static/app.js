// The console's entry point: sign-in, the two sections, and the live feed.

import {api, session, whenUnauthorized} from './api.js';
import {$, notice} from './dom.js';
import {follow} from './live.js';
import {initBoard, loadBoard, taskChanged} from './board.js';
import {initTodos, loadTodos} from './todos.js';
import {initNotifications, loadNotifications, notificationCreated} from './notifications.js';
import {initQuizzes, openQuiz, quizFromHash} from './quizzes.js';
import {initOps, loadParked, probeOperator} from './ops.js';

const SECTIONS = ['tasks', 'todos', 'quizzes', 'notifications', 'ops'];

// route shows the section the address names: #todos, #quizzes, #notifications, or a shared
// quiz (#quiz=<id>); the board otherwise.
function route() {
  const quiz = quizFromHash();
  if (quiz) {
    show('quizzes');
    openQuiz(quiz).catch((err) => notice(err.message));
    return;
  }
  const name = location.hash.slice(1);
  const allowed = SECTIONS.includes(name) && (name !== 'ops' || !$('#tab-ops').hidden);
  show(allowed ? name : 'tasks');
  if (allowed && name === 'ops') loadParked();
}

let unfollow = null;

async function offerDemoSignIn() {
  // The one-click sign-in exists only in the embedded default; elsewhere the route is a 404.
  const res = await fetch('/console/sign-in', {method: 'GET', cache: 'no-store'}).catch(() => null);
  $('#demo-form').hidden = !(res && res.status === 204);
}

function showSignIn() {
  unfollow?.();
  unfollow = null;
  $('#who').hidden = true;
  $('#tabs').hidden = true;
  $('#tasks').hidden = true;
  $('#todos').hidden = true;
  $('#notifications').hidden = true;
  $('#quizzes').hidden = true;
  $('#ops').hidden = true;
  $('#tab-ops').hidden = true;
  $('#sign-in').hidden = false;
  offerDemoSignIn();
}

function show(section) {
  for (const name of SECTIONS) {
    $(`#${name}`).hidden = name !== section;
    const tab = $(`#tab-${name}`);
    if (name === section) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
}

async function signedIn() {
  $('#sign-in').hidden = true;
  $('#user').textContent = session.user();
  $('#who').hidden = false;
  $('#tabs').hidden = false;
  // The operator tab shows only to a user the operator routes do not refuse (403).
  $('#tab-ops').hidden = !(await probeOperator());
  route();
  try {
    await Promise.all([loadBoard(), loadTodos(), loadNotifications()]);
  } catch (err) {
    notice(err.message);
  }
  let opened = false;
  unfollow = follow(session.token(), {
    onState: (s) => {
      const el = $('#live');
      el.textContent = s;
      el.dataset.state = s;
    },
    // Frames missed while the connection was down are caught up by reloading the board.
    onOpen: () => {
      if (opened) Promise.all([loadBoard(), loadNotifications()]).catch((err) => notice(err.message));
      opened = true;
    },
    onFrame: (f) => {
      if (f.type === 'task.changed') taskChanged(f).catch((err) => notice(err.message));
      if (f.type === 'notification.created') notificationCreated(f);
    },
  });
}

async function signInWith(token) {
  try {
    await api('GET', '/v1/todos?limit=1', {token});
  } catch (err) {
    notice(`That token was refused: ${err.message}`);
    return;
  }
  session.set(token);
  signedIn();
}

function init() {
  initBoard();
  initTodos();
  initNotifications();
  initQuizzes();
  initOps();
  window.addEventListener('hashchange', () => { if (session.token()) route(); });
  whenUnauthorized(() => {
    session.clear();
    notice('Your session ended: sign in again.');
    showSignIn();
  });
  $('#demo-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const {body} = await api('POST', '/console/sign-in', {body: {user: e.target.user.value, operator: e.target.operator.checked}, token: null});
      await signInWith(body.token);
    } catch (err) { notice(err.message); }
  });
  $('#token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signInWith(e.target.token.value.trim());
  });
  $('#sign-out').addEventListener('click', () => {
    session.clear();
    showSignIn();
  });
  for (const name of SECTIONS) {
    $(`#tab-${name}`).addEventListener('click', () => {
      history.replaceState(null, '', `#${name}`);
      show(name);
      if (name === 'ops') loadParked();
    });
  }
  if (session.token()) signedIn();
  else showSignIn();
}

init();
