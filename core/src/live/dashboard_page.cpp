#include "perf/live/dashboard_page.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace perf::live {

namespace {

// Inline CSS and JavaScript only: the page must work where the machine has no internet.
// The script keeps what it drew in data attributes and records every error it sees in #errors,
// so that a headless browser's DOM dump shows both (tests/integration/live_test.cpp).
const char* page_head = R"PAGE(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>perf-agent live</title><link rel="icon" href="data:,"><style>
body{font:14px/1.4 system-ui,sans-serif;margin:18px;color:#1d2329;background:#fafbfc}
h1{font-size:20px;margin:0 0 6px}.meta{color:#57606a}
table{border-collapse:collapse;background:#fff;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
tr.sel{background:#ddf4ff}tr[data-task]{cursor:pointer}
.case{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:10px 0;padding:8px}
.case h2{font-size:15px;margin:0 0 4px}.now{font-variant-numeric:tabular-nums;color:#57606a}
svg{margin:4px 10px 4px 0;background:#fff}.frame{fill:none;stroke:#d0d7de}
.ax{font-size:10px;fill:#57606a}.ct{font-size:11px;font-weight:600}
#errors{color:#cf222e;white-space:pre-wrap}
.passed{color:#1a7f37}.failed,.error{color:#cf222e}.warning{color:#9a6700}
</style></head><body>
<h1>perf-agent live</h1><div class="meta" id="status">connecting</div>
<div id="login" hidden>Token: <input id="token" type="text" size="70" autocomplete="off" spellcheck="false"> <button id="open">Open</button></div>
<table id="tasks"><thead><tr><th>task</th><th>status</th><th>created</th><th>finished</th><th>result</th></tr></thead><tbody></tbody></table>
<div id="cases"></div><pre id="errors"></pre>
<script>)PAGE";

const char* page_script = R"PAGE(
const errorsBox = document.getElementById("errors");
function recordError(text) { errorsBox.textContent += text + "\n"; document.body.dataset.errors = (+(document.body.dataset.errors || 0) + 1); }
window.addEventListener("error", e => recordError("error: " + e.message));
window.addEventListener("unhandledrejection", e => recordError("rejection: " + e.reason));
const statusLine = document.getElementById("status");
let token = new URLSearchParams(location.hash.slice(1)).get("token") || sessionStorage.getItem("perf-agent-token") || "";
// The token leaves the address bar (and the history) once read; the tab keeps it.
if (location.hash) { if (token) sessionStorage.setItem("perf-agent-token", token); history.replaceState(null, "", location.pathname + location.search); }
let following = null, socket = null;
const cases = new Map();
document.body.dataset.points = 0;
const api = path => fetch(path, {headers: {Authorization: "Bearer " + token}}).then(r => {
  if (r.status === 401) { askToken(); throw new Error("the token was refused"); }
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
});
function askToken() {
  const form = document.getElementById("login");
  form.hidden = false;
  document.getElementById("open").onclick = () => { token = document.getElementById("token").value.trim(); sessionStorage.setItem("perf-agent-token", token); form.hidden = true; refresh(); };
}
function cell(row, text) { const td = row.insertCell(); td.textContent = text == null ? "" : text; return td; }
function refresh() {
  if (!token) { askToken(); return; }
  api("/api/v1/tasks?limit=20").then(list => {
    const body = document.querySelector("#tasks tbody");
    body.replaceChildren();
    for (const t of list.tasks) {
      const row = body.insertRow();
      row.dataset.task = t.task_id;
      if (t.task_id === following) {
        row.className = "sel";
        // A task followed while queued had no stream yet: follow it again once it runs.
        if (t.status === "running" && socket && socket.readyState === WebSocket.CLOSED && !document.body.dataset.ended) follow(t.task_id);
      }
      cell(row, t.task_id); cell(row, t.status); cell(row, t.created_at); cell(row, t.finished_at);
      const link = document.createElement("a");
      link.href = "/api/v1/tasks/" + encodeURIComponent(t.task_id);
      link.textContent = "JSON";
      link.onclick = e => { e.preventDefault(); e.stopPropagation(); api(link.getAttribute("href")).then(r => { const w = window.open(); if (w) w.document.body.textContent = JSON.stringify(r, null, 2); }); };
      const cellOf = row.insertCell();
      if (t.links !== false) cellOf.append(link);
      if (t.links !== false && ["success", "failed", "cancelled", "error"].includes(t.status)) {
        // The HTML report of a finished task: fetched with the token, shown as a page of its own.
        const page = document.createElement("a");
        page.href = "/api/v1/tasks/" + encodeURIComponent(t.task_id) + "/report.html";
        page.textContent = "report";
        page.onclick = e => { e.preventDefault(); e.stopPropagation(); fetch(page.getAttribute("href"), {headers: {Authorization: "Bearer " + token}}).then(r => r.ok ? r.text() : Promise.reject(new Error("report: HTTP " + r.status))).then(html => { const w = window.open(URL.createObjectURL(new Blob([html], {type: "text/html"}))); if (!w) statusLine.textContent = "allow pop-ups to open the report"; }).catch(err => { statusLine.textContent = String(err.message || err); }); };
        cellOf.append(" ", page);
      }
      row.onclick = () => follow(t.task_id);
    }
    if (!following && list.tasks.length) {
      const running = list.tasks.find(t => t.status === "running");
      follow(INITIAL_TASK || (running || list.tasks[0]).task_id);
    }
  }).catch(e => { statusLine.textContent = String(e.message || e); });
}
function follow(id) {
  if (socket) socket.close();
  following = id;
  cases.clear();
  document.getElementById("cases").replaceChildren();
  document.body.dataset.points = 0;
  delete document.body.dataset.requests;
  delete document.body.dataset.ended;
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/tasks/" + encodeURIComponent(id) + "/live";
  socket = new WebSocket(url, ["bearer." + token]);
  statusLine.textContent = "task " + id + ": connecting";
  socket.onopen = () => { statusLine.textContent = "task " + id + ": live"; };
  socket.onmessage = e => receive(JSON.parse(e.data));
  socket.onclose = e => { if (following === id && !document.body.dataset.ended) statusLine.textContent = "task " + id + ": stream closed (" + e.code + ")"; };
  for (const row of document.querySelectorAll("#tasks tr[data-task]")) row.className = row.dataset.task === id ? "sel" : "";
}
const SERIES = [
  ["Requests per second", "req/s", [["rps", "#0969da"]]],
  ["Latency", "ms", [["p50_ms", "#1a7f37"], ["p95_ms", "#8250df"], ["p99_ms", "#cf222e"]]],
  ["Errors per second", "errors/s", [["errors_per_s", "#cf222e"]]],
  ["Active users", "users", [["active_users", "#9a6700"]]],
];
function caseView(id) {
  let view = cases.get(id);
  if (view) return view;
  const box = document.createElement("div");
  box.className = "case";
  const title = document.createElement("h2");
  title.textContent = id;
  const now = document.createElement("div");
  now.className = "now";
  const charts = document.createElement("div");
  box.append(title, now, charts);
  document.getElementById("cases").prepend(box);
  view = {box, now, charts, points: [], verdict: null};
  cases.set(id, view);
  return view;
}
const fmt = v => v == null ? "\u2014" : (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
function receive(m) {
  if (m.type === "interval") {
    const view = caseView(m.case);
    view.points.push(m);
    document.body.dataset.points = +document.body.dataset.points + 1;
    document.body.dataset.requests = (+(document.body.dataset.requests || 0)) + m.requests;
    // A phase's closing sliver has no rate: the line keeps the last whole second.
    if (m.rps != null) view.now.textContent = "t " + m.t_s.toFixed(1) + " s \u00b7 " + fmt(m.rps) + " req/s \u00b7 p50 " + fmt(m.p50_ms) + " \u00b7 p95 " + fmt(m.p95_ms) + " \u00b7 p99 " + fmt(m.p99_ms) + " ms \u00b7 errors " + fmt(m.errors_per_s) + "/s \u00b7 users " + fmt(m.active_users);
    view.box.dataset.last = JSON.stringify(m);
    draw(view);
  } else if (m.type === "case_done") {
    const view = caseView(m.case);
    const verdict = document.createElement("div");
    verdict.className = m.verdict;
    verdict.textContent = m.verdict + (m.reason ? ": " + m.reason : "");
    view.box.append(verdict);
    view.box.dataset.verdict = m.verdict;
  } else if (m.type === "end") {
    document.body.dataset.ended = m.status;
    statusLine.textContent = "task " + following + ": " + m.status;
    refresh();
  }
}
function draw(view) {
  view.charts.replaceChildren(...SERIES.map(([title, unit, lines]) => chart(title, unit, lines, view.points)));
}
function chart(title, unit, lines, points) {
  const W = 300, H = 140, L = 44, R = 8, T = 20, B = 22;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", W); svg.setAttribute("height", H);
  const add = (name, attrs, text) => { const el = document.createElementNS(ns, name); for (const k in attrs) el.setAttribute(k, attrs[k]); if (text != null) el.textContent = text; svg.append(el); return el; };
  add("text", {x: 4, y: 13, class: "ct"}, title + " (" + unit + ")");
  add("rect", {x: L, y: T, width: W - L - R, height: H - T - B, class: "frame"});
  let xmax = 1, ymax = 0;
  for (const p of points) { xmax = Math.max(xmax, p.t_s); for (const [k] of lines) if (p[k] != null) ymax = Math.max(ymax, p[k]); }
  if (ymax <= 0) ymax = 1;
  const px = x => L + x / xmax * (W - L - R), py = y => T + (H - T - B) * (1 - y / ymax);
  add("text", {x: L - 3, y: T + 8, class: "ax", "text-anchor": "end"}, fmt(ymax));
  add("text", {x: L - 3, y: H - B, class: "ax", "text-anchor": "end"}, "0");
  add("text", {x: W - R, y: H - 8, class: "ax", "text-anchor": "end"}, xmax.toFixed(0) + " s");
  let legendX = W - R;
  for (const [k, color] of lines.slice().reverse()) {
    const xy = points.filter(p => p[k] != null).map(p => px(p.t_s).toFixed(1) + "," + py(p[k]).toFixed(1));
    if (xy.length) add("polyline", {points: xy.join(" "), fill: "none", stroke: color, "stroke-width": 1.5});
    if (lines.length > 1) { add("text", {x: legendX, y: 13, class: "ax", "text-anchor": "end", style: "fill:" + color}, k.replace("_ms", "")); legendX -= 30; }
  }
  return svg;
}
refresh();
setInterval(refresh, 5000);
</script></body></html>
)PAGE";

}  // namespace

std::string dashboard_page(const std::string& task) {
  // The task id goes into the script as a JSON string: quotes and "</script>" cannot break out.
  std::string initial = boost::json::serialize(boost::json::string(task));
  std::string safe;
  for (char c : initial) safe += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return std::string(page_head) + "\n\"use strict\";\nconst INITIAL_TASK = " + safe + ";" +
         page_script;
}

}  // namespace perf::live
