// The page's 3-D surface (surface.js) for benches/page.mjs, at 1920x1080 CSS px: 8 racers of
// 2000 steps on Rosenbrock, the view turned 3 degrees a frame for 120 frames, drawn with WebGL2
// (surface-gl.js) and, in the same run, by the core on a 2-D canvas (the fallback where WebGL2
// is missing, forced by taking WebGL2 away: the page's 3-D view before WebGL) as the anchor.
// A frame is the time between two animation frames while turning: what the viewer sees, GPU
// work included (a WebGL draw call returns before the GPU has drawn).
//
//   surface_turn_frame_ms, _p95_ms            WebGL, the full 120-vertex mesh: median and p95
//   surface_turn_draw_p95_ms                  WebGL: the draw's JavaScript alone, p95
//   surface_plotters_turn_frame_ms, _p95_ms   the fallback (its 48-vertex mesh while turning)
//   surface_plotters_turn_draw_p95_ms         the fallback's drawing call alone, p95 (the figure
//                                             measured before WebGL)
//   surface_plotters_over_webgl               the fallback's frame p95 over WebGL's, same run

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

/** The page's getContext without WebGL2: the 3-D view falls back to the core's drawing. */
const NO_WEBGL2 = () => {
  const get = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    return kind === 'webgl2' ? null : get.call(this, kind, ...rest);
  };
};

async function measure({ racers, frames }) {
  const o = window.optiscape;
  o.load({ landscape: { name: 'rosenbrock' }, steps: 2000, racers });
  o.pause();
  o.seek(2000);
  o.view('3d');
  const surface = o.instrument.surface();
  const frame = () => new Promise(requestAnimationFrame);
  for (let k = 0; k < 5; k += 1) await frame();
  const from = surface.times().length;
  const stamps = [];
  for (let k = 0; k < frames; k += 1) {
    surface.turn(3, k % 2 ? 0.5 : -0.5);
    stamps.push(await frame());
  }
  const draws = surface.times().slice(from).map((t) => t.ms);
  const intervals = stamps.slice(1).map((t, k) => t - stamps[k]);
  o.view('contour');
  const q = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)] : NaN);
  const c = document.querySelector('canvas.surface-layer');
  return { webgl: surface.webgl(), device: [c.width, c.height], n: draws.length, median: q(intervals, 0.5), p95: q(intervals, 0.95), draw: q(draws, 0.95) };
}

async function run(browser, initScript) {
  const page = await openPage(browser, '', { viewport: { width: 1920, height: 1080 }, initScript });
  try {
    await page.waitForFunction(() => window.optiscape?.ready, null, { timeout: 30_000 });
    await page.evaluate(() => window.optiscape.ready);
    return await page.evaluate(measure, { racers: RACERS, frames: 120 });
  } finally {
    await page.context().close();
  }
}

/** Prints the figures through `print(name, value, unit)`, on `browser`. */
export async function surfaceFigures(browser, print) {
  const gl = await run(browser);
  const plotters = await run(browser, NO_WEBGL2);
  if (!gl.webgl) console.log('# skipped surface_turn_frame_*: this browser gives the page no WebGL2');
  console.log(`# 3-D surface in the page: a ${gl.device.join('x')} px canvas, 8 racers of 2000 steps, 120 frames turning (drawn: ${gl.n} with WebGL2 on the 120-vertex mesh, ${plotters.n} by the 2-D fallback on its 48); 30 fps is 33.3 ms`);
  if (gl.webgl) {
    print('surface_turn_frame_ms', gl.median, 'ms');
    print('surface_turn_frame_p95_ms', gl.p95, 'ms');
    print('surface_turn_draw_p95_ms', gl.draw, 'ms');
  }
  print('surface_plotters_turn_frame_ms', plotters.median, 'ms');
  print('surface_plotters_turn_frame_p95_ms', plotters.p95, 'ms');
  print('surface_plotters_turn_draw_p95_ms', plotters.draw, 'ms');
  if (gl.webgl) print('surface_plotters_over_webgl', plotters.p95 / gl.p95, 'x');
}
