// The tests every engine runs: each body is written once against engine.mjs's Page and runs in
// Chromium (playwright-core) and in Firefox ESR (puppeteer-core over WebDriver BiDi). A test
// that must hold in every browser belongs here; a test of Chromium alone (touch, high DPI,
// clipboard, role-based locators) stays in page.test.mjs.
//
// Run with `cargo xtask test` (Chromium and Firefox in separate steps), or by hand against a
// running `cargo xtask serve`, in both engines or one:
//   OPTISCAPE_URL=http://127.0.0.1:8000/ node --test tests/e2e/engines.test.mjs
//   OPTISCAPE_ENGINES=firefox OPTISCAPE_URL=http://127.0.0.1:8000/ node --test tests/e2e/engines.test.mjs
// Every test opens its own page and ends with expectPageClean(): no console error or warning,
// no uncaught error, no failed, erroring or off-origin request.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enginesToRun, expectPageClean, launchEngine, offOrigin } from './engine.mjs';
import { MIXED, assertAllFinite, assertNear, runCli } from './harness.mjs';

/** The shared tests, registered for every engine at the end of this file. */
const SHARED = [];

/**
 * A test for every engine: `body(withPage)`, where `withPage(hash, fn, { viewport })` opens the
 * page at `hash` in a fresh context, waits for window.optiscape.ready, runs `fn(page)` and
 * checks that the page stayed clean.
 */
function everyEngine(name, body, options = {}) {
  SHARED.push({ name, body, options });
}

const racers = (page) => page.evaluate(() => window.optiscape.racers());
const card = (i) => `#racer-list > li:nth-child(${i + 1})`;
const specHash = (s) => `#spec=${encodeURIComponent(JSON.stringify(s))}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What the plot's canvases hold: distinct colours of the landscape in a 48x48 sample, and the
 * painted pixels of the trails and of the loss chart. Read through copies (never the page's). */
const drawn = (page) =>
  page.evaluate(() => {
    const pixels = (canvas) => {
      const copy = Object.assign(document.createElement('canvas'), { width: canvas.width, height: canvas.height });
      const ctx = copy.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(canvas, 0, 0);
      return ctx.getImageData(0, 0, copy.width, copy.height).data;
    };
    const painted = (id) => pixels(document.getElementById(id)).reduce((n, v, k) => n + (k % 4 === 3 && v > 0 ? 1 : 0), 0);
    const bg = document.getElementById('bg');
    const data = pixels(bg);
    const colours = new Set();
    const grid = 48;
    for (let i = 0; i < grid; i += 1) {
      for (let j = 0; j < grid; j += 1) {
        const k = 4 * (Math.floor(((j + 0.5) * bg.height) / grid) * bg.width + Math.floor(((i + 0.5) * bg.width) / grid));
        colours.add(`${data[k] >> 2},${data[k + 1] >> 2},${data[k + 2] >> 2},${data[k + 3] >> 4}`);
      }
    }
    return { colours: colours.size, trails: painted('trails'), loss: painted('loss') };
  });

everyEngine('the page loads: the wasm fetched once, ready, a card for every racer, the landscape, the trails and the loss chart drawn', (withPage) =>
  withPage('', async (page) => {
    assert.equal(page.records.status, 200);
    // The wasm is fetched once: the compile in early.js takes the preloaded response.
    const wasm = page.records.requests.filter((u) => new URL(u).pathname.endsWith('/optiscape_bg.wasm'));
    assert.equal(wasm.length, 1, `requests for the wasm: ${wasm.join(', ')}`);
    assert.ok((await page.evaluate(() => document.title)).length > 0, 'the page has no <title>');
    const n = (await racers(page)).length;
    assert.ok(n >= 5, `the default scene has ${n} racers`);
    assert.equal(await page.evaluate(() => document.querySelectorAll('#racer-list > li').length), n);
    await page.waitFor(() => window.optiscape.racers().every((r) => r.step > 100));
    const d = await drawn(page);
    assert.ok(d.colours >= 40, `the landscape has ${d.colours} distinct colours in a 48x48 sample`);
    assert.ok(d.trails > 500, `the trails cover ${d.trails} pixels`);
    assert.ok(d.loss > 500, `the loss chart covers ${d.loss} pixels`);
    console.log(`screenshot: ${await page.screenshot(`engine-${page.engine}`)}`);
  }),
);

everyEngine('a race: steps advance, every racer moves, the cards follow; pause holds, step steps', (withPage) =>
  withPage('', async (page) => {
    const first = await racers(page);
    const { start } = await page.evaluate(() => window.optiscape.spec());
    await page.waitFor((s0) => window.optiscape.racers().every((r) => r.step > s0 + 20), Math.max(...first.map((r) => r.step)));
    const later = await racers(page);
    later.forEach((r) => {
      assert.equal(r.status, 'ok', `${r.name} diverged in the default scene`);
      assert.ok(Math.hypot(r.position[0] - start[0], r.position[1] - start[1]) > 1e-3, `${r.name} did not move from ${start}`);
    });
    // Every racer is still moving (the fastest may already sit on the minimum).
    const moving = later.filter((r, i) => r.position[0] !== first[i].position[0] || r.position[1] !== first[i].position[1]);
    assert.ok(moving.length >= later.length - 1, `only ${moving.length} racers moved`);
    assertAllFinite(later);
    // The legend shows every racer with its step and loss.
    assert.match(await page.text(card(0)), /step [\d,]+/);
    assert.match(await page.text(card(0)), /loss /);
    // Play/pause with a real click: paused, nothing moves; Step takes one step.
    assert.match(await page.text('#play'), /^Pause/);
    await page.click('#play');
    const paused = await racers(page);
    await sleep(300);
    assert.deepEqual(await racers(page), paused);
    assert.match(await page.text('#step'), /^Step/);
    await page.click('#step');
    assert.deepEqual((await racers(page)).map((r) => r.step), paused.map((r) => r.step + 1));
    // The keyboard too: S steps wherever the focus is but in a text field.
    await page.click('#step');
    await page.press('KeyS');
    assert.deepEqual((await racers(page)).map((r) => r.step), paused.map((r) => r.step + 3));
  }),
);

/** Loads `spec` in the page, resets and steps every racer `spec.steps` times: racers(). */
const raceInPage = (page, spec) =>
  page.evaluate((text) => {
    window.optiscape.load(text);
    window.optiscape.reset();
    return window.optiscape.step(JSON.parse(text).steps);
  }, JSON.stringify(spec));

everyEngine('agrees with the CLI: position after n steps equals point n of `optiscape run`, to 1e-12, with and without gradient noise', async (withPage) => {
  const n = 300;
  for (const landscape of [MIXED.landscape, { ...MIXED.landscape, noise: 3, seed: 17 }]) {
    const cli = runCli({ ...MIXED, landscape, steps: n });
    await withPage('', async (page) => {
      const rs = await raceInPage(page, { ...MIXED, landscape, steps: n });
      assert.equal(rs.length, cli.racers.length);
      let diverged = 0;
      rs.forEach((r, i) => {
        const c = cli.racers[i];
        const what = `${i} ${r.name}, ${JSON.stringify(landscape)}`;
        assert.equal(r.name, c.name);
        assert.equal(r.status, c.status, what);
        assert.equal(r.diverged_at, c.diverged_at, what);
        const k = c.status === 'ok' ? n : c.trajectory.length - 1;
        if (c.status !== 'ok') diverged += 1;
        assert.equal(r.step, n, 'every racer at the race’s step (a diverged one at its last finite point)');
        assertNear(r.position, c.trajectory[k], what);
        assert.ok(Math.abs(r.loss - c.loss[k]) <= 1e-12 * Math.max(1, Math.abs(c.loss[k])), `${what} loss`);
        assert.equal(r.mean_loss === null, landscape.noise === undefined, `${what}: a mean loss with noise only`);
      });
      assert.ok(diverged >= 1 && diverged < rs.length, 'the spec has racers that diverge and racers that do not');
    });
  }
});

everyEngine('divergence is shown: "diverged at step N", the others keep running, no NaN or Infinity on the page', (withPage) => {
  const scene = {
    landscape: { name: 'rosenbrock' },
    steps: 5000,
    racers: [{ name: 'sgd', lr: 10 }, { name: 'adam', lr: 0.05 }, { name: 'sgd', lr: 0.001, momentum: 0.9 }],
  };
  return withPage(specHash(scene), async (page) => {
    let rs = await page.evaluate(() => {
      window.optiscape.pause();
      window.optiscape.reset();
      return window.optiscape.step(100);
    });
    assert.equal(rs[0].status, 'diverged');
    assert.ok(Number.isInteger(rs[0].diverged_at) && rs[0].diverged_at >= 1, `diverged_at ${rs[0].diverged_at}`);
    // It stands at its last finite point, at the race's step like every racer.
    const cli = runCli({ ...scene, steps: 100 });
    assert.equal(rs[0].step, 100);
    assertNear(rs[0].position, cli.racers[0].trajectory.at(-1), 'its last finite point');
    assert.equal(cli.racers[0].trajectory.length, rs[0].diverged_at);
    assert.deepEqual(rs.slice(1).map((r) => [r.status, r.step]), [['ok', 100], ['ok', 100]]);
    assertAllFinite(rs);
    // The card: the race's step, and where and when it diverged, with its last finite point and step.
    const legend = await page.text(card(0));
    assert.match(legend, /step 100\b/);
    assert.match(legend, new RegExp(`diverged at step ${rs[0].diverged_at} \\(last finite point \\(.+\\) at step ${rs[0].diverged_at - 1}\\)`));
    // The others keep running, live.
    await page.evaluate(() => window.optiscape.play());
    await page.waitFor(() => window.optiscape.racers()[1].step > 150);
    rs = await racers(page);
    assert.equal(rs[0].status, 'diverged');
    assert.ok(rs[2].step > 150 && rs[2].status === 'ok');
    assertAllFinite(rs);
    // Nothing says NaN or Infinity anywhere on the page, and the plot and loss chart are still drawn.
    assert.doesNotMatch(await page.text('body'), /NaN|Infinity/);
    const d = await drawn(page);
    assert.ok(d.colours >= 40 && d.trails > 200 && d.loss > 200, JSON.stringify(d));
  });
});

everyEngine('no request leaves the origin', (withPage) =>
  withPage('', async (page) => {
    await page.waitFor(() => window.optiscape.racers()[0].step > 10);
    const { requests } = page.records;
    assert.ok(requests.length > 3, `only ${requests.length} requests were seen: ${requests.join(', ')}`);
    assert.ok(requests.some((u) => new URL(u).pathname.endsWith('/optiscape_bg.wasm')), `the wasm's request was not seen: ${requests.join(', ')}`);
    assert.deepEqual(offOrigin(page), []);
  }),
);

everyEngine('the console stays clean through a preset, a racer\'s settings, the sweeps and the classifier', (withPage) =>
  withPage('', async (page) => {
    await page.select('#preset', 'scale');
    await page.click(`${card(0)} button[aria-label^="Settings of"]`);
    await page.waitFor(() => window.optiscape.sweeps().length > 0 && window.optiscape.sweeps().every((w) => w.done), null, { timeout: 60_000 });
    await page.click('#mode-classify');
    await page.evaluate(async () => {
      await window.optiscape.classify.open();
      window.optiscape.classify.play();
    });
    await page.waitFor(() => window.optiscape.classify.epochs().every((e) => e.length >= 1), null, { timeout: 60_000 });
    await page.click('#mode-landscape');
    await page.waitFor(() => window.optiscape.racers()[0].step > 0);
  }),
);

everyEngine('the 3-D toggle draws the surface and the paths (WebGL2 where the engine has it), a drag turns it, the wheel zooms it, and the contour plot comes back', (withPage) =>
  withPage('', async (page) => {
    await page.evaluate(() => {
      window.optiscape.pause();
      window.optiscape.seek(300);
    });
    // A digest of a canvas's pixels, and whether it is displayed.
    const look = (selector) =>
      page.evaluate((sel) => {
        // toDataURL: repeated getImageData on one canvas makes Chromium warn in the console.
        const c = document.querySelector(sel);
        const d = c.toDataURL();
        let h = 0;
        for (let k = 0; k < d.length; k += 1) h = (h * 31 + d.charCodeAt(k)) >>> 0;
        return { h, shown: getComputedStyle(c).display !== 'none' };
      }, selector);
    // The surface's canvas: painted (not white) pixels, distinct colours that are not grey
    // (quantized), and pixels of exactly the first racer's colour. Read through a copy.
    const pixels = () =>
      page.evaluate(() => {
        const hex = window.optiscape.instrument.scene().states()[0].color;
        const rgb = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
        const c = document.querySelector('canvas.surface-layer');
        const copy = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height });
        const ctx = copy.getContext('2d', { willReadFrequently: true });
        ctx.drawImage(c, 0, 0);
        const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
        const seen = { painted: 0, racer: 0, colours: new Set() };
        for (let k = 0; k < d.length; k += 4) {
          const [r, g, b] = [d[k], d[k + 1], d[k + 2]];
          if (r < 250 || g < 250 || b < 250) seen.painted += 1;
          if (r === rgb[0] && g === rgb[1] && b === rgb[2]) seen.racer += 1;
          if (Math.max(r, g, b) - Math.min(r, g, b) > 24) seen.colours.add(`${r >> 3},${g >> 3},${b >> 3}`);
        }
        return { ...seen, colours: seen.colours.size };
      });
    const drawings = () => page.evaluate(() => window.optiscape.instrument.surface().times().length);
    const redrawn = async (n) => page.waitFor((n) => window.optiscape.instrument.surface().times().length > n, n);
    await page.waitFor(() => !window.optiscape.refining());
    const contour = await look('#bg');
    await page.click('.view-toggle');
    assert.equal(await page.evaluate(() => window.optiscape.view()), '3d');
    await redrawn(0);
    // Headless Chromium has WebGL2 (SwiftShader); headless Firefox ESR here has none (its
    // blocklist allows no WebGL without a GPU): it draws the core's 2-D fallback, with its note.
    const webgl = await page.evaluate(() => window.optiscape.instrument.surface().webgl());
    if (page.engine === 'chromium') assert.equal(webgl, true, 'Chromium draws the surface with WebGL2');
    assert.equal(await page.evaluate(() => !document.querySelector('.surface-note').hidden), !webgl, 'the note says when WebGL2 is missing');
    const flat = await look('canvas.surface-layer');
    assert.ok(flat.shown);
    const seen = await pixels();
    assert.ok(seen.colours >= 40, `the surface in the colour map's colours: ${JSON.stringify(seen)}`);
    assert.ok(seen.racer >= 20, `the first racer's path in its colour: ${JSON.stringify(seen)}`);
    // A drag (pointer events on the canvas) turns it.
    let n = await drawings();
    await page.evaluate(() => {
      const c = document.querySelector('canvas.surface-layer');
      const r = c.getBoundingClientRect();
      const at = (k) => ({ pointerId: 7, clientX: r.x + r.width / 2 + 12 * k, clientY: r.y + r.height / 2 - 3 * k, bubbles: true });
      c.dispatchEvent(new PointerEvent('pointerdown', at(0)));
      for (let k = 1; k <= 8; k++) c.dispatchEvent(new PointerEvent('pointermove', at(k)));
      c.dispatchEvent(new PointerEvent('pointerup', at(8)));
    });
    await redrawn(n);
    await sleep(webgl ? 100 : 500);
    const turned = await look('canvas.surface-layer');
    assert.notEqual(turned.h, flat.h, 'a drag turns the picture');
    // The wheel zooms in: more of the canvas is painted.
    const before = await pixels();
    n = await drawings();
    await page.evaluate(() => document.querySelector('canvas.surface-layer').dispatchEvent(new WheelEvent('wheel', { deltaY: -400, bubbles: true, cancelable: true })));
    await redrawn(n);
    await sleep(webgl ? 100 : 500);
    const zoomed = await pixels();
    assert.ok(zoomed.painted > 1.1 * before.painted, `the wheel zooms in: ${before.painted} -> ${zoomed.painted} painted pixels`);
    await page.click('.view-toggle');
    assert.equal(await page.evaluate(() => window.optiscape.view()), 'contour');
    assert.equal((await look('canvas.surface-layer')).shown, false);
    assert.equal((await look('#bg')).h, contour.h, 'the contour plot is as it was');
  }),
);

/** The largest canvas's share of the viewport, and the CSS size of the legend's and the
 * caption's text. */
const presentLayout = (page) =>
  page.evaluate(() => {
    const area = (r) => Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0)) * Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
    const largest = Math.max(...[...document.querySelectorAll('canvas')].map((c) => area(c.getBoundingClientRect())));
    const size = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
    const shown = (sel) => document.querySelector(sel).getBoundingClientRect().height > 0;
    return { share: largest / (innerWidth * innerHeight), legend: size('.present-name'), caption: size('#hint'), header: shown('.top'), inset: shown('#loss'), rows: document.querySelectorAll('.present-racer').length };
  });

everyEngine('presentation mode: ?present=1 opens in it, the plot fills the screen with room-sized text; the legend says the cards\' words, the clicker steps through scenes, Esc leaves and P comes back', (withPage) =>
  withPage('?present=1', async (page) => {
    assert.equal(await page.evaluate(() => window.optiscape.present()), true);
    await page.waitFor(() => window.optiscape.racers()[0].step > 20);
    const at1080 = await presentLayout(page);
    assert.ok(at1080.share >= 0.85, `the plot covers ${at1080.share} of the viewport`);
    assert.ok(at1080.legend >= 24 && at1080.caption >= 24, `text of ${at1080.legend} and ${at1080.caption} px at 1080p`);
    assert.equal(at1080.header, false, 'the header is hidden');
    assert.equal(at1080.inset, true, 'the loss chart is an inset');
    // The legend: one row per racer, the cards' very words.
    await page.waitFor(() => {
      const cards = [...document.querySelectorAll('#racer-list .racer-loss')].map((e) => e.textContent);
      const rows = [...document.querySelectorAll('.present-loss')].map((e) => e.textContent);
      return rows.length === cards.length && rows.length > 0;
    });
    const names = await page.evaluate(() => [...document.querySelectorAll('.present-name')].map((e) => e.textContent));
    const cardNames = await page.evaluate(() => [...document.querySelectorAll('#racer-list .racer-name')].map((e) => e.textContent));
    assert.deepEqual(names, cardNames);
    const first = await page.evaluate(() => window.optiscape.lesson().id);
    await page.press('PageDown');
    await page.waitFor((id) => window.optiscape.lesson()?.id !== id, first);
    const second = await page.evaluate(() => window.optiscape.lesson().id);
    await page.press('ArrowLeft');
    await page.waitFor((id) => window.optiscape.lesson()?.id === id, first);
    await page.press('ArrowRight');
    await page.waitFor((id) => window.optiscape.lesson()?.id === id, second);
    await page.press('PageUp');
    await page.waitFor((id) => window.optiscape.lesson()?.id === id, first);
    await page.press('Escape');
    assert.equal(await page.evaluate(() => window.optiscape.present()), false);
    const desk = await presentLayout(page);
    assert.ok(desk.header && desk.share < 0.85, `out of presentation mode: ${JSON.stringify(desk)}`);
    // Out of presentation mode the arrow keys do not change the scene.
    await page.press('PageDown');
    assert.equal(await page.evaluate(() => window.optiscape.lesson().id), first);
    await page.press('KeyP');
    await page.waitFor(() => window.optiscape.present());
    assert.ok((await presentLayout(page)).share >= 0.85);
  }, { viewport: { width: 1920, height: 1080 } }).then(() =>
    withPage('', async (page) => {
      await page.click('#present');
      assert.equal(await page.evaluate(() => window.optiscape.present()), true);
      const at720 = await presentLayout(page);
      assert.ok(at720.share >= 0.85 && !at720.header, `at 1280x720: ${JSON.stringify(at720)}`);
      assert.equal(await page.evaluate(() => window.optiscape.present(false)), false);
    }, { viewport: { width: 1280, height: 720 } }),
  ),
);

// Registered last: every engine runs every SHARED test, each engine in one browser.
for (const name of enginesToRun()) {
  describe(name, () => {
    let engine;
    before(async () => {
      engine = await launchEngine(name);
    });
    after(async () => {
      await engine?.close();
    });

    const withPage = async (hash, fn, { viewport } = {}) => {
      const page = await engine.open(hash, { ...(viewport && { viewport }) });
      try {
        await page.waitFor(() => window.optiscape?.ready !== undefined, null, { timeout: 15_000 });
        await page.evaluate(() => window.optiscape.ready);
        await fn(page);
        expectPageClean(page);
      } finally {
        await page.close();
      }
    };
    for (const t of SHARED) test(t.name, t.options, () => t.body(withPage));
  });
}
