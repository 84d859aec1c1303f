// Shared helpers for the browser tests (run by `cargo xtask test`, which serves www/ and sets
// OPTISCAPE_URL). Headless Debian Chromium driven by playwright-core; nothing is downloaded.
//
//   const browser = await launch();
//   const page = await openPage(browser);          // records console + network from the start
//   ...interact...
//   expectClean(page);                             // no console error/warning, nothing off-origin
//   await browser.close();

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.OPTISCAPE_URL ?? 'http://127.0.0.1:8000/';
export const ORIGIN = new URL(BASE_URL).origin;
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots and other test outputs (xtask points this at target/e2e). */
export const ARTIFACTS = process.env.OPTISCAPE_ARTIFACTS ?? path.join(REPO, 'target', 'e2e');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium (`apt-get install chromium`); playwright adds its own temporary profile. */
export async function launch(options = {}) {
  return chromium.launch({
    executablePath: process.env.OPTISCAPE_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    ...options,
  });
}

const records = new WeakMap();

/**
 * What a page did since openPage(): `status` (of the document), `console` (errors and warnings),
 * `pageErrors`, `requests` (every URL), `failed`, `httpErrors`.
 */
export function recordsOf(page) {
  const r = records.get(page);
  assert.ok(r, 'page was not opened with openPage()');
  return r;
}

/**
 * Opens BASE_URL + `urlPath` in a fresh browser context, recording from the first request:
 * console errors and warnings, uncaught page errors, every request URL, failed requests and
 * HTTP error responses. Resolves once the `load` event fired (`waitUntil`). `initScript` (a
 * function or source text) runs in the page before any of its own scripts. `device` holds more
 * of Playwright's context options (`deviceScaleFactor`, `hasTouch`, `isMobile`).
 */
export async function openPage(browser, urlPath = '', { viewport = { width: 1280, height: 800 }, waitUntil = 'load', initScript, device = {} } = {}) {
  const context = await browser.newContext({ ...device, viewport });
  const page = await context.newPage();
  if (initScript) await page.addInitScript(initScript);
  const r = { console: [], pageErrors: [], requests: [], failed: [], httpErrors: [] };
  records.set(page, r);
  page.on('console', (msg) => {
    const type = msg.type();
    if (type === 'error' || type === 'warning') {
      const loc = msg.location();
      r.console.push(`${type}: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => r.pageErrors.push(String(err?.stack ?? err)));
  page.on('request', (req) => r.requests.push(req.url()));
  page.on('requestfailed', (req) => r.failed.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`));
  page.on('response', (res) => {
    if (res.status() >= 400) r.httpErrors.push(`${res.status()} ${res.url()}`);
  });
  const response = await page.goto(new URL(urlPath, BASE_URL).href, { waitUntil });
  r.status = response?.status() ?? null;
  return page;
}

/** Whether a request URL stays on the page's origin (data: and same-origin blob: URLs do). */
export function isSameOrigin(url) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.href === 'about:blank') return true;
  // blob:http://host:port/uuid -> its origin is the inner URL's
  return u.origin === ORIGIN;
}

/** Requests that left the page's origin. */
export function offOriginRequests(page) {
  return recordsOf(page).requests.filter((u) => !isSameOrigin(u));
}

/**
 * Fails on any console error or warning, uncaught error, failed or off-origin request, or
 * HTTP error response since openPage(). `allow` is a list of RegExps for console lines that are
 * expected in a particular test.
 */
export function expectClean(page, { allow = [] } = {}) {
  const problems = problemsIn(recordsOf(page), { allow });
  assert.deepEqual(problems, [], `the page was not clean:\n  ${problems.join('\n  ')}`);
}

/** Console lines of the test browser itself, not of the page: headless Chromium with
 * --disable-gpu composites in software and reads every WebGL frame back, and says so (a
 * performance note, a few times a page). */
const BROWSER_NOTES = [/GL Driver Message \(OpenGL, Performance, [^)]*\): GPU stall due to ReadPixels/];

/**
 * What is wrong in a page's records (as recordsOf() gives them): console errors and warnings
 * but those matching `allow`, uncaught errors, off-origin and failed requests, HTTP errors.
 */
export function problemsIn(r, { allow = [] } = {}) {
  return [
    ...r.console.filter((line) => ![...allow, ...BROWSER_NOTES].some((re) => re.test(line))).map((l) => `console ${l}`),
    ...r.pageErrors.map((e) => `uncaught ${e}`),
    ...r.requests.filter((u) => !isSameOrigin(u)).map((u) => `off-origin request ${u}`),
    ...r.failed.map((f) => `failed request ${f}`),
    ...r.httpErrors.map((h) => `HTTP ${h}`),
  ];
}

/** Writes a PNG screenshot to ARTIFACTS/`name`.png and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The page's readiness: waits up to `appearMs` for `window.optiscape` to be defined, then up to
 * `timeoutMs` for `window.optiscape.ready` to resolve. Resolves to 'absent' if the page defines
 * no `window.optiscape` (yet), 'no-ready' if it has no `ready` promise, otherwise 'ready';
 * rejects on timeout or if `ready` rejects.
 */
export async function waitReady(page, { appearMs = 2000, timeoutMs = 10_000 } = {}) {
  const present = await page
    .waitForFunction(() => typeof window.optiscape !== 'undefined', null, { timeout: appearMs })
    .then(() => true, () => false);
  if (!present) return 'absent';
  return page.evaluate(async (ms) => {
    const ready = window.optiscape?.ready;
    if (!ready || typeof ready.then !== 'function') return 'no-ready';
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`window.optiscape.ready did not resolve within ${ms} ms`)), ms);
    });
    try {
      await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return 'ready';
  }, timeoutMs);
}

/**
 * Defines `window.readPixels(source)` in the page: `{ w, h, d }` (straight RGBA) of a canvas or a
 * decoded image, read through a copy made for reading, so the page's own canvases are never read
 * back (Chrome would warn about their readbacks).
 */
export async function defineReadPixels(page) {
  await page.evaluate(() => {
    window.readPixels = (source) => {
      const copy = document.createElement('canvas');
      [copy.width, copy.height] = [source.width, source.height];
      const ctx = copy.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(source, 0, 0);
      return { w: copy.width, h: copy.height, d: ctx.getImageData(0, 0, copy.width, copy.height).data };
    };
  });
}

/**
 * `optiscape <command>` (`run` unless named) of the release CLI on `spec`, its JSON output parsed:
 * the CLI named by OPTISCAPE_CLI, or in the target directory
 * (xtask's artifacts folder is target/e2e; CARGO_TARGET_DIR; the repository's target/).
 */
export function runCli(spec, command = 'run') {
  const targets = [process.env.OPTISCAPE_ARTIFACTS && path.dirname(process.env.OPTISCAPE_ARTIFACTS), process.env.CARGO_TARGET_DIR, path.join(REPO, 'target')];
  const candidates = process.env.OPTISCAPE_CLI ? [process.env.OPTISCAPE_CLI] : targets.filter(Boolean).map((t) => path.join(t, 'release', 'optiscape'));
  const exe = candidates.find((f) => fs.existsSync(f));
  assert.ok(exe, `no release CLI at ${candidates.join(' or ')}: run cargo build --release`);
  return JSON.parse(execFileSync(exe, [command], { input: JSON.stringify(spec), maxBuffer: 256 << 20 }));
}

/** Asserts that point `p` is `want` to 1e-12 (relative to its size, at least 1): the page's
 * exp, ln and pow may differ from the CLI's in the last bit. */
export function assertNear(p, want, what) {
  for (const d of [0, 1]) {
    assert.ok(Math.abs(p[d] - want[d]) <= 1e-12 * Math.max(1, Math.abs(want[d])), `${what}: ${p} vs ${want}`);
  }
}

/** Asserts that every number in `value` (racers(), say), however deep, is finite. */
export function assertAllFinite(value, where = 'racers()') {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} holds ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertAllFinite(v, `${where}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertAllFinite(v, `${where}.${k}`);
}

/** A race of every kind of optimizer on a scaled Rosenbrock, one of which (the last) diverges. */
export const MIXED = {
  landscape: { name: 'rosenbrock', scale: 0.5 },
  start: [-1.5, 2],
  steps: 300,
  racers: [
    { name: 'sgd', lr: 0.001, momentum: 0.9, nesterov: true },
    { name: 'adam', lr: 0.02, amsgrad: true, color: '#123456', label: 'AMSGrad' },
    { name: 'rmsprop', lr: 0.005, centered: true, momentum: 0.5 },
    { name: 'adagrad', lr: 0.3 },
    { name: 'adadelta', lr: 1 },
    { name: 'adamw', lr: 0.03, weight_decay: 0.1 },
    { name: 'nadam', lr: 0.02 },
    { name: 'radam', lr: 0.01, betas: [0.8, 0.99] },
    { name: 'adamax', lr: 0.05 },
    { name: 'adabelief', lr: 0.01, rectify: false },
    { name: 'lion', lr: 0.003 },
    { name: 'newton', lr: 0.5, damping: 0.1 },
    { name: 'sgd', lr: 0.05 }, // diverges
  ],
};
