// Page benchmarks: `cargo xtask bench` builds, serves www/ and runs this with OPTISCAPE_URL set.
// By hand: `cargo xtask serve` in one shell, `OPTISCAPE_URL=http://127.0.0.1:8000/ node benches/page.mjs`.
//
// Prints one figure per line, `name value unit`, and `# skipped NAME: reason` for figures the page
// cannot provide yet. Lines starting with `#` are comments.
//
// Figures:
//   wasm_bytes, wasm_gzip_bytes   www/pkg/*.wasm, raw and `gzip -9 -n`
//   landscape_only_wasm_bytes, landscape_only_wasm_gzip_bytes
//                                 the same of the module without the classifier's shell
//                                 (OPTISCAPE_LANDSCAPE_ONLY_PKG, built by `cargo xtask bench`)
//   first_frame_ms                navigation start -> first animation frame after
//                                 `window.optiscape.ready` resolved (median of the runs)
//   first_frame_bare_ms           the same page's HTML and CSS with every script and preload
//                                 taken out: navigation start -> first animation frame after its
//                                 load event; loaded alternately with the page
//   first_frame_vs_bare           first_frame_ms / first_frame_bare_ms
//   first_download_gzip_bytes     every file the landscape tab's first load fetches, each
//                                 `gzip -9 -n`; first_download_split_gzip_bytes the same with the
//                                 module without the classifier's shell; split_saving_percent
//                                 the share of the first download the split would save
//   anything bench() of www/js/bench.js returns (median of the runs)
//   train_wasm_s                  the seed workload (linear digits classifier, batch 1, 15 epochs,
//                                 Adam lr 1e-3, seed 0, raw inputs) trained entirely in wasm in
//                                 the page, training alone timed (median of the runs)
//   train_native_s                the same spec trained by the native build (benches/classify.rs
//                                 --train, OPTISCAPE_NATIVE_TRAIN), run alternately with the page
//   train_wasm_vs_native          train_wasm_s / train_native_s
//   present_4k_*, present_800_*   presentation mode at 3840x2160 device px beside 800x800
//                                 (benches/present.mjs)
//   steps_<landscape>_ms          8 racers x 2000 steps by `window.optiscape.step` on landscapes
//                                 whose every step calls exp, log, pow, sin... (median of the runs)
//
// Adding a figure from the page: make bench() in www/js/bench.js (loaded only here, never by the
// page itself) return it, e.g.
// `{ frame_p95_ms: 12.5, background_ms: 3 }`. Units come from the name's suffix (_ms, _bytes,
// _fps, _count) or are given explicitly as `{ value: 12.5, unit: 'ms' }`. A figure the page
// returns under the name of one measured here (first_frame_ms) replaces ours. Names listed in
// PAGE_FIGURES are reported as skipped while the page does not return them.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launch, openPage, recordsOf } from '../tests/e2e/harness.mjs';
import { presentFigures } from './present.mjs';
import { surfaceFigures } from './surface-page.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WWW = process.env.OPTISCAPE_WWW ?? path.join(REPO, 'www');
const RUNS = Math.max(1, Number(process.env.OPTISCAPE_BENCH_RUNS ?? 3));
const READY_TIMEOUT_MS = 30_000;
const BASE = process.env.OPTISCAPE_URL ?? 'http://127.0.0.1:8000/';
/** Figures the page is expected to provide through bench() (www/js/bench.js). */
const PAGE_FIGURES = ['frame_p95_ms', 'frame_32x1000_p95_ms', 'background_ms', 'background_vs_d3'];

let failed = false;

function unitOf(name) {
  const m = /_(ms|bytes|fps|count|px)$/.exec(name);
  return m ? m[1] : '';
}

function print(name, value, unit = unitOf(name)) {
  const v = Number.isInteger(value) ? String(value) : value.toFixed(unit === 's' ? 3 : 2);
  console.log(`${name} ${v} ${unit}`.trimEnd());
}

function skipped(name, reason) {
  console.log(`# skipped ${name}: ${reason}`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** { value, unit } from a bench() entry: a number, or { value, unit }. */
function normalize(name, entry) {
  if (typeof entry === 'number') return { value: entry, unit: unitOf(name) };
  if (entry && typeof entry.value === 'number') return { value: entry.value, unit: entry.unit ?? unitOf(name) };
  return null;
}

// --- static figures -------------------------------------------------------------------------

/** Bytes after `gzip -9 -n` (the CLI, as `cargo xtask build` reports); node's zlib if no gzip. */
function gzipSize(file) {
  try {
    return execFileSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 1 << 30 }).length;
  } catch {
    return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
  }
}

/** `prefix`wasm_bytes and `prefix`wasm_gzip_bytes of the modules in `pkg`. */
function wasmFigures(pkg = path.join(WWW, 'pkg'), prefix = '') {
  const files = fs.existsSync(pkg) ? fs.readdirSync(pkg).filter((f) => f.endsWith('.wasm')) : [];
  if (files.length === 0) {
    skipped(`${prefix}wasm_bytes`, `no .wasm in ${pkg} (run cargo xtask build)`);
    skipped(`${prefix}wasm_gzip_bytes`, `no .wasm in ${pkg}`);
    return;
  }
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const file = path.join(pkg, f);
    raw += fs.statSync(file).size;
    gz += gzipSize(file);
  }
  print(`${prefix}wasm_bytes`, raw);
  print(`${prefix}wasm_gzip_bytes`, gz);
}

// --- page figures ---------------------------------------------------------------------------

// Runs before the page's scripts: notes the first animation frame after window.optiscape.ready
// resolves, whether the page assigns window.optiscape at once or fills it in later.
function hookReady() {
  let hooked = null;
  const tryHook = () => {
    const o = window.optiscape;
    const ready = o?.ready;
    if (!ready || typeof ready.then !== 'function' || hooked === ready) return;
    hooked = ready;
    ready.then(
      () => requestAnimationFrame(() => {
        window.__benchFirstFrame ??= performance.now();
      }),
      () => {},
    );
  };
  let value;
  try {
    Object.defineProperty(window, 'optiscape', {
      configurable: true,
      enumerable: true,
      get: () => value,
      set: (v) => {
        value = v;
        tryHook();
      },
    });
  } catch {
    // the page redefined it first: the polling below still finds it
  }
  const poll = () => {
    tryHook();
    if (hooked === null) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

/** d3-contour 4 and d3-array (npm dev dependencies) into the page as `window.d3`, the anchor of
 * background_vs_d3: served to this page alone through a route of its own origin. */
async function loadD3(page) {
  const files = { 'd3-array.js': 'd3-array/dist/d3-array.min.js', 'd3-contour.js': 'd3-contour/dist/d3-contour.min.js' };
  await page.route('**/__bench/*.js', (route) => {
    const file = files[path.basename(new URL(route.request().url()).pathname)];
    return route.fulfill({ contentType: 'text/javascript', path: path.join(REPO, 'node_modules', file) });
  });
  for (const name of Object.keys(files)) await page.addScriptTag({ url: `__bench/${name}` });
}

/** The page's index.html with every script and preload taken out: its HTML and CSS alone. */
function bareHtml() {
  const html = fs.readFileSync(path.join(WWW, 'index.html'), 'utf8');
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '').replace(/<link\b[^>]*rel="(?:modulepreload|preload)"[^>]*>/g, '');
}

// Runs before anything in the bare page: notes the first animation frame after its load event.
function hookLoad() {
  addEventListener('load', () => requestAnimationFrame(() => {
    window.__benchFirstFrame = performance.now();
  }));
}

/** Milliseconds from navigation to the bare page's first animation frame after load. */
async function bareRun(browser, html) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(hookLoad);
    await page.route(BASE, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(BASE, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__benchFirstFrame !== undefined, null, { timeout: READY_TIMEOUT_MS });
    return await page.evaluate(() => window.__benchFirstFrame);
  } finally {
    await context.close();
  }
}

/** The gzip bytes of the files a page load fetched from www/ (`pkg` files taken from `pkg`). */
function downloadBytes(urls, pkg = path.join(WWW, 'pkg')) {
  let total = 0;
  for (const url of new Set(urls)) {
    const u = new URL(url);
    if (u.origin !== new URL(BASE).origin) continue;
    const rel = decodeURIComponent(u.pathname).replace(/^\//, '') || 'index.html';
    const file = rel.startsWith('pkg/') ? path.join(pkg, rel.slice(4)) : path.join(WWW, rel.endsWith('/') ? `${rel}index.html` : rel);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) total += gzipSize(file);
  }
  return total;
}

async function pageRun(browser) {
  const page = await openPage(browser, '', { initScript: hookReady });
  try {
    const present = await page
      .waitForFunction(() => typeof window.optiscape !== 'undefined', null, { timeout: 5000 })
      .then(() => true, () => false);
    if (!present) return { absent: 'the page defines no window.optiscape yet' };
    const hasReady = await page.evaluate(() => typeof window.optiscape?.ready?.then === 'function');
    if (!hasReady) return { absent: 'window.optiscape has no ready promise' };
    await page.waitForFunction(() => window.__benchFirstFrame !== undefined, null, { timeout: READY_TIMEOUT_MS });
    const firstFrame = await page.evaluate(() => window.__benchFirstFrame);
    const fetched = [...recordsOf(page).requests];
    await loadD3(page);
    const bench = await page.evaluate(async () => {
      const { bench } = await import('./js/bench.js');
      return JSON.parse(JSON.stringify(await bench(window.optiscape)));
    });
    const { pageErrors } = recordsOf(page);
    if (pageErrors.length) console.log(`# warning: uncaught errors in the page: ${pageErrors.join(' | ')}`);
    return { firstFrame, bench, fetched };
  } finally {
    await page.context().close();
  }
}

async function pageFigures() {
  const browser = await launch();
  try {
    const runs = [];
    const bare = [];
    const html = bareHtml();
    for (let i = 0; i < RUNS; i++) {
      const r = await pageRun(browser);
      if (r.absent) {
        skipped('first_frame_ms', r.absent);
        for (const name of PAGE_FIGURES) skipped(name, r.absent);
        return;
      }
      runs.push(r);
      bare.push(await bareRun(browser, html));
    }
    const figures = new Map(); // name -> { unit, values[] }
    const add = (name, value, unit) => {
      if (!figures.has(name)) figures.set(name, { unit, values: [] });
      figures.get(name).values.push(value);
    };
    for (const r of runs) {
      const fromPage = new Map();
      for (const [name, entry] of Object.entries(r.bench ?? {})) {
        const n = normalize(name, entry);
        if (n) fromPage.set(name, n);
        else console.log(`# warning: bench() figure ${name} is not a number or {value, unit}: ${JSON.stringify(entry)}`);
      }
      if (!fromPage.has('first_frame_ms')) add('first_frame_ms', r.firstFrame, 'ms');
      for (const [name, { value, unit }] of fromPage) add(name, value, unit);
    }
    for (const [name, { unit, values }] of figures) print(name, median(values), unit);
    const firstFrame = median(runs.map((r) => r.firstFrame));
    print('first_frame_bare_ms', median(bare), 'ms');
    print('first_frame_vs_bare', firstFrame / median(bare), 'x');
    console.log(`# first frames (page, bare, alternately): ${runs.map((r, i) => `${r.firstFrame.toFixed(0)} ${bare[i].toFixed(0)}`).join(', ')}`);
    const whole = downloadBytes(runs[0].fetched);
    print('first_download_gzip_bytes', whole);
    const split = process.env.OPTISCAPE_LANDSCAPE_ONLY_PKG;
    if (split) {
      const less = downloadBytes(runs[0].fetched, split);
      print('first_download_split_gzip_bytes', less);
      print('split_saving_percent', (100 * (whole - less)) / whole, '%');
    }
    for (const name of PAGE_FIGURES) if (!figures.has(name)) skipped(name, 'not returned by bench() (www/js/bench.js)');
  } finally {
    await browser.close();
  }
}

// --- the classifier ---------------------------------------------------------------------------

const SEED_WORKLOAD = {
  dataset: 'digits',
  model: 'linear',
  epochs: 15,
  batch_size: 1,
  seed: 0,
  input: { transform: 'raw', scale: 1 },
  racers: [{ name: 'adam', lr: 0.001 }],
};

/** The native build of benches/classify.rs (built by `cargo xtask bench`). */
const NATIVE_TRAIN = process.env.OPTISCAPE_NATIVE_TRAIN;

/** Seconds the native build takes to train SEED_WORKLOAD once (after a warm-up run). */
function nativeTrain() {
  const out = execFileSync(NATIVE_TRAIN, ['--train', JSON.stringify(SEED_WORKLOAD)], { encoding: 'utf8' });
  const m = /^train_native_s (\S+) s$/m.exec(out);
  if (!m) throw new Error(`no train_native_s in the native bench's output: ${out}`);
  return Number(m[1]);
}

/** train_wasm_s: benchTrain() of www/js/bench.js times Classify.train_steps in large slices. */
async function trainFigures() {
  const browser = await launch();
  try {
    const page = await openPage(browser);
    try {
      await page.waitForFunction(() => window.optiscape?.ready, null, { timeout: READY_TIMEOUT_MS });
      await page.evaluate(() => window.optiscape.ready);
      const runs = [];
      const native = [];
      let accuracy = null;
      for (let i = 0; i < RUNS; i++) {
        const r = await page.evaluate(async (spec) => {
          const { benchTrain } = await import('./js/bench.js');
          const { seconds, states } = await benchTrain(spec);
          return { seconds, accuracy: states[0].test_accuracy, epoch: states[0].epoch };
        }, SEED_WORKLOAD);
        if (r.epoch !== SEED_WORKLOAD.epochs) throw new Error(`benchTrain stopped at epoch ${r.epoch}`);
        runs.push(r.seconds);
        accuracy = r.accuracy;
        if (NATIVE_TRAIN) native.push(nativeTrain());
      }
      print('train_wasm_s', median(runs), 's');
      console.log(`# train_wasm_s: test accuracy ${(100 * accuracy).toFixed(2)} %, runs ${runs.map((s) => s.toFixed(3)).join(' ')}`);
      if (NATIVE_TRAIN) {
        print('train_native_s', median(native), 's');
        console.log(`# train_native_s: runs ${native.map((s) => s.toFixed(3)).join(' ')} (alternately with the page's)`);
        print('train_wasm_vs_native', median(runs) / median(native), 'x');
      } else skipped('train_wasm_vs_native', 'OPTISCAPE_NATIVE_TRAIN is not set (run through cargo xtask bench)');
    } finally {
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
}

/**
 * Races whose every step calls elementary functions (exp, log, pow, sin, ...; src/math.rs), timed
 * through `window.optiscape.step(n)`: 8 racers (Adam, NAdam, RAdam and SGD with momentum, two
 * each) taking 2000 steps, each step a gradient, a value and the optimizers' own `beta^t`.
 */
const STEP_WORKLOADS = {
  steps_rastrigin_ms: { name: 'rastrigin', scale: 1000 },
  steps_gaussian_mixture_ms: { name: 'gaussian_mixture' },
  steps_digits2d_ms: { name: 'digits2d', input_scale: 30 },
  steps_custom_ms: { name: 'custom', f: '2^(x/3) sin(3y) + tanh(x y) + atan(x - y) + exp(-(x^2 + y^2)/9) + log10(1 + x^2)' },
};
const STEP_RACERS = ['adam', 'nadam', 'radam', 'sgd'].flatMap((name) => [0.1, 0.01].map((lr) => ({ name, lr, ...(name === 'sgd' && { momentum: 0.9 }) })));

/** steps_*_ms: the median over RUNS of the wall time of `step(2000)` on each workload. */
async function stepFigures() {
  const browser = await launch();
  try {
    const page = await openPage(browser);
    try {
      await page.waitForFunction(() => window.optiscape?.ready, null, { timeout: READY_TIMEOUT_MS });
      await page.evaluate(() => window.optiscape.ready);
      for (const [figure, landscape] of Object.entries(STEP_WORKLOADS)) {
        const runs = await page.evaluate(
          ({ spec, runs }) => {
            window.optiscape.load(spec);
            window.optiscape.pause();
            const out = [];
            for (let i = 0; i <= runs; i++) {
              window.optiscape.reset();
              const t0 = performance.now();
              window.optiscape.step(spec.steps);
              out.push(performance.now() - t0);
            }
            return out.slice(1); // the first warms up
          },
          { spec: { landscape, steps: 2000, racers: STEP_RACERS }, runs: RUNS },
        );
        print(figure, median(runs), 'ms');
      }
    } finally {
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
}

// --- main -----------------------------------------------------------------------------------

console.log(`# optiscape bench: ${process.env.OPTISCAPE_URL ?? '(OPTISCAPE_URL unset)'}, ${RUNS} page load(s), medians`);
wasmFigures();
if (process.env.OPTISCAPE_LANDSCAPE_ONLY_PKG) wasmFigures(process.env.OPTISCAPE_LANDSCAPE_ONLY_PKG, 'landscape_only_');
if (!process.env.OPTISCAPE_URL) {
  skipped('first_frame_ms', 'OPTISCAPE_URL is not set (run through cargo xtask bench)');
  for (const name of PAGE_FIGURES) skipped(name, 'OPTISCAPE_URL is not set');
} else {
  try {
    await pageFigures();
  } catch (e) {
    console.error(`bench: ${e?.stack ?? e}`);
    failed = true;
  }
  try {
    await trainFigures();
  } catch (e) {
    console.error(`bench (train_wasm_s): ${e?.stack ?? e}`);
    failed = true;
  }
  try {
    await stepFigures();
  } catch (e) {
    console.error(`bench (steps_*_ms): ${e?.stack ?? e}`);
    failed = true;
  }
  const browser = await launch();
  try {
    await presentFigures(browser, print);
  } catch (e) {
    console.error(`bench (present_*): ${e?.stack ?? e}`);
    failed = true;
  }
  try {
    await surfaceFigures(browser, print);
  } catch (e) {
    console.error(`bench (surface_*): ${e?.stack ?? e}`);
    failed = true;
  } finally {
    await browser.close();
  }
}
process.exitCode = failed ? 1 : 0;
