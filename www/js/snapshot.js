// "Save image": the race as one PNG, for slides and notes. The landscape's canvases as they are
// on screen (each layer at its CSS opacity), the loss chart drawn again beside them at the
// landscape's height, and under both a legend with what the racer cards say. `optiscape plot`
// draws the same figure as SVG from a spec.

const LINE_CSS = 24; // legend line height
const FONT_CSS = 14;
const MARGIN_CSS = 20;
const TWO_COLUMNS_CSS = 900; // figures at least this wide have a two-column legend

const SIDE_SHARE = 0.75; // the loss chart's width, of the landscape's

/**
 * A canvas holding the figure. `layers`: the landscape's canvases, bottom first, all of one size;
 * `drawSide(canvas)`: draws the loss chart on a canvas sized for it (as tall as the landscape);
 * `caption`: one line; `entries`: [{ color, text }]; `dpr`: device pixels per CSS pixel (the
 * canvases' own scale).
 */
export function composeSnapshot({ layers, drawSide, caption, entries, dpr }) {
  const [base] = layers;
  const px = (css) => Math.round(css * dpr);
  const side = document.createElement('canvas');
  side.width = Math.round(SIDE_SHARE * base.width);
  side.height = base.height;
  drawSide(side);
  const width = base.width + side.width;
  const columns = width >= px(TWO_COLUMNS_CSS) ? 2 : 1;
  const rows = Math.ceil(entries.length / columns);
  const top = Math.max(base.height, side.height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = top + px(LINE_CSS * (rows + 2.5));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (const layer of layers) {
    ctx.globalAlpha = Number(getComputedStyle(layer).opacity);
    ctx.drawImage(layer, 0, 0);
  }
  ctx.globalAlpha = 1;
  ctx.drawImage(side, base.width, 0);

  ctx.fillStyle = '#222222';
  ctx.textBaseline = 'middle';
  ctx.font = `${px(FONT_CSS + 1)}px system-ui, sans-serif`;
  const y = (line) => top + px(LINE_CSS * (line + 1));
  ctx.fillText(caption, px(MARGIN_CSS), y(0));
  ctx.font = `${px(FONT_CSS)}px system-ui, sans-serif`;
  const column = (width - 2 * px(MARGIN_CSS)) / columns;
  ctx.lineWidth = px(3);
  ctx.lineCap = 'round';
  entries.forEach(({ color, text }, i) => {
    const x = px(MARGIN_CSS) + column * Math.floor(i / rows);
    const at = y(1 + (i % rows));
    ctx.strokeStyle = color;
    ctx.beginPath();
    ctx.moveTo(x, at);
    ctx.lineTo(x + px(28), at);
    ctx.stroke();
    ctx.fillText(text, x + px(38), at, column - px(46));
  });
  return canvas;
}

/** Offers `canvas` as a PNG download named `name`. */
export function download(canvas, name) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) {
        reject(new Error('the browser could not encode the image'));
        return;
      }
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      resolve();
    }, 'image/png');
  });
}
