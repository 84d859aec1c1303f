// The 3-D view: the landscape as a shaded surface with every racer's path on it, drawn by the
// core (SurfaceView, the drawing of `optiscape plot --3d`) on a canvas over the plot, redrawn
// when the race moves, the view changes or the user turns it. Drag turns it (sideways: about
// the vertical; up and down: the tilt), the wheel zooms. While it turns or the race runs it is
// drawn on a coarser mesh (a sharp frame takes several times a frame's budget at 1080p), and
// sharp again once it stands still.

import { SurfaceView } from '../pkg/optiscape.js';
import { el } from './dom.js';

/** Mesh vertices per side: still (as `plot --3d` draws it) and while turning. */
const SHARP_GRID = 120;
const TURNING_GRID = 48;
/** Still this long after the last drag or wheel: drawn sharp. */
const SETTLE_MS = 200;
const DEGREES_PER_PX = { yaw: 0.4, pitch: 0.3 };
const ZOOM = { min: 0.3, max: 4, perPx: 0.0015 };
/** The last frames' drawing times kept, for `times()`. */
const KEEP_TIMES = 240;

/**
 * The 3-D view over `$('plot')`: `scene()` the Scene, `problem(text)` shows a message.
 * Returns {view(mode?), times(), turn(dyaw, dpitch)}.
 */
export function attachSurface($, { scene, problem }) {
  const canvas = el('canvas', { class: 'surface-layer', role: 'img', 'aria-label': 'The landscape as a 3-D surface with each racer’s path on it: drag to turn it, scroll to zoom.', hidden: true });
  const button = el('button', { type: 'button', class: 'btn view-toggle', 'aria-pressed': 'false', title: 'Show the landscape as a 3-D surface (drag turns it, the wheel zooms)', text: '3-D' });
  $('overlay').after(canvas);
  $('plot').append(button);
  const s = { clock: -1, on: false, view: null, yaw: 20, pitch: 45, zoom: 1, moved: -Infinity, drawn: '', frame: 0, times: [], drag: null };

  function turning() {
    return s.drag !== null || performance.now() - s.moved < SETTLE_MS;
  }

  function draw() {
    if (!s.on) return;
    s.frame = requestAnimationFrame(draw);
    const over = $('overlay');
    const sc = scene();
    // Coarse while anything moves (a turn, or the race: its clock changed since the last
    // drawing); sharp on the first frame that nothing did.
    const clock = sc.clock();
    const moving = turning() || clock !== s.clock;
    s.clock = clock;
    const grid = moving ? TURNING_GRID : SHARP_GRID;
    const key = `${over.width}x${over.height}|${s.yaw}|${s.pitch}|${s.zoom}|${grid}|${sc.clock()}|${sc.spec()}`;
    if (key === s.drawn) return;
    s.drawn = key;
    if (canvas.width !== over.width || canvas.height !== over.height) [canvas.width, canvas.height] = [over.width, over.height];
    const t0 = performance.now();
    try {
      s.view.draw(sc, canvas, s.yaw, s.pitch, s.zoom, grid, grid === SHARP_GRID);
    } catch (e) {
      problem(String(e?.message ?? e));
      return view('contour');
    }
    s.times.push({ ms: performance.now() - t0, grid });
    if (s.times.length > KEEP_TIMES) s.times.shift();
  }

  /** Shows the 3-D surface ('3d') or the contour plot ('contour'); returns the mode shown. */
  function view(mode) {
    if (mode === '3d' || mode === 'contour') {
      const on = mode === '3d';
      if (on !== s.on) {
        s.on = on;
        canvas.hidden = !on;
        button.setAttribute('aria-pressed', on ? 'true' : 'false');
        button.textContent = on ? 'Contour' : '3-D';
        cancelAnimationFrame(s.frame);
        s.drawn = '';
        if (on) {
          s.view ??= new SurfaceView();
          draw();
        }
      }
    } else if (mode !== undefined) throw new Error(`view: "3d" or "contour", got ${JSON.stringify(mode)}`);
    return s.on ? '3d' : 'contour';
  }

  function turn(dyaw, dpitch) {
    s.yaw = (((s.yaw + dyaw) % 360) + 360) % 360;
    s.pitch = Math.min(90, Math.max(0, s.pitch + dpitch));
    s.moved = performance.now();
  }

  button.addEventListener('click', () => view(s.on ? 'contour' : '3d'));
  canvas.addEventListener('pointerdown', (e) => {
    s.drag = { x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
    canvas.classList.add('turning');
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!s.drag) return;
    turn((e.clientX - s.drag.x) * DEGREES_PER_PX.yaw, (e.clientY - s.drag.y) * DEGREES_PER_PX.pitch);
    s.drag = { x: e.clientX, y: e.clientY };
  });
  const release = () => {
    s.drag = null;
    s.moved = performance.now();
    canvas.classList.remove('turning');
  };
  canvas.addEventListener('pointerup', release);
  canvas.addEventListener('pointercancel', release);
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      s.zoom = Math.min(ZOOM.max, Math.max(ZOOM.min, s.zoom * Math.exp(-e.deltaY * ZOOM.perPx)));
      s.moved = performance.now();
    },
    { passive: false },
  );

  return { view, turn, times: () => s.times.slice() };
}
