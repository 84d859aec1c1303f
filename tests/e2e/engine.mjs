// One small driver over two browser engines, so that a test body written once runs in both:
// Debian's Chromium driven by playwright-core (over CDP) and Debian's Firefox ESR driven by
// puppeteer-core (over WebDriver BiDi). Nothing is downloaded.
//
//   const engine = await launchEngine('firefox');
//   const page = await engine.open('#spec=...');   // records console and network from the start
//   await page.evaluate(() => window.optiscape.racers());
//   expectPageClean(page);                          // no console error/warning, nothing off-origin
//   await page.close();
//   await engine.close();                           // the browser and its processes end
//
// A Page offers only what both engines do alike: evaluate, waitFor, text, click, select, press
// and screenshot, plus the records. Anything richer belongs in an engine's own test files.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE_URL, isSameOrigin, launch as launchChromium, openPage as openChromiumPage, problemsIn, recordsOf } from './harness.mjs';

/** Every engine the shared tests know. */
export const ENGINE_NAMES = ['chromium', 'firefox'];

/**
 * The engines to run the shared tests in: OPTISCAPE_ENGINES (comma-separated; `cargo xtask
 * test` runs each in its own step), or both.
 */
export function enginesToRun() {
  const names = (process.env.OPTISCAPE_ENGINES ?? ENGINE_NAMES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) assert.ok(ENGINE_NAMES.includes(n), `OPTISCAPE_ENGINES names an unknown engine \`${n}\` (known: ${ENGINE_NAMES.join(', ')})`);
  return names;
}

/** Debian's Firefox ESR (`apt-get install firefox-esr`), or OPTISCAPE_FIREFOX. */
export const FIREFOX = process.env.OPTISCAPE_FIREFOX ?? '/usr/bin/firefox-esr';

const VIEWPORT = { width: 1280, height: 800 };

/** Starts `name`'s browser: { name, open(urlPath, { viewport }), close() }. */
export async function launchEngine(name) {
  if (name === 'chromium') return launchPlaywrightChromium();
  if (name === 'firefox') return launchPuppeteerFirefox();
  throw new Error(`unknown engine \`${name}\` (known: ${ENGINE_NAMES.join(', ')})`);
}

async function launchPlaywrightChromium() {
  const browser = await launchChromium();
  return {
    name: 'chromium',
    async open(urlPath = '', { viewport = VIEWPORT } = {}) {
      const page = await openChromiumPage(browser, urlPath, { viewport });
      return new Page('chromium', page, recordsOf(page), {
        waitFor: (fn, arg, timeout) => page.waitForFunction(fn, arg, { timeout }),
        select: (selector, value) => page.selectOption(selector, value),
        close: () => page.context().close(),
      });
    },
    close: () => browser.close(),
  };
}

async function launchPuppeteerFirefox() {
  if (!fs.existsSync(FIREFOX)) {
    throw new Error(
      `Firefox ESR not found at ${FIREFOX}: the shared browser tests also run in Firefox. ` +
        'Install Debian\'s (sudo apt-get install firefox-esr; `cargo xtask test` does it when run as root), ' +
        'point OPTISCAPE_FIREFOX at a Firefox binary, or run Chromium alone with OPTISCAPE_ENGINES=chromium.',
    );
  }
  // Imported here, so that Chromium-only runs need no puppeteer-core.
  const { default: puppeteer } = await import('puppeteer-core');
  // In a temporary profile with puppeteer's preferences for tests (no updates, telemetry or
  // safe browsing), removed on close.
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, protocol: 'webDriverBiDi', headless: true });
  return {
    name: 'firefox',
    async open(urlPath = '', { viewport = VIEWPORT } = {}) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(viewport);
      const records = { console: [], pageErrors: [], requests: [], failed: [], httpErrors: [] };
      page.on('console', (msg) => {
        const type = msg.type();
        if (type === 'error' || type === 'warn' || type === 'warning' || type === 'assert') {
          const loc = msg.location();
          records.console.push(`${type}: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
        }
      });
      page.on('pageerror', (err) => records.pageErrors.push(String(err?.stack ?? err)));
      page.on('request', (req) => records.requests.push(req.url()));
      page.on('requestfailed', (req) => records.failed.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`));
      page.on('response', (res) => {
        if (res.status() >= 400) records.httpErrors.push(`${res.status()} ${res.url()}`);
      });
      try {
        const response = await page.goto(new URL(urlPath, BASE_URL).href, { waitUntil: 'load' });
        records.status = response?.status() ?? null;
      } catch (e) {
        await context.close();
        throw e;
      }
      return new Page('firefox', page, records, {
        waitFor: (fn, arg, timeout) => page.waitForFunction(fn, { timeout }, arg),
        select: (selector, value) => page.select(selector, value),
        close: () => context.close(),
      });
    },
    // The browser and every process it started (content, GPU, sockets) end with close().
    close: () => closeLeavingNothing(browser.process()?.pid, () => browser.close()),
  };
}

/**
 * Runs `close()`, then makes sure that no process of the tree under `pid` (as it was just
 * before) outlives it: one still there after 5 s is killed and named in the error thrown.
 * Linux only (it reads /proc); elsewhere it just closes.
 */
async function closeLeavingNothing(pid, close) {
  const tree = pid ? processTree(pid) : [];
  await close();
  const deadline = Date.now() + 5000;
  let alive = tree.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    alive = alive.filter(isAlive);
  }
  if (alive.length === 0) return;
  for (const p of alive) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`the browser left ${alive.length} process(es) behind after close(), now killed: ${alive.map((p) => `${p.pid} ${p.comm}`).join(', ')}`);
}

/** `pid` and its descendants: [{ pid, comm, start }] (start: its start time, against pid reuse). */
function processTree(pid) {
  let stats;
  try {
    stats = fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((d) => procStat(Number(d)))
      .filter(Boolean);
  } catch {
    return [];
  }
  const tree = [];
  const wanted = new Set([pid]);
  // Parents before children is not guaranteed by /proc's order: grow the set until it is stable.
  for (let grown = true; grown; ) {
    grown = false;
    for (const s of stats) {
      if (!wanted.has(s.pid) && wanted.has(s.ppid)) {
        wanted.add(s.pid);
        grown = true;
      }
    }
  }
  for (const s of stats) if (wanted.has(s.pid)) tree.push(s);
  return tree;
}

/** /proc/`pid`/stat's command, parent and start time, or null if there is no such process. */
function procStat(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; it ends at the last ')'.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return { pid, comm: text.slice(text.indexOf('(') + 1, close), ppid: Number(fields[1]), start: fields[19], state: fields[0] };
  } catch {
    return null;
  }
}

/** Whether process `p` (as procStat gave it) still runs: the same pid and start time, not a zombie. */
function isAlive(p) {
  const now = procStat(p.pid);
  return now !== null && now.start === p.start && now.state !== 'Z';
}

/**
 * A page of either engine. `records`: the document's `status`, `console` (errors and warnings),
 * `pageErrors`, `requests` (every URL), `failed` and `httpErrors`, since it was opened.
 */
export class Page {
  #page;
  #ops;

  constructor(engine, page, records, ops) {
    this.engine = engine;
    this.records = records;
    this.#page = page;
    this.#ops = ops;
  }

  /** `fn(arg)` in the page; its result, structured-cloned back. */
  evaluate(fn, arg) {
    return this.#page.evaluate(fn, arg);
  }

  /** Waits until `fn(arg)` is truthy in the page (default timeout 30 s). */
  waitFor(fn, arg, { timeout = 30_000 } = {}) {
    return this.#ops.waitFor(fn, arg ?? null, timeout);
  }

  /** The rendered text (innerText) of the first element matching `selector`. */
  text(selector) {
    return this.evaluate((s) => {
      const el = document.querySelector(s);
      if (!el) throw new Error(`no element matches ${s}`);
      return el.innerText;
    }, selector);
  }

  /** A real pointer click in the middle of the first element matching `selector`. */
  click(selector) {
    return this.#page.click(selector);
  }

  /** Chooses the option of value `value` in the <select> matching `selector`, as a user does. */
  async select(selector, value) {
    await this.#ops.select(selector, value);
  }

  /** A real key press (`Space`, `KeyS`, `ArrowRight`, ...) to the focused element. */
  press(key) {
    return this.#page.keyboard.press(key);
  }

  /** Writes a PNG of the whole page to ARTIFACTS/`name`.png and returns its path. */
  async screenshot(name) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.#page.screenshot({ path: file, fullPage: true });
    return file;
  }

  close() {
    return this.#ops.close();
  }
}

/** Requests that left the page's origin. */
export function offOrigin(page) {
  return page.records.requests.filter((u) => !isSameOrigin(u));
}

/**
 * Fails on any console error or warning, uncaught error, failed or off-origin request, or HTTP
 * error response since the page was opened. `allow`: RegExps for console lines a test expects.
 */
export function expectPageClean(page, { allow = [] } = {}) {
  const problems = problemsIn(page.records, { allow });
  assert.deepEqual(problems, [], `the page was not clean in ${page.engine}:\n  ${problems.join('\n  ')}`);
}
