// The page's 3-D surface (surface.js, SurfaceView) for benches/page.mjs, at 1920x1080 CSS px:
// 8 racers of 2000 steps on Rosenbrock, the view turned a few degrees a frame.
//
//   surface_turn_frame_ms, _p95_ms   a frame while turning (the coarse mesh, drawn on the
//                                    canvas): median and p95 over 120 frames
//   surface_still_frame_ms           the sharp mesh once still (through the wasm bitmap),
//                                    median of 5
//   surface_turn_over_still          the ratio of the two medians, the same run

import { openPage } from '../tests/e2e/harness.mjs';

const RACERS = [
  { name: 'adam', lr: 0.05 },
  { name: 'sgd', lr: 0.001, momentum: 0.9 },
  { name: 'newton', lr: 0.5 },
  { name: 'sgd', lr: 0.001 },
  { name: 'rmsprop', lr: 0.01 },
  { name: 'adagrad', lr: 0.5 },
  { name: 'nadam', lr: 0.01 },
  { name: 'adamw', lr: 0.02 },
];

async function measure({ racers, frames }) {
  const o = window.optiscape;
  o.load({ landscape: { name: 'rosenbrock' }, steps: 2000, racers });
  o.pause();
  o.seek(2000);
  o.view('3d');
  const surface = o.instrument.surface();
  const frame = () => new Promise(requestAnimationFrame);
  for (let k = 0; k < frames; k += 1) {
    surface.turn(3, k % 2 ? 0.5 : -0.5);
    await frame();
  }
  const turning = surface.times().filter((t) => t.grid < 120).map((t) => t.ms);
  const still = [];
  for (let k = 0; k < 5; k += 1) {
    surface.turn(0.01, 0);
    await new Promise((r) => setTimeout(r, 300));
    await frame();
    still.push(surface.times().at(-1).ms);
  }
  o.view('contour');
  const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)];
  const c = document.querySelector('canvas.surface-layer');
  return { device: [c.width, c.height], n: turning.length, median: q(turning, 0.5), p95: q(turning, 0.95), still: q(still, 0.5) };
}

/** Prints the figures through `print(name, value, unit)`, on `browser`. */
export async function surfaceFigures(browser, print) {
  const page = await openPage(browser, '', { viewport: { width: 1920, height: 1080 } });
  try {
    await page.waitForFunction(() => window.optiscape?.ready, null, { timeout: 30_000 });
    await page.evaluate(() => window.optiscape.ready);
    const r = await page.evaluate(measure, { racers: RACERS, frames: 120 });
    console.log(`# 3-D surface in the page: a ${r.device.join('x')} px canvas, 8 racers of 2000 steps, ${r.n} frames turning; 30 fps is 33.3 ms`);
    print('surface_turn_frame_ms', r.median, 'ms');
    print('surface_turn_frame_p95_ms', r.p95, 'ms');
    print('surface_still_frame_ms', r.still, 'ms');
    print('surface_turn_over_still', r.median / r.still, 'x');
  } finally {
    await page.context().close();
  }
}
