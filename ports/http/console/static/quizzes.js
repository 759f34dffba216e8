// Quizzes: build one (each question's options one per line, the right ones marked with "*"),
// share its link (/#quiz=<id>), take it, and watch the submission go from pending to scored;
// its owner also sees the statistics.

import {api, session} from './api.js';
import {$, h, notice} from './dom.js';

let questionCount = 0;

function addQuestion() {
  questionCount += 1;
  const n = questionCount;
  const id = (f) => `qb-${n}-${f}`;
  $('#quiz-builder').append(h('fieldset', {class: 'question', 'data-question': String(n)},
    h('legend', {}, `Question ${n}`),
    h('label', {for: id('text')}, 'Question'), h('input', {id: id('text'), name: 'text', required: true}),
    h('label', {for: id('category')}, 'Category'), h('input', {id: id('category'), name: 'category', required: true, value: 'general'}),
    h('label', {for: id('points')}, 'Points'), h('input', {id: id('points'), name: 'points', type: 'number', min: 1, max: 1000, value: 1}),
    h('label', {for: id('options')}, 'Options, one per line; mark the right ones with * at the start'),
    h('textarea', {id: id('options'), name: 'options', rows: 4, required: true})));
}

// readQuestion turns a fieldset into a question of the API: several right options make it a
// "multiple" question (scores only when exactly those are picked).
function readQuestion(fs, i) {
  const lines = fs.querySelector('[name=options]').value.split('\n').map((l) => l.trim()).filter(Boolean);
  const options = lines.map((l, j) => ({id: String.fromCharCode(97 + j), text: l.replace(/^\*\s*/, '')}));
  const correct = lines.flatMap((l, j) => (l.startsWith('*') ? [options[j].id] : []));
  return {id: `q${i + 1}`, text: fs.querySelector('[name=text]').value, category: fs.querySelector('[name=category]').value,
    points: Number(fs.querySelector('[name=points]').value), kind: correct.length > 1 ? 'multiple' : 'single', options, correct};
}

async function createQuiz(e) {
  e.preventDefault();
  const f = e.target;
  const attempts = f.max_attempts.value;
  const body = {title: f.title.value, feedback: f.feedback.value, max_attempts: attempts ? Number(attempts) : null,
    questions: [...document.querySelectorAll('#quiz-builder fieldset')].map(readQuestion)};
  try {
    const {body: quiz} = await api('POST', '/v1/tests', {body});
    f.reset();
    $('#quiz-builder').replaceChildren();
    questionCount = 0;
    addQuestion();
    $('#quiz-new').open = false;
    location.hash = `quiz=${quiz.id}`;
  } catch (err) {
    const fields = err.problem?.errors?.map((x) => `${x.field}: ${x.message}`).join('; ');
    notice(fields || err.message);
  }
}

export async function openQuiz(id) {
  const {body: q} = await api('GET', `/v1/tests/${encodeURIComponent(id)}`);
  const owner = q.owner_id === session.user();
  $('#quiz-view').hidden = false;
  $('#quiz-view').dataset.quizId = q.id;
  $('#quiz-view-title').textContent = q.title;
  $('#quiz-meta').textContent = `${q.questions.length} questions, ${q.max_points} points${owner ? ' · yours' : ''}`;
  $('#quiz-share').href = `${location.origin}/#quiz=${q.id}`;
  $('#quiz-share').textContent = `Share link: ${location.origin}/#quiz=${q.id}`;
  $('#quiz-result').hidden = true;
  $('#quiz-questions').replaceChildren(...q.questions.map((qu) => h('fieldset', {class: 'question'},
    h('legend', {}, `${qu.text} (${qu.points} ${qu.points === 1 ? 'point' : 'points'}${qu.kind === 'multiple' ? ', pick every right one' : ''})`),
    ...qu.options.map((o) => h('label', {class: 'option'},
      h('input', {type: qu.kind === 'multiple' ? 'checkbox' : 'radio', name: qu.id, value: o.id}), ` ${o.text}`)))));
  $('#quiz-stats').hidden = !owner;
  if (owner) await showStats(q.id);
}

async function submit(e) {
  e.preventDefault();
  const quizId = $('#quiz-view').dataset.quizId;
  const answers = {};
  for (const input of e.target.querySelectorAll('input:checked')) (answers[input.name] ||= []).push(input.value);
  try {
    const {body, headers} = await api('POST', `/v1/tests/${quizId}/submissions`, {body: {answers}});
    showResult(body);
    await waitScored(headers.get('Location') || `/v1/submissions/${body.id}`);
    if (!$('#quiz-stats').hidden) await showStats(quizId);
  } catch (err) { notice(err.message); }
}

// waitScored polls the submission until the background scoring has decided it.
async function waitScored(location) {
  for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
    await new Promise((r) => setTimeout(r, pause));
    const {body} = await api('GET', location);
    if (body.status !== 'pending') {
      showResult(body);
      return;
    }
  }
}

function showResult(s) {
  const el = $('#quiz-result');
  el.hidden = false;
  el.dataset.status = s.status;
  const r = s.result;
  // replaceChildren would write a null as the text "null": the absent parts are left out.
  el.replaceChildren(...[h('h4', {}, `Attempt ${s.attempt}: `, h('span', {class: 'status'}, s.status)),
    s.status === 'pending' ? h('p', {}, 'Scoring in the background…') : null,
    s.status === 'failed' ? h('p', {}, s.reason) : null,
    r ? h('p', {class: 'score'}, `${r.points} of ${r.max_points} points (${Math.round(r.percentage)}%)`) : null,
    r?.report ? h('p', {}, r.report) : null,
    r?.categories ? h('table', {class: 'breakdown'},
      h('caption', {}, 'By category'),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Category'), h('th', {scope: 'col'}, 'Points'), h('th', {scope: 'col'}, '%'))),
      h('tbody', {}, ...r.categories.map((c) => h('tr', {}, h('td', {}, c.category), h('td', {}, `${c.points} / ${c.max_points}`),
        h('td', {}, String(Math.round(c.percentage))))))) : null].filter(Boolean));
}

async function showStats(quizId) {
  const {body: st} = await api('GET', `/v1/tests/${quizId}/stats`);
  // The statistics are kept by a background consumer, so a refresh may show more.
  $('#quiz-stats').replaceChildren(h('h4', {}, 'Statistics ',
    h('button', {type: 'button', id: 'quiz-stats-refresh', onclick: () => showStats(quizId).catch((err) => notice(err.message))}, 'Refresh')),
    h('p', {class: 'stats'}, `${st.attempts} scored · mean ${Math.round(st.mean_percentage)}% · median ${Math.round(st.median_percentage)}%`),
    h('ol', {class: 'bands', 'aria-label': 'Distribution'}, ...st.distribution.map((b) => h('li', {}, `${b.from}–${b.to}%: ${b.count}`))));
}

export function quizFromHash() {
  const m = /^#quiz=([\w-]+)$/.exec(location.hash);
  return m ? m[1] : null;
}

export function initQuizzes() {
  addQuestion();
  $('#quiz-add-question').addEventListener('click', addQuestion);
  $('#quiz-form').addEventListener('submit', createQuiz);
  $('#quiz-take').addEventListener('submit', submit);
  $('#quiz-open').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = e.target.link.value.trim();
    const id = /quiz=([\w-]+)/.exec(v)?.[1] || v;
    location.hash = `quiz=${id}`;
  });
}
