// Lecture features: plain-language tips on every control and inspector quantity (the catalog's
// words), the explained step and the 3-D surface.

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

async function withPage(hash, fn, { viewport } = {}) {
  const page = await openPage(browser, hash, { ...(viewport && { viewport }) });
  try {
    assert.equal(await waitReady(page, { timeoutMs: 15_000 }), 'ready');
    await fn(page);
    expectClean(page);
  } finally {
    await page.context().close();
  }
}

const api = (page, fn, arg) => page.evaluate(fn, arg);
const card = (page, i) => page.locator('#racer-list > li').nth(i);
const catalog = (page) =>
  api(page, async () => {
    const m = await import('./pkg/optiscape.js');
    return JSON.parse(m.catalog_json());
  });

async function openSettings(page, i) {
  const toggle = card(page, i).getByRole('button', { name: /^Settings of/ });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

test('every control of an adam and an sgd racer shows its catalog tip, β1 and β2 their own; the inspector says what each quantity is', async () => {
  await withPage('', async (page) => {
    const cat = await catalog(page);
    await api(page, () => {
      window.optiscape.pause();
      window.optiscape.load({ landscape: { name: 'rosenbrock' }, racers: [{ name: 'adam', color: '#0072b2' }, { name: 'sgd', color: '#d55e00' }] });
      window.optiscape.step(3);
    });
    for (const [i, name] of [[0, 'adam'], [1, 'sgd']]) {
      await openSettings(page, i);
      const opt = cat.optimizers.find((o) => o.name === name);
      const settings = card(page, i).locator('.racer-settings');
      for (const p of [...opt.params, ...cat.racer_params]) {
        assert.ok(p.tip, `${name}.${p.name} has a tip in the catalog`);
        if (p.type === 'pair') {
          for (const [k, item] of p.item_tips.entries()) {
            const row = settings.getByRole('slider', { name: `${p.name}[${k}]`, exact: true }).locator('xpath=..');
            const tip = await row.getAttribute('data-tip');
            assert.equal(tip, `${item.symbol}: ${item.tip}`, `${name}.${p.name}[${k}]`);
            assert.equal(await row.getAttribute('title'), tip);
          }
          continue;
        }
        const row = settings.locator(`[data-tip]`).filter({ has: page.locator('.param-label', { hasText: new RegExp(`^${p.name.replace(/_/g, '_?')}$`) }) }).first();
        assert.equal(await row.getAttribute('data-tip'), p.tip, `${name}.${p.name}`);
        // The ⓘ button shows the tip as a line (a phone has no hover).
        const button = row.locator(':scope > .param-head > .tip-toggle');
        const line = row.locator(':scope > .param-tip');
        assert.equal(await line.isVisible(), false);
        await button.click();
        assert.equal(await line.textContent(), p.tip);
        assert.equal(await line.isVisible(), true, `${name}.${p.name}'s tip line shows`);
        await button.click();
        assert.equal(await line.isVisible(), false);
      }
      // Every inspector row has its line: the optimizer's state, then the race's quantities.
      const rows = await settings.locator('dl.state dt').evaluateAll((dts) => dts.map((d) => [d.textContent, d.dataset.tip ?? '']));
      assert.ok(rows.length > 0, `${name} shows its state`);
      for (const [q, tip] of rows) {
        const want = opt.state.find((s) => s.name === q)?.tip ?? cat.quantities.find((x) => x.name === q)?.tip;
        assert.ok(want, `${name}: the catalog explains "${q}"`);
        assert.equal(tip, want, `${name}: "${q}"`);
      }
    }
  });
});
