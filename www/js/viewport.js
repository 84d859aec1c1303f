// The header's real height as a CSS variable (--header-height): at a large browser zoom, or on
// a narrow window, the header wraps onto more lines, and the plot, sized to the window's height
// under the header, must still fit whole below it.

/** Keeps --header-height on the document's root at `header`'s height. */
export function trackHeader(header) {
  if (!header) return;
  const root = header.ownerDocument.documentElement;
  const set = () => root.style.setProperty('--header-height', `${header.offsetHeight}px`);
  new ResizeObserver(set).observe(header);
  set();
}
