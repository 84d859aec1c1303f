// The 3-D view's landscape on the GPU: the core's mesh (SurfaceFeed.mesh(): heights, colours and
// the cut of `optiscape plot --3d`) as lit triangles with per-vertex normals, its four sides
// closed down to the floor, and the box's floor and walls with grid lines at the ticks.

import { attribute, buffer } from './surface-gl-programs.js';

/** The surface's near sides closed down to the floor, darker than the top (as `plot --3d`'s):
 * the side along x, the side along y. */
const SIDE_TONE = [0.62, 0.74];

/** Per vertex, the normal of the mesh there: its triangles' (area-weighted) normals summed. */
function normals(positions, indices) {
  const out = new Float32Array(positions.length);
  for (let t = 0; t < indices.length; t += 3) {
    const [a, b, c] = [indices[t] * 3, indices[t + 1] * 3, indices[t + 2] * 3];
    const u = [positions[b] - positions[a], positions[b + 1] - positions[a + 1], positions[b + 2] - positions[a + 2]];
    const v = [positions[c] - positions[a], positions[c + 1] - positions[a + 1], positions[c + 2] - positions[a + 2]];
    const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    // Facing up (the cut's winding varies).
    const s = n[1] < 0 ? -1 : 1;
    for (const k of [a, b, c]) for (let i = 0; i < 3; i++) out[k + i] += s * n[i];
  }
  return out;
}

/** Positions for the flat program: a VAO and a vertex count. */
function flatShape(gl, programs, data) {
  const vao = gl.createVertexArray();
  gl.bindVertexArray(vao);
  const b = buffer(gl, gl.ARRAY_BUFFER, data);
  attribute(gl, programs.flat, 'aPos', b, 3);
  gl.bindVertexArray(null);
  return { vao, count: data.length / 3, buffer: b };
}

/** The surface's triangles: positions, normals and the colour map's colours. */
function surfaceTriangles(gl, programs, { positions, colors, indices }) {
  const vao = gl.createVertexArray();
  gl.bindVertexArray(vao);
  const pos = buffer(gl, gl.ARRAY_BUFFER, positions);
  const nor = buffer(gl, gl.ARRAY_BUFFER, normals(positions, indices));
  const col = buffer(gl, gl.ARRAY_BUFFER, colors);
  attribute(gl, programs.surface, 'aPos', pos, 3);
  attribute(gl, programs.surface, 'aNormal', nor, 3);
  attribute(gl, programs.surface, 'aColor', col, 3, gl.UNSIGNED_BYTE, true);
  const idx = buffer(gl, gl.ELEMENT_ARRAY_BUFFER, indices);
  gl.bindVertexArray(null);
  return { vao, count: indices.length, buffers: [pos, nor, col, idx] };
}

/** The four sides, each a strip of quads from the surface's edge down to the floor (where both
 * ends of an edge are vertices of the drawn triangles), keyed by the outward direction; each
 * with the surface's edge along its top. */
function sides(gl, programs, { positions, colors, indices, n }) {
  const used = new Uint8Array(n * n);
  for (const k of indices) used[k] = 1;
  const top = (k) => [positions[3 * k], positions[3 * k + 1], positions[3 * k + 2]];
  const sideOf = (ks) => {
    const v = [];
    const c = [];
    for (let e = 0; e + 1 < ks.length; e++) {
      const [a, b] = [ks[e], ks[e + 1]];
      if (!used[a] || !used[b]) continue;
      const [ta, tb] = [top(a), top(b)];
      const quad = [ta, tb, [tb[0], 0, tb[2]], ta, [tb[0], 0, tb[2]], [ta[0], 0, ta[2]]];
      const tone = [a, b, b, a, b, a];
      quad.forEach((p, i) => {
        v.push(...p);
        c.push(colors[3 * tone[i]], colors[3 * tone[i] + 1], colors[3 * tone[i] + 2]);
      });
    }
    return { v, c };
  };
  const row = (j) => Array.from({ length: n }, (_, i) => j * n + i);
  const column = (i) => Array.from({ length: n }, (_, j) => j * n + i);
  const sideSpecs = [
    { out: [0, 0, -1], ks: row(0), tone: SIDE_TONE[0] },
    { out: [0, 0, 1], ks: row(n - 1), tone: SIDE_TONE[0] },
    { out: [-1, 0, 0], ks: column(0), tone: SIDE_TONE[1] },
    { out: [1, 0, 0], ks: column(n - 1), tone: SIDE_TONE[1] },
  ];
  return sideSpecs.map((spec) => {
    const { v, c } = sideOf(spec.ks);
    const svao = gl.createVertexArray();
    gl.bindVertexArray(svao);
    const vb = buffer(gl, gl.ARRAY_BUFFER, new Float32Array(v));
    const cb = buffer(gl, gl.ARRAY_BUFFER, new Uint8Array(c));
    attribute(gl, programs.surface, 'aPos', vb, 3);
    attribute(gl, programs.surface, 'aColor', cb, 3, gl.UNSIGNED_BYTE, true);
    gl.bindVertexArray(null);
    const edge = spec.ks.filter((k) => used[k]).flatMap(top);
    return { ...spec, vao: svao, count: v.length / 3, buffers: [vb, cb], edge: flatShape(gl, programs, new Float32Array(edge)) };
  });
}

/** The box: the floor and the four walls, each a panel with grid lines at the ticks and its
 * ring of edges. */
function box(gl, programs, { box_height: H, axes }) {
  const [tx, ty, tz] = axes.map((a) => a.ticks.map(([at]) => at));
  const shape = (points) => flatShape(gl, programs, new Float32Array(points));
  const quad = (a, b, c, d) => [...a, ...b, ...c, ...a, ...c, ...d];
  const face = (corners, lines) => ({
    panel: shape(quad(...corners)),
    grid: shape(lines.flat(2)),
    ring: shape([...corners, corners[0]].flatMap((p, i, all) => (i ? [...all[i - 1], ...p] : []))),
  });
  const wallX = (x) =>
    face(
      [[x, 0, 0], [x, H, 0], [x, H, 1], [x, 0, 1]],
      [...ty.map((t) => [[x, 0, t], [x, H, t]]), ...tz.map((t) => [[x, t, 0], [x, t, 1]])],
    );
  const wallY = (y) =>
    face(
      [[0, 0, y], [1, 0, y], [1, H, y], [0, H, y]],
      [...tx.map((t) => [[t, 0, y], [t, H, y]]), ...tz.map((t) => [[0, t, y], [1, t, y]])],
    );
  return {
    floor: face([[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]], [...tx.map((t) => [[t, 0, 0], [t, 0, 1]]), ...ty.map((t) => [[0, 0, t], [1, 0, t]])]),
    x: [wallX(0), wallX(1)],
    y: [wallY(0), wallY(1)],
  };
}

/** Mesh `m` (SurfaceFeed.mesh()) on the GPU: {info, vao, count, sides, box, buffers}. */
export function uploadMesh(gl, programs, m) {
  const surface = surfaceTriangles(gl, programs, m);
  const around = sides(gl, programs, m);
  const walls = box(gl, programs, m);
  const shapes = [...around.map((x) => x.edge), walls.floor, ...walls.x, ...walls.y].flatMap((f) => (f.panel ? [f.panel, f.grid, f.ring] : [f]));
  return { info: m, vao: surface.vao, count: surface.count, sides: around, box: walls, buffers: [...surface.buffers, ...around.flatMap((x) => x.buffers), ...shapes.map((x) => x.buffer)] };
}

/** Frees what `uploadMesh` made. */
export function dropMesh(gl, mesh) {
  for (const b of mesh.buffers) gl.deleteBuffer(b);
}
