// The operator console in headless chromium against the real ponte and a
// fake Telegram: log in, a case appears live, claim, read, reply (Telegram
// receives it), note, phase, action-plan task, hand back (the bot answers
// again). Also: a claim race, a script-laden message shown as text, a
// supervisor-only route, a request without its CSRF token. Screenshots of
// the queue and the conversation at 1280 and 390 px (PONTE_SCREENSHOTS=1
// tests/browser/run.sh writes them to docs/screenshots/).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPonte, startFakeTelegram, launchBrowser, waitFor, sourceDir, telegramPerson, loginConsole } from "./lib/ponte.mjs";

let ponte;
let telegram;
let browser;
// PONTE_SCREENSHOTS=1 refreshes the committed docs/screenshots; otherwise
// they go to a temporary folder, so a test run leaves the tree clean.
const shots = process.env.PONTE_SCREENSHOTS ? join(sourceDir, "docs/screenshots")
  : mkdtempSync(join(tmpdir(), "ponte-shots-"));
const passwords = { ana: "ana-password-1", bo: "bo-password-22", sam: "sam-password-333" };

before(async () => {
  telegram = await startFakeTelegram();
  ponte = await startPonte({ telegram });
  person = telegramPerson(ponte, telegram);
  for (const [name, role] of [["ana", "operator"], ["bo", "operator"], ["sam", "supervisor"]]) {
    const r = await ponte.command(["operator", "add", name, "--role", role], { input: passwords[name] + "\n" });
    assert.equal(r.code, 0, r.out);
  }
  // A supervisor writes a canned answer in two languages.
  const sam = await apiLogin("sam");
  for (const [language, body] of [["en", "Hello {name}, your appointment is on {date}."],
    ["it", "Ciao {name}, il tuo appuntamento è il {date}."]]) {
    const r = await sam.post("/api/canned", { key: "appointment", language, title: "Appointment", body });
    assert.equal(r.status, 201);
  }
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await ponte?.stop();
  await telegram?.close();
});

let person;  // set in before()
const say = (chat, text) => person.say(chat, text);
const textsTo = (chat) => person.textsTo(chat);
const sayAndWait = (chat, text) => person.sayAndWait(chat, text);
// Walks a new person to the operator queue: language, then "operator".
async function askForOperator(chat) {
  await sayAndWait(chat, "hello");
  await sayAndWait(chat, "English");
  await sayAndWait(chat, "operator");
}

// An API client with its own login, as a second operator's browser would be.
async function apiLogin(name) {
  const res = await fetch(ponte.url + "/api/login", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password: passwords[name] }) });
  assert.equal(res.status, 200);
  const cookie = res.headers.get("set-cookie");
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const { csrf } = await res.json();
  const jar = cookie.split(";")[0];
  return {
    get: (path) => fetch(ponte.url + path, { headers: { cookie: jar } }),
    post: (path, body, { withCsrf = true } = {}) => fetch(ponte.url + path, { method: "POST",
      headers: { cookie: jar, "content-type": "application/json", ...(withCsrf ? { "x-csrf-token": csrf } : {}) },
      body: JSON.stringify(body ?? {}) }),
  };
}

async function login(page, name) {
  await loginConsole(page, ponte.url, name, passwords[name]);
  await page.locator("#queue-pane h2").waitFor();
}

test("an operator takes a case from the queue to the bot's hands again", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-GB" });
  const page = await context.newPage();
  await login(page, "ana");
  const chat = 7001;

  // A person asks for an operator; the case appears without a reload.
  await askForOperator(chat);
  const row = page.locator("tr.case-row").first();
  await row.waitFor({ timeout: 5000 });
  assert.match(await row.innerText(), /en/);
  assert.match(await row.innerText(), /telegram/);
  await page.screenshot({ path: join(shots, "queue-1280.png"), fullPage: true });

  // Claim, and read what the person wrote.
  await row.click();
  await page.locator("#claim").click();
  await page.locator("#release").waitFor();
  await page.locator("#transcript .msg-in", { hasText: "operator" }).first().waitFor();

  // Whatever the person writes is shown as text, never run.
  const script = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;
  await say(chat, script);
  const hostile = page.locator("#transcript .msg-in .text", { hasText: "<script>" });
  await hostile.waitFor({ timeout: 5000 });
  assert.equal(await hostile.textContent(), script);
  assert.equal(await page.locator("#transcript img").count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);

  // Reply: the fake Telegram receives it.
  await page.locator("#reply-text").fill("Hello Amal, I am Ana. How can I help?");
  await page.locator("#reply button[type=submit]").click();
  await waitFor(() => textsTo(chat).some((t) => t.includes("I am Ana")), { what: "the operator's reply on Telegram" });
  await page.locator("#transcript .kind-operator", { hasText: "I am Ana" }).waitFor();

  // Note, phase, task.
  await page.locator("#note-text").fill("Needs a housing referral; speaks some Italian.");
  await page.locator("#note-form button").click();
  await page.locator("#notes li", { hasText: "housing referral" }).waitFor();
  await page.locator("#phase").selectOption("planning");
  await waitFor(async () => (await page.locator("#phase").inputValue()) === "planning" &&
    (await page.locator("#case-title").count()) > 0, { what: "phase planning" });
  await page.locator("#task-title").fill("Call the municipal housing office");
  await page.locator("#task-due").fill("2030-01-15");
  await page.locator("#task-form button").click();
  await page.locator("#tasks li", { hasText: "housing office" }).waitFor();

  // A canned answer goes out in the person's language (English), filled in.
  await page.locator("#canned-key").selectOption("appointment");
  await page.locator("#canned-date").fill("15 January at 10:00");
  await page.locator("#canned-form button").click();
  await waitFor(() => textsTo(chat).includes("Hello Amal, your appointment is on 15 January at 10:00."),
    { what: "the canned answer in English" });
  // A reminder due now is sent by the scheduler through the outbox.
  const pad = (n) => String(n).padStart(2, "0");
  const d = new Date(Date.now() - 60000);
  const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  await page.locator("#reminder-key").selectOption("appointment");
  await page.locator("#reminder-at").fill(local);
  await page.locator("#reminder-date").fill("tomorrow");
  await page.locator("#reminder-form button").click();
  await waitFor(() => textsTo(chat).includes("Hello Amal, your appointment is on tomorrow."),
    { what: "the reminder on Telegram" });
  await page.locator("#reminders li.reminder-sent").waitFor();
  await page.screenshot({ path: join(shots, "conversation-1280.png"), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(shots, "conversation-390.png"), fullPage: true });
  await page.locator(".case-head .back").click();
  await page.locator("tr.case-row").first().waitFor();
  await page.screenshot({ path: join(shots, "queue-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.locator("tr.case-row").first().click();

  // Hand back at the main menu: the bot speaks at once, and answers again.
  const beforeHandBack = textsTo(chat).length;
  await page.locator("#handback-flow").selectOption("main");
  await page.locator("#handback").click();
  await page.locator("#claim, #release").first().waitFor({ state: "detached" }).catch(() => {});
  await waitFor(() => textsTo(chat).length > beforeHandBack, { what: "the bot's menu after hand-back" });
  await sayAndWait(chat, "menu");
  await context.close();
});

test("two operators claim at once: exactly one wins", async () => {
  await askForOperator(7002);
  const ana = await apiLogin("ana");
  const bo = await apiLogin("bo");
  const queue = await (await ana.get("/api/cases?status=queued")).json();
  const target = queue.cases.find((c) => c.status === "queued");
  assert.ok(target, "a queued case");
  const results = await Promise.all([ana, bo].map((op) => op.post(`/api/cases/${target.id}/claim`)));
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
  const after = await (await ana.get(`/api/cases/${target.id}`)).json();
  assert.equal(after.case.status, "claimed");
  // A stale edit is refused with the reason, not applied.
  const winner = results[0].status === 200 ? ana : bo;
  const stale = await winner.post(`/api/cases/${target.id}/phase`, { phase: "assessment", version: after.case.version - 1 });
  assert.equal(stale.status, 409);
  assert.match((await stale.json()).error, /changed/);
  // The winner transfers the case to the loser, who releases it to the queue.
  const loser = winner === ana ? bo : ana;
  const { operators } = await (await ana.get("/api/operators")).json();
  const loserId = operators.find((o) => o.name === (winner === ana ? "bo" : "ana")).id;
  const moved = await winner.post(`/api/cases/${target.id}/transfer`, { operator_id: loserId, version: after.case.version });
  assert.equal(moved.status, 200);
  const held = (await moved.json()).case;
  assert.equal(held.claimed_by, loserId);
  assert.equal((await winner.post(`/api/cases/${target.id}/release`, { version: held.version })).status, 409,
    "only the holder releases");
  const released = await loser.post(`/api/cases/${target.id}/release`, { version: held.version });
  assert.equal(released.status, 200);
  assert.equal((await released.json()).case.status, "queued");
  // Unknown case ids and oversized notes are clear 4xx errors.
  assert.equal((await ana.get("/api/cases/99999")).status, 404);
  assert.equal((await ana.post("/api/cases/99999/claim")).status, 404);
  const big = await ana.post(`/api/cases/${target.id}/notes`, { body: "x".repeat(5000) });
  assert.equal(big.status, 413);
});

test("roles, CSRF and login throttling are enforced", async () => {
  const ana = await apiLogin("ana");
  const sam = await apiLogin("sam");
  assert.equal((await ana.get("/api/audit")).status, 403);
  const audit = await sam.get("/api/audit");
  assert.equal(audit.status, 200);
  const entries = (await audit.json()).entries;
  assert.ok(entries.some((e) => e.action === "case.claim" && e.operator && e.case_id));
  assert.ok(entries.some((e) => e.action === "case.view" && e.operator === "ana"), "reading a case is audited");
  assert.ok(entries.some((e) => e.action === "case.reply" && e.operator === "ana"));
  assert.equal((await fetch(ponte.url + "/api/cases")).status, 401);
  // The dead-letter list is for supervisors, with the same login; it is audited.
  assert.equal((await ana.get("/api/outbox/dead")).status, 403);
  const dead = await sam.get("/api/outbox/dead");
  assert.equal(dead.status, 200);
  assert.ok(Array.isArray((await dead.json()).dead));
  // The audit entry is committed right after the answer: wait for it.
  await waitFor(
    async () => (await (await sam.get("/api/audit")).json()).entries.some(
      (e) => e.action === "outbox.list_dead" && e.operator === "sam"),
    { what: "the outbox.list_dead audit entry" },
  );

  const queue = await (await ana.get("/api/cases")).json();
  const target = queue.cases[0];
  const noToken = await ana.post(`/api/cases/${target.id}/notes`, { body: "sneaky" }, { withCsrf: false });
  assert.equal(noToken.status, 403);

  // Five wrong passwords, then the name has to wait.
  const attempt = () => fetch(ponte.url + "/api/login", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "bo", password: "wrong-password" }) });
  for (let i = 0; i < 5; ++i) assert.equal((await attempt()).status, 401);
  const throttled = await attempt();
  assert.equal(throttled.status, 429);
  assert.ok(Number(throttled.headers.get("retry-after")) >= 1);
});

test("a supervisor reads the numbers; the CSV export holds no personal data", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "it-IT" });
  const page = await context.newPage();
  await login(page, "sam");
  await page.locator("#stats-nav").click();
  await page.locator("#stats-summary").waitFor();
  assert.match(await page.locator("#stats-summary").innerText(), /Casi: [1-9]/);
  // Each dimension has a chart Ponte drew, loaded as an image.
  for (const dim of ["topic", "municipality", "language", "channel", "outcome"]) {
    const img = page.locator(`figure[data-dimension=${dim}] img`);
    await waitFor(() => img.evaluate((i) => i.complete && i.naturalWidth > 0), { what: `${dim} chart` });
  }
  // Canned answers are written here too, as the supervisor's own text.
  await page.locator("#canned-new-key").fill("documents");
  await page.locator("#canned-new-language").fill("fr");
  await page.locator("#canned-new-title").fill("Documents");
  await page.locator("#canned-new-body").fill("Apportez votre passeport, {name}.");
  await page.locator("#canned-editor button").click();
  await page.locator("#canned-list li", { hasText: "documents · fr" }).waitFor();
  await page.screenshot({ path: join(shots, "statistics-1280.png"), fullPage: true });
  const href = await page.locator("#stats-csv").getAttribute("href");
  const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
  const [header, ...rows] = csv.trim().split("\r\n");
  assert.equal(header, "case,created_day,topic,municipality,language,channel,priority,status,phase,outcome,wait_minutes,resolution_minutes");
  assert.ok(rows.length >= 2);
  for (const secret of ["Amal", "7001", "7002", "operator", "I am Ana", "housing referral", "script"]) {
    assert.ok(!csv.includes(secret), `the CSV must not contain "${secret}"`);
  }
  // An operator cannot reach the coordinator's routes.
  const ana = await apiLogin("ana");
  assert.equal((await ana.get("/api/stats")).status, 403);
  assert.equal((await ana.get("/api/stats.csv")).status, 403);
  await context.close();
});
