// Ponte web chat. The page posts what the person does (typed text, a button
// press, "the page opened") to /webchat/messages and draws the transcript it
// reads back over Server-Sent Events from /webchat/events. The server is the
// only source of truth: the person's own messages are shown as "pending"
// until their transcript row comes back on the stream.
//
// Everything that comes from the server or the person is inserted with
// textContent, never as HTML. No framework, no external resources.

const EVENTS_URL = new URL("webchat/events", document.baseURI);
const MESSAGES_URL = new URL("webchat/messages", document.baseURI);
const KEY_CLIENT = "ponte.client";
const KEY_LAST = "ponte.last";
const MAX_TEXT_BYTES = 4096; // the server's limit (UTF-8 bytes)
const POST_TIMEOUT_MS = 20000;
const MAX_BACKOFF_MS = 30000;

// The page's own words. The conversation itself comes translated from the
// server; these follow the language of the latest bot message.
const STRINGS = {
  en: {
    title: "Ponte — help chat",
    placeholder: "Write a message…",
    send: "Send",
    input: "Message",
    log: "Conversation",
    choices: "Options",
    reconnecting: "Reconnecting…",
    sending: "Sending…",
    notSent: "Not sent",
    tooLong: "Message too long",
    you: "You:",
    bot: "Ponte:",
  },
  it: {
    title: "Ponte — chat di aiuto",
    placeholder: "Scrivi un messaggio…",
    send: "Invia",
    input: "Messaggio",
    log: "Conversazione",
    choices: "Opzioni",
    reconnecting: "Riconnessione…",
    sending: "Invio…",
    notSent: "Non inviato",
    tooLong: "Messaggio troppo lungo",
    you: "Tu:",
    bot: "Ponte:",
  },
  fr: {
    title: "Ponte — chat d’aide",
    placeholder: "Écrivez un message…",
    send: "Envoyer",
    input: "Message",
    log: "Conversation",
    choices: "Options",
    reconnecting: "Reconnexion…",
    sending: "Envoi…",
    notSent: "Non envoyé",
    tooLong: "Message trop long",
    you: "Vous :",
    bot: "Ponte :",
  },
  ar: {
    title: "بونتي — دردشة المساعدة",
    placeholder: "اكتب رسالة…",
    send: "إرسال",
    input: "الرسالة",
    log: "المحادثة",
    choices: "الخيارات",
    reconnecting: "جارٍ إعادة الاتصال…",
    sending: "جارٍ الإرسال…",
    notSent: "لم تُرسل",
    tooLong: "الرسالة طويلة جدًا",
    you: "أنت:",
    bot: "بونتي:",
  },
  es: {
    title: "Ponte — chat de ayuda",
    placeholder: "Escribe un mensaje…",
    send: "Enviar",
    input: "Mensaje",
    log: "Conversación",
    choices: "Opciones",
    reconnecting: "Reconectando…",
    sending: "Enviando…",
    notSent: "No enviado",
    tooLong: "Mensaje demasiado largo",
    you: "Tú:",
    bot: "Ponte:",
  },
};
const RTL_LANGUAGES = new Set(["ar", "fa", "he", "ur", "ps", "ckb", "sd", "ug", "yi", "dv"]);

const $ = (id) => document.getElementById(id);
const ui = {
  log: $("log"),
  scroller: $("scroller"),
  announce: $("announce"),
  status: $("status"),
  form: $("composer"),
  input: $("text"),
  label: $("text-label"),
  send: $("send"),
};

// localStorage can be missing or throw (private modes, disabled storage):
// the chat then still works for this page's lifetime.
const store = (() => {
  try {
    const probe = "ponte.probe";
    localStorage.setItem(probe, "1");
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    const memory = new Map();
    return {
      getItem: (key) => (memory.has(key) ? memory.get(key) : null),
      setItem: (key, value) => memory.set(key, String(value)),
    };
  }
})();

// crypto.randomUUID exists only on HTTPS (and localhost); getRandomValues
// everywhere. Both give ids the server accepts ([A-Za-z0-9_-], 16..64).
function randomId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const VALID_ID = /^[A-Za-z0-9_-]{16,64}$/;

function loadClient() {
  const stored = store.getItem(KEY_CLIENT);
  if (stored && VALID_ID.test(stored)) return { id: stored, fresh: false };
  const id = randomId();
  store.setItem(KEY_CLIENT, id);
  return { id, fresh: true };
}

// The server accepts up to 16 of [A-Za-z-]; "es-419" becomes "es".
function languageHint(tag) {
  if (typeof tag !== "string") return "";
  if (/^[A-Za-z-]{1,16}$/.test(tag)) return tag;
  const primary = tag.split(/[-_]/)[0];
  return /^[A-Za-z]{1,8}$/.test(primary) ? primary : "";
}

const primaryOf = (tag) => (typeof tag === "string" ? tag.split(/[-_]/)[0].toLowerCase() : "");

const client = loadClient();
const state = {
  lastRendered: 0, // highest transcript id drawn on this page
  announceAfter: Number(store.getItem(KEY_LAST)) || 0, // rows up to here were seen before
  lang: "",
  strings: STRINGS.en,
  choiceGroup: null, // buttons under the latest bot message
  outbox: [], // posts in order, each retried with its own id until accepted
  pumping: false,
  wake: null, // cuts a retry wait short (the network came back)
  stream: null,
  streamDelay: 1000,
  streamTimer: 0,
};

// --- language and direction -------------------------------------------------

function applyLanguage(lang, rtl) {
  const primary = primaryOf(lang);
  const strings = STRINGS[primary] || STRINGS.en;
  const root = document.documentElement;
  root.lang = lang || "en";
  root.dir = rtl ? "rtl" : "ltr";
  if (state.lang === lang && state.strings === strings) return;
  state.lang = lang;
  state.strings = strings;
  document.title = strings.title;
  ui.input.placeholder = strings.placeholder;
  ui.label.textContent = strings.input;
  ui.send.textContent = strings.send;
  ui.log.setAttribute("aria-label", strings.log);
  if (ui.status.dataset.key) ui.status.textContent = strings[ui.status.dataset.key];
  for (const group of ui.log.querySelectorAll(".choices")) {
    group.setAttribute("aria-label", strings.choices);
  }
}

function setStatus(key) {
  ui.status.dataset.key = key || "";
  ui.status.textContent = key ? state.strings[key] : "";
}

// --- drawing ------------------------------------------------------------------

function nearBottom() {
  const s = ui.scroller;
  return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
}

function scrollToEnd() {
  ui.scroller.scrollTop = ui.scroller.scrollHeight;
}

function formatTime(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) return null;
  const when = new Date(ms);
  const el = document.createElement("time");
  el.dateTime = when.toISOString();
  try {
    el.textContent = when.toLocaleTimeString(state.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
  } catch {
    el.textContent = when.toLocaleTimeString();
  }
  return el;
}

// One message: a speaker label for screen readers, the text, a small meta line.
function makeMessage(mine, text, lang, atMs) {
  const li = document.createElement("li");
  li.className = mine ? "msg msg-in" : "msg msg-out";
  const speaker = document.createElement("span");
  speaker.className = "visually-hidden";
  speaker.textContent = mine ? state.strings.you : state.strings.bot;
  const bubble = document.createElement("p");
  bubble.className = "bubble";
  bubble.dir = "auto";
  if (lang) bubble.lang = lang;
  bubble.textContent = text;
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = formatTime(atMs);
  if (time) meta.append(time);
  li.append(speaker, bubble, meta);
  return li;
}

// Server rows go before the person's still-pending messages.
function insertRow(li) {
  const firstPending = ui.log.querySelector(".pending");
  ui.log.insertBefore(li, firstPending);
}

function clearChoices() {
  if (state.choiceGroup) state.choiceGroup.remove();
  state.choiceGroup = null;
}

function makeChoices(choices, lang) {
  const group = document.createElement("div");
  group.className = "choices";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", state.strings.choices);
  for (const choice of choices) {
    if (!choice || typeof choice.ref !== "string" || typeof choice.label !== "string") continue;
    const button = document.createElement("button");
    button.type = "button";
    button.dir = "auto";
    if (lang) button.lang = lang;
    button.textContent = choice.label;
    button.addEventListener("click", () => pressChoice(group, button, choice));
    group.append(button);
  }
  return group.childElementCount ? group : null;
}

function pressChoice(group, button, choice) {
  for (const b of group.querySelectorAll("button")) b.disabled = true;
  button.classList.add("chosen");
  // The focused button is now disabled: keep keyboard and screen-reader
  // users in the conversation without opening the phone keyboard.
  ui.log.focus({ preventScroll: true });
  enqueue({ choice: choice.ref }, choice.label);
}

function announce(text, choices) {
  const labels = choices.map((c) => (c && typeof c.label === "string" ? c.label : ""));
  const spoken = [text, ...labels].filter(Boolean).join("\n");
  ui.announce.textContent = "";
  // A separate task so the same words said twice are announced twice.
  setTimeout(() => {
    ui.announce.textContent = spoken;
  }, 50);
}

// The person's row came back from the server: drop its pending copy (same
// text first, else the oldest one).
function settlePending(text) {
  const pending = [...ui.log.querySelectorAll(".pending")];
  const same = pending.find((li) => li.dataset.text === text);
  const done = same || pending[0];
  if (done) done.remove();
}

function onRow(row) {
  if (!row || typeof row.id !== "number" || row.id <= state.lastRendered) return;
  state.lastRendered = row.id;
  if (row.id > (Number(store.getItem(KEY_LAST)) || 0)) store.setItem(KEY_LAST, String(row.id));

  const outbound = row.dir === "out";
  const text = typeof row.text === "string" ? row.text : "";
  const choices = Array.isArray(row.choices) ? row.choices : [];
  const follow = nearBottom();
  clearChoices();
  if (!outbound && text) settlePending(text);
  if (outbound && typeof row.lang === "string" && row.lang) {
    applyLanguage(row.lang, row.rtl === true || RTL_LANGUAGES.has(primaryOf(row.lang)));
  }
  if (!text && !(outbound && choices.length)) return; // e.g. the "page opened" row

  const li = makeMessage(!outbound, text, outbound ? row.lang : "", row.at);
  if (outbound && choices.length) {
    const group = makeChoices(choices, row.lang);
    if (group) {
      li.insertBefore(group, li.lastChild);
      state.choiceGroup = group;
    }
  }
  insertRow(li);
  if (outbound && row.id > state.announceAfter) announce(text, choices);
  // Replaying what was seen before (a reload) always ends at the newest row.
  if (follow || !outbound || row.id <= state.announceAfter) scrollToEnd();
}

// --- the event stream ---------------------------------------------------------

function connect() {
  clearTimeout(state.streamTimer);
  const url = new URL(EVENTS_URL);
  url.searchParams.set("client", client.id);
  url.searchParams.set("after", String(state.lastRendered));
  const stream = new EventSource(url);
  state.stream = stream;
  stream.addEventListener("open", () => {
    state.streamDelay = 1000;
    setStatus("");
  });
  stream.addEventListener("message", (event) => {
    let row;
    try {
      row = JSON.parse(event.data);
    } catch {
      return;
    }
    onRow(row);
  });
  stream.addEventListener("error", () => {
    setStatus("reconnecting");
    // EventSource retries by itself (sending Last-Event-ID) unless the
    // server answered with an error status: then it is closed for good and
    // the page reconnects, after what it has already drawn.
    if (stream.readyState === EventSource.CLOSED) scheduleReconnect();
  });
}

function scheduleReconnect(delay = state.streamDelay) {
  if (state.stream) state.stream.close();
  state.stream = null;
  clearTimeout(state.streamTimer);
  state.streamTimer = setTimeout(connect, delay + Math.random() * 500);
  state.streamDelay = Math.min(state.streamDelay * 2, MAX_BACKOFF_MS);
}

function reconnectNowIfClosed() {
  if (!state.stream || state.stream.readyState === EventSource.CLOSED) scheduleReconnect(0);
}

// --- posting ------------------------------------------------------------------

// "ok", "retry" (network, timeout, 408, 429, 5xx incl. 503 storage) or "fail".
async function post(body) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), POST_TIMEOUT_MS);
  try {
    const response = await fetch(MESSAGES_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
      credentials: "same-origin",
      signal: abort.signal,
    });
    if (response.ok) return "ok";
    if (response.status === 408 || response.status === 429 || response.status >= 500) {
      return "retry";
    }
    return "fail";
  } catch {
    return "retry";
  } finally {
    clearTimeout(timer);
  }
}

function wait(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      state.wake = null;
      resolve();
    }
    state.wake = done;
  });
}

// One post at a time, so the server sees them in the order they were made.
async function pump() {
  if (state.pumping) return;
  state.pumping = true;
  let delay = 1000;
  while (state.outbox.length) {
    const item = state.outbox[0];
    const result = await post(item.body);
    if (result === "retry") {
      if (item.el) item.el.querySelector(".meta").textContent = state.strings.sending;
      await wait(delay + Math.random() * 500);
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      continue;
    }
    state.outbox.shift();
    delay = 1000;
    if (result === "fail" && item.el) {
      item.el.classList.replace("pending", "failed");
      item.el.querySelector(".meta").textContent = state.strings.notSent;
    }
  }
  state.pumping = false;
}

// `shown` is what the person sees as their message until the server's row
// arrives ("" for the start post, which is not shown).
function enqueue(fields, shown) {
  const item = { body: { client: client.id, id: randomId(), ...fields }, el: null };
  if (shown) {
    const li = makeMessage(true, shown, "", null);
    li.classList.add("pending");
    li.dataset.text = shown;
    ui.log.append(li);
    scrollToEnd();
    item.el = li;
  }
  state.outbox.push(item);
  pump();
}

function submitText() {
  const text = ui.input.value.trim();
  if (!text) return;
  if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) {
    setStatus("tooLong");
    return;
  }
  if (ui.status.dataset.key === "tooLong") setStatus("");
  ui.input.value = "";
  autosize();
  enqueue({ text }, text);
}

function autosize() {
  ui.input.style.height = "auto";
  ui.input.style.height = `${Math.min(ui.input.scrollHeight + 2, 128)}px`;
}

// --- start --------------------------------------------------------------------

function start() {
  // The widget passes the host page's language (?lang=); else the browser's.
  const hint = languageHint(new URLSearchParams(location.search).get("lang") || navigator.language);
  applyLanguage(hint || "en", RTL_LANGUAGES.has(primaryOf(hint)));

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitText();
  });
  ui.input.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line; an IME composing text keeps Enter.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitText();
    }
  });
  ui.input.addEventListener("input", autosize);
  window.addEventListener("online", () => {
    if (state.wake) state.wake();
    reconnectNowIfClosed();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNowIfClosed();
  });

  connect(); // after=0: the whole transcript is drawn again
  if (client.fresh) enqueue(hint ? { start: true, lang: hint } : { start: true }, "");
}

start();
