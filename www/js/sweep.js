// The learning-rate sweep card: each racer raced again at learning rates from 1e-5 to 10 (the
// core's crate::sweep), run a little at a time when the page is idle, so that racing and
// dragging a slider never wait for it. The chart is drawn by the core on its own canvas.

/** Longest stretch of sweep work at once, in ms, and the fastest the chart is redrawn. */
const WORK_MS = 8;
const REDRAW_MS = 150;

// Safari has no requestIdleCallback: a timer then stands in for idle time.
const whenIdle =
  window.requestIdleCallback?.bind(window) ?? ((f) => setTimeout(() => f({ timeRemaining: () => WORK_MS, didTimeout: true }), 30));

/**
 * `hooks`: scene() -> Scene (or null before boot), active() -> whether the landscape is shown.
 * Returns schedule() (after any change to the race) and resize(dpr) (after the page's layout
 * changed). The chart's subtitle `note` says what it shows, as the core words it.
 */
export function attachSweep(canvas, box, note, hooks) {
  let pending = false;
  let lastDraw = 0;
  let size = { w: 0, h: 0, dpr: 0 };

  function draw() {
    const scene = hooks.scene();
    if (!scene || canvas.width < 2) return;
    scene.draw_sweep_on(canvas);
    lastDraw = performance.now();
  }

  function work(deadline) {
    pending = false;
    const scene = hooks.scene();
    if (!scene || !hooks.active()) return;
    const budget = Math.max(1, Math.min(WORK_MS, deadline.timeRemaining() - 1));
    const more = scene.sweep_work(budget);
    if (!more || performance.now() - lastDraw >= REDRAW_MS) draw();
    if (more) schedule();
  }

  // The chart is redrawn by work(), in idle time: a slider dragged through many values
  // schedules many times, and draws at most once per REDRAW_MS.
  function schedule() {
    const scene = hooks.scene();
    const text = scene?.chart_notes().sweep;
    if (text && note.textContent !== text) note.textContent = text;
    if (pending) return;
    pending = true;
    whenIdle(work, { timeout: 400 });
  }

  function resize(dpr) {
    const w = Math.max(1, Math.round(box.clientWidth));
    const h = Math.max(1, Math.round(box.clientHeight));
    if (size.w === w && size.h === h && size.dpr === dpr) return;
    size = { w, h, dpr };
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    draw();
  }

  return { schedule, resize };
}
