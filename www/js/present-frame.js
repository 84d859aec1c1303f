// What the room sees, painted onto a canvas for a recording: presentation mode's HTML overlays
// (the racers' legend, the loss chart's inset, the hint's caption) drawn over the plot's layers
// where they are on screen, with their own text, fonts, colours, boxes and swatches. Everything
// is read from the overlays themselves (their words are the core's), so a recording says what
// the screen says.

/** The element's box as on screen: its background and its borders (each side its own width and
 * colour, as a caption's accent), inside its rounded corners. */
function paintBox(ctx, element) {
  const style = getComputedStyle(element);
  const r = element.getBoundingClientRect();
  ctx.save();
  ctx.beginPath();
  ctx.roundRect(r.left, r.top, r.width, r.height, parseFloat(style.borderTopLeftRadius) || 0);
  ctx.clip();
  ctx.fillStyle = style.backgroundColor;
  ctx.fillRect(r.left, r.top, r.width, r.height);
  const sides = {
    Top: (w) => [r.left, r.top, r.width, w],
    Bottom: (w) => [r.left, r.bottom - w, r.width, w],
    Left: (w) => [r.left, r.top, w, r.height],
    Right: (w) => [r.right - w, r.top, w, r.height],
  };
  for (const [side, rect] of Object.entries(sides)) {
    const width = parseFloat(style[`border${side}Width`]) || 0;
    if (width <= 0 || style[`border${side}Style`] === 'none') continue;
    ctx.fillStyle = style[`border${side}Color`];
    ctx.fillRect(...rect(width));
  }
  ctx.restore();
}

/** The canvas font of an element's computed style. */
const fontOf = (style) => `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;

/**
 * The text inside `element`, each word where the browser laid it out (so wrapped lines, grid
 * columns and alignment are the screen's), in its element's font and colour.
 */
function paintText(ctx, element) {
  const doc = element.ownerDocument;
  const walker = doc.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const range = doc.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const style = getComputedStyle(node.parentElement);
    if (style.visibility === 'hidden' || !node.parentElement.getClientRects().length) continue;
    ctx.font = fontOf(style);
    ctx.fillStyle = style.color;
    ctx.textBaseline = 'alphabetic';
    const ascent = ctx.measureText(node.data).fontBoundingBoxAscent;
    for (const word of node.data.matchAll(/\S+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      // A word broken over two lines (a hyphen, a long number) has a rectangle on each: drawn
      // whole at the first, as the overlay's words never break there.
      const rect = range.getClientRects()[0];
      if (rect) ctx.fillText(word[0], rect.left, rect.top + ascent);
    }
  }
}

/** An SVG swatch's lines (the legend's: each racer's colour and dash), scaled as on screen. */
function paintSwatch(ctx, svg) {
  const r = svg.getBoundingClientRect();
  const [vx, vy, vw, vh] = (svg.getAttribute('viewBox') ?? `0 0 ${r.width} ${r.height}`).split(/[\s,]+/).map(Number);
  // preserveAspectRatio's default: scaled to fit, centred.
  const s = Math.min(r.width / vw, r.height / vh);
  const ox = r.left + (r.width - vw * s) / 2 - vx * s;
  const oy = r.top + (r.height - vh * s) / 2 - vy * s;
  for (const line of svg.querySelectorAll('line')) {
    const at = (k) => Number(line.getAttribute(k));
    ctx.beginPath();
    ctx.moveTo(ox + at('x1') * s, oy + at('y1') * s);
    ctx.lineTo(ox + at('x2') * s, oy + at('y2') * s);
    ctx.strokeStyle = line.getAttribute('stroke');
    ctx.lineWidth = at('stroke-width') * s;
    ctx.lineCap = line.getAttribute('stroke-linecap') ?? 'butt';
    ctx.setLineDash((line.getAttribute('stroke-dasharray') ?? '').split(/[\s,]+/).filter(Boolean).map((d) => Number(d) * s));
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/** Whether the element takes room on screen (not hidden, not display: none). */
const shown = (element) => Boolean(element) && !element.hidden && element.getClientRects().length > 0;

/**
 * A painter of presentation mode's overlays: `paint(ctx, origin, scale)` draws them onto `ctx`,
 * whose pixel (0, 0) is the screen's point `origin` ({left, top}, CSS pixels) and which has
 * `scale` pixels per CSS pixel. `legend`, `inset` (the loss chart's card, holding its canvas) and
 * `caption` are the overlays' elements, painted in their stacking order.
 */
export function overlayPainter({ legend, inset, caption }) {
  return function paint(ctx, origin, scale) {
    ctx.save();
    ctx.setTransform(scale, 0, 0, scale, -origin.left * scale, -origin.top * scale);
    ctx.globalAlpha = 1;
    if (shown(legend)) {
      paintBox(ctx, legend);
      for (const svg of legend.querySelectorAll('svg')) paintSwatch(ctx, svg);
      paintText(ctx, legend);
    }
    if (shown(inset)) {
      paintBox(ctx, inset);
      for (const chart of inset.querySelectorAll('canvas')) {
        const r = chart.getBoundingClientRect();
        if (chart.width > 0 && chart.height > 0 && r.width > 0) ctx.drawImage(chart, r.left, r.top, r.width, r.height);
      }
    }
    if (shown(caption) && caption.textContent.trim()) {
      paintBox(ctx, caption);
      paintText(ctx, caption);
    }
    ctx.restore();
  };
}
