// The page's two tabs, landscape and classifier: their buttons (the arrow keys move between
// them), which one is shown and owns the link and the keys, and a new link opening its tab.

import { SPEC_KEY } from './landscape.js';
import { TRAIN_KEY } from './classify-tab.js';
import { messageOf } from './specstate.js';

/**
 * The tabs of the page `page` ({mode}): `$` finds its elements, `landscape` and `classify` are
 * the tabs (landscape.js, classify.js), `trainBanner` the classifier's messages, `host` the
 * page's surroundings. `wire()` listens to the buttons and the link.
 */
export function pageTabs({ $, page, landscape, classify, trainBanner, host }) {
  /** Shows one tab: its view, actions, link, keys and loop. */
  function setMode(mode) {
    showMode(mode);
    if (mode === 'landscape') {
      classify.race.link.cancel();
      trainBanner.hide();
      landscape.resume();
    }
  }

  /** The tabs' buttons and views, and which tab owns the link and the keys. */
  function showMode(mode) {
    page.mode = mode;
    landscape.race.active = mode === 'landscape';
    classify.race.active = mode === 'classify';
    for (const [id, m] of [['mode-landscape', 'landscape'], ['mode-classify', 'classify']]) {
      $(id).setAttribute('aria-selected', m === mode ? 'true' : 'false');
      $(id).tabIndex = m === mode ? 0 : -1;
    }
    for (const [id, m] of [['landscape-view', 'landscape'], ['landscape-actions', 'landscape'], ['classify-view', 'classify'], ['classify-actions', 'classify']]) {
      $(id).hidden = m !== mode;
    }
  }

  function openClassify() {
    setMode('classify');
    return classify.open().catch((e) => {
      trainBanner.show(`The classifier could not start: ${messageOf(e)}`);
      throw e;
    });
  }

  function wire() {
    $('mode-landscape').addEventListener('click', () => page.mode !== 'landscape' && setMode('landscape'));
    $('mode-classify').addEventListener('click', () => page.mode !== 'classify' && openClassify().catch(() => {}));
    for (const id of ['mode-landscape', 'mode-classify']) {
      $(id).addEventListener('keydown', (e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        const other = $(id === 'mode-landscape' ? 'mode-classify' : 'mode-landscape');
        other.focus();
        other.click();
      });
    }
    host.onLinkChange(() => {
      const hash = host.hash();
      if (hash.startsWith(SPEC_KEY)) landscape.followLink();
      else if (hash.startsWith(TRAIN_KEY)) {
        if (page.mode !== 'classify' || !classify.opened()) openClassify().catch(() => {});
        else classify.followLink();
      }
    });
  }

  return { setMode, showMode, openClassify, wire };
}
