// The first frame (navigation start to the first animation frame after window.optiscape.ready,
// as benches/page.mjs measures first_frame_ms) of two builds of the page in one run, with the
// bare page (AFTER's index.html without scripts or preloads: its HTML and CSS alone) as the
// anchor, page loads alternating: `node benches/first-frame-ab.mjs BEFORE_URL AFTER_URL [runs]`,
// each URL a served www/ folder. Prints each one's median, its ratio to the bare page, and how
// many modules and bytes the landscape's first load fetched.

import { launch, openPage } from '../tests/e2e/harness.mjs';

const [before, after] = process.argv.slice(2, 4);
const RUNS = Math.max(1, Number(process.argv[4] ?? 5));
if (!before || !after) {
  console.error('usage: node benches/first-frame-ab.mjs BEFORE_URL AFTER_URL [runs]');
  process.exit(2);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Runs before the page's scripts: notes the first animation frame after optiscape.ready.
function hookReady() {
  let value;
  Object.defineProperty(window, 'optiscape', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (v) => {
      value = v;
      v?.ready?.then(() => requestAnimationFrame(() => void (window.__benchFirstFrame ??= performance.now())), () => {});
    },
  });
}

// The bare page: the first animation frame after its load event.
function hookLoad() {
  addEventListener('load', () => requestAnimationFrame(() => void (window.__benchFirstFrame = performance.now())));
}

/** One page load of `base`: its first frame (ms) and the modules it fetched by then. */
async function pageRun(browser, base) {
  const page = await openPage(browser, base, { initScript: hookReady });
  try {
    await page.waitForFunction(() => window.__benchFirstFrame !== undefined, null, { timeout: 120_000 });
    const modules = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js') && e.startTime < window.__benchFirstFrame).length);
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name.replace('optiscape:', ''), m.startTime])));
    return { ms: await page.evaluate(() => window.__benchFirstFrame), modules, marks };
  } finally {
    await page.context().close();
  }
}

async function bareRun(browser, html) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(hookLoad);
    await page.route(after, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(after, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__benchFirstFrame !== undefined, null, { timeout: 120_000 });
    return await page.evaluate(() => window.__benchFirstFrame);
  } finally {
    await context.close();
  }
}

const html = (await (await fetch(new URL('index.html', after))).text())
  .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '')
  .replace(/<link\b[^>]*rel="(?:modulepreload|preload)"[^>]*>/g, '');
const browser = await launch();
const runs = { before: [], after: [], bare: [] };
const modules = {};
const marks = {};
try {
  for (let i = 0; i < RUNS; i += 1) {
    for (const [side, base] of [['before', before], ['after', after]]) {
      const r = await pageRun(browser, base);
      runs[side].push(r.ms);
      modules[side] = r.modules;
      (marks[side] ??= []).push(r.marks);
    }
    runs.bare.push(await bareRun(browser, html));
  }
} finally {
  await browser.close();
}
const bare = median(runs.bare);
for (const side of ['before', 'after']) {
  const m = median(runs[side]);
  const at = (name) => median(marks[side].map((k) => k[name] ?? NaN)).toFixed(0);
  const gap = (a, b) => median(marks[side].map((k) => k[b] - k[a])).toFixed(0);
  console.log(`# ${side}: modules evaluated (boot) ${at('boot')} ms; medians of the steps: wasm +${gap('boot', 'wasm')}, page mounted +${gap('wasm', 'ui')}, first frame +${gap('ui', 'first-frame')}`);
  console.log(`first_frame_ms ${side} ${m.toFixed(0)} ms, vs bare ${(m / bare).toFixed(2)} (${modules[side]} .js fetched before it; runs ${runs[side].map((x) => x.toFixed(0)).join(' ')})`);
}
console.log(`first_frame_bare_ms ${bare.toFixed(0)} ms (runs ${runs.bare.map((x) => x.toFixed(0)).join(' ')})`);
console.log(`after/before ${(median(runs.after) / median(runs.before)).toFixed(2)}`);
