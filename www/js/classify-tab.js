// The classifier tab, built when it is first needed: its modules (classify.js and what only it
// imports) are fetched by a dynamic import() when the tab first opens, or in idle time after the
// landscape's first frame, so a first visit to the landscape waits for neither their download
// nor the second race's controls. Until it is built, this stands in for the tab (classify.js's
// createClassify) with the same shape: what the page, the tabs and the Export menus ask of it
// before the tab opens has an answer here.

export const TRAIN_KEY = '#train=';

const NOT_OPEN = 'the classifier is not open yet: await optiscape.classify.open() first';

/** The classifier tab in `root` (createClassify's arguments), built on first use. */
export function lazyClassify(root, cat, host, banner) {
  let tab = null;
  let building = null;
  let active = false;
  let pace = null;

  /** Fetches the tab's modules (once); a failed fetch may be tried again. */
  let modules = null;
  const load = () => {
    modules ??= import('./classify.js').catch((e) => {
      modules = null;
      throw e;
    });
    return modules;
  };

  /** The tab, built on first call (once its modules are there). */
  function build() {
    building ??= load().then(({ createClassify }) => {
      tab = createClassify(root, cat, host, banner);
      tab.race.active = active;
      if (pace !== null) tab.api.pace(pace);
      return tab;
    });
    building.catch(() => (building = null));
    return building;
  }

  /** What the page sets and reads of the tab's race before the tab is built. */
  const race = {
    get active() {
      return tab ? tab.race.active : active;
    },
    set active(on) {
      active = on;
      if (tab) tab.race.active = on;
    },
    get spec() {
      return tab?.race.spec ?? null;
    },
    link: { cancel: () => tab?.race.link.cancel() },
    loadPreset: (preset) => tab?.race.loadPreset(preset),
  };

  /** `name` of the built tab's API; before it is built, a clear message. */
  const built = (name) => (...args) => {
    if (!tab) throw new Error(NOT_OPEN);
    return tab.api[name](...args);
  };
  const api = Object.fromEntries(['spec', 'load', 'preset', 'lesson', 'states', 'epochs', 'projection', 'finished', 'play', 'pause', 'reset'].map((name) => [name, built(name)]));
  Object.assign(api, {
    presets: () => cat.experiments.map((p) => ({ id: p.id, title: p.title })),
    playing: () => tab?.api.playing() ?? false,
    pace: (value) => (tab ? tab.api.pace(value) : void (pace = value)),
  });

  return {
    race,
    /** Shows the classifier, building it on first use. */
    open: () => build().then((t) => t.open()),
    /** Fetches the tab's modules without building it (idle time after the first frame). */
    prefetch: () => load().catch(() => {}),
    tick: (now) => tab?.tick(now),
    fit: () => tab?.fit(),
    followLink: () => tab?.followLink(),
    opened: () => tab?.opened() ?? false,
    target: () => tab?.target() ?? null,
    api,
  };
}
