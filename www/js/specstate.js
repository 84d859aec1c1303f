// A spec that lives in the URL hash (`#spec=`, `#train=`) and is applied through a wasm object
// that validates it exactly as the CLI does (`set_spec(text)`, `spec()`). The landscape page and
// the classifier each keep one.

const URL_DEBOUNCE_MS = 250;
const COPIED_MS = 2000;

/** The message of anything thrown: an Error, a wasm JsError, or a value. */
export function messageOf(e) {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String(e.message);
  return String(e);
}

/**
 * `key`: the hash prefix. `target()`: the wasm object holding the spec. `active()`: whether this
 * spec owns the URL now. `afterChange()`: runs after every accepted spec.
 */
export function specState({ key, target, active, afterChange }) {
  let timer = 0;

  /** The spec text in the URL's hash, {text}, {error} or null when there is none. */
  function fromHash() {
    const hash = window.location.hash;
    if (!hash.startsWith(key)) return null;
    try {
      return { text: decodeURIComponent(hash.slice(key.length)) };
    } catch {
      return { error: `the ${key} part is not valid URI encoding` };
    }
  }

  function currentHash() {
    return key + encodeURIComponent(target().spec());
  }

  function writeNow() {
    clearTimeout(timer);
    if (!active()) return;
    const hash = currentHash();
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  }

  function writeSoon() {
    clearTimeout(timer);
    timer = setTimeout(writeNow, URL_DEBOUNCE_MS);
  }

  /**
   * Validates and applies a spec object or JSON text; throws Error(message) when invalid.
   * `accepted()` runs once the spec is in, before `afterChange()`.
   */
  function load(spec, accepted = () => {}) {
    const text = typeof spec === 'string' ? spec : JSON.stringify(spec);
    try {
      target().set_spec(text);
    } catch (e) {
      throw new Error(messageOf(e));
    }
    accepted();
    afterChange();
  }

  /**
   * Applies `mutate` to a copy of `current`. Returns null, or the core's message when the result
   * is invalid (nothing changed then).
   */
  function change(current, mutate) {
    const next = structuredClone(current);
    mutate(next);
    try {
      target().set_spec(JSON.stringify(next));
    } catch (e) {
      return messageOf(e);
    }
    afterChange();
    return null;
  }

  /**
   * Puts the page's link, with this spec, on the clipboard; `button` says for two seconds whether
   * it did (a browser may refuse: the link is in the address bar then).
   */
  async function copyLink(button) {
    writeNow();
    const { origin, pathname, search } = window.location;
    const label = (button.dataset.label ??= button.textContent); // not "Link copied" on a second click
    try {
      await navigator.clipboard.writeText(origin + pathname + search + currentHash());
      button.textContent = 'Link copied';
    } catch {
      button.textContent = 'Link is in the address bar';
    }
    setTimeout(() => {
      button.textContent = label;
    }, COPIED_MS);
  }

  return { fromHash, currentHash, writeNow, writeSoon, load, change, copyLink, cancel: () => clearTimeout(timer) };
}
