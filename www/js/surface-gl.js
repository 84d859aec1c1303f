// The 3-D surface drawn with WebGL2: the mesh the core samples (SurfaceFeed.mesh(): the heights,
// the contour plot's colours and the cut of `optiscape plot --3d`), lit as `plot --3d` lights it
// but per pixel, with a depth buffer; the box's floor and far walls with grid lines at the
// ticks; every racer's path lifted onto it (SurfaceFeed's news) as a ribbon in its colour and
// dash over a casing, a faint ghost of it over everything, the heads and the start marked. The
// axes' ticks, labels and names are drawn on a 2-D canvas over it.
//
// The view is an orthographic projection turned `yaw` degrees about the vertical and tilted
// `pitch` degrees (0: from the side, 90: from above), x to the right and y away from the viewer
// at yaw 0, as `plot --3d --yaw --pitch`.

/** Room left around the turned box for its labels, in CSS px: each side, and above and below
 * (as `plot --3d`'s). */
const LABEL_ROOM_CSS = [70, 46];
/** Line widths in CSS px, as `plot --3d` draws the paths: the line, its casing, the ghost. */
const WIDTH = { line: 2.5, casing: 5, ghost: 1 };
/** The ghost's opacity: what the surface hides of a path still shows, faintly. */
const GHOST_ALPHA = 0.45;
/** Marker radius (heads and the start) and its ring, in CSS px. */
const MARK = { radius: 5, ring: 1.5 };
/** The paths drawn this far toward the viewer (clip-space depth): on the surface, never in it. */
const PATH_LIFT = 0.004;
/** Greys of the box, as `plot --3d`'s: panels, grid lines, edges; the ink of the axes. */
const GREY = { panel: [245, 245, 245], grid: [215, 215, 215], edge: [160, 160, 160] };
const INK = '#222222';
/** The surface's near sides closed down to the floor, darker than the top (as `plot --3d`'s):
 * the side along x, the side along y. */
const SIDE_TONE = [0.62, 0.74];
/** Floats per path vertex: x, up, y and its distance along the path (-1: a gap). */
const STRIDE = 4;
/** Floats per corner of a segment's quad (both ends' vertices and the corner), and per quad. */
const QUAD_VERTEX = 2 * STRIDE + 1;
const QUAD = 4 * QUAD_VERTEX;

const SURFACE_VS = `#version 300 es
in vec3 aPos; in vec3 aNormal; in vec3 aColor;
uniform mat4 uMatrix;
out vec3 vNormal; out vec3 vColor;
void main() { vNormal = aNormal; vColor = aColor; gl_Position = uMatrix * vec4(aPos, 1.0); }`;
// Shaded as render::surface::shade: the band's colour times 0.5 + 0.5 |cos| of the angle to the
// light; a side of the block in a fixed tone instead (uTone > 0).
const SURFACE_FS = `#version 300 es
precision highp float;
in vec3 vNormal; in vec3 vColor;
uniform vec3 uLight; uniform float uTone;
out vec4 color;
void main() {
  float k = uTone > 0.0 ? uTone : 0.5 + 0.5 * abs(dot(normalize(vNormal), normalize(uLight)));
  color = vec4(vColor * k, 1.0);
}`;
const FLAT_VS = `#version 300 es
in vec3 aPos; uniform mat4 uMatrix;
void main() { gl_Position = uMatrix * vec4(aPos, 1.0); }`;
const FLAT_FS = `#version 300 es
precision highp float;
uniform vec4 uColor; out vec4 color;
void main() { color = uColor; }`;
// A segment of a path as a quad widened on screen: each of its four corners carries both ends
// and which corner it is (0, 1: the start and end on one side; 2, 3: on the other), its ends
// pushed out by half the width so that segments join without notches. Not instanced: software
// renderers (SwiftShader) draw instances one by one, at a cost per instance.
const RIBBON_VS = `#version 300 es
in vec4 aFrom; in vec4 aTo; in float aCorner;
uniform mat4 uMatrix; uniform vec2 uHalf; uniform float uWidth; uniform float uPxPerUnit; uniform float uLift;
out float vAlong;
void main() {
  float end = mod(aCorner, 2.0);
  float side = aCorner >= 2.0 ? 1.0 : -1.0;
  if (aFrom.w < 0.0 || aTo.w < 0.0) { gl_Position = vec4(2.0, 2.0, 2.0, 1.0); vAlong = 0.0; return; }
  vec4 a = uMatrix * vec4(aFrom.xyz, 1.0);
  vec4 b = uMatrix * vec4(aTo.xyz, 1.0);
  vec2 sa = a.xy * uHalf, sb = b.xy * uHalf;
  vec2 d = sb - sa;
  float len = length(d);
  vec2 dir = len > 1e-4 ? d / len : vec2(1.0, 0.0);
  vec2 normal = vec2(-dir.y, dir.x);
  vec2 s = mix(sa, sb, end) + normal * side * 0.5 * uWidth + dir * (2.0 * end - 1.0) * 0.5 * uWidth;
  gl_Position = vec4(s / uHalf, mix(a.z, b.z, end) - uLift, 1.0);
  vAlong = mix(aFrom.w, aTo.w, end) * uPxPerUnit;
}`;
// Dashed as the 2-D plot: on, off, on, off lengths in device px (all 0: solid).
const RIBBON_FS = `#version 300 es
precision highp float;
in float vAlong;
uniform vec4 uColor; uniform vec4 uDash;
out vec4 color;
void main() {
  float period = uDash.x + uDash.y + uDash.z + uDash.w;
  if (period > 0.0) {
    float p = mod(vAlong, period);
    bool on = p < uDash.x || (p >= uDash.x + uDash.y && p < uDash.x + uDash.y + uDash.z);
    if (!on) discard;
  }
  color = uColor;
}`;
const MARK_VS = `#version 300 es
in vec3 aPos; in vec4 aFill; in vec4 aRing;
uniform mat4 uMatrix; uniform float uSize;
out vec4 vFill; out vec4 vRing;
void main() { vFill = aFill; vRing = aRing; gl_Position = uMatrix * vec4(aPos, 1.0); gl_PointSize = uSize; }`;
// A disc in its fill with a ring, antialiased at the rim.
const MARK_FS = `#version 300 es
precision highp float;
in vec4 vFill; in vec4 vRing;
uniform float uSize; uniform float uRing;
out vec4 color;
void main() {
  float r = length(gl_PointCoord - 0.5) * uSize;
  float rim = 0.5 * uSize - 1.0;
  if (r > rim + 0.5) discard;
  vec4 c = r > rim - uRing ? vRing : vFill;
  color = vec4(c.rgb, c.a * clamp(rim + 0.5 - r, 0.0, 1.0));
}`;

function compile(gl, vs, fs) {
  const program = gl.createProgram();
  for (const [type, text] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
    const shader = gl.createShader(type);
    gl.shaderSource(shader, text);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`a 3-D view shader does not compile: ${gl.getShaderInfoLog(shader)}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`the 3-D view's shaders do not link: ${gl.getProgramInfoLog(program)}`);
  const names = (kind, count, info) => Array.from({ length: gl.getProgramParameter(program, count) }, (_, i) => info.call(gl, program, i).name);
  const uniforms = Object.fromEntries(names('u', gl.ACTIVE_UNIFORMS, gl.getActiveUniform).map((n) => [n, gl.getUniformLocation(program, n)]));
  const attributes = Object.fromEntries(names('a', gl.ACTIVE_ATTRIBUTES, gl.getActiveAttrib).map((n) => [n, gl.getAttribLocation(program, n)]));
  return { program, u: uniforms, a: attributes };
}

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

const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/**
 * The projection of a `w x h` device-px canvas for `turn` ({yaw, pitch, zoom}) with `dpr`
 * device px per CSS px: `matrix` (column-major, unit box to clip space), `toScreen(p)` (device
 * px, y down), `scale` (device px per unit), `eye`. The box's centre sits at the canvas's, and
 * its size does not change as it turns about the vertical (fitted for the widest yaw).
 */
export function projection(w, h, turn, boxHeight, dpr) {
  const eye = eyeAxes(turn.yaw, turn.pitch);
  const q = (turn.pitch * Math.PI) / 180;
  const half = [Math.SQRT1_2, Math.SQRT1_2 * Math.sin(q) + (boxHeight / 2) * Math.cos(q)];
  const room = [w - 2 * LABEL_ROOM_CSS[0] * dpr, h - 2 * LABEL_ROOM_CSS[1] * dpr].map((r) => Math.max(r, 0.2 * Math.min(w, h)));
  const scale = Math.min(room[0] / (2 * half[0]), room[1] / (2 * half[1])) * turn.zoom;
  const centre = [0.5, boxHeight / 2, 0.5];
  const [sx, sy] = [(2 * scale) / w, (2 * scale) / h];
  // Depth: toward the viewer is nearer (smaller clip z); the box fits in |z| < 0.5.
  const rows = [eye.right.map((v) => v * sx), eye.up.map((v) => v * sy), eye.toward.map((v) => -0.5 * v)];
  const shift = rows.map((r) => -dot(r, centre));
  const matrix = new Float32Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) matrix[c * 4 + r] = rows[r][c];
    matrix[12 + r] = shift[r];
  }
  matrix[15] = 1;
  const toScreen = (p) => {
    const d = [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]];
    return [w / 2 + dot(eye.right, d) * scale, h / 2 - dot(eye.up, d) * scale];
  };
  return { matrix, toScreen, scale, eye };
}

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

/** Renderers that draw on the CPU. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software/i;

/** Whether WebGL2 is drawn in software here (asked of a throwaway context): its renderer's
 * name (Chromium masks RENDERER and tells it through WEBGL_debug_renderer_info). */
function softwareRenderer() {
  const probe = document.createElement('canvas').getContext('webgl2');
  if (!probe) return false;
  let name = String(probe.getParameter(probe.RENDERER));
  if (!SOFTWARE.test(name) && /webkit/i.test(name)) {
    const info = probe.getExtension('WEBGL_debug_renderer_info');
    if (info) name = String(probe.getParameter(info.UNMASKED_RENDERER_WEBGL));
  }
  probe.getExtension('WEBGL_lose_context')?.loseContext();
  return SOFTWARE.test(name);
}

/**
 * The WebGL2 view on `canvas`, its labels on `labels` (a 2-D canvas of the same size over it),
 * or null where WebGL2 is not available. Returns {setMesh(mesh), takeNews(numbers, from),
 * draw(turn, dpr), version()}.
 */
export function createSurfaceGl(canvas, labels) {
  // Multisampled where a GPU draws it; a software renderer (no GPU, as in a VM or headless
  // tests) takes a multisampled frame at several times the cost, and draws it without.
  const gl = canvas.getContext('webgl2', { antialias: !softwareRenderer(), alpha: false, preserveDrawingBuffer: true, depth: true });
  if (!gl) return null;
  const programs = {
    surface: compile(gl, SURFACE_VS, SURFACE_FS),
    flat: compile(gl, FLAT_VS, FLAT_FS),
    ribbon: compile(gl, RIBBON_VS, RIBBON_FS),
    mark: compile(gl, MARK_VS, MARK_FS),
  };
  const s = { mesh: null, version: -1, ink: 1, start: [NaN, NaN, NaN], paths: [], marks: null, labelKey: '' };

  function buffer(target, data, usage = gl.STATIC_DRAW) {
    const b = gl.createBuffer();
    gl.bindBuffer(target, b);
    gl.bufferData(target, data, usage);
    return b;
  }
  function attribute(program, name, buf, size, type = gl.FLOAT, normalized = false, stride = 0, offset = 0, divisor = 0) {
    const at = program.a[name];
    if (at === undefined || at < 0) return;
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.enableVertexAttribArray(at);
    gl.vertexAttribPointer(at, size, type, normalized, stride, offset);
    gl.vertexAttribDivisor(at, divisor);
  }

  /** The surface's triangles and its four sides; the box's floor and walls with their lines. */
  function setMesh(m) {
    if (s.mesh) for (const b of s.mesh.buffers) gl.deleteBuffer(b);
    const { positions, colors, indices, n } = m;
    const vao = gl.createVertexArray();
    gl.bindVertexArray(vao);
    const pos = buffer(gl.ARRAY_BUFFER, positions);
    const nor = buffer(gl.ARRAY_BUFFER, normals(positions, indices));
    const col = buffer(gl.ARRAY_BUFFER, colors);
    attribute(programs.surface, 'aPos', pos, 3);
    attribute(programs.surface, 'aNormal', nor, 3);
    attribute(programs.surface, 'aColor', col, 3, gl.UNSIGNED_BYTE, true);
    const idx = buffer(gl.ELEMENT_ARRAY_BUFFER, indices);
    gl.bindVertexArray(null);

    // The four sides, each a strip of quads from the surface's edge down to the floor (where
    // both ends of an edge are vertices of the drawn triangles), keyed by the outward direction.
    const used = new Uint8Array(n * n);
    for (const k of indices) used[k] = 1;
    const sideOf = (ks) => {
      const v = [];
      const c = [];
      for (let e = 0; e + 1 < ks.length; e++) {
        const [a, b] = [ks[e], ks[e + 1]];
        if (!used[a] || !used[b]) continue;
        const top = (k) => [positions[3 * k], positions[3 * k + 1], positions[3 * k + 2]];
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
    const sides = sideSpecs.map((spec) => {
      const { v, c } = sideOf(spec.ks);
      const svao = gl.createVertexArray();
      gl.bindVertexArray(svao);
      const vb = buffer(gl.ARRAY_BUFFER, new Float32Array(v));
      const cb = buffer(gl.ARRAY_BUFFER, new Uint8Array(c));
      attribute(programs.surface, 'aPos', vb, 3);
      attribute(programs.surface, 'aColor', cb, 3, gl.UNSIGNED_BYTE, true);
      gl.bindVertexArray(null);
      // The surface's edge along the top of the side.
      const edge = spec.ks.filter((k) => used[k]).flatMap((k) => [positions[3 * k], positions[3 * k + 1], positions[3 * k + 2]]);
      return { ...spec, vao: svao, count: v.length / 3, buffers: [vb, cb], edge: flatShape(new Float32Array(edge)) };
    });

    // The box: the floor and the four walls, each a panel with grid lines at the ticks.
    const H = m.box_height;
    const [tx, ty, tz] = m.axes.map((a) => a.ticks.map(([at]) => at));
    const quad = (a, b, c, d) => [...a, ...b, ...c, ...a, ...c, ...d];
    const face = (corners, lines) => ({
      panel: flatShape(new Float32Array(quad(...corners))),
      grid: flatShape(new Float32Array(lines.flat(2))),
      ring: flatShape(new Float32Array([...corners, corners[0]].flatMap((p, i, all) => (i ? [...all[i - 1], ...p] : [])))),
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
    const box = {
      floor: face([[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]], [...tx.map((t) => [[t, 0, 0], [t, 0, 1]]), ...ty.map((t) => [[0, 0, t], [1, 0, t]])]),
      x: [wallX(0), wallX(1)],
      y: [wallY(0), wallY(1)],
    };
    const shapes = [...sides.map((x) => x.edge), box.floor, ...box.x, ...box.y].flatMap((f) => (f.panel ? [f.panel, f.grid, f.ring] : [f]));
    s.mesh = { info: m, vao, count: indices.length, sides, box, buffers: [pos, nor, col, idx, ...sides.flatMap((x) => x.buffers), ...shapes.map((x) => x.buffer)] };
    s.version = m.version;
    s.labelKey = '';
  }

  /** Positions for the flat program: a VAO and a vertex count. */
  function flatShape(data) {
    const vao = gl.createVertexArray();
    gl.bindVertexArray(vao);
    const b = buffer(gl.ARRAY_BUFFER, data);
    attribute(programs.flat, 'aPos', b, 3);
    gl.bindVertexArray(null);
    return { vao, count: data.length / 3, buffer: b };
  }

  /** A racer's path: its vertices (x, up, y, distance along it; STRIDE floats each) and on the
   * GPU its segments' quads (QUAD floats each), the ones from segment `dirtyFrom` on to send. */
  function newPath() {
    return { data: new Float32Array(256 * STRIDE), count: 0, quads: null, gpu: null, dirtyFrom: 0, color: [0, 0, 0], casing: [0, 0, 0, 1], dash: [0, 0, 0, 0] };
  }

  /** The quads' triangles (two a quad), shared by every path; grown in place. */
  const corners = { buffer: gl.createBuffer(), quads: 0 };
  function cornerIndices(quads) {
    if (quads <= corners.quads) return;
    corners.quads = Math.max(quads, 2 * corners.quads, 1024);
    const idx = new Uint32Array(6 * corners.quads);
    for (let q = 0; q < corners.quads; q++) idx.set([0, 1, 2, 2, 1, 3].map((c) => 4 * q + c), 6 * q);
    gl.bindVertexArray(null);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, corners.buffer);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, idx, gl.STATIC_DRAW);
  }

  function upload(path) {
    const segments = Math.max(0, path.count - 1);
    const need = segments * QUAD;
    let first = Math.max(0, path.dirtyFrom - 1);
    if (!path.gpu || path.quads.length < need) {
      if (path.gpu) {
        gl.deleteBuffer(path.gpu.buffer);
        gl.deleteVertexArray(path.gpu.vao);
      }
      const grown = new Float32Array(Math.max(need * 2, 256 * QUAD));
      if (path.quads) grown.set(path.quads.subarray(0, first * QUAD));
      path.quads = grown;
      cornerIndices(grown.length / QUAD);
      const vao = gl.createVertexArray();
      gl.bindVertexArray(vao);
      const b = buffer(gl.ARRAY_BUFFER, grown.byteLength, gl.DYNAMIC_DRAW);
      const bytes = QUAD_VERTEX * 4;
      attribute(programs.ribbon, 'aFrom', b, 4, gl.FLOAT, false, bytes, 0);
      attribute(programs.ribbon, 'aTo', b, 4, gl.FLOAT, false, bytes, 16);
      attribute(programs.ribbon, 'aCorner', b, 1, gl.FLOAT, false, bytes, 32);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, corners.buffer);
      gl.bindVertexArray(null);
      path.gpu = { vao, buffer: b };
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

  /** Reads SurfaceFeed's news from `numbers` at `from`; returns the mesh version they are for. */
  function takeNews(numbers, from = 0) {
    let k = from;
    const version = numbers[k++];
    const racers = numbers[k++];
    s.ink = numbers[k++];
    s.start = [numbers[k++], numbers[k++], numbers[k++]];
    while (s.paths.length > racers) {
      const p = s.paths.pop();
      if (p.gpu) {
        gl.deleteBuffer(p.gpu.buffer);
        gl.deleteVertexArray(p.gpu.vao);
      }
    }
    while (s.paths.length < racers) s.paths.push(newPath());
    for (const path of s.paths) {
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
    }
    s.marks = null;
    return version;
  }

  /** The heads (each path's last vertex that is not a gap) and the start: positions, fills
   * and rings. */
  function marks() {
    const items = [];
    for (const p of s.paths) {
      for (let v = p.count - 1; v >= 0; v--) {
        if (p.data[v * STRIDE + 3] >= 0) {
          items.push([[...p.data.subarray(v * STRIDE, v * STRIDE + 3)], [...p.color.map((c) => c / 255), 1], [...p.casing.slice(0, 3).map((c) => c / 255), p.casing[3]]]);
          break;
        }
      }
    }
    if (Number.isFinite(s.start[0])) items.push([s.start, [1, 1, 1, 1], [34 / 255, 34 / 255, 34 / 255, 1]]);
    const data = new Float32Array(items.flatMap(([p, f, r]) => [...p, ...f, ...r]));
    if (s.marks) {
      gl.deleteBuffer(s.marks.buffer);
      gl.deleteVertexArray(s.marks.vao);
    }
    const vao = gl.createVertexArray();
    gl.bindVertexArray(vao);
    const b = buffer(gl.ARRAY_BUFFER, data);
    attribute(programs.mark, 'aPos', b, 3, gl.FLOAT, false, 44, 0);
    attribute(programs.mark, 'aFill', b, 4, gl.FLOAT, false, 44, 12);
    attribute(programs.mark, 'aRing', b, 4, gl.FLOAT, false, 44, 28);
    gl.bindVertexArray(null);
    return { vao, buffer: b, count: items.length };
  }

  function drawFlat(shape, matrix, rgb, alpha = 1, mode = gl.TRIANGLES) {
    const f = programs.flat;
    gl.useProgram(f.program);
    gl.uniformMatrix4fv(f.u.uMatrix, false, matrix);
    gl.uniform4f(f.u.uColor, rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, alpha);
    gl.bindVertexArray(shape.vao);
    gl.drawArrays(mode, 0, shape.count);
  }

  function drawPaths(matrix, scale) {
    const r = programs.ribbon;
    gl.useProgram(r.program);
    gl.uniformMatrix4fv(r.u.uMatrix, false, matrix);
    gl.uniform2f(r.u.uHalf, canvas.width / 2, canvas.height / 2);
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
    s.paths.forEach(upload);
    // Casings, then lines, over the surface where nothing is in front of them; neither hides
    // the other racers'.
    gl.depthMask(false);
    s.paths.forEach(pass(WIDTH.casing, (p) => [...p.casing.slice(0, 3).map((c) => c / 255), p.casing[3]], true, PATH_LIFT));
    s.paths.forEach(pass(WIDTH.line, (p) => [...p.color.map((c) => c / 255), 1], true, PATH_LIFT));
    // The ghost: every path, thin and faint, over everything.
    gl.disable(gl.DEPTH_TEST);
    s.paths.forEach(pass(WIDTH.ghost, (p) => [...p.color.map((c) => c / 255), GHOST_ALPHA], false, 0));
  }

  function drawMarks(matrix) {
    s.marks ??= marks();
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

  /** Draws the view turned as `turn` ({yaw, pitch, zoom}); `dpr`: device px per CSS px of the
   * canvas (the labels' size). */
  function draw(turn, dpr) {
    const { width: w, height: h } = canvas;
    gl.viewport(0, 0, w, h);
    gl.clearColor(1, 1, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    if (!s.mesh) return;
    const info = s.mesh.info;
    // Sized as the plot's lines and text: device px per CSS px, presentation mode's room scale
    // included (the core's `ink`).
    const ink = s.ink || dpr;
    const { matrix, scale, eye, toScreen } = projection(w, h, turn, info.box_height, ink);
    const far = [eye.toward[0] > 0 ? 0 : 1, eye.toward[2] > 0 ? 0 : 1];
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    // The floor and the far walls, behind everything: no depth.
    gl.disable(gl.DEPTH_TEST);
    gl.depthMask(false);
    const faces = [s.mesh.box.floor, s.mesh.box.x[far[0]], s.mesh.box.y[far[1]]];
    for (const f of faces) drawFlat(f.panel, matrix, GREY.panel);
    for (const f of faces) drawFlat(f.grid, matrix, GREY.grid, 1, gl.LINES);
    for (const f of faces) drawFlat(f.ring, matrix, GREY.edge, 1, gl.LINES);
    // The surface and its near sides, depth-tested, pushed back a little so that the paths on
    // it win.
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LEQUAL);
    gl.depthMask(true);
    gl.enable(gl.POLYGON_OFFSET_FILL);
    gl.polygonOffset(1, 2);
    const sp = programs.surface;
    gl.useProgram(sp.program);
    gl.uniformMatrix4fv(sp.u.uMatrix, false, matrix);
    gl.uniform3f(sp.u.uLight, ...info.light);
    gl.uniform1f(sp.u.uTone, 0);
    gl.bindVertexArray(s.mesh.vao);
    gl.drawElements(gl.TRIANGLES, s.mesh.count, gl.UNSIGNED_INT, 0);
    const near = s.mesh.sides.filter((side) => dot(side.out, eye.toward) > 1e-6);
    for (const side of near) {
      gl.useProgram(sp.program);
      gl.uniform1f(sp.u.uTone, side.tone);
      gl.bindVertexArray(side.vao);
      gl.drawArrays(gl.TRIANGLES, 0, side.count);
    }
    gl.disable(gl.POLYGON_OFFSET_FILL);
    for (const side of near) drawFlat(side.edge, matrix, [20, 20, 30], 0.55, gl.LINE_STRIP);
    drawPaths(matrix, scale);
    drawMarks(matrix);
    gl.enable(gl.DEPTH_TEST);
    gl.depthMask(true);
    gl.bindVertexArray(null);
    drawLabels(turn, ink, eye, toScreen, far);
  }

  /** The axes' lines, ticks, labels and names, on the 2-D canvas (only when the view or the
   * mesh changed): x and y along the floor's near edges, the height up the vertical edge
   * farthest left on screen; labels set outward from the box's centre (as `plot --3d`). */
  function drawLabels(turn, dpr, eye, toScreen, far) {
    const key = `${labels.width}x${labels.height}|${turn.yaw}|${turn.pitch}|${turn.zoom}|${s.version}|${dpr}`;
    if (key === s.labelKey) return;
    s.labelKey = key;
    const ctx = labels.getContext('2d');
    ctx.clearRect(0, 0, labels.width, labels.height);
    const info = s.mesh.info;
    const H = info.box_height;
    const [fx, fy] = far;
    const [nx, ny] = [1 - fx, 1 - fy];
    const centre = toScreen([0.5, H / 2, 0.5]);
    const corners = [[nx, fy], [fx, ny], [nx, ny]];
    const [vx, vy] = corners.reduce((best, c) => (toScreen([c[0], 0, c[1]])[0] < toScreen([best[0], 0, best[1]])[0] ? c : best));
    const [ax, ay, az] = info.axes;
    const axes = [
      { axis: ax, at: (t) => [t, 0, ny], ends: [[0, 0, ny], [1, 0, ny]], up: false },
      { axis: ay, at: (t) => [nx, 0, t], ends: [[nx, 0, 0], [nx, 0, 1]], up: false },
      { axis: az, at: (t) => [vx, t, vy], ends: [[vx, 0, vy], [vx, H, vy]], up: true },
    ];
    const px = (css) => css * dpr;
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineWidth = Math.max(1, Math.round(px(1)));
    const font = (size, italic) => `${italic ? 'italic ' : ''}${size * dpr}px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif`;
    const place = (d) => {
      ctx.textAlign = d[0] < -0.35 ? 'right' : d[0] > 0.35 ? 'left' : 'center';
      ctx.textBaseline = d[1] < -0.35 ? 'bottom' : d[1] > 0.35 ? 'top' : 'middle';
    };
    for (const { axis, at, ends, up } of axes) {
      const [a, b] = ends.map(toScreen);
      ctx.beginPath();
      ctx.moveTo(...a);
      ctx.lineTo(...b);
      ctx.stroke();
      const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      let d = [mid[0] - centre[0], up ? 0 : mid[1] - centre[1]];
      const len = Math.hypot(...d) || 1;
      d = [d[0] / len, d[1] / len];
      ctx.font = font(info.font_css * 0.93, false);
      place(d);
      for (const [t, label] of axis.ticks) {
        const p = toScreen(at(t));
        ctx.beginPath();
        ctx.moveTo(...p);
        ctx.lineTo(p[0] + d[0] * px(6), p[1] + d[1] * px(6));
        ctx.stroke();
        ctx.fillText(label, p[0] + d[0] * px(10), p[1] + d[1] * px(10));
      }
      const away = px(up ? 48 : 36);
      ctx.font = font(info.title_css, [...axis.name].length <= 1 || up);
      ctx.fillText(axis.name, mid[0] + d[0] * away, mid[1] + d[1] * away);
    }
  }

  return {
    setMesh,
    takeNews,
    draw,
    /** The mesh version drawn (-1 before the first). */
    version: () => s.version,
  };
}
