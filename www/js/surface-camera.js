// How the 3-D view is turned: its yaw, tilt and zoom, and the input that changes them on its
// canvas. One pointer dragging turns it (sideways: about the vertical; up and down: the tilt),
// two pinch it (their distance's change zooms), the wheel zooms.

const DEGREES_PER_PX = { yaw: 0.4, pitch: 0.3 };
const ZOOM = { min: 0.3, max: 4, perPx: 0.0015 };
/** Still this long after the last drag or wheel: no longer turning. */
const SETTLE_MS = 200;

/** The camera, as `plot --3d --yaw 20 --pitch 45` first shows it. Returns {turn(dyaw, dpitch),
 * zoom(factor), listen(canvas), turning(), view(): {yaw, pitch, zoom}}. */
export function createCamera() {
  const s = { yaw: 20, pitch: 45, zoom: 1, moved: -Infinity, pointers: new Map() };

  function turn(dyaw, dpitch) {
    s.yaw = (((s.yaw + dyaw) % 360) + 360) % 360;
    s.pitch = Math.min(90, Math.max(0, s.pitch + dpitch));
    s.moved = performance.now();
  }

  function zoom(factor) {
    s.zoom = Math.min(ZOOM.max, Math.max(ZOOM.min, s.zoom * factor));
    s.moved = performance.now();
  }

  const spread = () => {
    const [a, b] = [...s.pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y) || 1;
  };

  /** Turns and zooms on `c`'s pointers and wheel. */
  function listen(c) {
    c.addEventListener('pointerdown', (e) => {
      s.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      try {
        c.setPointerCapture(e.pointerId);
      } catch {
        // A pointer the browser does not know (a synthetic event): turned all the same.
      }
      c.classList.add('turning');
    });
    c.addEventListener('pointermove', (e) => {
      const p = s.pointers.get(e.pointerId);
      if (!p) return;
      if (s.pointers.size === 1) turn((e.clientX - p.x) * DEGREES_PER_PX.yaw, (e.clientY - p.y) * DEGREES_PER_PX.pitch);
      else if (s.pointers.size === 2) {
        const before = spread();
        s.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
        return zoom(spread() / before);
      }
      s.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    });
    const release = (e) => {
      s.pointers.delete(e.pointerId);
      s.moved = performance.now();
      if (s.pointers.size === 0) c.classList.remove('turning');
    };
    c.addEventListener('pointerup', release);
    c.addEventListener('pointercancel', release);
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        zoom(Math.exp(-e.deltaY * ZOOM.perPx));
      },
      { passive: false },
    );
  }

  return {
    turn,
    zoom,
    listen,
    /** Whether a pointer is down or the view moved in the last moment. */
    turning: () => s.pointers.size > 0 || performance.now() - s.moved < SETTLE_MS,
    view: () => ({ yaw: s.yaw, pitch: s.pitch, zoom: s.zoom }),
  };
}
