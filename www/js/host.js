// What the page needs of its surroundings: the link it keeps its spec in, the clipboard, the
// reader's motion preference, a reload. windowHost() is the browser tab's; a page mounted
// elsewhere (a notebook cell) passes its own.

/** The browser tab as the host: the spec lives in the address bar's hash. */
export function windowHost() {
  const { location, history } = window;
  return {
    hash: () => location.hash,
    /** The link's query (`?present=1`). */
    search: () => location.search,
    setHash: (hash) => history.replaceState(null, '', hash),
    /** The whole link with `hash`. */
    link: (hash) => location.origin + location.pathname + location.search + hash,
    onLinkChange: (listener) => window.addEventListener('hashchange', listener),
    copy: (text) => navigator.clipboard.writeText(text),
    reducedMotion: () => window.matchMedia('(prefers-reduced-motion: reduce)').matches,
    /** Starts the page over without its link's spec. */
    reload() {
      history.replaceState(null, '', location.pathname + location.search);
      location.reload();
    },
  };
}
