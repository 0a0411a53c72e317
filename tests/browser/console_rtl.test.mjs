// Arabic reads right to left in the operator console too: the bot's Arabic
// messages carry their language and direction, the person's Arabic words are
// laid out by their own letters (dir="auto"), and so are the buttons' labels
// and what the operator types.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPonte, startFakeTelegram, launchBrowser, waitFor, telegramPerson, loginConsole } from "./lib/ponte.mjs";

let ponte;
let telegram;
let browser;

before(async () => {
  telegram = await startFakeTelegram();
  ponte = await startPonte({ telegram });
  person = telegramPerson(ponte, telegram, { languageCode: "ar" });
  const r = await ponte.command(["operator", "add", "ana", "--role", "operator"], { input: "ana-password-1\n" });
  assert.equal(r.code, 0, r.out);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await ponte?.stop();
  await telegram?.close();
});

let person;  // set in before()
const sayAndWait = (chat, text) => person.sayAndWait(chat, text);

const direction = (locator) => locator.evaluate((node) => getComputedStyle(node).direction);

test("an Arabic conversation reads right to left in the console's conversation view", async () => {
  const chat = 9301;
  await sayAndWait(chat, "مرحبا");
  await sayAndWait(chat, "العربية");  // the language button's label, typed
  await sayAndWait(chat, "موظف");     // "operator" in Arabic: a case opens

  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-GB" });
  const page = await context.newPage();
  await loginConsole(page, ponte.url, "ana", "ana-password-1");
  const row = page.locator("tr.case-row").first();
  await row.waitFor();
  await row.click();

  // The bot's Arabic answer, the person's Arabic words, the Arabic menu's buttons.
  const botArabic = page.locator("#transcript .msg-out .text", { hasText: "سأحوّلك إلى موظف" }).first();
  await botArabic.waitFor();
  assert.equal(await direction(botArabic), "rtl");
  assert.equal(await botArabic.getAttribute("lang"), "ar");
  const personArabic = page.locator("#transcript .msg-in .text", { hasText: "موظف" }).first();
  assert.equal(await direction(personArabic), "rtl");
  const arabicChoices = page.locator("#transcript .msg-out .choices", { hasText: "الصحة" }).first();
  assert.equal(await direction(arabicChoices), "rtl");
  // The console's own Latin texts stay left to right.
  assert.equal(await direction(page.locator("#transcript .msg-out .meta").first()), "ltr");

  // What the operator types in Arabic is laid out right to left as well.
  await page.locator("#claim").click();
  await page.locator("#release").waitFor();
  await page.locator("#reply-text").fill("مرحبا، أنا آنا");
  assert.equal(await direction(page.locator("#reply-text")), "rtl");
  await page.locator("#note-text").fill("تتحدث العربية فقط");
  assert.equal(await direction(page.locator("#note-text")), "rtl");
  await context.close();
});
