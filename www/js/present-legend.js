// Presentation mode's overlay legend: one row per racer with its swatch (colour and dash), name,
// live loss and arrival or divergence, all in the core's words (Scene::cards, Scene::legend).

import { el, setText } from './dom.js';

/**
 * The legend list `legend` (an `<ol>`) of the landscape tab `landscape`, in document `doc`.
 * Returns `{refresh(), reset()}`: `refresh` brings the rows up to date (rebuilding them only when
 * the racers' pens change), `reset` makes the next refresh rebuild them.
 */
export function presentLegend(doc, legend, landscape) {
  let shown = '';

  function row(entry, card) {
    const svgNs = 'http://www.w3.org/2000/svg';
    const svg = doc.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', '0 0 48 12');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'present-swatch');
    const line = doc.createElementNS(svgNs, 'line');
    for (const [k, v] of Object.entries({ x1: 2, y1: 6, x2: 46, y2: 6, stroke: entry.color, 'stroke-width': 4, 'stroke-linecap': 'round' })) line.setAttribute(k, v);
    if (entry.dash.length) line.setAttribute('stroke-dasharray', entry.dash.join(' '));
    svg.append(line);
    return el('li', { class: 'present-racer' }, svg, el('span', { class: 'present-name', text: card?.name ?? '' }), el('span', { class: 'present-loss', text: card?.loss ?? '' }), el('span', { class: 'present-status', text: card?.status ?? '' }));
  }

  function refresh() {
    const scene = landscape.scene();
    const cards = scene.cards();
    const { entries } = scene.legend();
    const racers = landscape.racers();
    const key = entries.map((e) => `${e.color}${e.dash.join()}`).join('|');
    if (key !== shown) {
      shown = key;
      legend.replaceChildren(...entries.map((e, i) => row(e, cards[i])));
    }
    legend.querySelectorAll('.present-racer').forEach((r, i) => {
      const card = cards[i];
      if (!card) return;
      setText(r.querySelector('.present-name'), card.name);
      setText(r.querySelector('.present-loss'), card.loss);
      setText(r.querySelector('.present-status'), card.status);
      r.classList.toggle('stopped', racers[i]?.status !== 'ok');
    });
  }

  return {
    refresh,
    reset: () => {
      shown = '';
    },
  };
}
