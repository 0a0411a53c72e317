// Urgency and office hours, against a ponte whose flows include an urgent
// trigger ("danger") and whose office is closed today (a holiday): the
// person hears when operators are back and that the case is kept; an urgent
// request gets the emergency numbers at once, jumps the queue, and alerts
// the operator who is online (banner, sound, browser notification).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, copyFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPonte, startFakeTelegram, launchBrowser, waitFor, sourceDir, telegramPerson, loginConsole } from "./lib/ponte.mjs";

let ponte;
let telegram;
let browser;
let flowsDir;

const todayInRome = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Rome" }).format(new Date());

before(async () => {
  flowsDir = mkdtempSync(join(tmpdir(), "ponte-flows-"));
  for (const f of readdirSync(join(sourceDir, "tests/fixtures/demo/flows"), { withFileTypes: true })) {
    if (f.isFile()) copyFileSync(join(sourceDir, "tests/fixtures/demo/flows", f.name), join(flowsDir, f.name));
  }
  writeFileSync(join(flowsDir, "danger.json"), JSON.stringify({
    spec: 1, id: "danger", version: 1, start: "alert",
    triggers: { en: ["danger"], it: ["pericolo"] },
    nodes: [
      { id: "alert", kind: "handoff", topic: "trafficking", priority: "urgent", reason: "danger keyword",
        text: "operator.queued", next: "done" },
      { id: "done", kind: "end" },
    ],
  }));
  // An urgent flow that gives the numbers itself: the server must not repeat them.
  writeFileSync(join(flowsDir, "danger_given.json"), JSON.stringify({
    spec: 1, id: "danger_given", version: 1, start: "alert",
    triggers: { en: ["unsafe"] },
    nodes: [
      { id: "alert", kind: "handoff", topic: "trafficking", priority: "urgent", reason: "unsafe keyword",
        text: "operator.queued", emergency_numbers: false, next: "done" },
      { id: "done", kind: "end" },
    ],
  }));
  const allDay = "00:00-24:00";
  telegram = await startFakeTelegram();
  ponte = await startPonte({ telegram, config: { flows_dir: flowsDir, office_hours: {
    timezone: "Europe/Rome", mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay,
    sat: allDay, sun: allDay, holidays: todayInRome() } } });
  person = telegramPerson(ponte, telegram, { firstName: "Joy" });
  const r = await ponte.command(["operator", "add", "ana", "--role", "operator"], { input: "ana-password-1\n" });
  assert.equal(r.code, 0, r.out);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await ponte?.stop();
  await telegram?.close();
  rmSync(flowsDir, { recursive: true, force: true });
});

let person;  // set in before()
const textsTo = (chat) => person.textsTo(chat);
const sayAndWait = (chat, text, count) => person.sayAndWait(chat, text, count);

test("outside office hours the person is told when operators are back; urgent cases alert at once", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  await context.grantPermissions(["notifications"], { origin: ponte.url });
  const page = await context.newPage();
  await loginConsole(page, ponte.url, "ana", "ana-password-1");
  await page.locator("#queue-pane h2").waitFor();

  const normal = 8101;
  await sayAndWait(normal, "hello");
  await sayAndWait(normal, "English");
  await sayAndWait(normal, "operator");
  await waitFor(() => textsTo(normal).some((t) => /not available now: they are back .+ kept/.test(t)),
    { what: "the after-hours notice" });
  assert.ok(!textsTo(normal).some((t) => t.includes("112")), "no emergency numbers for a normal case");
  await page.locator("tr.case-row").first().waitFor();

  const urgent = 8102;
  await sayAndWait(urgent, "hello");
  await sayAndWait(urgent, "English");
  await sayAndWait(urgent, "operator");
  await sayAndWait(urgent, "danger");
  await waitFor(() => textsTo(urgent).some((t) => t.includes("call 112")), { what: "the emergency numbers" });

  // The urgent case is first in the queue and the operator was alerted.
  await waitFor(async () => (await page.locator("tr.case-row").first().getAttribute("class")).includes("prio-0"),
    { what: "the urgent case on top" });
  await waitFor(async () => Number(await page.evaluate(() => document.body.dataset.urgentAlerts || 0)) >= 1,
    { what: "an urgent alert" });
  assert.match(await page.locator("#alert").innerText(), /urgent/i);
  await context.close();
});

test("an urgent flow that gave the numbers itself does not get them again from the server", async () => {
  const chat = 8104;
  await sayAndWait(chat, "hello");
  await sayAndWait(chat, "English");
  await sayAndWait(chat, "unsafe");
  // The after-hours notice is queued after the emergency numbers, in the same unit.
  await waitFor(() => textsTo(chat).some((t) => /not available now: they are back .+ kept/.test(t)),
    { what: "the after-hours notice" });
  assert.ok(!textsTo(chat).some((t) => t.includes("call 112")), "the numbers are not repeated");
});

test("a person asks to be called back; the request joins the operators' list", async () => {
  const chat = 8103;
  await sayAndWait(chat, "hello");
  await sayAndWait(chat, "English");
  await sayAndWait(chat, "operator");
  await sayAndWait(chat, "call me");
  await sayAndWait(chat, "+39 333 1234567");
  await sayAndWait(chat, "Monday morning <b>or</b> Tuesday after 3 pm");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  const page = await context.newPage();
  await loginConsole(page, ponte.url, "ana", "ana-password-1");
  await page.locator("#callbacks-nav").click();
  const row = page.locator("#callbacks tr.callback-requested").first();
  await row.waitFor();
  assert.equal(await row.locator(".slots").textContent(), "Monday morning <b>or</b> Tuesday after 3 pm");
  assert.match(await row.innerText(), /\+39 ?333/);
  await row.locator(".mark-called").click();
  await page.locator("#callbacks tr.callback-done").first().waitFor();
  await context.close();
});
