// Drives headless Chromium over the DevTools protocol against a running Taskstream (see
// scripts/docs-browser-check.sh) and fails when /docs or /docs/events does not work under its
// Content-Security-Policy. Usage: node --experimental-websocket docs-browser-check.mjs BASE TOKEN CDP_PORT
const [base, token, cdpPort] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const failures = [];
const check = (ok, what) => { console.log((ok ? "ok    " : "FAIL  ") + what); if (!ok) failures.push(what); };

const targets = await (await fetch(`http://127.0.0.1:${cdpPort}/json/list`)).json();
const ws = new WebSocket(targets.find((t) => t.type === "page").webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener("open", r));
let seq = 0;
const pending = new Map();
const logs = [];
ws.addEventListener("message", (ev) => {
  const m = JSON.parse(ev.data);
  if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); return; }
  if (m.method === "Log.entryAdded") logs.push(`${m.params.entry.source}/${m.params.entry.level}: ${m.params.entry.text}`);
  if (m.method === "Runtime.exceptionThrown") logs.push("exception: " + (m.params.exceptionDetails.exception?.description ?? m.params.exceptionDetails.text));
  if (m.method === "Network.responseReceived" && m.params.response.status >= 400) logs.push(`http ${m.params.response.status} ${m.params.response.url}`);
});
const send = (method, params = {}) => new Promise((r) => { const i = ++seq; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
const evaluate = async (expr) => (await send("Runtime.evaluate", { expression: expr, awaitPromise: true, returnByValue: true })).result.result?.value;
const waitFor = async (expr, what, ms = 20000) => {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await evaluate(expr)) return true;
  check(false, what + " (timed out)");
  return false;
};
for (const d of ["Runtime", "Log", "Page", "Network"]) await send(d + ".enable");
// Records every CSP violation the page reports; scripts added over the protocol are not subject to the page's CSP.
await send("Page.addScriptToEvaluateOnNewDocument", { source: "window.__csp=[];document.addEventListener('securitypolicyviolation',e=>window.__csp.push(e.violatedDirective+' '+e.blockedURI));" });

async function docs() {
  await send("Page.navigate", { url: base + "/docs" });
  if (!await waitFor("document.querySelectorAll('.opblock').length > 0", "/docs renders the operations")) return;
  const timing = await evaluate("(()=>{const n=performance.getEntriesByType('navigation')[0];return `ttfb ${Math.round(n.responseStart)} ms, DOMContentLoaded ${Math.round(n.domContentLoadedEventEnd)} ms, operations shown by ${Math.round(performance.now())} ms`})()");
  check(true, `/docs (first visit, cold browser) renders ${await evaluate("document.querySelectorAll('.opblock').length")} operations (${timing})`);
  await evaluate("document.querySelector('.btn.authorize').click()");
  if (!await waitFor("!!document.querySelector('.auth-container input')", "Authorize shows the bearerAuth token field")) return;
  await evaluate("document.querySelector('.auth-container input').focus()");
  await send("Input.insertText", { text: token });
  await evaluate("document.querySelector('.auth-btn-wrapper .btn.modal-btn.auth.authorize').click()");
  await waitFor("!!document.querySelector('.btn-done')", "Authorize accepts the token");
  await evaluate("document.querySelector('.btn-done').click()");
  await evaluate("[...document.querySelectorAll('.opblock-get .opblock-summary-path')].find(e=>e.textContent.trim()==='/v1/todos').closest('.opblock-summary').querySelector('button').click()");
  if (!await waitFor("!!document.querySelector('.opblock.is-open .try-out__btn')", "GET /v1/todos opens")) return;
  await evaluate("document.querySelector('.opblock.is-open .try-out__btn').click()");
  await waitFor("!!document.querySelector('.opblock.is-open .btn.execute')", "Try it out shows Execute");
  await evaluate("document.querySelector('.opblock.is-open .btn.execute').click()");
  await waitFor("!!document.querySelector('.opblock.is-open .live-responses-table tbody td.response-col_status')", "Execute shows a response");
  const status = await evaluate("document.querySelector('.opblock.is-open .live-responses-table tbody td.response-col_status')?.textContent.trim()");
  check(status === "200", `Try it out: GET /v1/todos with the pasted token answers ${status}, want 200`);
  // Control: an inline script added to the page is blocked and reported, so the check can see a violation.
  await evaluate("(()=>{const s=document.createElement('script');s.textContent='window.__inlineRan=true';document.body.appendChild(s)})()");
  await sleep(200);
  const violations = await evaluate("window.__csp");
  check(!await evaluate("!!window.__inlineRan") && violations.length === 1, `/docs: no CSP violation but the control's (${JSON.stringify(violations)})`);
}

// A second visit with the browser's cache off: the page's own load, without a cold browser's
// start-up (the first navigation of a fresh Chromium also pays for its own warm-up).
async function warmNoCache() {
  await send("Network.setCacheDisabled", { cacheDisabled: true });
  await send("Page.navigate", { url: base + "/docs" });
  await sleep(500); // Page.navigate returns before the old document is gone
  if (!await waitFor("document.querySelectorAll('.opblock').length > 0", "/docs renders again")) return;
  const timing = await evaluate("(()=>{const n=performance.getEntriesByType('navigation')[0];return `ttfb ${Math.round(n.responseStart)} ms, DOMContentLoaded ${Math.round(n.domContentLoadedEventEnd)} ms`})()");
  check(true, `/docs again, no cache: ${timing}`);
  await send("Network.setCacheDisabled", { cacheDisabled: false });
}

async function events() {
  await send("Page.navigate", { url: base + "/docs/events" });
  if (!await waitFor("document.querySelectorAll('section.channel').length > 0", "/docs/events lists the channels")) return;
  check(true, `/docs/events lists ${await evaluate("document.querySelectorAll('section.channel').length")} channels and ${await evaluate("document.querySelectorAll('section.channel section').length")} messages`);
  const violations = await evaluate("window.__csp");
  check(violations.length === 0, `/docs/events: no CSP violation (${JSON.stringify(violations)})`);
}

await docs();
await warmNoCache();
await events();
ws.close();
const unexpected = logs.filter((l) => !l.includes("window.__inlineRan") && !l.startsWith("security/error: Executing inline script"));
check(unexpected.length === 0, "no console error, exception or failed request" + (unexpected.length ? ":\n  " + unexpected.join("\n  ") : ""));
process.exit(failures.length ? 1 : 0);
