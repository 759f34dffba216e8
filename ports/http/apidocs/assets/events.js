// Renders /asyncapi.json on /docs/events: each channel (topic) with who sends and receives it,
// and each message with its headers and payload schema. Built with DOM calls only (no
// innerHTML), from a file of its own so that the page's CSP allows scripts from the server alone.
"use strict";

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function resolve(doc, ref) {
  return ref.replace(/^#\//, "").split("/").reduce((node, part) => node && node[part], doc);
}

function deref(doc, node) {
  return node && node.$ref ? resolve(doc, node.$ref) : node;
}

function headersTable(headers) {
  const table = el("table");
  const head = table.createTHead().insertRow();
  for (const h of ["header", "value", "required"]) head.appendChild(el("th", h, { scope: "col" }));
  const required = new Set(headers.required || []);
  const body = table.createTBody();
  for (const [name, s] of Object.entries(headers.properties || {})) {
    const row = body.insertRow();
    row.appendChild(el("td")).appendChild(el("code", name));
    row.insertCell().textContent = (s.const !== undefined ? s.const + " — " : "") + (s.description || "");
    row.insertCell().textContent = required.has(name) ? "yes" : "no";
  }
  return table;
}

function messageSection(id, msg) {
  const s = el("section", null, { "aria-label": msg.name || id });
  s.appendChild(el("h3")).appendChild(el("code", msg.name || id));
  if (msg["x-schema-version"]) s.appendChild(el("p", "Schema version " + msg["x-schema-version"] + "."));
  if (msg.summary) s.appendChild(el("p", msg.summary));
  const key = msg.bindings && msg.bindings.kafka && msg.bindings.kafka.key;
  if (key) s.appendChild(el("p", "Key: " + key.description));
  s.appendChild(el("h4", "Headers"));
  s.appendChild(headersTable(msg.headers || {}));
  s.appendChild(el("h4", "Payload schema"));
  s.appendChild(el("pre", JSON.stringify(msg.payload, null, 2)));
  return s;
}

function channelSection(doc, id, ch) {
  const s = el("section", null, { class: "channel", id: "channel-" + id });
  const h = s.appendChild(el("h2"));
  h.appendChild(el("code", ch.address));
  h.appendChild(document.createTextNode(" — " + (ch.title || id)));
  if (ch.description) s.appendChild(el("p", ch.description));
  for (const [opId, op] of Object.entries(doc.operations || {})) {
    if (!op.channel || op.channel.$ref !== "#/channels/" + id) continue;
    const p = s.appendChild(el("p", null, { class: "op" }));
    if (op.action === "send") {
      p.appendChild(el("strong", "Sent by: "));
      p.appendChild(document.createTextNode(op.summary || opId));
    } else {
      p.appendChild(el("strong", "Received by " + op["x-handler"] + " in group "));
      p.appendChild(el("code", op["x-consumer-group"]));
      p.appendChild(document.createTextNode(": " + (op.summary || "") + (op.description ? " " + op.description : "")));
    }
  }
  for (const [mid, m] of Object.entries(ch.messages || {})) s.appendChild(messageSection(mid, deref(doc, m)));
  return s;
}

async function render() {
  const main = document.getElementById("events");
  try {
    const res = await fetch("/asyncapi.json", { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error("GET /asyncapi.json answered " + res.status);
    const doc = await res.json();
    main.replaceChildren(el("h1", doc.info.title));
    main.appendChild(el("p", doc.info.description));
    const p = main.appendChild(el("p", "AsyncAPI " + doc.asyncapi + ": "));
    p.appendChild(el("a", "asyncapi.json", { href: "/asyncapi.json" }));
    const toc = main.appendChild(el("ul", null, { "aria-label": "Topics" }));
    for (const [id, ch] of Object.entries(doc.channels)) {
      toc.appendChild(el("li")).appendChild(el("a", ch.address, { href: "#channel-" + id }));
    }
    for (const [id, ch] of Object.entries(doc.channels)) main.appendChild(channelSection(doc, id, ch));
  } catch (err) {
    main.replaceChildren(el("h1", "Events"), el("p", "Could not load the AsyncAPI document: " + err.message, { role: "alert" }));
  }
}

window.addEventListener("DOMContentLoaded", render);
