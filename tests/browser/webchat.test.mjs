// The web chat page in a real headless chromium on a 360 px phone screen:
// buttons, a typed answer, reload and resume, offline then online.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPonte, launchBrowser } from "./lib/ponte.mjs";

let ponte;
let browser;

before(async () => {
  ponte = await startPonte();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await ponte?.stop();
});

const phone = { viewport: { width: 360, height: 740 }, locale: "en-US", hasTouch: true };

test("buttons, a typed answer, then reload resumes the same conversation", async () => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(ponte.url + "/");

  // The language menu comes first; pick English with its button.
  const english = page.getByRole("button", { name: "English" });
  await english.click();
  await page.getByRole("button", { name: "Health" }).waitFor();

  // A typed answer: "2" picks the second entry of the menu.
  await page.locator("#text").fill("2");
  await page.locator("#text").press("Enter");
  const health = page.locator("#log .msg-out .bubble", { hasText: "STP code" });
  await health.waitFor();
  // Then the menu again, as the flow says.
  await page.locator("#log .choices button:not([disabled])", { hasText: "Health" }).waitFor();
  const rowsBefore = await page.locator("#log .msg").count();

  // Reload: the same anonymous id, the same transcript, nothing twice.
  await page.reload();
  await health.waitFor();
  await page.locator("#log .choices button:not([disabled])", { hasText: "Health" }).waitFor();
  assert.equal(await page.locator("#log .msg").count(), rowsBefore);
  assert.equal(await health.count(), 1);

  // The page fits a 360 px screen: no horizontal scrolling.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await context.close();
});

test("a message written offline is sent once the phone is back online", async () => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(ponte.url + "/");
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("button", { name: "Health" }).waitFor();

  await context.setOffline(true);
  await page.locator("#text").fill("menu");
  await page.locator("#text").press("Enter");
  await page.waitForTimeout(300);
  await context.setOffline(false);

  // The menu comes back exactly once, and "menu" is in the transcript once.
  await page.waitForFunction(
    () => document.querySelectorAll("#log .choices button:not([disabled])").length > 0 &&
      [...document.querySelectorAll("#log .msg-in .bubble")].some((b) => b.textContent === "menu"),
    null,
    { timeout: 10000 },
  );
  const mine = await page.locator("#log .msg-in .bubble", { hasText: /^menu$/ }).count();
  assert.equal(mine, 1);
  await context.close();
});

test("Arabic switches the page to right to left", async () => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(ponte.url + "/");
  await page.getByRole("button", { name: "العربية" }).click();
  await page.waitForFunction(() => document.documentElement.dir === "rtl", null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ar");
  await context.close();
});
