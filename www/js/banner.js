// A tab's message banner: a visible line for what went wrong, never a dead page, with a button
// that starts the tab over and one that dismisses it.

/** The banner `box` with its `text`, `dismiss` and `reset` buttons; `onReset()` starts over. */
export function createBanner({ box, text, dismiss, reset, onReset }) {
  const hide = () => void (box.hidden = true);
  dismiss.addEventListener('click', hide);
  reset.addEventListener('click', () => {
    hide();
    onReset();
  });
  return {
    show(message) {
      text.textContent = message;
      box.hidden = false;
    },
    hide,
  };
}
