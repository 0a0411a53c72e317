// The embeddable widget: an NGO's page on another origin includes one
// <script> tag; a person opens the launcher and chats inside the panel.
// Real ponte, Debian's chromium at 360 px, the host page served by node.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { startPonte, launchBrowser } from "./lib/ponte.mjs";

let ponte;
let browser;
let hostServer;
let hostUrl;

function hostPage(ponteUrl) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>NGO</title><style>button { background: red !important; }</style></head>
<body><h1>Sportello migranti</h1><p>Orari e indirizzi.</p>
<script src="${ponteUrl}/widget.js" data-label="Chat with us" data-title="Ponte help line" defer></script>
</body></html>`;
}

before(async () => {
  // The host page must be on its own origin: start it first, allow it.
  hostServer = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(hostPage(ponte.url));
  });
  await new Promise((ok) => hostServer.listen(0, "127.0.0.1", ok));
  hostUrl = `http://127.0.0.1:${hostServer.address().port}`;
  ponte = await startPonte({ config: { webchat_embed_origins: hostUrl } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await ponte?.stop();
  await new Promise((ok) => hostServer?.close(ok) ?? ok());
});

const phone = { viewport: { width: 360, height: 740 }, locale: "en-US", hasTouch: true };

async function openChat(page) {
  await page.goto(hostUrl + "/");
  const launcher = page.getByRole("button", { name: "Chat with us" });
  await launcher.click();
  assert.equal(await launcher.getAttribute("aria-expanded"), "true");
  return page.frameLocator('iframe[title="Ponte help line"]');
}

test("send, buttons, typed answer, reload and resume from another origin", async () => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  const chat = await openChat(page);
  await chat.getByRole("button", { name: "English" }).click();
  await chat.getByRole("button", { name: "Health" }).waitFor();
  await chat.locator("#text").fill("2");
  await chat.locator("#text").press("Enter");
  await chat.getByText("STP code", { exact: false }).waitFor();
  const rows = await chat.locator("#log .msg").count();

  // A reload of the NGO's page: the same conversation, nothing twice.
  await page.reload();
  const again = await openChat(page);
  await again.getByText("STP code", { exact: false }).waitFor();
  assert.equal(await again.locator("#log .msg").count(), rows);

  // The panel fills a 360 px screen without horizontal scrolling.
  const box = await page.locator('iframe[title="Ponte help line"]').boundingBox();
  assert.ok(box.width <= 360 && box.width >= 340, `panel width ${box.width}`);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await context.close();
});

test("offline then online inside the widget sends the message once", async () => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  const chat = await openChat(page);
  await chat.getByRole("button", { name: "English" }).click();
  await chat.getByRole("button", { name: "Health" }).waitFor();
  await context.setOffline(true);
  await chat.locator("#text").fill("menu");
  await chat.locator("#text").press("Enter");
  await context.setOffline(false);
  await chat.locator("#log .msg-in .bubble", { hasText: /^menu$/ }).waitFor();
  await chat.locator("#log .choices button:not([disabled])").first().waitFor({ timeout: 10000 });
  assert.equal(await chat.locator("#log .msg-in .bubble", { hasText: /^menu$/ }).count(), 1);
  await context.close();
});

test("keyboard: Escape closes the panel and gives focus back to the launcher", async () => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(hostUrl + "/");
  const launcher = page.getByRole("button", { name: "Chat with us" });
  await launcher.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Ponte help line" });
  await dialog.waitFor();
  await page.getByRole("button", { name: "Close Ponte help line" }).focus();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await launcher.getAttribute("aria-expanded"), "false");
  assert.equal(
    await page.evaluate(() => document.querySelector("[data-ponte-widget]").shadowRoot.activeElement?.className),
    "launcher",
  );
  await context.close();
});

test("Arabic turns the chat inside the widget right to left", async () => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  const chat = await openChat(page);
  await chat.getByRole("button", { name: "العربية" }).click();
  const frame = page.frame({ url: /embed=1/ });
  await frame.waitForFunction(() => document.documentElement.dir === "rtl", null, { timeout: 10000 });
  assert.equal(await frame.evaluate(() => document.documentElement.lang), "ar");
  // The live region that announces new messages to screen readers is there.
  assert.equal(await frame.locator("[aria-live=polite]").count(), 1);
  await context.close();
});

test("a site that is not configured cannot frame the chat", async () => {
  // Same server, another origin: localhost is not 127.0.0.1.
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(hostUrl.replace("127.0.0.1", "localhost") + "/");
  await page.getByRole("button", { name: "Chat with us" }).click();
  const iframe = page.locator('iframe[title="Ponte help line"]');
  await iframe.waitFor();
  const frame = await (await iframe.elementHandle()).contentFrame();
  await frame.waitForLoadState();
  assert.equal(await frame.locator("#log").count(), 0, "the chat rendered inside a foreign site");
  await context.close();
});

test("only the configured origins may frame the chat", async () => {
  const res = await fetch(ponte.url + "/?embed=1");
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, new RegExp(`frame-ancestors 'self' ${hostUrl.replace(/[.:/]/g, "\\$&")}`));
  const script = await fetch(ponte.url + "/widget.js");
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type"), /javascript/);
});
