// Accessibility (Chromium): axe-core, injected into the page (the page's CSP would refuse it,
// so the context bypasses CSP), checks both tabs and presentation mode and fails on any serious
// or critical violation; every control has a label; racers differ by more than colour.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { expectClean, launch, openPage, waitReady } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function open(urlPath = '', viewport = { width: 1280, height: 800 }) {
  const page = await openPage(browser, urlPath, { viewport, device: { bypassCSP: true } });
  await waitReady(page);
  await page.addScriptTag({ path: AXE });
  return page;
}

/** axe's serious and critical violations, one line each with the elements they concern. */
async function violations(page, what) {
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

/** Controls (buttons, fields, drop-downs) with no accessible name. */
const unlabelled = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('button, input, select, textarea')]
      .filter((e) => e.getClientRects().length > 0)
      .filter((e) => {
        const name = e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.labels?.[0]?.textContent || e.textContent || e.title;
        return !name || !name.trim();
      })
      .map((e) => e.outerHTML.slice(0, 120)),
  );

test('axe finds no serious or critical violation on the landscape tab (a racer\'s settings open), in presentation mode and on the classifier tab; every control is labelled', async () => {
  const page = await open();
  await page.locator('#racer-list > li:nth-child(3) button[aria-label^="Settings of"]').click();
  await page.waitForFunction(() => window.optiscape.racers()[0].step > 5);
  const found = [...(await violations(page, 'landscape'))];
  assert.deepEqual(await unlabelled(page), [], 'unlabelled controls on the landscape tab');
  await page.evaluate(() => window.optiscape.present(true));
  await page.waitForTimeout(300);
  found.push(...(await violations(page, 'presentation mode')));
  await page.evaluate(() => window.optiscape.present(false));
  await page.evaluate(async () => {
    await window.optiscape.classify.open();
    window.optiscape.classify.play();
  });
  await page.waitForFunction(() => window.optiscape.classify.epochs().every((e) => e.length >= 1), null, { timeout: 60_000 });
  found.push(...(await violations(page, 'classifier')));
  assert.deepEqual(await unlabelled(page), [], 'unlabelled controls on the classifier tab');
  assert.deepEqual(found, []);
  expectClean(page);
  await page.context().close();
});

test('racers differ by more than colour: each of four racers of distinct colours has its own dash pattern, in the legend, the cards and presentation mode\'s legend', async () => {
  const page = await open('?present=1');
  await page.waitForFunction(() => document.querySelectorAll('.present-racer').length > 3);
  const { legend, overlay, cards } = await page.evaluate(() => ({
    legend: window.optiscape.legend().entries.map((e) => `${e.color} ${e.dash.join(',')}`),
    overlay: [...document.querySelectorAll('.present-swatch line')].map((l) => l.getAttribute('stroke-dasharray') ?? ''),
    cards: [...document.querySelectorAll('#racer-list .swatch')].map((s) => s.dataset.dash),
  }));
  const firstFour = (xs) => new Set(xs.slice(0, 4)).size;
  assert.equal(firstFour(overlay), 4, `presentation legend dashes ${overlay}`);
  assert.equal(firstFour(cards), 4, `card swatches ${cards}`);
  assert.equal(new Set(legend).size, legend.length, `legend ${legend}`);
  expectClean(page);
  await page.context().close();
});
