// The 3-D view where WebGL2 is missing or its context was lost: drawn by the core on a 2-D
// canvas (SurfaceView, the drawing of `optiscape plot --3d`), on a coarser mesh while anything
// moves (a turn, or the race) and sharp on the first frame that nothing did; with the core's
// note saying so.

import { SurfaceView } from '../pkg/optiscape.js';
import { fitRect } from './surface-fit.js';

/** Mesh vertices per side while anything moves. */
const TURNING_GRID = 48;

/** The core's drawing of `scene()`, sharp on a `sharp x sharp` mesh; `camera`: createCamera's.
 * Returns {draw(canvas, over, dpr), forget(), note(lost)}. */
export function createFallback(sharp, camera, scene) {
  const s = { clock: -1, view: null, drawn: '', part: null };

  /** The core's drawing on `canvas`, inside the part of it clear of the rectangles `over`
   * (device px; `dpr` device px per CSS px): drawn on a canvas of that part's size, copied in. */
  function drawClear(canvas, over, dpr, turn, grid) {
    const [l, t, r, b] = fitRect(canvas.width, canvas.height, turn.pitch, SurfaceView.box_height(), dpr, over);
    const whole = l === 0 && t === 0 && r === canvas.width && b === canvas.height;
    const target = whole ? canvas : (s.part ??= canvas.ownerDocument.createElement('canvas'));
    if (!whole && (target.width !== r - l || target.height !== b - t)) [target.width, target.height] = [r - l, b - t];
    s.view.draw(scene(), target, turn.yaw, turn.pitch, turn.zoom, grid, grid === sharp);
    if (whole) return;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(target, l, t);
  }

  return {
    /** Draws on `canvas` when anything it shows changed, clear of the rectangles `over` (device
     * px) where it can; returns the grid drawn, or 0. */
    draw(canvas, over = [], dpr = 1) {
      const sc = scene();
      const clock = sc.clock();
      const moving = camera.turning() || clock !== s.clock;
      s.clock = clock;
      const grid = moving ? TURNING_GRID : sharp;
      const turn = camera.view();
      const key = `${canvas.width}x${canvas.height}|${turn.yaw}|${turn.pitch}|${turn.zoom}|${grid}|${clock}|${sc.spec()}|${over.join(';')}`;
      if (key === s.drawn) return 0;
      s.drawn = key;
      s.view ??= new SurfaceView();
      drawClear(canvas, over, dpr, turn, grid);
      return grid;
    },
    /** Draws on the next call whatever changed (a fresh canvas, the view shown again). */
    forget() {
      s.drawn = '';
    },
    /** The note shown with it: why (WebGL2 missing, or `lost`) and what it changes. */
    note: (lost) => SurfaceView.note(lost),
  };
}
