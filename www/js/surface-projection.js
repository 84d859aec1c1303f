// The 3-D view's camera: an orthographic projection of the unit box (x, up, y) turned `yaw`
// degrees about the vertical and tilted `pitch` degrees (0: from the side, 90: from above), x to
// the right and y away from the viewer at yaw 0, as `optiscape plot --3d --yaw --pitch`; the box
// fitted inside the canvas with room for its labels (surface-fit.js).

import { fitBox } from './surface-fit.js';

/** The eye's axes in the box's unit coordinates (x, up, y), turned by `yaw` and tilted by
 * `pitch` (degrees): right, up on screen, and toward the viewer. */
export function eyeAxes(yaw, pitch) {
  // Turned the way plotters turns `plot --3d`: at yaw 20 the corner (x max, y min) is nearest.
  const [p, q] = [(-yaw * Math.PI) / 180, (pitch * Math.PI) / 180];
  const [cy, sy, cp, sp] = [Math.cos(p), Math.sin(p), Math.cos(q), Math.sin(q)];
  return {
    right: [cy, 0, -sy],
    up: [sy * sp, cp, cy * sp],
    toward: [-sy * cp, sp, -cy * cp],
  };
}

/** The dot product of two 3-vectors. */
export const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/**
 * The projection of a `w x h` device-px canvas for `turn` ({yaw, pitch, zoom}) with `dpr`
 * device px per CSS px, `over` the rectangles lying over the canvas (device px): `matrix`
 * (column-major, unit box to clip space), `toScreen(p)` (device px, y down), `scale` (device px
 * per unit), `eye`, `at` (where the box's centre is, device px). The box's size and place do
 * not change as it turns about the vertical (fitted for the widest yaw).
 */
export function projection(w, h, turn, boxHeight, dpr, over = []) {
  const eye = eyeAxes(turn.yaw, turn.pitch);
  const fit = fitBox(w, h, turn.pitch, boxHeight, dpr, over);
  const scale = fit.scale * turn.zoom;
  const at = fit.centre;
  const centre = [0.5, boxHeight / 2, 0.5];
  const [sx, sy] = [(2 * scale) / w, (2 * scale) / h];
  // Depth: toward the viewer is nearer (smaller clip z); the box fits in |z| < 0.5.
  const rows = [eye.right.map((v) => v * sx), eye.up.map((v) => v * sy), eye.toward.map((v) => -0.5 * v)];
  // The box's centre to `at` on screen: clip x and y shifted from the canvas's centre.
  const offset = [(2 * at[0]) / w - 1, 1 - (2 * at[1]) / h, 0];
  const shift = rows.map((r, k) => offset[k] - dot(r, centre));
  const matrix = new Float32Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) matrix[c * 4 + r] = rows[r][c];
    matrix[12 + r] = shift[r];
  }
  matrix[15] = 1;
  const toScreen = (p) => {
    const d = [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]];
    return [at[0] + dot(eye.right, d) * scale, at[1] - dot(eye.up, d) * scale];
  };
  return { matrix, toScreen, scale, eye, at };
}
