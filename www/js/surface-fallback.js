// The 3-D view where WebGL2 is missing or its context was lost: drawn by the core on a 2-D
// canvas (SurfaceView, the drawing of `optiscape plot --3d`), on a coarser mesh while anything
// moves (a turn, or the race) and sharp on the first frame that nothing did; with the core's
// note saying so.

import { SurfaceView } from '../pkg/optiscape.js';

/** Mesh vertices per side while anything moves. */
const TURNING_GRID = 48;

/** The core's drawing of `scene()`, sharp on a `sharp x sharp` mesh; `camera`: createCamera's.
 * Returns {draw(canvas), forget(), note(lost)}. */
export function createFallback(sharp, camera, scene) {
  const s = { clock: -1, view: null, drawn: '' };
  return {
    /** Draws on `canvas` when anything it shows changed; returns the grid drawn, or 0. */
    draw(canvas) {
      const sc = scene();
      const clock = sc.clock();
      const moving = camera.turning() || clock !== s.clock;
      s.clock = clock;
      const grid = moving ? TURNING_GRID : sharp;
      const turn = camera.view();
      const key = `${canvas.width}x${canvas.height}|${turn.yaw}|${turn.pitch}|${turn.zoom}|${grid}|${clock}|${sc.spec()}`;
      if (key === s.drawn) return 0;
      s.drawn = key;
      s.view ??= new SurfaceView();
      s.view.draw(sc, canvas, turn.yaw, turn.pitch, turn.zoom, grid, grid === sharp);
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
