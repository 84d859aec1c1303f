// End-to-end tests of a racer's schedule and clipping controls, "Tune" and the loss chart's x
// axis, in Chromium: what the page sets is what the CLI computes.
//
//   OPTISCAPE_URL=http://127.0.0.1:8000/ node --test tests/e2e/schedule.test.mjs

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNear, expectClean, launch, openPage, runCli, screenshot, waitReady } from './harness.mjs';

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
const spec = (page) => api(page, () => window.optiscape.spec());
const card = (page, i) => page.locator('#racer-list > li').nth(i);
const specHash = (s) => `#spec=${encodeURIComponent(JSON.stringify(s))}`;

async function openSettings(page, i) {
  const toggle = card(page, i).getByRole('button', { name: /^Settings of/ });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

/** Every racer of the page's race at its stop step against `optiscape run` of the same spec:
 * positions to 1e-12, and the learning rates each step used (the curve's) to 1e-12. */
async function agreesWithCli(page, what) {
  const s = await spec(page);
  const cli = runCli(s);
  const rs = await api(page, (n) => window.optiscape.seek(n), s.steps);
  for (const [i, c] of cli.racers.entries()) {
    const k = c.trajectory.length - 1;
    assertNear(rs[i].position, c.trajectory[k], `${what}: racer ${i}`);
    const lrs = await api(page, (j) => window.optiscape.lrs(j), i);
    assert.equal(lrs.length, c.lr.length, `${what}: racer ${i}'s rates`);
    lrs.forEach((lr, j) => assert.ok(Math.abs(lr - c.lr[j]) <= 1e-12 * Math.max(1, Math.abs(c.lr[j])), `${what}: racer ${i} step ${j}: ${lr} vs ${c.lr[j]}`));
  }
  return cli;
}

/** Whether the racer's learning-rate curve has ink (any pixel not white). */
const curveInked = (page, i) =>
  card(page, i)
    .locator('canvas.lr-curve')
    .evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 0 && (d[k] < 200 || d[k + 1] < 200 || d[k + 2] < 200)) return true;
      return false;
    });

test('a schedule and clipping chosen in the page: the CLI’s learning rates and positions, to 1e-12; nested schedulers as JSON', async () => {
  const start = { landscape: { name: 'rosenbrock' }, start: [-1.2, 1], steps: 400, racers: [{ name: 'sgd', lr: 0.001, momentum: 0.9 }, { name: 'adam', lr: 0.05 }] };
  await withPage(specHash(start), async (page) => {
    await api(page, () => window.optiscape.pause());
    await openSettings(page, 0);
    const first = card(page, 0);
    await first.getByLabel('lr_scheduler').selectOption('CosineAnnealingLR');
    await page.waitForFunction(() => window.optiscape.spec().racers[0].lr_scheduler?.name === 'CosineAnnealingLR');
    assert.deepEqual((await spec(page)).racers[0].lr_scheduler, { name: 'CosineAnnealingLR', T_max: 400, eta_min: 0 });
    // An argument's control: T_max typed.
    const tmax = first.locator('.scheduler-args input[aria-label="T_max (type a value)"]');
    await tmax.fill('250');
    await tmax.press('Enter');
    await page.waitForFunction(() => window.optiscape.spec().racers[0].lr_scheduler.T_max === 250);
    await first.getByRole('checkbox', { name: 'clip_grad_norm' }).check();
    await page.waitForFunction(() => window.optiscape.spec().racers[0].clip_grad_norm === 1);
    await page.waitForFunction(() => document.querySelector('#racer-list canvas.lr-curve')?.getAttribute('aria-label')?.startsWith('Learning rate against step'));
    assert.ok(await curveInked(page, 0), 'the curve is drawn');
    assert.match(await first.locator('.racer-what').textContent(), /clip_grad_norm 1 · CosineAnnealingLR\(T_max 250\)/);
    let cli = await agreesWithCli(page, 'cosine');
    assert.ok(cli.racers[0].lr[0] === 0.001 && cli.racers[0].lr[250] < 1e-9, 'the cosine reaches 0 at T_max');

    // SequentialLR's schedulers as editable JSON.
    await first.getByLabel('lr_scheduler').selectOption('SequentialLR');
    await page.waitForFunction(() => window.optiscape.spec().racers[0].lr_scheduler?.name === 'SequentialLR');
    const nested = first.locator('.scheduler-args .param-json input').first();
    const edited = [{ name: 'LinearLR', start_factor: 0.2, total_iters: 40 }, { name: 'StepLR', step_size: 100, gamma: 0.5 }];
    await nested.fill(JSON.stringify(edited));
    await nested.press('Enter');
    await page.waitForFunction(() => window.optiscape.spec().racers[0].lr_scheduler.schedulers[1]?.name === 'StepLR');
    await screenshot(page, 'schedule-settings');
    cli = await agreesWithCli(page, 'sequential');
    assert.equal(cli.racers[0].lr[0], 0.001 * 0.2);

    // An invalid nested scheduler: the core's message under the field, the race unchanged.
    await nested.fill('[{"name": "ReduceLROnPlateau"}]');
    await nested.press('Enter');
    await page.waitForFunction(() => [...document.querySelectorAll('#racer-list .param-error')].some((e) => !e.hidden && /ReduceLROnPlateau/.test(e.textContent)));
    assert.equal((await spec(page)).racers[0].lr_scheduler.schedulers[1].name, 'StepLR');

    // None: a constant rate, no curve.
    await first.getByLabel('lr_scheduler').selectOption('');
    await page.waitForFunction(() => window.optiscape.spec().racers[0].lr_scheduler === undefined || window.optiscape.spec().racers[0].lr_scheduler === null);
    assert.equal(await first.locator('.lr-curve-box').isHidden(), true);
  });
});

test('Tune sets each racer’s learning rate as `optiscape tune` does, and its card says so', async () => {
  const start = {
    landscape: { name: 'rosenbrock' },
    start: [-1.2, 1],
    steps: 300,
    racers: [{ name: 'sgd', lr: 0.0001, momentum: 0.9 }, { name: 'adam', lr_scheduler: { name: 'StepLR', step_size: 100, gamma: 0.5 } }, { name: 'rmsprop', lr: 0.5 }],
  };
  await withPage(specHash(start), async (page) => {
    const want = runCli(await spec(page), 'tune');
    await page.locator('#tune').click();
    await page.waitForFunction(() => !document.querySelector('#tune').disabled && window.optiscape.spec().racers[0].lr !== 0.0001);
    const got = await spec(page);
    assert.deepEqual(got.racers, want.racers);
    for (const [i, r] of want.racers.entries()) {
      const what = await card(page, i).locator('.racer-what').textContent();
      assert.ok(what.includes(', tuned: best of the sweep at step 300'), what);
    }
    // Another rate is no longer the tuned one.
    await api(page, (s) => window.optiscape.update({ ...s, racers: [{ ...s.racers[0], lr: 0.002 }, ...s.racers.slice(1)] }), got);
    await page.waitForFunction(() => !document.querySelector('#racer-list .racer-what').textContent.includes('tuned'));
    assert.ok((await card(page, 1).locator('.racer-what').textContent()).includes('tuned'));
  });
});

test('the "work" preset’s loss chart counts evaluations: its caption and name say so, L-BFGS arrives at 60; the switch keeps the hint', async () => {
  await withPage('', async (page) => {
    await page.locator('#preset').selectOption('work');
    await page.waitForFunction(() => window.optiscape.lesson()?.id === 'work');
    assert.equal(await page.locator('#loss-x').inputValue(), 'evaluations');
    assert.match(await page.locator('#loss-sub').textContent(), /^against evaluations, log scale/);
    assert.match(await page.locator('#loss').getAttribute('aria-label'), /against evaluations/);
    const rs = await api(page, () => window.optiscape.seek(2000));
    const cli = runCli(await spec(page));
    assert.equal(rs[0].arrival.step, 3);
    assert.equal(cli.racers[0].evaluations[3], 60);
    const curve = await api(page, () => window.optiscape.lossCurve(0));
    const at60 = curve.find(([x]) => x === 60);
    assert.ok(at60, `L-BFGS's curve has a point at 60 evaluations: ${JSON.stringify(curve.slice(0, 6))}`);
    assert.equal(at60[1], cli.racers[0].loss[3]);
    const hint = (await api(page, () => window.optiscape.lesson())).hint;
    assert.ok(hint);
    await page.locator('#loss-x').selectOption('steps');
    await page.waitForFunction(() => document.querySelector('#loss-sub').textContent.startsWith('against step,'));
    assert.equal((await api(page, () => window.optiscape.lesson())).hint, hint, 'the axis is no part of the lesson');
    await page.waitForFunction(() => window.optiscape.behind() === 0);
    const steps = await api(page, () => window.optiscape.lossCurve(0));
    assert.deepEqual(steps.find(([x]) => x === 3), [3, cli.racers[0].loss[3]]);
  });
});
