// The 3-D view's axes on a 2-D canvas over the WebGL one: their lines, ticks, tick labels and
// names, x and y along the floor's near edges, the height up the vertical edge farthest left on
// screen, labels set outward from the box's centre (as `optiscape plot --3d`). Drawn again only
// when the view or the mesh changed.

const INK = '#222222';
const FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';

/** Sets the text's anchor for a label set in direction `d` (unit, screen px) from its tick. */
function placeText(ctx, d) {
  ctx.textAlign = d[0] < -0.35 ? 'right' : d[0] > 0.35 ? 'left' : 'center';
  ctx.textBaseline = d[1] < -0.35 ? 'bottom' : d[1] > 0.35 ? 'top' : 'middle';
}

/** The three axes of mesh `info` (x, y, the height): where a tick at `t` sits, the axis's ends,
 * whether it points up; `far`: the far walls ([x, y], 0 or 1). */
function axesOf(info, toScreen, far) {
  const H = info.box_height;
  const [fx, fy] = far;
  const [nx, ny] = [1 - fx, 1 - fy];
  const corners = [[nx, fy], [fx, ny], [nx, ny]];
  const [vx, vy] = corners.reduce((best, c) => (toScreen([c[0], 0, c[1]])[0] < toScreen([best[0], 0, best[1]])[0] ? c : best));
  const [ax, ay, az] = info.axes;
  return [
    { axis: ax, at: (t) => [t, 0, ny], ends: [[0, 0, ny], [1, 0, ny]], up: false },
    { axis: ay, at: (t) => [nx, 0, t], ends: [[nx, 0, 0], [nx, 0, 1]], up: false },
    { axis: az, at: (t) => [vx, t, vy], ends: [[vx, 0, vy], [vx, H, vy]], up: true },
  ];
}

/** Draws the axes of mesh `info` on `ctx`: `dpr` device px per CSS px, `toScreen` the
 * projection, `far` the far walls. */
function drawAxes(ctx, info, dpr, toScreen, far) {
  const centre = toScreen([0.5, info.box_height / 2, 0.5]);
  const px = (css) => css * dpr;
  const font = (size, italic) => `${italic ? 'italic ' : ''}${size * dpr}px ${FONTS}`;
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.lineWidth = Math.max(1, Math.round(px(1)));
  for (const { axis, at, ends, up } of axesOf(info, toScreen, far)) {
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
    placeText(ctx, d);
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

/** The labels on `canvas`: draw(info, view, dpr, toScreen, far) redraws them when anything
 * they show changed since the last time (`view`: a key of the mesh's version and the view). */
export function createAxisLabels(canvas) {
  let drawn = '';
  return {
    draw(info, view, dpr, toScreen, far) {
      const key = `${canvas.width}x${canvas.height}|${view}|${dpr}`;
      if (key === drawn) return;
      drawn = key;
      const ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawAxes(ctx, info, dpr, toScreen, far);
    },
    /** Draws them on the next call whatever it shows (a new mesh). */
    forget() {
      drawn = '';
    },
  };
}
