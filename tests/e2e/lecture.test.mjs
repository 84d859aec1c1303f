// Lecture features: plain-language tips on every control and inspector quantity (the catalog's
// words), the explained step and the 3-D surface.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { assertNear, expectClean, launch, openPage, runCli, waitReady } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function withPage(hash, fn, { viewport, initScript } = {}) {
  const page = await openPage(browser, hash, { ...(viewport && { viewport }), initScript });
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
      // Each has an ⓘ as the controls do: a 24 px target with 14 px text, whose line says the tip
      // and stays open, its button focused, while the race steps and the values change.
      const dts = settings.locator('dl.state dt');
      for (let k = 0; k < rows.length; k++) {
        const button = dts.nth(k).getByRole('button', { name: `What is ${rows[k][0]}?` });
        const size = await button.evaluate((b) => ({ w: b.getBoundingClientRect().width, h: b.getBoundingClientRect().height, font: parseFloat(getComputedStyle(b, '::before').fontSize) }));
        assert.ok(size.w >= 24 && size.h >= 24 && size.font >= 14, `${name}: "${rows[k][0]}"'s ⓘ ${JSON.stringify(size)}`);
      }
      const first = dts.first().getByRole('button');
      const line = settings.locator('dl.state dd.state-tip').first();
      assert.equal(await line.isVisible(), false);
      await first.focus();
      await page.keyboard.press('Enter');
      assert.equal(await line.textContent(), rows[0][1]);
      assert.equal(await line.isVisible(), true);
      const value = () => dts.first().evaluate((dt) => dt.nextElementSibling.textContent);
      const before = await value();
      await api(page, () => window.optiscape.step(2));
      await page.waitForFunction((v) => document.querySelector('#racer-list dl.state dt').nextElementSibling.textContent !== v, before);
      assert.equal(await line.isVisible(), true, 'the line stays open as the values change');
      assert.equal(await first.evaluate((b) => b === document.activeElement), true, 'its button keeps the focus');
      await page.keyboard.press('Enter');
      assert.equal(await line.isVisible(), false);
    }
  });
});

test('explain(i) on Adam in the default preset: the pieces are the core’s, revealed one by one, → takes exactly the explained step, ← goes back, Esc leaves', async () => {
  await withPage('', async (page) => {
    const cat = await catalog(page);
    const preset = cat.presets[0];
    const adam = preset.spec.racers.findIndex((r) => r.name === 'adam');
    assert.ok(adam >= 0, 'the default preset races Adam');
    const { a, b } = preset.spec.landscape;
    await api(page, () => window.optiscape.pause());
    await api(page, () => window.optiscape.seek(40));
    const before = (await api(page, () => window.optiscape.racers()))[adam].position;
    const e = await api(page, (i) => window.optiscape.explain(i), adam);
    assert.equal(e.racer, adam);
    assert.equal(e.step, 40);
    assert.deepEqual(e.at, before);
    // The pieces in the table's order, the step last.
    const table = cat.optimizers.find((o) => o.name === 'adam').pieces.map((p) => p.key);
    const keys = e.pieces.map((p) => p.key);
    assert.deepEqual(keys, table.filter((k) => keys.includes(k)));
    assert.deepEqual(keys, ['gradient', 'm_hat', 'v_hat', 'step']);
    const piece = (k) => e.pieces.find((p) => p.key === k).value;
    // −g is the landscape's exact gradient at the head, reversed (Rosenbrock, by hand).
    const [x, y] = before;
    const g = [-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)];
    g.forEach((gk, k) => assert.ok(Math.abs(-gk - piece('gradient')[k]) <= 1e-12 * Math.max(1, Math.abs(gk)), `−g[${k}]`));
    // The step is −lr·m̂ divided by the box, coordinate by coordinate.
    const lr = preset.spec.racers[adam].lr ?? cat.optimizers.find((o) => o.name === 'adam').params.find((p) => p.name === 'lr').default;
    piece('step').forEach((s, k) => assert.ok(Math.abs(s - (lr * piece('m_hat')[k]) / piece('v_hat')[k]) <= 1e-12 * Math.max(1e-3, Math.abs(s)), `step[${k}]`));
    [0, 1].forEach((k) => assert.equal(e.next[k] - e.at[k], piece('step')[k], 'the step is next − at'));

    // The panel lists every piece with the core's words, revealed one after another.
    const panel = page.locator('.explain-panel');
    assert.equal(await panel.isVisible(), true);
    const items = panel.locator('.explain-pieces > li');
    assert.equal(await items.count(), e.pieces.length);
    for (const [k, p] of e.pieces.entries()) {
      assert.equal(await items.nth(k).locator('.explain-label').textContent(), p.label);
      assert.equal(await items.nth(k).locator('.explain-value').textContent(), e.values[k]);
      assert.equal(await items.nth(k).locator('.explain-caption').textContent(), p.caption);
    }
    assert.ok((await panel.locator('li.shown').count()) < e.pieces.length, 'not every piece at once');
    await page.waitForFunction((n) => document.querySelectorAll('.explain-pieces > li.shown').length === n, e.pieces.length, { timeout: 5000 });
    const inked = await page.evaluate(() => {
      const c = document.querySelector('canvas.explain-layer');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let k = 3; k < d.length; k += 4) n += d[k] > 0;
      return n;
    });
    assert.ok(inked > 500, `the pieces are drawn (${inked} pixels)`);

    // → takes exactly the explained step, and the explanation follows.
    await page.keyboard.press('ArrowRight');
    const after = (await api(page, () => window.optiscape.racers()))[adam].position;
    assert.equal(await api(page, () => window.optiscape.clock()), 41);
    [0, 1].forEach((k) => assert.ok(Math.abs(after[k] - before[k] - piece('step')[k]) <= 1e-12, `position difference ${k}`));
    assertNear(after, runCli({ ...preset.spec, steps: 41 }).racers[adam].trajectory[41], 'the stepped Adam is where optiscape run puts it');
    const e2 = await api(page, () => window.optiscape.explanation());
    assert.equal(e2.step, 41);
    assert.deepEqual(e2.at, after);
    // ← goes back a step; the race stays paused throughout.
    await page.keyboard.press('ArrowLeft');
    assert.equal(await api(page, () => window.optiscape.clock()), 40);
    assert.deepEqual((await api(page, () => window.optiscape.explanation())).at, before);
    assert.equal(await api(page, () => window.optiscape.racers().length), preset.spec.racers.length);
    await page.keyboard.press('Escape');
    assert.equal(await panel.isVisible(), false);
    assert.equal(await page.locator('canvas.explain-layer').isVisible(), false);
    assert.equal(await api(page, () => window.optiscape.explanation()), null);

    // The button in the racer's settings does the same, and again leaves.
    await openSettings(page, adam);
    const button = card(page, adam).getByRole('button', { name: 'Explain step' });
    await button.click();
    assert.equal((await api(page, () => window.optiscape.explanation())).racer, adam);
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    await button.click();
    assert.equal(await api(page, () => window.optiscape.explanation()), null);
    await api(page, () => window.optiscape.explain(null));
  });
});

/** Racer i's explained pieces as drawn, one box each (CSS pixels; null if it drew nothing):
 * each the ink it adds when the pieces are drawn one more at a time, as the page's layer draws
 * them. */
const drawnPieces = (page, i) =>
  api(
    page,
    ({ i }) => {
      const over = document.getElementById('overlay');
      const r = over.getBoundingClientRect();
      const c = Object.assign(document.createElement('canvas'), { width: over.width, height: over.height });
      const ctx = c.getContext('2d', { willReadFrequently: true });
      const scene = window.optiscape.instrument.scene();
      const pieces = window.optiscape.explanation().pieces;
      const out = [];
      let before = null;
      for (let k = 0; k <= pieces.length; k++) {
        scene.draw_explanation_on(c, i, k);
        const now = ctx.getImageData(0, 0, c.width, c.height).data;
        if (before) {
          let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
          for (let y = 0; y < c.height; y++) {
            for (let x = 0; x < c.width; x++) {
              const at = (y * c.width + x) * 4;
              if (now[at + 3] === 0 || [0, 1, 2, 3].every((d) => now[at + d] === before[at + d])) continue;
              [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
            }
          }
          const css = r.width / c.width;
          out.push({ key: pieces[k - 1].key, shape: pieces[k - 1].shape, box: x1 < 0 ? null : { left: r.left + x0 * css, top: r.top + y0 * css, right: r.left + (x1 + 1) * css, bottom: r.top + (y1 + 1) * css } });
        }
        before = now;
      }
      return out;
    },
    { i },
  );

test('the explain panel never covers the explained step\'s arrows: it takes a corner clear of them, wherever the head is, at 1280x720, 1920x1080, zoom 150 % and on a phone', async () => {
  const cases = [
    // The default preset's Adam, its head left of the middle.
    { spec: null, racer: 2, at: 40 },
    // A head in the bottom right corner, where the panel sits by default.
    { spec: { landscape: { name: 'rosenbrock' }, start: [1.6, -0.6], racers: [{ name: 'sgd', lr: 0.0005, momentum: 0.9 }, { name: 'adam', lr: 0.02 }] }, racer: 1, at: 5 },
    // And in the top right.
    { spec: { landscape: { name: 'rosenbrock' }, start: [1.6, 2.6], racers: [{ name: 'adam', lr: 0.02 }] }, racer: 0, at: 3 },
  ];
  for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }, { width: 853, height: 480 }, { width: 390, height: 844 }]) {
    await withPage('', async (page) => {
      const corners = new Set();
      for (const { spec, racer, at } of cases) {
        await api(page, (spec) => (spec && window.optiscape.load(spec), window.optiscape.pause()), spec);
        await api(page, (at) => window.optiscape.seek(at), at);
        await api(page, (i) => window.optiscape.explain(i), racer);
        await page.waitForFunction(() => document.querySelectorAll('.explain-pieces > li:not(.shown)').length === 0, null, { timeout: 10_000 });
        const panel = await page.locator('.explain-panel').evaluate((p) => {
          const r = p.getBoundingClientRect();
          return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, corner: p.dataset.corner };
        });
        corners.add(panel.corner);
        const plot = await page.locator('#overlay').boundingBox();
        // In a corner of the plot, or (a plot too small for any corner to be clear) beside it
        // in the window, or under it.
        const onPlot = panel.left >= plot.x - 1 && panel.right <= plot.x + plot.width + 1 && panel.top >= plot.y - 1 && panel.bottom <= plot.y + plot.height + 1;
        const beside = (panel.left >= plot.x + plot.width || panel.right <= plot.x) && panel.left >= 0 && panel.right <= viewport.width;
        const where = { below: panel.top >= plot.y + plot.height, 'beside right': beside, 'beside left': beside }[panel.corner] ?? onPlot;
        assert.ok(where, `the panel ${JSON.stringify(panel)} and the plot ${JSON.stringify(plot)}`);
        const pieces = await drawnPieces(page, racer);
        assert.ok(pieces.filter((p) => p.shape === 'arrow' && p.box).length >= 2, `arrows drawn: ${JSON.stringify(pieces)}`);
        for (const { key, shape, box } of pieces) {
          if (shape === 'box' || !box) continue;
          const apart = box.right <= panel.left || box.left >= panel.right || box.bottom <= panel.top || box.top >= panel.bottom;
          assert.ok(apart, `${viewport.width}x${viewport.height}, racer ${racer} at step ${at}: the panel ${JSON.stringify(panel)} covers ${key} ${JSON.stringify(box)}`);
        }
        await api(page, () => window.optiscape.explain(null));
      }
      // On a desk's plot the panel moves with the head; a phone's or a zoomed-in one is too small.
      if (viewport.width > 1000) assert.ok(corners.size >= 2 && !corners.has('below'), `the panel moves with the head: ${[...corners]}`);
    }, { viewport });
  }
});

test('presenting, the explain panel is sized for the room like the legend and stays clear of the legend, the loss inset, the caption and the step\'s arrows, at 1280x720 and 1920x1080', async () => {
  for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    await withPage('', async (page) => {
      await api(page, () => (window.optiscape.present(true), window.optiscape.pause(), window.optiscape.seek(40)));
      await api(page, () => window.optiscape.explain(2));
      await page.waitForFunction(() => document.querySelectorAll('.explain-pieces > li:not(.shown)').length === 0, null, { timeout: 10_000 });
      const seen = await api(page, () => {
        const box = (e) => {
          const r = e.getBoundingClientRect();
          return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
        };
        const panel = document.querySelector('.explain-panel');
        const px = (e) => parseFloat(getComputedStyle(e).fontSize);
        return {
          panel: box(panel),
          text: px(panel.querySelector('.explain-label')),
          legendText: px(document.querySelector('.present-name')),
          overlays: { legend: box(document.querySelector('.present-legend')), inset: box(document.querySelector('.loss-card')), caption: box(document.getElementById('hint')) },
        };
      });
      const at = `${viewport.width}x${viewport.height}`;
      assert.ok(seen.text >= seen.legendText - 0.5, `${at}: the panel's text ${seen.text} px, the legend's ${seen.legendText} px`);
      if (viewport.height >= 1080) assert.ok(seen.text >= 24, `${at}: the panel's text ${seen.text} px`);
      const apart = (a, b) => a.right <= b.left || a.left >= b.right || a.bottom <= b.top || a.top >= b.bottom;
      for (const [name, b] of Object.entries(seen.overlays)) assert.ok(apart(seen.panel, b), `${at}: the panel ${JSON.stringify(seen.panel)} covers the ${name} ${JSON.stringify(b)}`);
      for (const { key, shape, box } of await drawnPieces(page, 2)) {
        if (shape !== 'box' && box) assert.ok(apart(seen.panel, box), `${at}: the panel ${JSON.stringify(seen.panel)} covers ${key} ${JSON.stringify(box)}`);
      }
    }, { viewport });
  }
});

/** What the 3-D view's canvas shows: its painted (not white) pixels, the distinct colours of
 * the painted ones that are not grey (quantized), and the pixels of exactly `rgb`. */
const surfacePixels = (page, rgb) =>
  api(
    page,
    (rgb) => {
      const c = document.querySelector('canvas.surface-layer');
      const copy = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height });
      const ctx = copy.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
      let painted = 0;
      let racer = 0;
      const colours = new Set();
      for (let k = 0; k < d.length; k += 4) {
        const [r, g, b] = [d[k], d[k + 1], d[k + 2]];
        if (r < 250 || g < 250 || b < 250) painted += 1;
        if (r === rgb[0] && g === rgb[1] && b === rgb[2]) racer += 1;
        if (Math.max(r, g, b) - Math.min(r, g, b) > 24) colours.add(`${r >> 3},${g >> 3},${b >> 3}`);
      }
      return { painted, racer, colours: colours.size };
    },
    rgb,
  );

const racerRgb = (page, i) =>
  api(page, (i) => {
    const hex = window.optiscape.instrument.scene().states()[i].color;
    return [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  }, i);

test('view("3d") draws the surface with WebGL2: the colour map and the paths, a drag turns it, the wheel and a pinch zoom it, view("contour") restores the contour plot', async () => {
  await withPage('', async (page) => {
    await api(page, () => {
      window.optiscape.pause();
      window.optiscape.seek(300);
    });
    const plot = page.locator('#plot');
    const shot = () => plot.screenshot({ mask: [page.locator('.view-toggle')] });
    await page.waitForFunction(() => !window.optiscape.refining());
    const contour = await shot();
    assert.equal(await api(page, () => window.optiscape.view()), 'contour');
    assert.equal(await api(page, () => window.optiscape.view('3d')), '3d');
    const surface = page.locator('canvas.surface-layer');
    await page.waitForFunction(() => window.optiscape.instrument.surface().times().length > 0);
    assert.equal(await api(page, () => window.optiscape.instrument.surface().webgl()), true, 'headless Chromium gives WebGL2 (SwiftShader)');
    assert.equal(await page.locator('.surface-note').isVisible(), false, 'no fallback note');
    assert.equal(await page.locator('canvas.surface-labels').isVisible(), true, 'the axes are labelled');
    // The surface in the colour map's colours, and the first racer's path and head in its own.
    const rgb = await racerRgb(page, 0);
    const flatPixels = await surfacePixels(page, rgb);
    assert.ok(flatPixels.colours >= 40, `the surface's colours: ${JSON.stringify(flatPixels)}`);
    assert.ok(flatPixels.racer >= 50, `the racer's path in its colour: ${JSON.stringify(flatPixels)}`);
    const flat = await shot();
    assert.notDeepEqual(flat, contour, 'the 3-D view is another picture');
    // Drag sideways and up: the surface turns, at full resolution all the while.
    const box = await surface.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width / 2 + 12 * k, box.y + box.height / 2 - 3 * k);
    await page.mouse.up();
    // Each change is drawn on a later frame: wait for the frames, not for a time a loaded machine
    // may not keep.
    const draws = () => api(page, () => window.optiscape.instrument.surface().times().length);
    const redrawn = (n) => page.waitForFunction((n) => window.optiscape.instrument.surface().times().length > n, n);
    await page.waitForFunction(() => window.optiscape.instrument.surface().times().length >= 3);
    const times = await api(page, () => window.optiscape.instrument.surface().times());
    assert.ok(times.every((t) => t.webgl && t.grid === 120), 'drawn with WebGL on the full mesh while turning');
    const turned = await shot();
    assert.notDeepEqual(turned, flat, 'dragging turns the surface');
    // The wheel zooms in: more of the canvas is painted.
    const unzoomed = await surfacePixels(page, rgb);
    await surface.hover();
    let before = await draws();
    await page.mouse.wheel(0, -400);
    await redrawn(before);
    const zoomed = await surfacePixels(page, rgb);
    assert.ok(zoomed.painted > unzoomed.painted * 1.1, `the wheel zooms in: ${unzoomed.painted} -> ${zoomed.painted} painted pixels`);
    // Two fingers coming together zoom out; spreading apart, in.
    const pinch = (from, to) =>
      api(
        page,
        ([from, to]) => {
          const c = document.querySelector('canvas.surface-layer');
          const r = c.getBoundingClientRect();
          const at = (dx) => ({ clientX: r.x + r.width / 2 + dx, clientY: r.y + r.height / 2, pointerType: 'touch', bubbles: true });
          c.dispatchEvent(new PointerEvent('pointerdown', { pointerId: 11, ...at(-from) }));
          c.dispatchEvent(new PointerEvent('pointerdown', { pointerId: 12, ...at(from) }));
          for (let k = 1; k <= 5; k++) c.dispatchEvent(new PointerEvent('pointermove', { pointerId: 12, ...at(from + ((to - from) * k) / 5) }));
          c.dispatchEvent(new PointerEvent('pointerup', { pointerId: 11, ...at(-from) }));
          c.dispatchEvent(new PointerEvent('pointerup', { pointerId: 12, ...at(to) }));
        },
        [from, to],
      );
    before = await draws();
    await pinch(120, 40);
    await redrawn(before);
    const pinched = await surfacePixels(page, rgb);
    assert.ok(pinched.painted < zoomed.painted * 0.9, `a pinch together zooms out: ${zoomed.painted} -> ${pinched.painted} painted pixels`);
    before = await draws();
    await pinch(40, 120);
    await redrawn(before);
    const spread = await surfacePixels(page, rgb);
    assert.ok(spread.painted > pinched.painted * 1.1, `a pinch apart zooms in: ${pinched.painted} -> ${spread.painted} painted pixels`);
    // Racing, the paths grow on the surface with the frames: one call a frame, no other.
    const drawnBefore = (await api(page, () => window.optiscape.instrument.surface().times())).length;
    const racerBefore = (await surfacePixels(page, rgb)).racer;
    // Count the calls into the wasm that the frames make (the module is the page's own).
    await api(page, async () => {
      const m = await import('./pkg/optiscape.js');
      window.__calls = [];
      for (const [cls, names] of [[m.Scene, ['advance', 'frame', 'states', 'clock', 'spec']], [m.SurfaceFeed, ['advance', 'news', 'mesh']], [m.SurfaceView, ['draw']]]) {
        for (const name of names) {
          const own = cls.prototype[name];
          cls.prototype[name] = function (...args) {
            window.__calls.push(`${cls.name}.${name}`);
            return own.apply(this, args);
          };
        }
      }
      window.__frames = 0;
      const count = () => {
        window.__frames += 1;
        if (window.__counting) requestAnimationFrame(count);
      };
      window.__counting = true;
      requestAnimationFrame(count);
      window.optiscape.play();
    });
    await page.waitForFunction((n) => window.optiscape.racers()[0].step > n, 600);
    const calls = await api(page, () => {
      window.optiscape.pause();
      window.__counting = false;
      return { frames: window.__frames, calls: window.__calls };
    });
    console.log(`wasm calls while racing in 3-D: ${calls.calls.length} in ${calls.frames} frames`);
    const advances = calls.calls.filter((c) => c === 'SurfaceFeed.advance').length;
    assert.ok(advances >= 10, `the frames advance the race through SurfaceFeed: ${JSON.stringify(calls.calls.slice(0, 20))}`);
    assert.ok(calls.calls.length <= calls.frames + 2, `one call into the wasm a frame: ${calls.calls.length} calls in ${calls.frames} frames (${[...new Set(calls.calls)]})`);
    assert.ok(!calls.calls.includes('SurfaceFeed.mesh') && !calls.calls.includes('Scene.advance'), `no mesh and no second advance while racing: ${[...new Set(calls.calls)]}`);
    await page.waitForTimeout(200);
    assert.ok((await api(page, () => window.optiscape.instrument.surface().times())).length > drawnBefore + 3, 'redrawn as the race runs');
    assert.notEqual((await surfacePixels(page, rgb)).racer, racerBefore, 'the path grew');
    // Save image takes the surface as shown: its pixels, labels and all, at the left.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save image' }).click()]);
    const png = fs.readFileSync(await download.path()).toString('base64');
    const saved = await api(
      page,
      async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const grab = (source, w, h) => {
          const c = Object.assign(document.createElement('canvas'), { width: w, height: h });
          const ctx = c.getContext('2d', { willReadFrequently: true });
          ctx.drawImage(source, 0, 0);
          return ctx.getImageData(0, 0, w, h).data;
        };
        const layer = document.querySelector('canvas.surface-layer');
        const labels = document.querySelector('canvas.surface-labels');
        const [w, h] = [layer.width, layer.height];
        const [shot, gl, text] = [grab(img, w, h), grab(layer, w, h), grab(labels, w, h)];
        let same = 0;
        let covered = 0;
        for (let k = 0; k < gl.length; k += 4) {
          if (text[k + 3] > 0) continue;
          covered += 1;
          if (shot[k] === gl[k] && shot[k + 1] === gl[k + 1] && shot[k + 2] === gl[k + 2]) same += 1;
        }
        return same / covered;
      },
      png,
    );
    assert.ok(saved > 0.99, `the saved image's plot is the 3-D view (${(100 * saved).toFixed(1)} % of its pixels)`);
    // The toggle button goes back; the contour plot is as it was.
    await page.getByRole('button', { name: 'Contour' }).click();
    assert.equal(await api(page, () => window.optiscape.view()), 'contour');
    assert.equal(await surface.isVisible(), false);
    assert.equal(await page.locator('canvas.surface-labels').isVisible(), false);
    await page.getByRole('button', { name: '3-D' }).click();
    assert.equal(await api(page, () => window.optiscape.view()), '3d');
    // Explaining a step goes back to the contours: the pieces are drawn on them.
    await api(page, () => window.optiscape.explain(0));
    assert.equal(await api(page, () => window.optiscape.view()), 'contour');
    await api(page, () => window.optiscape.explain(null));
  });
});

/** An init script that leaves the page without WebGL2 (as headless Firefox ESR here). */
const noWebgl2 = () => {
  const get = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    return kind === 'webgl2' ? null : get.call(this, kind, ...rest);
  };
};

test('without WebGL2 the 3-D view is the core\'s drawing with a one-line note: coarse while turning, sharp when still', async () => {
  await withPage(
    '',
    async (page) => {
      await api(page, () => {
        window.optiscape.pause();
        window.optiscape.seek(300);
      });
      const plot = page.locator('#plot');
      const shot = () => plot.screenshot({ mask: [page.locator('.view-toggle')] });
      await page.waitForFunction(() => !window.optiscape.refining());
      const contour = await shot();
      assert.equal(await api(page, () => window.optiscape.view('3d')), '3d');
      await page.waitForFunction(() => window.optiscape.instrument.surface().times().length > 0);
      assert.equal(await api(page, () => window.optiscape.instrument.surface().webgl()), false);
      assert.match(await page.locator('.surface-note').innerText(), /^3-D drawn without WebGL2 \(not available in this browser\)/, 'the core\'s note, saying why');
      const rgb = await racerRgb(page, 0);
      const seen = await surfacePixels(page, rgb);
      assert.ok(seen.colours >= 40 && seen.racer >= 20, `the surface and the path: ${JSON.stringify(seen)}`);
      const flat = await shot();
      assert.notDeepEqual(flat, contour, 'the 3-D view is another picture');
      const surface = page.locator('canvas.surface-layer');
      const box = await surface.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width / 2 + 12 * k, box.y + box.height / 2 - 3 * k);
      await page.mouse.up();
      // Sharp once still: the full grid is drawn after the drag ends, however long a loaded
      // machine takes to get there.
      await page.waitForFunction(() => window.optiscape.instrument.surface().times().at(-1).grid === 120);
      const times = await api(page, () => window.optiscape.instrument.surface().times());
      assert.ok(times.some((t) => t.grid < 120), 'drawn coarse while turning');
      assert.notDeepEqual(await shot(), flat, 'dragging turns the surface');
      await page.getByRole('button', { name: 'Contour' }).click();
      assert.equal(await page.locator('.surface-note').isVisible(), false);
      assert.deepEqual(await shot(), contour, 'the contour plot is back as it was');
    },
    { initScript: noWebgl2 },
  );
});

test('a lost WebGL context leaves the 3-D view to the core\'s drawing, never a blank canvas', async () => {
  await withPage('', async (page) => {
    await api(page, () => {
      window.optiscape.pause();
      window.optiscape.seek(300);
      window.optiscape.view('3d');
    });
    await page.waitForFunction(() => window.optiscape.instrument.surface().times().length > 0);
    assert.equal(await api(page, () => window.optiscape.instrument.surface().webgl()), true);
    await api(page, () => document.querySelector('canvas.surface-layer').getContext('webgl2').getExtension('WEBGL_lose_context').loseContext());
    await page.waitForFunction(() => window.optiscape.instrument.surface().times().at(-1).webgl === false);
    assert.equal(await api(page, () => window.optiscape.instrument.surface().webgl()), false);
    assert.equal(await page.locator('.surface-note').isVisible(), true);
    assert.match(await page.locator('.surface-note').innerText(), /^3-D drawn without WebGL2 \(the browser stopped it in this tab\)/, 'the note says why');
    const seen = await surfacePixels(page, await racerRgb(page, 0));
    assert.ok(seen.colours >= 40 && seen.racer >= 20, `the core's drawing: ${JSON.stringify(seen)}`);
  });
});

/** Presentation mode's 3-D view as drawn: the painted pixels (the surface's not white, the
 * labels' not transparent), how many lie under each overlay (the legend, the caption, the loss
 * inset, the view's toggle), the surface's painted bounds and the overlays' rectangles (CSS px). */
const presentedSurface = (page) =>
  api(page, () => {
    const gl = document.querySelector('canvas.surface-layer');
    const labels = document.querySelector('canvas.surface-labels');
    const copy = (c) => {
      const x = Object.assign(document.createElement('canvas'), { width: gl.width, height: gl.height });
      const ctx = x.getContext('2d', { willReadFrequently: true });
      if (!c.hidden) ctx.drawImage(c, 0, 0);
      return ctx.getImageData(0, 0, gl.width, gl.height).data;
    };
    const [surface, text] = [copy(gl), copy(labels)];
    const box = gl.getBoundingClientRect();
    const k = gl.width / box.width;
    const rect = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const overlays = Object.fromEntries(['#present-legend', '#hint', '.loss-card', '.view-toggle'].map((q) => [q, rect(document.querySelector(q).getBoundingClientRect())]));
    let painted = 0;
    const under = {};
    const bounds = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
    for (let y = 0; y < gl.height; y += 2) {
      for (let x = 0; x < gl.width; x += 2) {
        const i = 4 * (y * gl.width + x);
        const shape = surface[i] < 235 || surface[i + 1] < 235 || surface[i + 2] < 235;
        if (!shape && !(text[i + 3] > 0)) continue;
        painted += 1;
        const [cx, cy] = [box.left + x / k, box.top + y / k];
        if (shape) Object.assign(bounds, { left: Math.min(bounds.left, cx), top: Math.min(bounds.top, cy), right: Math.max(bounds.right, cx), bottom: Math.max(bounds.bottom, cy) });
        for (const [q, r] of Object.entries(overlays)) if (cx >= r.left && cx <= r.right && cy >= r.top && cy <= r.bottom) under[q] = (under[q] ?? 0) + 1;
      }
    }
    return { painted, under, bounds, overlays, viewport: [innerWidth, innerHeight] };
  });

const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Waits until the 3-D view is drawn sharp and has not been drawn again for 400 ms. */
async function surfaceStill(page) {
  const seen = { n: -1, since: Date.now() };
  for (;;) {
    const last = await api(page, () => {
      const t = window.optiscape.instrument.surface().times();
      return { n: t.length, grid: t.at(-1)?.grid };
    });
    if (last.n !== seen.n) Object.assign(seen, { n: last.n, since: Date.now() });
    else if (last.grid === 120 && Date.now() - seen.since >= 400) return;
    await page.waitForTimeout(100);
  }
}

/** Opens presentation mode's 3-D view at step 300 and waits for it to be drawn. */
async function presentSurface(page) {
  await api(page, () => {
    window.optiscape.pause();
    window.optiscape.seek(300);
    window.optiscape.view('3d');
    window.optiscape.present(true);
  });
  await surfaceStill(page);
}

// The box's painted bounds take at least MIN_BOX_SHARE of the screen: a box about as tall as
// wide (at pitch 45) that spans 0.55 of a 16:9 screen's height and more covers 0.18 of it. Fitted
// in the one rectangle clear of a legend top left, a caption bottom left and an inset bottom
// right, it covered 0.12 of 1920x1080 and 0.04 of 1280x720.
const MIN_BOX_SHARE = 0.18;
const MIN_BOX_HEIGHT = 0.55;

test('presenting with the 3-D view, the box fills most of the screen beside the legend, caption and inset, its labels clear of them; the toggle is room-sized; over the contour plot the axes\' titles stay clear (1280x720 and 1920x1080)', async (t) => {
  for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    await withPage(
      '',
      async (page) => {
        await presentSurface(page);
        const at = `at ${viewport.width}x${viewport.height}`;
        const found = await presentedSurface(page);
        assert.ok(found.painted > 2000, `the box is drawn: ${JSON.stringify(found)}`);
        assert.deepEqual(found.under, {}, `nothing of the box or its labels under an overlay ${at}`);
        const b = found.bounds;
        const share = ((b.right - b.left) * (b.bottom - b.top)) / (viewport.width * viewport.height);
        t.diagnostic(`box ${at}: ${share.toFixed(3)} of the screen, ${((b.bottom - b.top) / viewport.height).toFixed(3)} of its height`);
        assert.ok(share >= MIN_BOX_SHARE && (b.bottom - b.top) / viewport.height >= MIN_BOX_HEIGHT, `the box covers ${share.toFixed(3)} of the screen, ${((b.bottom - b.top) / viewport.height).toFixed(3)} of its height ${at}: ${JSON.stringify(b)}`);
        for (const [q, r] of Object.entries(found.overlays)) assert.ok(!meets(b, r), `the box's bounds ${JSON.stringify(b)} meet ${q} ${JSON.stringify(r)} ${at}`);
        // The toggle is as large as the legend's smallest text.
        const sizes = await api(page, () => {
          const px = (e) => parseFloat(getComputedStyle(e).fontSize);
          return { toggle: px(document.querySelector('.view-toggle')), legend: Math.min(...[...document.querySelectorAll('#present-legend span')].map(px)) };
        });
        assert.ok(sizes.toggle >= sizes.legend && sizes.legend >= 18, `the toggle's text ${JSON.stringify(sizes)} ${at}`);
        // Over the contour plot: nothing covers the strip under the chart (the x axis's tick
        // labels and title) nor the y axis's title left of the chart's middle.
        await api(page, () => window.optiscape.view('contour'));
        const clear = await api(page, () => {
          const scene = window.optiscape.instrument.scene();
          const plot = document.querySelector('#plot').getBoundingClientRect();
          const inside = (x, y) => scene.data_at(x, y) !== undefined;
          const [cx, cy] = [plot.width / 2, plot.height / 2];
          let [left, right, bottom] = [cx, cx, cy];
          while (left > 0 && inside(left - 1, cy)) left -= 1;
          while (right < plot.width && inside(right + 1, cy)) right += 1;
          while (bottom < plot.height && inside(cx, bottom + 1)) bottom += 1;
          const strips = { 'the x axis': { left, top: bottom + 2, right, bottom: plot.height }, 'the y axis\'s title': { left: 0, top: cy - 30, right: left - 2, bottom: cy + 30 } };
          const over = ['#present-legend', '#hint', '.loss-card', '.view-toggle'].map((q) => [q, document.querySelector(q).getBoundingClientRect()]);
          const meet = (a, r) => a.left < r.right && r.left < a.right && a.top < r.bottom && r.top < a.bottom;
          return Object.entries(strips).flatMap(([name, s]) => over.filter(([, r]) => meet(s, r)).map(([q]) => `${q} covers ${name} ${JSON.stringify(s)}`));
        });
        assert.deepEqual(clear, [], at);
      },
      { viewport },
    );
  }
});

test('presenting with the 3-D view drawn by the core (no WebGL2), its drawing keeps clear of the legend, caption, inset and toggle, and turns by drag', async () => {
  await withPage(
    '',
    async (page) => {
      await presentSurface(page);
      assert.equal(await api(page, () => window.optiscape.instrument.surface().webgl()), false);
      const found = await presentedSurface(page);
      assert.ok(found.painted > 2000, `the core's drawing: ${JSON.stringify(found)}`);
      assert.deepEqual(found.under, {}, 'nothing of the drawing under an overlay');
      const b = found.bounds;
      assert.ok((b.bottom - b.top) / 1080 >= MIN_BOX_HEIGHT, `the drawing spans ${JSON.stringify(b)}`);
      const n = await api(page, () => window.optiscape.instrument.surface().times().length);
      const [x, y] = [(b.left + b.right) / 2, (b.top + b.bottom) / 2];
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + 120, y, { steps: 4 });
      await page.mouse.up();
      await surfaceStill(page);
      assert.ok((await api(page, () => window.optiscape.instrument.surface().times().length)) > n, 'the drag turned it');
      assert.deepEqual((await presentedSurface(page)).under, {}, 'still clear once turned');
    },
    { viewport: { width: 1920, height: 1080 }, initScript: noWebgl2 },
  );
});

test('presenting, a long hint or a long legend never puts the caption over the legend: its text shrinks to fit, 13 px at least (1280x720, both views)', async () => {
  await withPage(
    '',
    async (page) => {
      await api(page, () => window.optiscape.present(true));
      // The longest hint, and the most racers.
      for (const id of ['warmup', 'adam-family']) {
        await api(page, (id) => {
          const pick = document.querySelector('#preset');
          pick.value = id;
          pick.dispatchEvent(new Event('change', { bubbles: true }));
        }, id);
        await page.waitForFunction((id) => window.optiscape.lesson()?.id === id, id);
        for (const view of ['contour', '3d']) {
          await api(page, (v) => window.optiscape.view(v), view);
          // The legend refreshes, and the caption is fitted, five times a second.
          await page.waitForTimeout(600);
          const got = await api(page, () => {
            const [legend, caption] = ['#present-legend', '#hint'].map((q) => document.querySelector(q).getBoundingClientRect());
            const px = parseFloat(getComputedStyle(document.querySelector('#hint')).fontSize);
            const meet = legend.left < caption.right && caption.left < legend.right && legend.top < caption.bottom && caption.top < legend.bottom;
            return { meet, px, legend: legend.bottom, caption: caption.top };
          });
          assert.ok(!got.meet && got.px >= 13, `${id} over the ${view} view: ${JSON.stringify(got)}`);
        }
      }
    },
    { viewport: { width: 1280, height: 720 } },
  );
});
