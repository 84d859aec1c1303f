// The classifier tab's read-outs: the results table (a row per racer, its cells the core's
// words: `rows()`) and the projected view's status line and notes (`projection_texts()`).

import { el, setText } from './dom.js';

/** The results table in `body`; returns update(classify, spec, states). */
export function resultsTable(body) {
  let rows = [];
  let structure = '';
  const heads = [...(body.closest('table')?.tHead?.rows[0]?.cells ?? [])].map((c) => c.textContent);

  function build(states) {
    rows = states.map(() => {
      const cells = {
        swatch: el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        name: el('span', { class: 'result-name' }),
        bar: el('span', { class: 'result-bar' }),
        input: el('td', { class: 'result-input' }),
        epoch: el('td', { class: 'num-cell' }),
        loss: el('td', { class: 'num-cell' }),
        accuracy: el('td', { class: 'num-cell result-acc' }),
        off_plane: el('td', { class: 'num-cell result-off' }),
        time: el('td', { class: 'num-cell' }),
      };
      const racer = el('th', { scope: 'row' }, el('span', { class: 'result-racer' }, cells.swatch, cells.name), el('span', { class: 'result-progress', 'aria-hidden': 'true' }, cells.bar));
      cells.tr = el('tr', {}, racer, cells.input, cells.epoch, cells.loss, cells.accuracy, cells.off_plane, cells.time);
      // Each cell carries its column's heading, shown beside it where the table reflows (a phone).
      [...cells.tr.cells].forEach((cell, i) => (cell.dataset.label = heads[i] ?? ''));
      return cells;
    });
    body.replaceChildren(...rows.map((r) => r.tr));
  }

  return function update(classify, spec, states) {
    const key = spec.racers.map((r) => r.name).join(',');
    if (key !== structure || rows.length !== states.length) {
      structure = key;
      build(states);
    }
    const texts = classify.rows();
    const cards = classify.cards();
    const best = Math.max(...states.map((s) => (s.status === 'ok' && s.test_accuracy !== null ? s.test_accuracy : -1)));
    states.forEach((s, i) => {
      const r = rows[i];
      if (!r || !texts[i]) return;
      r.tr.style.setProperty('--racer', s.color);
      setText(r.name, cards[i].name);
      r.bar.style.width = `${(100 * s.progress).toFixed(1)}%`;
      for (const cell of ['input', 'epoch', 'loss', 'accuracy', 'off_plane', 'time']) setText(r[cell], texts[i][cell]);
      r.accuracy.classList.toggle('best', s.test_accuracy !== null && s.test_accuracy === best && s.epoch > 0);
      r.tr.classList.toggle('diverged', s.status === 'diverged');
    });
  };
}

/** The projected view's status, notes and visibility (the MLP has no plane); returns the
 * progress the core reports. */
export function showProjection($, classify) {
  const p = classify.projection();
  const texts = classify.projection_texts();
  $('train-proj-wrap').hidden = !p.available;
  $('train-proj-mlp').hidden = p.available;
  setText($('train-proj-status'), texts.status);
  setText($('train-proj-inputs'), texts.notes);
  $('train-proj-inputs').hidden = texts.notes === '';
  return p;
}
