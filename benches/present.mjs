// Presentation-mode figures for benches/page.mjs: the landscape race in presentation mode on a
// projector (1920x1080 CSS px at a device pixel ratio of 2: a 3840x2160 device-pixel plot),
// each beside the same run's figure on an 800x800 CSS px plot (800x800 at ratio 1).
//
//   present_4k_background_ms       the landscape after a pan: what the frame waits for (a coarse
//                                  landscape when a sharp one would not fit; median of 9)
//   present_4k_background_wasm_ms  the part of it the wasm timed (sampling and drawing)
//   present_4k_sharp_ms            the frames' refining until the landscape is sharp and the
//                                  trails, shown moved during the pan, drawn again (summed)
//   present_4k_frame_p95_ms        8 racers at 10 steps a frame while panning: the pan and the
//                                  step (one wasm call each), p95 over 120 frames
// and the same names with `present_800_` for the 800x800 plot, and the ratios 4K / 800.

import { openPage } from '../tests/e2e/harness.mjs';

const RACERS = [
  { name: 'sgd', lr: 0.001 },
  { name: 'sgd', lr: 0.001, momentum: 0.9 },
  { name: 'sgd', lr: 0.001, momentum: 0.9, nesterov: true },
  { name: 'adam', lr: 0.05 },
  { name: 'rmsprop', lr: 0.01 },
  { name: 'adagrad', lr: 0.5 },
  { name: 'lion', lr: 0.01 },
  { name: 'newton', lr: 0.5 },
];

/** In the page, presentation mode on: the background after a pan, its refining, and frames of
 * a pan and 10 steps. */
async function measure({ racers, frames }) {
  const o = window.optiscape;
  o.present(true);
  o.load({ landscape: { name: 'rosenbrock' }, steps: 1_000_000_000, speed: 10, racers });
  o.pause();
  const { instrument } = o;
  const scene = instrument.scene();
  const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
  const view = o.spec().view ?? scene.default_view();
  const panTo = (k) => {
    const dx = (view.x[1] - view.x[0]) * 0.002 * k;
    scene.set_view(view.x[0] + dx, view.x[1] + dx, view.y[0], view.y[1]);
  };
  const backgrounds = [];
  const wasm = [];
  const sharp = [];
  for (let i = 1; i <= 9; i += 1) {
    const t0 = performance.now();
    panTo(i);
    backgrounds.push(performance.now() - t0);
    wasm.push(scene.timings().background_ms);
    let refining = 0;
    while (scene.refining()) {
      const t1 = performance.now();
      scene.refine(8);
      refining += performance.now() - t1;
    }
    sharp.push(refining);
  }
  const times = [];
  await new Promise((resolve, reject) => {
    let k = 0;
    instrument.onFrame(() => {
      try {
        const t0 = performance.now();
        panTo((k += 1));
        instrument.advance(10);
        times.push(performance.now() - t0);
      } catch (e) {
        instrument.onFrame(null);
        reject(e);
        return;
      }
      if (times.length >= frames) {
        instrument.onFrame(null);
        resolve();
      }
    });
  });
  const plot = document.getElementById('bg');
  const device = [plot.width, plot.height];
  o.present(false);
  return { device, background: percentile(backgrounds, 0.5), backgroundWasm: percentile(wasm, 0.5), sharp: percentile(sharp, 0.5), frameP95: percentile(times, 0.95) };
}

async function run(browser, viewport, deviceScaleFactor) {
  const page = await openPage(browser, '', { viewport, device: { deviceScaleFactor } });
  try {
    await page.waitForFunction(() => window.optiscape?.ready, null, { timeout: 30_000 });
    await page.evaluate(() => window.optiscape.ready);
    return await page.evaluate(measure, { racers: RACERS, frames: 120 });
  } finally {
    await page.context().close();
  }
}

/** Prints the figures through `print(name, value, unit)`, on `browser` (one run of each size). */
export async function presentFigures(browser, print) {
  const big = await run(browser, { width: 1920, height: 1080 }, 2);
  const small = await run(browser, { width: 800, height: 800 }, 1);
  console.log(`# presentation mode: plots of ${big.device.join('x')} and ${small.device.join('x')} device px`);
  for (const [name, key] of [['background_ms', 'background'], ['background_wasm_ms', 'backgroundWasm'], ['sharp_ms', 'sharp'], ['frame_p95_ms', 'frameP95']]) {
    print(`present_4k_${name}`, big[key], 'ms');
    print(`present_800_${name}`, small[key], 'ms');
    const ratio = `present_4k_over_800_${name.replace(/_ms$/, '')}`;
    if (small[key] > 0) print(ratio, big[key] / small[key], 'x');
    else console.log(`# ${ratio}: none (the 800x800 figure is 0: sharp at once)`);
  }
}
