// SurfaceFeed's news read into the 3-D view's paths: per racer its colour, casing and dash, and
// its points lifted onto the surface kept with their distance along the path (for its dashes),
// a point that is not finite kept as a gap; which points are new, for the GPU to take.

/** Floats per path vertex: x, up, y and its distance along the path (-1: a gap). */
export const STRIDE = 4;

/** A racer's path: its vertices (STRIDE floats each), the ones from `dirtyFrom` on not yet on
 * the GPU (`gpu`, `quads`: its ribbon, kept by surface-ribbons.js). */
function newPath() {
  return { data: new Float32Array(256 * STRIDE), count: 0, quads: null, gpu: null, dirtyFrom: 0, color: [0, 0, 0], casing: [0, 0, 0, 1], dash: [0, 0, 0, 0] };
}

/** Reads one racer's news from `numbers` at `k` into `path`; returns where the next begins. */
function readPath(path, numbers, k) {
  path.color = [numbers[k++], numbers[k++], numbers[k++]];
  path.casing = [numbers[k++], numbers[k++], numbers[k++], numbers[k++]];
  path.dash = [numbers[k++], numbers[k++], numbers[k++], numbers[k++]];
  const keep = numbers[k++];
  const count = numbers[k++];
  if (keep + count > path.data.length / STRIDE) {
    const grown = new Float32Array(Math.max(2 * path.data.length, (keep + count) * STRIDE * 1.5) | 0);
    grown.set(path.data.subarray(0, keep * STRIDE));
    path.data = grown;
  }
  // The distance along the path so far: from its last vertex that is not a gap.
  let last = keep - 1;
  while (last >= 0 && path.data[last * STRIDE + 3] < 0) last--;
  let along = last >= 0 ? path.data[last * STRIDE + 3] : 0;
  let prev = last >= 0 ? path.data.subarray(last * STRIDE, last * STRIDE + 3) : null;
  for (let v = 0; v < count; v++, k += 3) {
    const o = (keep + v) * STRIDE;
    const p = [numbers[k], numbers[k + 1], numbers[k + 2]];
    if (Number.isNaN(p[0])) {
      path.data.set([0, 0, 0, -1], o);
      continue;
    }
    if (prev) along += Math.hypot(p[0] - prev[0], p[1] - prev[1], p[2] - prev[2]);
    path.data.set([p[0], p[1], p[2], along], o);
    prev = p;
  }
  path.count = keep + count;
  path.dirtyFrom = Math.min(path.dirtyFrom, keep);
  return k;
}

/**
 * Reads SurfaceFeed's news from `numbers` at `from` into `paths` (grown or shrunk to the
 * racers'; `drop(path)` frees a removed one's GPU side). Returns the mesh version they are for,
 * the core's `ink` (device px per CSS px of a line) and the start ([x, up, y]).
 */
export function readNews(paths, numbers, from, drop) {
  let k = from;
  const version = numbers[k++];
  const racers = numbers[k++];
  const ink = numbers[k++];
  const start = [numbers[k++], numbers[k++], numbers[k++]];
  while (paths.length > racers) drop(paths.pop());
  while (paths.length < racers) paths.push(newPath());
  for (const path of paths) k = readPath(path, numbers, k);
  return { version, ink, start };
}

/** `path`'s last vertex that is not a gap ([x, up, y]), or null. */
export function head(path) {
  for (let v = path.count - 1; v >= 0; v--) if (path.data[v * STRIDE + 3] >= 0) return [...path.data.subarray(v * STRIDE, v * STRIDE + 3)];
  return null;
}
