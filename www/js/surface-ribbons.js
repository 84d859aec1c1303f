// The racers' paths in the 3-D view on the GPU: each a ribbon of quads widened on screen, in its
// colour and dash over a casing where the surface does not hide it, a faint ghost of it over
// everything; the heads and the start as marked discs. Only the paths' new segments are sent.

import { attribute, buffer, dropArray } from './surface-gl-programs.js';
import { STRIDE, head, readNews } from './surface-news.js';

/** Line widths in CSS px, as `plot --3d` draws the paths: the line, its casing, the ghost. */
const WIDTH = { line: 2.5, casing: 5, ghost: 1 };
/** The ghost's opacity: what the surface hides of a path still shows, faintly. */
const GHOST_ALPHA = 0.45;
/** Marker radius (heads and the start) and its ring, in CSS px. */
const MARK = { radius: 5, ring: 1.5 };
/** The start's fill and ring. */
const START = { fill: [1, 1, 1, 1], ring: [34 / 255, 34 / 255, 34 / 255, 1] };
/** The paths drawn this far toward the viewer (clip-space depth): on the surface, never in it. */
const PATH_LIFT = 0.004;
/** Floats per corner of a segment's quad (both ends' vertices and the corner), and per quad. */
const QUAD_VERTEX = 2 * STRIDE + 1;
const QUAD = 4 * QUAD_VERTEX;
/** Floats per marker: position, fill, ring. */
const MARK_FLOATS = 11;

/** Grows the quads' triangles (two a quad, shared by every path) to at least `quads` quads. */
function growCorners(gl, corners, quads) {
  if (quads <= corners.quads) return;
  corners.quads = Math.max(quads, 2 * corners.quads, 1024);
  const idx = new Uint32Array(6 * corners.quads);
  for (let q = 0; q < corners.quads; q++) idx.set([0, 1, 2, 2, 1, 3].map((c) => 4 * q + c), 6 * q);
  gl.bindVertexArray(null);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, corners.buffer);
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, idx, gl.STATIC_DRAW);
}

/** A path's ribbon on the GPU, room for `quads` quads. */
function ribbonArray(gl, programs, corners, quads) {
  growCorners(gl, corners, quads);
  const vao = gl.createVertexArray();
  gl.bindVertexArray(vao);
  const b = buffer(gl, gl.ARRAY_BUFFER, quads * QUAD * 4, gl.DYNAMIC_DRAW);
  const bytes = QUAD_VERTEX * 4;
  attribute(gl, programs.ribbon, 'aFrom', b, 4, gl.FLOAT, false, bytes, 0);
  attribute(gl, programs.ribbon, 'aTo', b, 4, gl.FLOAT, false, bytes, 16);
  attribute(gl, programs.ribbon, 'aCorner', b, 1, gl.FLOAT, false, bytes, 32);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, corners.buffer);
  gl.bindVertexArray(null);
  return { vao, buffer: b };
}

/** Sends `path`'s segments from its first new one on (all of them into a grown ribbon). */
function upload(gl, programs, corners, path) {
  const segments = Math.max(0, path.count - 1);
  const need = segments * QUAD;
  let first = Math.max(0, path.dirtyFrom - 1);
  if (!path.gpu || path.quads.length < need) {
    if (path.gpu) dropArray(gl, path.gpu);
    const grown = new Float32Array(Math.max(need * 2, 256 * QUAD));
    if (path.quads) grown.set(path.quads.subarray(0, first * QUAD));
    path.quads = grown;
    path.gpu = ribbonArray(gl, programs, corners, grown.length / QUAD);
    first = 0;
  }
  if (first < segments) {
    const { data, quads } = path;
    for (let i = first; i < segments; i++) {
      const [a, b] = [data.subarray(i * STRIDE, i * STRIDE + STRIDE), data.subarray((i + 1) * STRIDE, (i + 1) * STRIDE + STRIDE)];
      for (let c = 0; c < 4; c++) {
        const o = i * QUAD + c * QUAD_VERTEX;
        quads.set(a, o);
        quads.set(b, o + 4);
        quads[o + 8] = c;
      }
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, path.gpu.buffer);
    gl.bufferSubData(gl.ARRAY_BUFFER, first * QUAD * 4, quads, first * QUAD, (segments - first) * QUAD);
  }
  path.dirtyFrom = path.count;
}

/** The heads and the start on the GPU: positions, fills and rings. */
function markArray(gl, programs, paths, start) {
  const items = paths.flatMap((p) => {
    const at = head(p);
    return at ? [[at, [...p.color.map((c) => c / 255), 1], [...p.casing.slice(0, 3).map((c) => c / 255), p.casing[3]]]] : [];
  });
  if (Number.isFinite(start[0])) items.push([start, START.fill, START.ring]);
  const data = new Float32Array(items.flatMap(([p, f, r]) => [...p, ...f, ...r]));
  const vao = gl.createVertexArray();
  gl.bindVertexArray(vao);
  const b = buffer(gl, gl.ARRAY_BUFFER, data);
  const bytes = MARK_FLOATS * 4;
  attribute(gl, programs.mark, 'aPos', b, 3, gl.FLOAT, false, bytes, 0);
  attribute(gl, programs.mark, 'aFill', b, 4, gl.FLOAT, false, bytes, 12);
  attribute(gl, programs.mark, 'aRing', b, 4, gl.FLOAT, false, bytes, 28);
  gl.bindVertexArray(null);
  return { vao, buffer: b, count: items.length };
}

/** The paths of the 3-D view: {takeNews(numbers, from), draw(matrix, scale, w, h), ink()}. */
export function createRibbons(gl, programs) {
  const s = { paths: [], ink: 1, start: [NaN, NaN, NaN], marks: null };
  const corners = { buffer: gl.createBuffer(), quads: 0 };

  /** Reads SurfaceFeed's news from `numbers` at `from`; returns the mesh version they are for. */
  function takeNews(numbers, from = 0) {
    const news = readNews(s.paths, numbers, from, (p) => p.gpu && dropArray(gl, p.gpu));
    s.ink = news.ink;
    s.start = news.start;
    if (s.marks) dropArray(gl, s.marks);
    s.marks = null;
    return news.version;
  }

  /** Casings, then lines, over the surface where nothing is in front of them (neither hides
   * the other racers'); then the ghost: every path, thin and faint, over everything. */
  function drawRibbons(matrix, scale, w, h) {
    const r = programs.ribbon;
    gl.useProgram(r.program);
    gl.uniformMatrix4fv(r.u.uMatrix, false, matrix);
    gl.uniform2f(r.u.uHalf, w / 2, h / 2);
    gl.uniform1f(r.u.uPxPerUnit, scale);
    const ink = s.ink;
    const pass = (width, color, dashed, lift) => (p) => {
      if (p.count < 2) return;
      gl.uniform1f(r.u.uWidth, Math.max(1, Math.round(width * ink)));
      gl.uniform1f(r.u.uLift, lift);
      gl.uniform4f(r.u.uColor, ...color(p));
      gl.uniform4f(r.u.uDash, ...(dashed ? p.dash.map((d) => d * ink) : [0, 0, 0, 0]));
      gl.bindVertexArray(p.gpu.vao);
      gl.drawElements(gl.TRIANGLES, 6 * (p.count - 1), gl.UNSIGNED_INT, 0);
    };
    s.paths.forEach((p) => upload(gl, programs, corners, p));
    gl.depthMask(false);
    s.paths.forEach(pass(WIDTH.casing, (p) => [...p.casing.slice(0, 3).map((c) => c / 255), p.casing[3]], true, PATH_LIFT));
    s.paths.forEach(pass(WIDTH.line, (p) => [...p.color.map((c) => c / 255), 1], true, PATH_LIFT));
    gl.disable(gl.DEPTH_TEST);
    s.paths.forEach(pass(WIDTH.ghost, (p) => [...p.color.map((c) => c / 255), GHOST_ALPHA], false, 0));
  }

  function drawMarks(matrix) {
    s.marks ??= markArray(gl, programs, s.paths, s.start);
    if (!s.marks.count) return;
    const m = programs.mark;
    gl.useProgram(m.program);
    gl.uniformMatrix4fv(m.u.uMatrix, false, matrix);
    const size = 2 * (MARK.radius + MARK.ring / 2) * s.ink + 2;
    gl.uniform1f(m.u.uSize, size);
    gl.uniform1f(m.u.uRing, Math.max(1, MARK.ring * s.ink));
    gl.bindVertexArray(s.marks.vao);
    gl.drawArrays(gl.POINTS, 0, s.marks.count);
  }

  return {
    takeNews,
    /** The paths, then their heads and the start, projected by `matrix` on a `w x h` canvas
     * (`scale`: device px per unit). */
    draw(matrix, scale, w, h) {
      drawRibbons(matrix, scale, w, h);
      drawMarks(matrix);
    },
    /** Device px per CSS px of a line, from the core (presentation mode's room scale included). */
    ink: () => s.ink,
  };
}
