// "Save image": a race as one PNG, for slides and notes. Charts side by side (canvases as they are
// on screen, each layer at its CSS opacity, or drawn afresh at a chosen size), and under them the
// core's legend: the caption and lines `optiscape plot` writes under the same race.

import { downloadFile } from './dom.js';

const LINE_CSS = 24; // legend line height
const FONT_CSS = 14;
const MARGIN_CSS = 20;
const TWO_COLUMNS_CSS = 900; // figures at least this wide have a two-column legend

/**
 * A canvas holding the figure: `panels` left to right, top-aligned, then a legend under them.
 * A panel is `{ layers }` (canvases of one size, bottom first, as shown on screen) or
 * `{ width, height, draw(canvas) }` (drawn afresh on a canvas of that size). `caption`: one
 * line; `entries`: [{ color, dash (on and off CSS px, none when solid), text }]; `dpr`: device pixels per CSS pixel (the canvases' scale).
 */
export function composeSnapshot({ panels, caption, entries, dpr }) {
  const px = (css) => Math.round(css * dpr);
  const images = panels.map((panel) => {
    if (panel.layers) return panel;
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [panel.width, panel.height];
    panel.draw(canvas);
    return { layers: [canvas] };
  });
  const width = images.reduce((sum, { layers }) => sum + layers[0].width, 0);
  const top = Math.max(...images.map(({ layers }) => layers[0].height));
  const columns = width >= px(TWO_COLUMNS_CSS) ? 2 : 1;
  const rows = Math.ceil(entries.length / columns);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = top + px(LINE_CSS * (rows + 2.5));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  let left = 0;
  for (const { layers } of images) {
    for (const layer of layers) {
      // Layers on screen have their CSS opacity; fresh ones (not in the document) have none.
      ctx.globalAlpha = layer.isConnected ? Number(getComputedStyle(layer).opacity) : 1;
      ctx.drawImage(layer, left, 0);
    }
    left += layers[0].width;
  }
  ctx.globalAlpha = 1;

  ctx.fillStyle = '#222222';
  ctx.textBaseline = 'middle';
  ctx.font = `${px(FONT_CSS + 1)}px system-ui, sans-serif`;
  const y = (line) => top + px(LINE_CSS * (line + 1));
  ctx.fillText(caption, px(MARGIN_CSS), y(0));
  ctx.font = `${px(FONT_CSS)}px system-ui, sans-serif`;
  const column = (width - 2 * px(MARGIN_CSS)) / columns;
  ctx.lineWidth = px(3);
  ctx.lineCap = 'round';
  entries.forEach(({ color, dash = [], text }, i) => {
    const x = px(MARGIN_CSS) + column * Math.floor(i / rows);
    const at = y(1 + (i % rows));
    ctx.strokeStyle = color;
    ctx.setLineDash(dash.map(px));
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
      downloadFile(blob, name);
      resolve();
    }, 'image/png');
  });
}
