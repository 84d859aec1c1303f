// Layouts that never hide the plot (Chromium): at a browser zoom of 125 % and 150 % on a
// 1280x720 screen (emulated as a smaller CSS viewport at that device pixel ratio), and in the
// one-column layout, the whole plot lies inside the viewport's height, under the header; on a
// 390x844 phone the inspector's numbers keep their width and the classifier's results keep
// every column in view. Checked with bounding boxes.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectClean, launch, openPage, waitReady } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function open(viewport, deviceScaleFactor, urlPath = '') {
  const page = await openPage(browser, urlPath, { viewport, device: { deviceScaleFactor } });
  await waitReady(page);
  return page;
}

/** The plot's and the header's boxes and the viewport, in CSS px. */
const boxes = (page) =>
  page.evaluate(() => {
    const box = (sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    return { plot: box('#plot'), header: box('.top'), width: innerWidth, height: innerHeight };
  });

for (const [what, viewport, dpr] of [
  ['1280x720 at 125 %', { width: 1024, height: 576 }, 1.25],
  ['1280x720 at 150 % (one column)', { width: 853, height: 480 }, 1.5],
  ['1280x720', { width: 1280, height: 720 }, 1],
  ['a one-column window', { width: 800, height: 900 }, 1],
]) {
  test(`the whole plot fits the viewport's height under the header: ${what}`, async () => {
    const page = await open(viewport, dpr);
    const b = await boxes(page);
    assert.ok(b.plot.top >= b.header.bottom, `the header (bottom ${b.header.bottom}) overlaps the plot (top ${b.plot.top})`);
    assert.ok(b.plot.bottom <= b.height + 0.5, `the plot's bottom ${b.plot.bottom} is below the viewport's ${b.height}`);
    assert.ok(b.plot.left >= 0 && b.plot.right <= b.width + 0.5, `the plot ${JSON.stringify(b.plot)} is wider than ${b.width}`);
    assert.ok(b.plot.bottom - b.plot.top >= 0.6 * (b.height - b.header.bottom), `the plot is only ${b.plot.bottom - b.plot.top} px tall`);
    expectClean(page);
    await page.context().close();
  });
}

test('on a 390x844 phone the inspector\'s names and numbers keep their width, and the classifier\'s results keep every column in view', async () => {
  const page = await open({ width: 390, height: 844 }, 3);
  await page.locator('#racer-list > li:nth-child(3) button[aria-label^="Settings of"]').click();
  await page.waitForFunction(() => document.querySelectorAll('#racer-list .state dd').length > 3);
  const narrow = await page.evaluate(() =>
    // Only what is shown: an optional number's field stays hidden until its box is ticked.
    [...document.querySelectorAll('#racer-list .state dd, #racer-list .param-label')].filter((e) => e.checkVisibility()).map((e) => ({ text: e.textContent, width: e.getBoundingClientRect().width, lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)) })),
  );
  for (const n of narrow) {
    assert.ok(n.width >= 90, `${JSON.stringify(n.text)} is ${n.width} px wide`);
    // A coordinate pair may take two lines, a name two; never one or two characters a line.
    assert.ok(n.lines <= 2 || n.width / n.text.length > 4, `${JSON.stringify(n.text)} takes ${n.lines} lines`);
  }
  await page.evaluate(async () => {
    await window.optiscape.classify.open();
    window.optiscape.classify.play();
  });
  await page.waitForFunction(() => window.optiscape.classify.epochs().every((e) => e.length >= 1), null, { timeout: 60_000 });
  const table = await page.evaluate(() => {
    const wrap = document.querySelector('.table-wrap').getBoundingClientRect();
    const cells = [...document.querySelectorAll('#train-results-body td')].map((c) => {
      const r = c.getBoundingClientRect();
      return { label: c.dataset.label, text: c.textContent, left: r.left, right: r.right, width: r.width };
    });
    return { wrap: { left: wrap.left, right: wrap.right }, cells, columns: document.querySelectorAll('#train-results thead th').length };
  });
  assert.ok(table.cells.length >= 6, `${table.cells.length} cells`);
  for (const c of table.cells) {
    assert.ok(c.left >= table.wrap.left - 0.5 && c.right <= table.wrap.right + 0.5 && c.width > 0, `${c.label} (${c.text}) is out of view: ${JSON.stringify(c)} in ${JSON.stringify(table.wrap)}`);
    assert.ok(c.label, 'every cell says its column');
  }
  expectClean(page);
  await page.context().close();
});
