// Presentation mode's caption kept clear of the legend: the caption grows up from its place at
// the bottom, and a long hint would reach over the legend above it (in the column beside the
// 3-D view, or over the contour plot at 720p). Its text then shrinks until it fits between the
// legend and its bottom, never below MIN_PX; past that it scrolls.

/** The smallest text the caption shrinks to (CSS px): still readable from the front rows. */
const MIN_PX = 13;
/** Room kept between the legend and the caption (CSS px). */
const GAP_PX = 8;
/** Shrinking steps tried: each scales the text by the square root of the room left over. */
const STEPS = 4;

const meetAcross = (a, b) => a.left < b.right && b.left < a.right;

/** Fits `caption` under `legend` (both shown over the plot while presenting); with `on` false,
 * gives the caption back its own size. */
export function fitCaption(caption, legend, on) {
  Object.assign(caption.style, { fontSize: '', maxHeight: '', overflowY: '' });
  if (on && !caption.hidden && !legend.hidden) shrink(caption, legend);
}

function shrink(caption, legend) {
  const top = legend.getBoundingClientRect();
  const room = () => caption.getBoundingClientRect().bottom - top.bottom - GAP_PX;
  const over = () => {
    const r = caption.getBoundingClientRect();
    return meetAcross(r, top) && r.top < top.bottom + GAP_PX;
  };
  if (!over()) return;
  let px = parseFloat(getComputedStyle(caption).fontSize);
  for (let k = 0; k < STEPS && over() && px > MIN_PX; k++) {
    px = Math.max(MIN_PX, px * Math.sqrt(room() / caption.getBoundingClientRect().height) * 0.98);
    caption.style.fontSize = `${px.toFixed(1)}px`;
  }
  if (over()) Object.assign(caption.style, { maxHeight: `${Math.max(0, room())}px`, overflowY: 'auto' });
}
