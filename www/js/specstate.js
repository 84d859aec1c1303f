// A spec that lives in the page's link (`#spec=`, `#train=`) and is applied through a wasm object
// that validates it exactly as the CLI does (`set_spec(text)`, `spec()`). The landscape tab and
// the classifier each keep one. The link is the host's (see host.js): the browser's address bar,
// or whatever the page is mounted in.

const LINK_DEBOUNCE_MS = 250;
const COPIED_MS = 2000;

/** The message of anything thrown: an Error, a wasm JsError, or a value. */
export function messageOf(e) {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String(e.message);
  return String(e);
}

/** A core message shown next to its own control: without its path (`racers[2]: `, `landscape: `,
 * `racers[0].input: `), which the control's place already says. */
export function localMessage(message) {
  return message && message.replace(/^(racers\[\d+\](\.input)?|landscape|input): /, '');
}

/**
 * `key`: the link's prefix. `host`: the page's surroundings (host.js). `target()`: the wasm
 * object holding the spec. `active()`: whether this spec owns the link now. `afterChange()`: runs
 * after every accepted spec.
 */
export function specState({ key, host, target, active, afterChange }) {
  let timer = 0;

  /** The spec text in the link, {text}, {error} or null when there is none. */
  function fromLink() {
    const hash = host.hash();
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
    if (host.hash() !== hash) host.setHash(hash);
  }

  function writeSoon() {
    clearTimeout(timer);
    timer = setTimeout(writeNow, LINK_DEBOUNCE_MS);
  }

  /** Validates and applies a spec object or JSON text; throws Error(message) when invalid. */
  function load(spec) {
    const text = typeof spec === 'string' ? spec : JSON.stringify(spec);
    try {
      target().set_spec(text);
    } catch (e) {
      throw new Error(messageOf(e));
    }
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
    const label = (button.dataset.label ??= button.textContent); // not "Link copied" on a second click
    try {
      await host.copy(host.link(currentHash()));
      button.textContent = 'Link copied';
    } catch {
      button.textContent = 'Link is in the address bar';
    }
    setTimeout(() => {
      button.textContent = label;
    }, COPIED_MS);
  }

  return { fromLink, writeNow, writeSoon, load, change, copyLink, cancel: () => clearTimeout(timer) };
}
