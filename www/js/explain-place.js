// Where the explain-step panel goes: the plot's corner that covers none of the pieces drawn
// (found from the drawing itself) nor, if it can, the plot's other overlays; beside or under the
// plot where no corner is clear.

/** Pixels read per side when finding where a piece was drawn (its lines are wider than this). */
const INK_STRIDE = 2;
/** The panel's corners, best first: beside the colour bar's foot, then away from the axes' labels. */
const CORNERS = [['bottom', 'right'], ['top', 'right'], ['bottom', 'left'], ['top', 'left']];
/** The narrowest the panel may be beside the plot (CSS pixels): its captions still read. */
const BESIDE_MIN_PX = 200;
/** Overlays the panel must not cover, as it must not cover the pieces: presentation mode's loss
 * inset and caption (drawn above the plot, so they would hide the panel). */
const HARD_OBSTACLES = '.presenting .loss-card, .presenting #hint:not([hidden])';
/** Overlays the panel should not cover unless it must: presentation mode's legend (the panel is
 * drawn over it). */
const FIRM_OBSTACLES = '.presenting .present-legend:not([hidden])';
/** Overlays over the plot the panel should rather not cover (the 3-D toggle). */
const SOFT_OBSTACLES = '.view-toggle';

/** The boxes of what `selector` finds under `root` that is shown. */
function boxesOf(root, selector) {
  return [...root.querySelectorAll(selector)].filter((e) => e.getClientRects().length).map((e) => e.getBoundingClientRect());
}

/** Ink of `now` not in `before` (RGBA of one size), as a box in the canvas's pixels, or null. */
function newInk(before, now, width, height) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < height; y += INK_STRIDE) {
    for (let x = 0; x < width; x += INK_STRIDE) {
      const k = (y * width + x) * 4;
      if (now[k + 3] === 0 || (now[k] === before[k] && now[k + 1] === before[k + 1] && now[k + 2] === before[k + 2] && now[k + 3] === before[k + 3])) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return x1 < 0 ? null : { left: x0 - INK_STRIDE, top: y0 - INK_STRIDE, right: x1 + INK_STRIDE, bottom: y1 + INK_STRIDE };
}

/** The area two boxes share. */
function overlap(a, b) {
  return Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
}

/**
 * Where racer `i`'s pieces are drawn over the canvas `over`, as boxes in the page's CSS pixels:
 * the `count` pieces drawn one more at a time on `scratch` (sized as `over`), each box the ink it
 * added (null for a piece that drew nothing).
 */
function pieceBoxes(scene, i, count, over, scratch) {
  [scratch.width, scratch.height] = [over.width, over.height];
  // Asked first, so the drawing's context is one made for reading back.
  const ctx = scratch.getContext('2d', { willReadFrequently: true });
  const r = over.getBoundingClientRect();
  const css = r.width / over.width;
  const boxes = [];
  let before = null;
  for (let k = 0; k <= count; k++) {
    scene.draw_explanation_on(scratch, i, k);
    const now = ctx.getImageData(0, 0, scratch.width, scratch.height).data;
    if (before) {
      const b = newInk(before, now, scratch.width, scratch.height);
      boxes.push(b && { left: r.left + b.left * css, top: r.top + b.top * css, right: r.left + b.right * css, bottom: r.top + b.bottom * css });
    }
    before = now;
  }
  return boxes;
}

/** Whether scores `a` (areas covered, most important first) are better than `b`. */
function better(a, b) {
  const k = a.findIndex((x, j) => x !== b[j]);
  return k >= 0 && a[k] < b[k];
}

/**
 * The best of the panel's corners and compact forms: the least covered of `tiers[0]` (boxes it
 * must not cover), then of `tiers[1]`, and so on. Clear when it covers none of any tier but the
 * last. Leaves the panel in its last tried form; returns {compact, corner, clear}.
 */
function bestCorner(panel, tiers) {
  let best = null;
  for (const compact of [false, true]) {
    panel.classList.toggle('compact', compact);
    for (const [v, h] of CORNERS) {
      panel.dataset.corner = `${v} ${h}`;
      const r = panel.getBoundingClientRect();
      const score = tiers.map((boxes) => boxes.reduce((a, b) => a + overlap(r, b), 0));
      if (best === null || better(score, best.score)) best = { score, compact, corner: `${v} ${h}`, clear: score.slice(0, -1).every((x) => x === 0) };
    }
    if (best.clear) break;
  }
  return best;
}

/**
 * Puts the panel beside the plot (outside its clipped box, placed by its side), where the window
 * has room there that the controls do not take. Returns whether it found such room.
 */
function placeBeside(panel, $) {
  panel.classList.remove('compact');
  $('plot').after(panel);
  const width = panel.ownerDocument.documentElement.clientWidth;
  const controls = $('controls').getBoundingClientRect();
  const plot = $('plot').getBoundingClientRect();
  const gap = 8;
  for (const side of ['right', 'left']) {
    panel.dataset.corner = `beside ${side}`;
    const room = (side === 'right' ? width - plot.right : plot.left) - 2 * gap;
    if (room < BESIDE_MIN_PX) continue;
    panel.style.maxWidth = `${room}px`;
    // Down to the controls when they come under the plot (it scrolls within).
    if (controls.top >= plot.bottom) panel.style.maxHeight = `${controls.top - plot.top - gap}px`;
    const origin = (panel.offsetParent ?? panel.ownerDocument.body).getBoundingClientRect();
    const w = panel.getBoundingClientRect().width;
    panel.style.left = `${(side === 'right' ? plot.right + gap : plot.left - gap - w) - origin.left}px`;
    panel.style.top = `${plot.top - origin.top}px`;
    const r = panel.getBoundingClientRect();
    if (r.left >= 0 && r.right <= width && overlap(r, controls) === 0) return true;
  }
  panel.style.left = panel.style.top = panel.style.maxWidth = panel.style.maxHeight = '';
  return false;
}

/**
 * The placement of `panel` over the plot `$('plot')` in `root`. Returns `place(scene, i, pieces)`:
 * puts the panel in the plot's corner that covers none of racer `i`'s pieces but boxes (the
 * arrows, points and their labels; a box may span the plot) nor presentation mode's inset and
 * caption, then none of its legend, and the least of the 3-D toggle; where no corner is clear, the
 * panel keeps only
 * the latest piece's caption and tries again; where none is clear then either (a small plot, as a
 * phone's), the panel goes beside the plot, or under it, unless the plot is the whole screen
 * (presenting).
 */
export function explainPlacer(root, $, panel) {
  const scratch = document.createElement('canvas');
  return function place(scene, i, pieces) {
    $('plot').append(panel);
    panel.style.left = panel.style.top = panel.style.maxWidth = panel.style.maxHeight = '';
    panel.classList.remove('below');
    const boxes = pieceBoxes(scene, i, pieces.length, $('overlay'), scratch);
    const keep = pieces.map((p, k) => p.shape !== 'box' && boxes[k]).filter(Boolean);
    const best = bestCorner(panel, [[...keep, ...boxesOf(root, HARD_OBSTACLES)], boxesOf(root, FIRM_OBSTACLES), boxesOf(root, SOFT_OBSTACLES)]);
    const presenting = Boolean($('plot').closest('.presenting'));
    if (!best.clear && !presenting) {
      if (placeBeside(panel, $)) return;
      panel.classList.add('below');
      panel.dataset.corner = 'below';
      $('plot').after(panel);
      return;
    }
    panel.classList.toggle('compact', best.compact);
    panel.dataset.corner = best.corner;
  };
}
