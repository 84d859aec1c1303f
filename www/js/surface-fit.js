// Where the 3-D box sits on its canvas: as large as it fits with its labels, clear of what lies
// over the plot (presentation mode's legend, loss inset and caption), centred on the canvas when
// nothing is in the way. The box turning about the vertical sweeps an ellipse at its floor and
// one at its top; their hull, widened by the labels' room, is what must stay clear, so the box
// keeps its size and place as it turns. The core's drawing (where WebGL2 is missing) fits its
// box in the rectangle this hull takes.

/** Room left around the turned box for its labels, in CSS px: each side, and above and below
 * (as `plot --3d`'s). */
const LABEL_ROOM_CSS = [70, 46];
/** Room kept above the box's top where something lies over the canvas (no label goes there). */
const LABEL_TOP_CSS = 8;
/** Centres tried across and down the canvas, when something lies over it. */
const TRIES = [25, 15];
/** The smallest share of its unobstructed size the box shrinks to, to keep clear. */
const SMALLEST = 0.3;
/** Halvings that find the largest scale at one centre. */
const HALVINGS = 18;

/** The largest scale the box's hull fits at centre `c` ([x, y], device px) inside `w x h`,
 * given its half extents per unit (`half`) and the labels' room (`room`, device px). */
function canvasScale(w, h, c, half, room) {
  const across = (Math.min(c[0], w - c[0]) - room[0]) / half[0];
  const down = (Math.min(c[1], h - c[1]) - room[1]) / half[1];
  return Math.min(across, down);
}

/** Whether the hull at centre `c` and scale `s` misses rectangle `r` ([left, top, right,
 * bottom], device px): its floor-to-top sweep of ellipses, radii `s * disc + room`. */
function clear(c, s, shape, room, r) {
  const rx = s * shape.disc[0] + room[0];
  const [top, bottom] = [c[1] - s * shape.rise, c[1] + s * shape.rise];
  const dx = Math.max(r[0] - c[0], 0, c[0] - r[2]);
  const [below, above] = [r[1] - bottom, top - r[3]];
  // The labels hang below the floor and beside the box; above its top there are none.
  const [dy, ry] = below > 0 ? [below, s * shape.disc[1] + room[1]] : [Math.max(above, 0), s * shape.disc[1] + room[2]];
  return (dx / rx) ** 2 + (dy / ry) ** 2 > 1;
}

/**
 * The box's centre (device px) and scale (device px per unit) on a `w x h` canvas tilted
 * `pitch` degrees, `boxHeight` its height in units, `dpr` device px per CSS px of its labels,
 * `over` the rectangles over the canvas ([left, top, right, bottom], device px).
 */
export function fitBox(w, h, pitch, boxHeight, dpr, over = []) {
  // The same answer while only the yaw, the zoom or the race changes (a search over centres
  // takes about half a millisecond).
  const key = `${w}x${h}|${pitch}|${boxHeight}|${dpr}|${over.join(';')}`;
  if (key !== last.key) Object.assign(last, { key, fit: search(w, h, pitch, boxHeight, dpr, over) });
  return last.fit;
}

/** The last fit and what it was for. */
const last = { key: '', fit: null };

/** The box's hull tilted `pitch` degrees, per unit: `shape` (the ellipse a floor corner sweeps,
 * half the height between floor and top), `half` its half extents; `room` the labels' (device
 * px: across, down, above the top). */
function hullOf(pitch, boxHeight, dpr) {
  const q = (pitch * Math.PI) / 180;
  const shape = { disc: [Math.SQRT1_2, Math.SQRT1_2 * Math.sin(q)], rise: (boxHeight / 2) * Math.cos(q) };
  const half = [shape.disc[0], shape.disc[1] + shape.rise];
  return { shape, half, room: [...LABEL_ROOM_CSS, LABEL_TOP_CSS].map((r) => r * dpr) };
}

/**
 * The rectangle ([left, top, right, bottom], device px) for a drawing that fits its box and
 * labels inside its own area (the core's, where WebGL2 is missing): the fitted box's hull with
 * the labels' room, cut back wherever it still meets a rectangle of `over` (`fitBox`'s
 * arguments).
 */
export function fitRect(w, h, pitch, boxHeight, dpr, over = []) {
  const { centre, scale } = fitBox(w, h, pitch, boxHeight, dpr, over);
  const { half, room } = hullOf(pitch, boxHeight, dpr);
  const [rx, ry] = [scale * half[0] + room[0], scale * half[1] + room[1]];
  const rect = [Math.max(0, centre[0] - rx), Math.max(0, centre[1] - ry), Math.min(w, centre[0] + rx), Math.min(h, centre[1] + ry)];
  for (const r of over) {
    if (r[0] >= rect[2] || r[2] <= rect[0] || r[1] >= rect[3] || r[3] <= rect[1]) continue;
    // The cut that keeps the most: the rectangle's side nearest the overlay moves past it.
    const cuts = [[0, r[2]], [2, r[0]], [1, r[3]], [3, r[1]]].map(([k, v]) => {
      const next = rect.slice();
      next[k] = v;
      return next;
    });
    const area = (q) => Math.max(0, q[2] - q[0]) * Math.max(0, q[3] - q[1]);
    rect.splice(0, 4, ...cuts.reduce((a, b) => (area(b) > area(a) ? b : a)));
  }
  return rect.map(Math.round);
}

/** `fitBox`'s answer, searched for: the centre where the box fits largest, nearest the middle. */
function search(w, h, pitch, boxHeight, dpr, over) {
  const { shape, half, room } = hullOf(pitch, boxHeight, dpr);
  const middle = [w / 2, h / 2];
  // Unobstructed, or too small a canvas for its labels: centred, as large as the canvas holds.
  const least = 0.2 * Math.min(w, h);
  const whole = Math.min(Math.max(w - 2 * room[0], least) / (2 * half[0]), Math.max(h - 2 * room[1], least) / (2 * half[1]));
  const inside = over.filter((r) => r[2] > 0 && r[0] < w && r[3] > 0 && r[1] < h);
  if (!inside.length || inside.every((r) => clear(middle, whole, shape, room, r))) return { centre: middle, scale: whole };
  let best = { centre: middle, scale: 0 };
  for (let i = 1; i < TRIES[0]; i++) {
    for (let j = 1; j < TRIES[1]; j++) {
      const c = [(w * i) / TRIES[0], (h * j) / TRIES[1]];
      let [lo, hi] = [0, canvasScale(w, h, c, half, room)];
      if (hi <= best.scale || !inside.every((r) => clear(c, best.scale, shape, room, r))) continue;
      for (let k = 0; k < HALVINGS; k++) {
        const s = (lo + hi) / 2;
        if (inside.every((r) => clear(c, s, shape, room, r))) lo = s;
        else hi = s;
      }
      const nearer = Math.hypot(c[0] - middle[0], c[1] - middle[1]) < Math.hypot(best.centre[0] - middle[0], best.centre[1] - middle[1]);
      if (lo > best.scale * 1.001 || (lo > best.scale * 0.999 && nearer)) best = { centre: c, scale: lo };
    }
  }
  // Where what lies over it leaves too little room (a phone), the box keeps the canvas's size
  // under it.
  return best.scale >= SMALLEST * whole ? best : { centre: middle, scale: whole };
}

/** The rectangles of `elements` shown over `canvas`, in its device px. */
export function overRects(canvas, elements) {
  const box = canvas.getBoundingClientRect();
  if (!box.width || !box.height) return [];
  const [kx, ky] = [canvas.width / box.width, canvas.height / box.height];
  return elements
    .filter((e) => e && e.getClientRects().length > 0)
    .map((e) => e.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.height > 0)
    .map((r) => [(r.left - box.left) * kx, (r.top - box.top) * ky, (r.right - box.left) * kx, (r.bottom - box.top) * ky].map(Math.round));
}
