// The 3-D surface drawn with WebGL2: the mesh the core samples (SurfaceFeed.mesh(): the heights,
// the contour plot's colours and the cut of `optiscape plot --3d`), lit as `plot --3d` lights it
// but per pixel, with a depth buffer; the box's floor and far walls with grid lines at the
// ticks; every racer's path lifted onto it (SurfaceFeed's news) as a ribbon; the axes' labels on
// a 2-D canvas over it. This module holds the context and the order of drawing; the programs,
// the mesh, the paths, the camera and the labels each have their own.

import { createAxisLabels } from './surface-labels.js';
import { dropMesh, uploadMesh } from './surface-mesh-gl.js';
import { createPrograms } from './surface-gl-programs.js';
import { dot, projection } from './surface-projection.js';
import { createRibbons } from './surface-ribbons.js';

/** Greys of the box, as `plot --3d`'s: panels, grid lines, edges. */
const GREY = { panel: [245, 245, 245], grid: [215, 215, 215], edge: [160, 160, 160] };
/** The surface's edge along the top of a near side, and its opacity. */
const SIDE_EDGE = { rgb: [20, 20, 30], alpha: 0.55 };

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
 * draw(turn, dpr, over), version()}.
 */
export function createSurfaceGl(canvas, labels) {
  // Multisampled where a GPU draws it; a software renderer (no GPU, as in a VM or headless
  // tests) takes a multisampled frame at several times the cost, and draws it without.
  const gl = canvas.getContext('webgl2', { antialias: !softwareRenderer(), alpha: false, preserveDrawingBuffer: true, depth: true });
  if (!gl) return null;
  const programs = createPrograms(gl);
  const ribbons = createRibbons(gl, programs);
  const axes = createAxisLabels(labels);
  const s = { mesh: null, version: -1 };

  /** The surface's triangles and its four sides; the box's floor and walls with their lines. */
  function setMesh(m) {
    if (s.mesh) dropMesh(gl, s.mesh);
    s.mesh = uploadMesh(gl, programs, m);
    s.version = m.version;
    axes.forget();
  }

  function drawFlat(shape, matrix, rgb, alpha = 1, mode = gl.TRIANGLES) {
    const f = programs.flat;
    gl.useProgram(f.program);
    gl.uniformMatrix4fv(f.u.uMatrix, false, matrix);
    gl.uniform4f(f.u.uColor, rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, alpha);
    gl.bindVertexArray(shape.vao);
    gl.drawArrays(mode, 0, shape.count);
  }

  /** The floor and the far walls (`far`: which of each pair), behind everything: no depth. */
  function drawBox(matrix, far) {
    gl.disable(gl.DEPTH_TEST);
    gl.depthMask(false);
    const faces = [s.mesh.box.floor, s.mesh.box.x[far[0]], s.mesh.box.y[far[1]]];
    for (const f of faces) drawFlat(f.panel, matrix, GREY.panel);
    for (const f of faces) drawFlat(f.grid, matrix, GREY.grid, 1, gl.LINES);
    for (const f of faces) drawFlat(f.ring, matrix, GREY.edge, 1, gl.LINES);
  }

  /** The surface and the sides toward the viewer, depth-tested, pushed back a little so that
   * the paths on it win. */
  function drawSurface(matrix, eye) {
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LEQUAL);
    gl.depthMask(true);
    gl.enable(gl.POLYGON_OFFSET_FILL);
    gl.polygonOffset(1, 2);
    const sp = programs.surface;
    gl.useProgram(sp.program);
    gl.uniformMatrix4fv(sp.u.uMatrix, false, matrix);
    gl.uniform3f(sp.u.uLight, ...s.mesh.info.light);
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
    for (const side of near) drawFlat(side.edge, matrix, SIDE_EDGE.rgb, SIDE_EDGE.alpha, gl.LINE_STRIP);
  }

  /** Draws the view turned as `turn` ({yaw, pitch, zoom}); `dpr`: device px per CSS px of the
   * canvas (the labels' size where the core has not said); `over`: the rectangles lying over
   * the canvas (device px), which the box keeps clear of where it can. */
  function draw(turn, dpr, over = []) {
    const { width: w, height: h } = canvas;
    gl.viewport(0, 0, w, h);
    gl.clearColor(1, 1, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    if (!s.mesh) return;
    // Sized as the plot's lines and text: device px per CSS px, presentation mode's room scale
    // included (the core's `ink`).
    const ink = ribbons.ink() || dpr;
    const { matrix, scale, eye, toScreen, at } = projection(w, h, turn, s.mesh.info.box_height, ink, over);
    const far = [eye.toward[0] > 0 ? 0 : 1, eye.toward[2] > 0 ? 0 : 1];
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    drawBox(matrix, far);
    drawSurface(matrix, eye);
    ribbons.draw(matrix, scale, w, h);
    gl.enable(gl.DEPTH_TEST);
    gl.depthMask(true);
    gl.bindVertexArray(null);
    axes.draw(s.mesh.info, `${s.version}|${turn.yaw}|${turn.pitch}|${scale}|${at}`, ink, toScreen, far);
  }

  return {
    setMesh,
    /** Reads SurfaceFeed's news from `numbers` at `from`; returns the mesh version they are for. */
    takeNews: ribbons.takeNews,
    draw,
    /** The mesh version drawn (-1 before the first). */
    version: () => s.version,
  };
}
