// One set of bits: the page computes what the CLI prints, to the last bit, even on chaotic races
// where a single different last bit of an exp, a log, a pow or a sine grows into another path
// (the core's elementary functions are correctly rounded, src/math.rs). Run by `cargo xtask
// test`; by hand: `cargo build --release`, `cargo xtask serve`, then
//   OPTISCAPE_URL=http://127.0.0.1:8000/ node --test tests/e2e/bits.test.mjs

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectClean, launch, openPage, runCli, waitReady } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Opens the page, waits for window.optiscape.ready, runs `fn(page)`, checks it is clean. */
async function withPage(fn) {
  const page = await openPage(browser, '', { viewport: { width: 1280, height: 800 } });
  try {
    assert.equal(await waitReady(page, { timeoutMs: 15_000 }), 'ready');
    await fn(page);
    expectClean(page);
  } finally {
    await page.context().close();
  }
}

/** Every racer of `spec` in the page at each step of `at`, paused and sought there. */
const racersAt = (page, spec, at) =>
  page.evaluate(
    ({ text, at }) => {
      window.optiscape.load(text);
      window.optiscape.pause();
      return at.map((k) => {
        window.optiscape.seek(k);
        return window.optiscape.racers();
      });
    },
    { text: JSON.stringify(spec), at },
  );

/** Same bits: equal numbers (JSON carries doubles exactly) or both null. */
function sameBits(a, b, what) {
  assert.ok(Object.is(a, b), `${what}: the page has ${a}, the CLI ${b}`);
}

// Races that amplify a last bit: Adam at lr 0.5 on Rastrigin's cosines at scale 1000; Adam and
// NAdam at large rates on the Gaussian mixture's exponentials; Adadelta at lr 1 on digits2d's 180
// exponentials and log at input_scale 30; a typed formula through pow, sin, tanh and atan.
const CHAOTIC = [
  { landscape: { name: 'rastrigin', scale: 1000 }, steps: 2000, racers: [{ name: 'adam', lr: 0.5 }, { name: 'radam', lr: 0.5 }, { name: 'adamax', lr: 0.5 }] },
  { landscape: { name: 'gaussian_mixture' }, steps: 2000, racers: [{ name: 'adam', lr: 0.5 }, { name: 'nadam', lr: 0.5 }, { name: 'adam', lr: 2 }, { name: 'adabelief', lr: 1 }] },
  { landscape: { name: 'digits2d', input_scale: 30 }, steps: 2000, racers: [{ name: 'adadelta', lr: 1 }, { name: 'adam', lr: 0.3 }] },
  {
    landscape: { name: 'custom', f: '2^(x/3) sin(3y) + tanh(x y) + atan(x - y) + exp(-(x^2 + y^2)/9) + log10(1 + x^2)', noise: 0.5, seed: 7 },
    steps: 2000,
    racers: [{ name: 'adam', lr: 0.3 }, { name: 'sgd', lr: 0.2, momentum: 0.9 }],
  },
];

for (const spec of CHAOTIC) {
  test(`page = CLI bit for bit: ${spec.racers.map((r) => `${r.name} lr ${r.lr}`).join(', ')} on ${JSON.stringify(spec.landscape)}`, async () => {
    const cli = runCli(spec);
    const at = [1, 10, 100, 500, 1000, 1500, 2000];
    await withPage(async (page) => {
      const seen = await racersAt(page, spec, at);
      seen.forEach((rs, j) => {
        assert.equal(rs.length, cli.racers.length);
        rs.forEach((r, i) => {
          const c = cli.racers[i];
          const what = `racer ${i} (${r.name}) at step ${at[j]}`;
          const diverged = c.diverged_at !== null && c.diverged_at <= at[j];
          assert.equal(r.status, diverged ? 'diverged' : 'ok', what);
          assert.equal(r.diverged_at, diverged ? c.diverged_at : null, what);
          // Every racer reads the race's step; one that stopped stands at its last finite point.
          const k = Math.min(at[j], c.trajectory.length - 1);
          assert.equal(r.step, at[j], what);
          sameBits(r.position[0], c.trajectory[k][0], `${what}, x`);
          sameBits(r.position[1], c.trajectory[k][1], `${what}, y`);
          sameBits(r.loss, c.loss[k], `${what}, loss`);
          assert.deepEqual(r.arrival, c.arrival?.step <= k ? c.arrival : null, `${what}, arrival`);
        });
      });
    });
  });
}

test('page = CLI bit for bit on the learning-rate sweep of a chaotic race', async () => {
  const spec = { landscape: { name: 'rastrigin', scale: 1000 }, steps: 300, racers: [{ name: 'adam', lr: 0.5 }, { name: 'nadam', lr: 0.5 }] };
  const cli = runCli(spec, 'sweep');
  await withPage(async (page) => {
    await page.evaluate((s) => window.optiscape.load(s), spec);
    await page.waitForFunction(() => window.optiscape.sweeps().every((w) => w.done), null, { timeout: 60_000 });
    const sweeps = await page.evaluate(() => window.optiscape.sweeps());
    sweeps.forEach((w, i) => {
      assert.equal(w.points.length, cli.racers[i].points.length);
      w.points.forEach((p, k) => {
        const c = cli.racers[i].points[k];
        sameBits(p.lr, c.lr, `racer ${i}, point ${k}: lr`);
        sameBits(p.loss, c.loss, `racer ${i} at lr ${c.lr}: loss`);
        sameBits(p.diverged_at, c.diverged_at, `racer ${i} at lr ${c.lr}: diverged_at`);
      });
    });
  });
});

// The classifier's chaotic seed rows (README's table): Adam on X*50 and SGD on X*5, whose
// training loss jumps to about 50 and 10 in the first epoch; every epoch's loss and accuracy.
test('page = CLI bit for bit on the classifier\'s chaotic seed rows, all 15 epochs', async () => {
  const spec = {
    dataset: 'digits', model: 'linear', epochs: 15, batch_size: 1, seed: 0, input: { transform: 'raw', scale: 1 },
    racers: [
      { name: 'adam', lr: 0.001, input: { transform: 'raw', scale: 50 } },
      { name: 'sgd', lr: 0.001, input: { transform: 'raw', scale: 5 } },
    ],
  };
  const cli = runCli(spec, 'train');
  await withPage(async (page) => {
    await page.evaluate(() => window.optiscape.classify.open());
    await page.evaluate((s) => {
      window.optiscape.classify.load(s);
      window.optiscape.classify.play();
    }, spec);
    await page.waitForFunction(() => window.optiscape.classify.finished(), null, { timeout: 120_000 });
    const epochs = await page.evaluate(() => window.optiscape.classify.epochs());
    assert.equal(epochs.length, 2);
    cli.racers.forEach((r, i) => {
      assert.equal(epochs[i].length, 15);
      r.epochs.forEach((e, k) => {
        sameBits(epochs[i][k].train_loss, e.train_loss, `${r.name}, epoch ${k + 1}: training loss`);
        sameBits(epochs[i][k].test_accuracy, e.test_accuracy, `${r.name}, epoch ${k + 1}: test accuracy`);
      });
    });
    // The chaos is real: the two rows end far from where the same optimizers end on X.
    assert.ok(cli.racers[0].epochs[0].train_loss > 5, JSON.stringify(cli.racers[0].epochs[0]));
  });
});
