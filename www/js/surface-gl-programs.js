// The 3-D view's WebGL2 programs: the lit surface, flat shapes (the box's panels and lines), the
// paths' ribbons and the markers (heads and the start), each compiled with its uniforms' and
// attributes' locations; and the two calls every upload makes (a buffer, an attribute bound to it).

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

/** `vs` and `fs` compiled and linked: the program and its uniforms' (`u`) and attributes' (`a`)
 * locations by name. */
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

/** Every program the view draws with. */
export function createPrograms(gl) {
  return {
    surface: compile(gl, SURFACE_VS, SURFACE_FS),
    flat: compile(gl, FLAT_VS, FLAT_FS),
    ribbon: compile(gl, RIBBON_VS, RIBBON_FS),
    mark: compile(gl, MARK_VS, MARK_FS),
  };
}

/** A new buffer bound to `target` holding `data` (or that many bytes). */
export function buffer(gl, target, data, usage = gl.STATIC_DRAW) {
  const b = gl.createBuffer();
  gl.bindBuffer(target, b);
  gl.bufferData(target, data, usage);
  return b;
}

/** `program`'s attribute `name` read from `buf` (in the bound vertex array); skipped where the
 * program does not use it. */
export function attribute(gl, program, name, buf, size, type = gl.FLOAT, normalized = false, stride = 0, offset = 0) {
  const at = program.a[name];
  if (at === undefined || at < 0) return;
  gl.bindBuffer(gl.ARRAY_BUFFER, buf);
  gl.enableVertexAttribArray(at);
  gl.vertexAttribPointer(at, size, type, normalized, stride, offset);
  gl.vertexAttribDivisor(at, 0);
}

/** Frees a vertex array and its buffer (a path's ribbon, the markers). */
export function dropArray(gl, { vao, buffer: b }) {
  gl.deleteBuffer(b);
  gl.deleteVertexArray(vao);
}
