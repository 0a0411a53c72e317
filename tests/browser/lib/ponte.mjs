// Shared by the browser tests: start the real ponte binary on a free port with
// its own data directory, a fake Telegram Bot API, and Debian's chromium.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const sourceDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const ponteBinary = process.env.PONTE_BIN ?? join(sourceDir, "build/ponte");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `probe` until it returns a truthy value or `timeoutMs` passes.
export async function waitFor(probe, { timeoutMs = 10000, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function freePort() {
  return new Promise((ok, ko) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on("error", ko);
  });
}

// A fake Telegram Bot API over plain HTTP: answers every method with ok and
// records the calls, so a test can wait for the message a person would get.
export async function startFakeTelegram() {
  const calls = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const method = req.url.split("/").pop();
      let params = {};
      try {
        params = body ? JSON.parse(body) : {};
      } catch {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error_code: 400, description: "bad json" }));
        return;
      }
      calls.push({ method, params });
      const result = method === "sendMessage" ? { message_id: calls.length, date: 0 } : true;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, result }));
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    calls,
    sent: () => calls.filter((c) => c.method === "sendMessage"),
    close: () => new Promise((ok) => server.close(ok)),
  };
}

export const telegramToken = "123456:browser-test-token";
export const telegramSecret = "browser-test-secret";

// Starts `ponte serve`. `config` is merged over the defaults; `telegram` is a
// fake from startFakeTelegram() or undefined for web chat only.
export async function startPonte({ config = {}, telegram } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ponte-browser-"));
  const port = await freePort();
  const base = {
    listen: `127.0.0.1:${port}`,
    data_dir: join(dir, "data"),
    flows_dir: join(sourceDir, "tests/fixtures/demo/flows"),
    locales_dir: join(sourceDir, "tests/fixtures/demo/locales"),
    threads: 2,
    log_level: "debug",
    shutdown_timeout_ms: 2000,
    outbox: { retry_base_ms: 50, retry_max_ms: 400 },
  };
  if (telegram) {
    base.telegram = { token: telegramToken, secret_token: telegramSecret, api_base: telegram.baseUrl };
  }
  const merged = { ...base, ...config };
  const configPath = join(dir, "ponte.json");
  writeFileSync(configPath, JSON.stringify(merged, null, 2));
  const logPath = join(dir, "ponte.log");
  const child = spawn(ponteBinary, ["serve", "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`ponte exited early (${JSON.stringify(exited)}):\n${log}`);
        try {
          return (await fetch(`${url}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      { timeoutMs: 15000, what: "ponte /healthz" },
    );
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    url,
    port,
    dir,
    configPath,
    log: () => log,
    // Runs another ponte subcommand against the same configuration.
    command(words, { input } = {}) {
      return new Promise((ok) => {
        const c = spawn(ponteBinary, [...words, "--config", configPath]);
        let out = "";
        c.stdout.on("data", (d) => (out += d));
        c.stderr.on("data", (d) => (out += d));
        c.on("exit", (code) => ok({ code, out }));
        if (input !== undefined) c.stdin.end(input);
        else c.stdin.end();
      });
    },
    // Posts a Telegram update as the platform would.
    telegramUpdate(update) {
      return fetch(`${url}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": telegramSecret },
        body: JSON.stringify(update),
      });
    },
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        await waitFor(() => exited, { timeoutMs: 10000, what: "ponte to exit" }).catch(() =>
          child.kill("SIGKILL"),
        );
      }
      writeFileSync(logPath, log);
      if (!process.env.PONTE_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PONTE_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

// Reads a file of the source tree (fixtures, flows).
export const readSource = (path) => readFileSync(join(sourceDir, path), "utf8");

// A person writing to `ponte` on Telegram (the fake API records the replies).
// say() resolves once ponte acknowledged the update; sayAndWait() also waits
// for `count` more replies to that chat.
export function telegramPerson(ponte, telegram, { firstName = "Amal", languageCode = "en" } = {}) {
  let updateId = 1;
  const textsTo = (chat) =>
    telegram.sent().filter((c) => String(c.params.chat_id) === String(chat)).map((c) => c.params.text);
  async function say(chat, text) {
    const res = await ponte.telegramUpdate({
      update_id: updateId++,
      message: { message_id: updateId, date: Math.floor(Date.now() / 1000), text,
        chat: { id: chat, type: "private" },
        from: { id: chat, is_bot: false, first_name: firstName, language_code: languageCode } },
    });
    if (res.status !== 200) throw new Error(`update "${text}" got HTTP ${res.status}`);
  }
  async function sayAndWait(chat, text, count = 1) {
    const before = textsTo(chat).length;
    await say(chat, text);
    await waitFor(() => textsTo(chat).length >= before + count, { what: `replies to "${text}"` });
  }
  return { say, sayAndWait, textsTo };
}

// Signs in to the console at `url` in `page`.
export async function loginConsole(page, url, name, password) {
  await page.goto(url + "/console");
  await page.locator("#login-name").fill(name);
  await page.locator("#login-password").fill(password);
  await page.locator("#login button[type=submit]").click();
}
