// Pointer, wheel and keyboard handling on the plot: click or tap sets the start, drag pans,
// wheel and pinch zoom, arrow keys pan and +/- zoom. The mapping between CSS pixels and data
// coordinates is the scene's (scene.data_at), so axis margins are never guessed here, and so are
// the read-out under the pointer and the start a click sets (to the pixel's digits).

const CLICK_SLOP = 5; // px a pointer may move and still count as a click

/**
 * `hooks`: scene() -> Scene, view() -> {x:[..], y:[..]}, setView(view), setStart([x, y]),
 * readout(text | null).
 */
export function attachPlot(canvas, hooks) {
  const pointers = new Map();
  let gesture = null;

  const local = (e) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };

  /** Data units per CSS pixel along x and y (y negative: screen y grows downwards). */
  function unitsPerPixel() {
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    const a = dataAt(w / 2, h / 2);
    const b = dataAt(w / 2 + 10, h / 2 + 10);
    if (!a || !b) return null;
    return [(b[0] - a[0]) / 10, (b[1] - a[1]) / 10];
  }

  /** [x, y] in data coordinates (a plain array: the scene may hand back a typed array). */
  function dataAt(px, py) {
    const d = hooks.scene().data_at(px, py);
    return d ? [d[0], d[1]] : null;
  }

  function zoomAbout(view, anchor, factor) {
    return {
      x: view.x.map((v) => anchor[0] + (v - anchor[0]) * factor),
      y: view.y.map((v) => anchor[1] + (v - anchor[1]) * factor),
    };
  }

  function center(view) {
    return [(view.x[0] + view.x[1]) / 2, (view.y[0] + view.y[1]) / 2];
  }

  canvas.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    try {
      canvas.setPointerCapture(e.pointerId);
    } catch {
      // a pointer the browser does not track (a synthetic event): no capture needed
    }
    pointers.set(e.pointerId, local(e));
    if (pointers.size === 1) {
      gesture = { kind: 'drag', start: local(e), view: hooks.view(), perPixel: unitsPerPixel(), moved: false };
    } else if (pointers.size === 2) {
      const [p, q] = [...pointers.values()];
      const mid = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
      gesture = { kind: 'pinch', dist: Math.hypot(p[0] - q[0], p[1] - q[1]) || 1, view: hooks.view(), anchor: dataAt(...mid) ?? center(hooks.view()) };
    }
  });

  canvas.addEventListener('pointermove', (e) => {
    const pos = local(e);
    hooks.readout(hooks.scene().readout(...pos) ?? null);
    if (!pointers.has(e.pointerId) || !gesture) return;
    pointers.set(e.pointerId, pos);
    if (gesture.kind === 'drag') {
      const dx = pos[0] - gesture.start[0];
      const dy = pos[1] - gesture.start[1];
      if (!gesture.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
      gesture.moved = true;
      canvas.classList.add('panning');
      if (!gesture.perPixel) return;
      const [sx, sy] = gesture.perPixel;
      hooks.setView({ x: gesture.view.x.map((v) => v - dx * sx), y: gesture.view.y.map((v) => v - dy * sy) });
    } else if (gesture.kind === 'pinch' && pointers.size === 2) {
      const [p, q] = [...pointers.values()];
      const dist = Math.hypot(p[0] - q[0], p[1] - q[1]) || 1;
      hooks.setView(zoomAbout(gesture.view, gesture.anchor, gesture.dist / dist));
    }
  });

  const end = (e) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    canvas.classList.remove('panning');
    if (gesture?.kind === 'drag' && !gesture.moved && e.type === 'pointerup') {
      // Rounded to the pixel (as the read-out shows it): sub-pixel digits are noise, and
      // would make the link and the start fields long.
      const start = hooks.scene().start_at(...local(e));
      if (start) hooks.setStart([start[0], start[1]]);
    }
    // After a pinch, the remaining finger does not start a click or a pan.
    gesture = pointers.size === 0 ? null : { kind: 'none' };
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', () => hooks.readout(null));

  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      const factor = Math.exp(Math.max(-1, Math.min(1, e.deltaY * lines * 0.0015)));
      const view = hooks.view();
      hooks.setView(zoomAbout(view, dataAt(...local(e)) ?? center(view), factor));
    },
    { passive: false },
  );

  canvas.addEventListener('keydown', (e) => {
    const view = hooks.view();
    const w = view.x[1] - view.x[0];
    const h = view.y[1] - view.y[0];
    const pan = { ArrowLeft: [-0.1 * w, 0], ArrowRight: [0.1 * w, 0], ArrowUp: [0, 0.1 * h], ArrowDown: [0, -0.1 * h] }[e.key];
    if (pan) {
      e.preventDefault();
      hooks.setView({ x: view.x.map((v) => v + pan[0]), y: view.y.map((v) => v + pan[1]) });
    }
  });

  return {
    zoom(factor) {
      const view = hooks.view();
      hooks.setView(zoomAbout(view, center(view), factor));
    },
  };
}
