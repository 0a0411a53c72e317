// The operator console: a queue and a conversation view over the JSON API
// (/api/..., docs/api.yaml). No framework and no build step. Everything a
// person wrote is put in the page with textContent (el() below makes text
// nodes from strings), never parsed as HTML. A live feed (SSE) says when
// something changed; the page then re-reads the queue and the open case.
import { texts, pickLanguage } from "/console/i18n.js";

const state = { lang: pickLanguage(), me: null, csrf: "", cases: [], open: null, view: null,
  filters: { status: "", language: "", topic: "" }, seenUrgent: new Set(), feed: null,
  operators: [], canned: [], page: "queue" };
const t = (key) => texts[state.lang][key] ?? key;
const $ = (sel) => document.querySelector(sel);

// el("div", {class: "x", onclick: f}, "text", child): strings become text nodes.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return node;
}

async function api(method, path, body) {
  const headers = { accept: "application/json" };
  if (method !== "GET") {
    headers["content-type"] = "application/json";
    headers["x-csrf-token"] = state.csrf;
  }
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin" });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== "/api/login") { showLogin(); throw new Error(data.error || "401"); }
  if (!res.ok) throw Object.assign(new Error(data.error || res.statusText), { status: res.status });
  return data;
}

function flash(message) {
  const box = $("#alert");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => (box.hidden = true), 6000);
}

const minutes = (ms) => {
  const m = Math.max(0, Math.round(ms / 60000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};
const when = (ms) => new Date(ms).toLocaleString(state.lang === "it" ? "it-IT" : "en-GB",
  { timeZone: "Europe/Rome", dateStyle: "short", timeStyle: "short" });
const priorityLabel = (p) => (p === 0 ? t("urgent") : p === 1 ? t("high") : t("normal"));
const statusLabel = (s) => t("status" + s[0].toUpperCase() + s.slice(1));

function renderChrome() {
  document.documentElement.lang = state.lang;
  $("#lang-toggle").textContent = t("switchTo");
  $("#logout").textContent = t("logout");
  $("#logout").hidden = !state.me;
  $("#stats-nav").textContent = state.page === "stats" ? t("queue") : t("statistics");
  $("#callbacks-nav").textContent = state.page === "callbacks" ? t("queue") : t("callbacks");
  $("#callbacks-nav").hidden = !state.me;
  $("#whoami").textContent = state.me ? `${state.me.name} · ${state.me.role}` : "";
}

function showLogin() {
  state.me = null;
  state.feed?.close();
  state.feed = null;
  renderChrome();
  const name = el("input", { id: "login-name", name: "name", autocomplete: "username", required: true });
  const password = el("input", { id: "login-password", name: "password", type: "password",
    autocomplete: "current-password", required: true });
  const error = el("p", { class: "error", id: "login-error", role: "alert" });
  const form = el("form", { id: "login", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const data = await api("POST", "/api/login", { name: name.value, password: password.value });
      start(data);
    } catch (err) {
      error.textContent = `${t("loginFailed")}: ${err.message}`;
    }
  } },
  el("h2", {}, t("login")),
  el("label", {}, t("name"), name), el("label", {}, t("password"), password),
  el("button", { type: "submit" }, t("login")), error);
  $("#app").replaceChildren(form);
  name.focus();
}

function start(session) {
  state.me = session.operator;
  state.csrf = session.csrf;
  renderChrome();
  $("#stats-nav").hidden = !["supervisor", "admin"].includes(state.me.role);
  showQueue();
  startFeeds();
}

function showQueue() {
  state.page = "queue";
  renderChrome();
  $("#app").replaceChildren(
    el("section", { id: "queue-pane" }),
    el("section", { id: "case-pane" }, el("p", { class: "hint" }, t("pickCase"))));
  document.body.classList.remove("case-open");
  if (state.open) openCase(state.open);
}

function startFeeds() {
  if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
  api("GET", "/api/operators").then((d) => (state.operators = d.operators)).catch(() => {});
  api("GET", "/api/canned").then((d) => (state.canned = d.answers)).catch(() => {});
  connectFeed();
  refresh();
}

function connectFeed() {
  state.feed?.close();
  state.feed = new EventSource("/api/events");
  state.feed.addEventListener("changed", () => refresh());
}

let refreshing = null;
async function refresh() {
  if (refreshing) { refreshing.again = true; return; }
  refreshing = { again: false };
  try {
    if (state.page === "callbacks") { await loadCallbacks(); return; }
    if (state.page !== "queue") return;
    await loadQueue();
    if (state.open) await loadCase(state.open, false);
  } catch (err) {
    if (err.status) flash(err.message);
  } finally {
    const again = refreshing.again;
    refreshing = null;
    if (again) refresh();
  }
}

async function loadQueue() {
  const q = new URLSearchParams(Object.entries(state.filters).filter(([, v]) => v));
  const data = await api("GET", "/api/cases?" + q);
  state.cases = data.cases;
  alertUrgent(data.cases);
  renderQueue();
}

// A new urgent case: a sound and a browser notification for every operator online.
function alertUrgent(cases) {
  const fresh = cases.filter((c) => c.priority === 0 && c.status === "queued" && !state.seenUrgent.has(c.id));
  const first = state.seenUrgent.size === 0 && alertUrgent.primed !== true;
  for (const c of cases) if (c.priority === 0) state.seenUrgent.add(c.id);
  alertUrgent.primed = true;
  if (!fresh.length || first) return;
  document.body.dataset.urgentAlerts = String(Number(document.body.dataset.urgentAlerts || 0) + fresh.length);
  flash(`${t("newUrgent")}: #${fresh.map((c) => c.id).join(", #")}`);
  try {
    const audio = new AudioContext();
    const osc = audio.createOscillator();
    osc.frequency.value = 880;
    osc.connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.4);
  } catch { /* no audio device: the banner and the notification remain */ }
  if ("Notification" in window && Notification.permission === "granted") {
    new Notification("Ponte", { body: `${t("newUrgent")} (#${fresh[0].id}, ${fresh[0].topic})` });
  }
}

function filterSelect(key, options) {
  return el("label", {}, t(key === "status" ? "status" : key),
    el("select", { id: `filter-${key}`, onchange: (e) => { state.filters[key] = e.target.value; loadQueue(); } },
      el("option", { value: "" }, t("all")),
      options.map(([v, label]) => el("option", { value: v, selected: state.filters[key] === v }, label))));
}

function renderQueue() {
  const pane = $("#queue-pane");
  if (!pane) return;
  const langs = [...new Set(state.cases.map((c) => c.language).concat(state.filters.language).filter(Boolean))];
  const topics = [...new Set(state.cases.map((c) => c.topic).concat(state.filters.topic).filter(Boolean))];
  const rows = state.cases.map((c) => el("tr", {
    class: `case-row prio-${c.priority}${c.id === state.open ? " selected" : ""}`,
    dataset: { caseId: c.id }, tabindex: 0,
    onclick: () => openCase(c.id), onkeydown: (e) => e.key === "Enter" && openCase(c.id) },
  el("td", {}, el("span", { class: `badge prio-${c.priority}` }, priorityLabel(c.priority))),
  el("td", { "data-label": t("language") }, c.language, el("div", { class: "sub" }, c.channel)),
  el("td", { "data-label": t("topic") }, c.topic, el("div", { class: "sub" }, c.municipality || "–")),
  el("td", { "data-label": t("wait") }, minutes(c.wait_ms)),
  el("td", { "data-label": t("waiting"), class: c.waiting ? "waiting" : "" }, c.waiting ? t("yes") : t("no")),
  el("td", { "data-label": t("status") }, statusLabel(c.status), c.claimed_by_name ? ` · ${c.claimed_by_name}` : "")));
  pane.replaceChildren(
    el("h2", {}, t("queue")),
    el("div", { class: "filters" },
      filterSelect("status", [["queued", statusLabel("queued")], ["claimed", statusLabel("claimed")],
        ["resolved", statusLabel("resolved")]]),
      filterSelect("language", langs.map((l) => [l, l])),
      filterSelect("topic", topics.map((x) => [x, x]))),
    rows.length
      ? el("table", { id: "queue" },
        el("thead", {}, el("tr", {}, [t("priority"), `${t("language")} / ${t("channel")}`,
          `${t("topic")} / ${t("municipality")}`, t("wait"), t("waiting"), t("status")].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows))
      : el("p", { class: "hint" }, t("noCases")));
}

async function openCase(id) {
  state.open = id;
  document.body.classList.add("case-open");
  renderQueue();
  await loadCase(id, true).catch((err) => flash(err.message));
}

async function loadCase(id, scroll) {
  const view = await api("GET", `/api/cases/${id}`);
  if (state.open !== id) return;
  state.view = view;
  renderCase(scroll);
}

async function act(action, body = {}) {
  const v = state.view;
  try {
    await api("POST", `/api/cases/${v.case.id}/${action}`, { version: v.case.version, ...body });
  } catch (err) {
    flash(`${t("refused")}: ${err.message}`);
  }
  await refresh();
}

function messageStatus(m) {
  const key = { queued: "queuedMsg" }[m.status] ?? m.status;
  return t(key);
}

function renderCase(scroll) {
  const { case: c, contact = {}, variables, transcript, notes, tasks, earlier_cases, flows } = state.view;
  const mine = c.status === "claimed" && c.claimed_by === state.me.id;
  const log = el("ol", { id: "transcript" }, transcript.filter((m) => m.text || m.choices.length).map((m) =>
    el("li", { class: `msg msg-${m.direction} kind-${m.kind}`, dataset: { id: m.id } },
      el("div", { class: "who" }, m.direction === "in" ? t("person") : m.kind === "operator" ? t("operatorLabel") : m.kind === "reminder" ? t("reminder") : t("bot")),
      el("div", { class: "text", dir: m.rtl ? "rtl" : "auto", lang: m.lang }, m.text),
      m.choices.length ? el("div", { class: "choices", dir: m.rtl ? "rtl" : "auto", lang: m.lang },
        m.choices.flatMap((label, i) => [i ? " · " : "", el("bdi", {}, label)])) : null,
      el("div", { class: "meta" }, when(m.created_at), m.direction === "out" ? ` · ${messageStatus(m)}` : ""))));
  const actions = el("div", { class: "actions" });
  if (c.status === "queued") actions.append(el("button", { id: "claim", onclick: () => act("claim") }, t("claim")));
  if (c.status === "claimed" && (mine || state.me.role !== "operator")) {
    const outcome = el("select", { id: "outcome" }, el("option", { value: "" }, t("outcome") + "…"),
      Object.entries(t("outcomes")).map(([v, label]) => el("option", { value: v }, label)));
    const flow = el("select", { id: "handback-flow" }, flows.map((f) => el("option", { value: f, selected: f === "main" }, f)));
    const to = el("select", { id: "transfer-to" }, state.operators.filter((o) => o.id !== c.claimed_by)
      .map((o) => el("option", { value: o.id }, o.name)));
    actions.append(
      el("button", { id: "release", onclick: () => act("release") }, t("release")),
      el("span", { class: "group" }, to, el("button", { id: "transfer", onclick: () => to.value && act("transfer", { operator_id: Number(to.value) }) }, t("transfer"))),
      el("span", { class: "group" }, outcome,
        el("button", { id: "resolve", onclick: () => act("resolve", { outcome: outcome.value }) }, t("resolve"))),
      el("span", { class: "group" }, flow,
        el("button", { id: "handback", onclick: () => act("handback", { flow: flow.value, outcome: outcome.value || undefined }) }, t("handBack"))));
  }
  const phase = el("select", { id: "phase", disabled: c.status === "resolved" || !mine,
    onchange: (e) => act("phase", { phase: e.target.value }) },
  Object.entries(t("phases")).map(([v, label]) => el("option", { value: v, selected: v === c.phase }, label)));
  const replyText = el("textarea", { id: "reply-text", rows: 3, maxlength: 4000, dir: "auto", disabled: !mine });
  const reply = el("form", { id: "reply", onsubmit: async (e) => {
    e.preventDefault();
    if (!replyText.value.trim()) return;
    try {
      await api("POST", `/api/cases/${c.id}/messages`, { text: replyText.value });
      replyText.value = "";
    } catch (err) { flash(`${t("refused")}: ${err.message}`); }
    refresh();
  } }, el("label", { for: "reply-text" }, t("reply")), replyText, el("button", { type: "submit", disabled: !mine }, t("send")));
  const fields = { ...variables.contact, ...variables.session };
  const noteText = el("textarea", { id: "note-text", rows: 2, maxlength: 4000, dir: "auto" });
  const taskTitle = el("input", { id: "task-title", placeholder: t("taskTitle"), maxlength: 500 });
  const taskDue = el("input", { id: "task-due", type: "date" });
  const side = el("aside", { id: "case-side" },
    el("h3", {}, t("screeningFields")),
    el("dl", { id: "fields" }, Object.entries(fields).map(([k, v]) => [el("dt", {}, k), el("dd", { dir: "auto" }, String(v))])),
    el("h3", {}, t("notes")),
    el("ul", { id: "notes" }, notes.map((n) => el("li", {}, el("div", { class: "note-body", dir: "auto" }, n.body),
      el("div", { class: "meta" }, `${n.operator} · ${when(n.created_at)}`)))),
    el("form", { id: "note-form", onsubmit: async (e) => {
      e.preventDefault();
      try { await api("POST", `/api/cases/${c.id}/notes`, { body: noteText.value }); noteText.value = ""; }
      catch (err) { flash(`${t("refused")}: ${err.message}`); }
      refresh();
    } }, noteText, el("button", { type: "submit" }, t("addNote"))),
    el("h3", {}, t("tasks")),
    el("ul", { id: "tasks" }, tasks.map((k) => el("li", { class: `task task-${k.status}` },
      el("label", {}, el("input", { type: "checkbox", checked: k.status === "done",
        onchange: async (e) => {
          try { await api("POST", `/api/cases/${c.id}/tasks/${k.id}/status`, { status: e.target.checked ? "done" : "open" }); }
          catch (err) { flash(err.message); }
          refresh();
        } }), " ", k.title),
      el("span", { class: "meta" }, [k.owner, k.due_at ? when(k.due_at) : ""].filter(Boolean).join(" · "))))),
    el("form", { id: "task-form", onsubmit: async (e) => {
      e.preventDefault();
      const due = taskDue.value ? Date.parse(taskDue.value + "T12:00:00Z") : undefined;
      try { await api("POST", `/api/cases/${c.id}/tasks`, { title: taskTitle.value, owner_id: state.me.id, due_at: due }); taskTitle.value = ""; }
      catch (err) { flash(`${t("refused")}: ${err.message}`); }
      refresh();
    } }, taskTitle, taskDue, el("button", { type: "submit" }, t("addTask"))),
    el("h3", {}, t("canned")),
    cannedForm(c, mine),
    el("h3", {}, t("reminders")),
    el("ul", { id: "reminders" }, (state.view.reminders || []).map((r) => el("li", { class: `reminder reminder-${r.state}` },
      `${when(r.due_at)} · ${r.key} · ${t("reminderState")[r.state] ?? r.state}`, r.error ? ` (${r.error})` : "",
      r.state === "pending" ? el("button", { class: "link", onclick: async () => {
        try { await api("POST", `/api/cases/${c.id}/reminders/${r.id}/cancel`, {}); } catch (err) { flash(err.message); }
        refresh();
      } }, t("cancel")) : null))),
    reminderForm(c, tasks),
    el("h3", {}, t("earlierCases")),
    earlier_cases.length
      ? el("ul", { id: "earlier" }, earlier_cases.map((e) => el("li", {}, `#${e.id} · ${e.topic} · ${statusLabel(e.status)}${e.outcome ? " · " + e.outcome : ""} · ${when(e.created_at)}`)))
      : el("p", { class: "hint" }, t("none")));
  const pane = $("#case-pane");
  // A live update re-renders the case: what the operator was typing stays.
  const drafts = new Map([...pane.querySelectorAll("input[id], textarea[id], select[id]")]
    .filter((f) => f.id !== "phase" && f.type !== "checkbox").map((f) => [f.id, f.value]));
  const focused = document.activeElement?.id;
  pane.replaceChildren(
    el("div", { class: "case-head" },
      el("button", { class: "back", onclick: () => { state.open = null; document.body.classList.remove("case-open"); renderQueue(); } }, "← " + t("back")),
      el("h2", { id: "case-title" }, `${t("case")} #${c.id} · `, el("span", { class: `badge prio-${c.priority}` }, priorityLabel(c.priority)), ` · ${c.topic}`),
      el("p", { class: "facts" }, [`${t("language")}: ${contact.language || c.language}`, `${t("channel")}: ${c.channel}`,
        `${t("municipality")}: ${c.municipality || "–"}`, `${t("status")}: ${statusLabel(c.status)}${c.claimed_by_name ? " (" + t("claimedBy") + " " + c.claimed_by_name + ")" : ""}`].join(" · ")),
      el("p", { class: "summary", dir: "auto" }, c.summary || c.reason),
      el("label", { class: "phase" }, t("phase"), " ", phase), actions),
    el("div", { class: "case-body" }, el("div", { class: "conversation" }, el("h3", {}, t("transcript")), log, reply), side));
  for (const [id, value] of drafts) {
    const field = document.getElementById(id);
    if (field && pane.dataset.caseId === String(c.id)) field.value = value;
  }
  pane.dataset.caseId = c.id;
  if (focused) document.getElementById(focused)?.focus();
  if (scroll) log.lastElementChild?.scrollIntoView({ block: "end" });
  else log.scrollTop = log.scrollHeight;
}

// Canned answers by key: the operator picks one, Ponte sends the person's
// language version; {date} is filled from the detail box.
function cannedKeys() {
  const byKey = new Map();
  for (const a of state.canned) {
    if (!byKey.has(a.key) || a.language === state.lang) byKey.set(a.key, a.title);
  }
  return [...byKey.entries()];
}

function cannedForm(c, mine) {
  const key = el("select", { id: "canned-key" }, cannedKeys().map(([k, title]) => el("option", { value: k }, `${title} (${k})`)));
  const detail = el("input", { id: "canned-date", placeholder: "{date}", maxlength: 200 });
  return el("form", { id: "canned-form", onsubmit: async (e) => {
    e.preventDefault();
    if (!key.value) return;
    try { await api("POST", `/api/cases/${c.id}/canned`, { key: key.value, vars: detail.value ? { date: detail.value } : {} }); }
    catch (err) { flash(`${t("refused")}: ${err.message}`); }
    refresh();
  } }, key, detail, el("button", { type: "submit", disabled: !mine || !state.canned.length }, t("send")));
}

function reminderForm(c, tasks) {
  const key = el("select", { id: "reminder-key" }, cannedKeys().map(([k, title]) => el("option", { value: k }, `${title} (${k})`)));
  const at = el("input", { id: "reminder-at", type: "datetime-local", required: true });
  const detail = el("input", { id: "reminder-date", placeholder: "{date}", maxlength: 200 });
  const task = el("select", { id: "reminder-task" }, el("option", { value: "" }, "–"),
    tasks.filter((k) => k.status === "open").map((k) => el("option", { value: k.id }, k.title)));
  return el("form", { id: "reminder-form", onsubmit: async (e) => {
    e.preventDefault();
    if (!key.value || !at.value) return;
    const body = { key: key.value, due_at: new Date(at.value).getTime(), vars: detail.value ? { date: detail.value } : {} };
    if (task.value) body.task_id = Number(task.value);
    try { await api("POST", `/api/cases/${c.id}/reminders`, body); }
    catch (err) { flash(`${t("refused")}: ${err.message}`); }
    refresh();
  } }, key, at, detail, task, el("button", { type: "submit", disabled: !state.canned.length }, t("schedule")));
}

// The coordinator's view: counts, medians, a chart per dimension drawn by
// Ponte (SVG), and a CSV export without personal data.
const dayInput = (ms) => new Date(ms).toISOString().slice(0, 10);
async function showStats() {
  state.page = "stats";
  renderChrome();
  document.body.classList.remove("case-open");
  const now = Date.now();
  const from = el("input", { id: "stats-from", type: "date", value: dayInput(now - 30 * 864e5) });
  const to = el("input", { id: "stats-to", type: "date", value: dayInput(now) });
  const body = el("div", { id: "stats-body" });
  const load = async () => {
    const range = `from=${Date.parse(from.value + "T00:00:00Z")}&to=${Date.parse(to.value + "T00:00:00Z") + 864e5}`;
    try {
      const s = await api("GET", `/api/stats?${range}`);
      const hours = (ms) => (ms === null ? "–" : minutes(ms));
      const table = (rows) => el("table", { class: "counts" }, rows.map((r) => el("tr", {}, el("td", {}, r.value), el("td", {}, r.count))));
      body.replaceChildren(
        el("p", { id: "stats-summary" }, `${t("casesTotal")}: ${s.cases_total} · ${t("medianWait")}: ${hours(s.median_wait_ms)} · ${t("medianResolution")}: ${hours(s.median_resolution_ms)}`),
        el("a", { id: "stats-csv", href: `/api/stats.csv?${range}`, download: "ponte-cases.csv" }, t("exportCsv")),
        el("div", { class: "charts" }, Object.entries(s.cases).map(([dim, rows]) => el("figure", { class: "chart", dataset: { dimension: dim } },
          el("img", { src: `/api/stats/chart.svg?dimension=${dim}&${range}`, alt: t(dim) }),
          el("figcaption", {}, t(dim)), table(rows)))),
        el("h3", {}, t("requests")),
        el("div", { class: "charts" }, Object.entries(s.requests).map(([dim, rows]) => el("figure", {}, el("figcaption", {}, t(dim)), table(rows)))));
    } catch (err) { flash(err.message); }
  };
  $("#app").replaceChildren(el("section", { id: "stats-pane" }, el("h2", {}, t("statistics")),
    el("div", { class: "filters" }, el("label", {}, t("from"), from), el("label", {}, t("to"), to),
      el("button", { id: "stats-update", onclick: load }, t("update"))), body),
  cannedEditor());
  await load();
}

// Supervisors write canned answers, one text per key and language.
function cannedEditor() {
  const key = el("input", { id: "canned-new-key", required: true, maxlength: 64, placeholder: "appointment" });
  const language = el("input", { id: "canned-new-language", required: true, maxlength: 16, placeholder: "it, en, ar…" });
  const title = el("input", { id: "canned-new-title", required: true, maxlength: 200 });
  const body = el("textarea", { id: "canned-new-body", required: true, maxlength: 4000, rows: 3, dir: "auto" });
  const list = el("ul", { id: "canned-list" });
  const show = () => list.replaceChildren(...state.canned.map((a) =>
    el("li", {}, el("strong", {}, `${a.key} · ${a.language}`), ` ${a.title}: `, el("span", { dir: "auto" }, a.body))));
  show();
  return el("section", { id: "canned-pane" }, el("h2", {}, t("canned")),
    el("p", { class: "hint" }, t("cannedHelp")), list,
    el("form", { id: "canned-editor", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api("POST", "/api/canned", { key: key.value, language: language.value, title: title.value, body: body.value });
        state.canned = (await api("GET", "/api/canned")).answers;
        body.value = "";
        show();
      } catch (err) { flash(`${t("refused")}: ${err.message}`); }
    } }, el("label", {}, "key", key), el("label", {}, t("language"), language),
    el("label", {}, t("title"), title), el("label", {}, t("text"), body), el("button", { type: "submit" }, t("save"))));
}

$("#stats-nav").addEventListener("click", () => (state.page === "stats" ? showQueue() : showStats()));
$("#callbacks-nav").addEventListener("click", () => (state.page === "callbacks" ? showQueue() : showCallbacks()));

// The call-back list: people who asked to be phoned, oldest request first.
function showCallbacks() {
  state.page = "callbacks";
  renderChrome();
  document.body.classList.remove("case-open");
  $("#app").replaceChildren(el("section", { id: "callbacks-pane" }, el("h2", {}, t("callbacks")), el("div", { id: "callbacks-body" })));
  loadCallbacks().catch((err) => flash(err.message));
}

async function loadCallbacks() {
  const { callbacks } = await api("GET", "/api/callbacks");
  const body = $("#callbacks-body");
  if (!body) return;
  const finish = (cb, action) => async () => {
    try { await api("POST", `/api/callbacks/${cb.id}/${action}`, {}); } catch (err) { flash(err.message); }
    loadCallbacks();
  };
  body.replaceChildren(callbacks.length ? el("table", { id: "callbacks" },
    el("thead", {}, el("tr", {}, [t("requested"), t("language"), t("channel"), t("phone"), t("slots"), t("status"), ""].map((h) => el("th", {}, h)))),
    el("tbody", {}, callbacks.map((cb) => el("tr", { class: `callback callback-${cb.state}`, dataset: { id: cb.id } },
      el("td", {}, when(cb.created_at)), el("td", {}, cb.language), el("td", {}, cb.channel),
      el("td", {}, el("a", { href: `tel:${cb.phone.replace(/[^+0-9]/g, "")}` }, cb.phone)),
      el("td", { class: "slots", dir: "auto" }, cb.slots),
      el("td", {}, t("callbackState")[cb.state] ?? cb.state, cb.done_by ? ` · ${cb.done_by}` : ""),
      el("td", {}, cb.state === "requested" ? [
        el("button", { class: "mark-called", onclick: finish(cb, "done") }, t("called")),
        el("button", { class: "link", onclick: finish(cb, "cancel") }, t("cancel"))] : null)))))
    : el("p", { class: "hint" }, t("none")));
}

$("#lang-toggle").addEventListener("click", () => {
  state.lang = state.lang === "it" ? "en" : "it";
  localStorage.setItem("ponte.console.lang", state.lang);
  renderChrome();
  if (!state.me) showLogin();
  else if (state.page === "stats") showStats();
  else if (state.page === "callbacks") showCallbacks();
  else { renderQueue(); if (state.view && state.open) renderCase(false); }
});
$("#logout").addEventListener("click", async () => {
  await api("POST", "/api/logout", {}).catch(() => {});
  showLogin();
});

renderChrome();
api("GET", "/api/me").then(start).catch(() => showLogin());
