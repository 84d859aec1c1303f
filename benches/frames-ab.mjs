// The live frame's figures (frame_* of www/js/bench.js) of two builds of the page in one run,
// page loads alternating: `node benches/frames-ab.mjs BEFORE_URL AFTER_URL [runs]`, each URL a
// served www/ folder (say a copy of www/ kept from before a change, and www/ itself). Prints
// each figure's median over the runs for both, and their ratio.

import { launch, openPage } from '../tests/e2e/harness.mjs';

const [before, after] = process.argv.slice(2, 4);
const RUNS = Math.max(1, Number(process.argv[4] ?? 3));
if (!before || !after) {
  console.error('usage: node benches/frames-ab.mjs BEFORE_URL AFTER_URL [runs]');
  process.exit(2);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The frame figures of one page load of `base`. */
async function run(browser, base) {
  const page = await openPage(browser, base);
  try {
    await page.waitForFunction(() => window.optiscape?.ready, null, { timeout: 120_000 });
    return await page.evaluate(async () => {
      await window.optiscape.ready;
      const { bench } = await import('./js/bench.js');
      const all = await bench(window.optiscape);
      return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('frame_')));
    });
  } finally {
    await page.context().close();
  }
}

const browser = await launch();
const figures = { before: {}, after: {} };
try {
  for (let i = 0; i < RUNS; i += 1) {
    for (const [side, base] of [['before', before], ['after', after]]) {
      for (const [k, v] of Object.entries(await run(browser, base))) (figures[side][k] ??= []).push(v);
    }
  }
} finally {
  await browser.close();
}
for (const k of Object.keys(figures.before)) {
  const [b, a] = [median(figures.before[k]), median(figures.after[k] ?? [NaN])];
  console.log(`${k} ${b.toFixed(2)} ${a.toFixed(2)} ms (after/before ${(a / b).toFixed(2)}; runs ${figures.before[k].map((x) => x.toFixed(1)).join(' ')} | ${(figures.after[k] ?? []).map((x) => x.toFixed(1)).join(' ')})`);
}
