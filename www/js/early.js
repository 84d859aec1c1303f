// What the page can start before its other modules arrive (main.js waits for all of them; the
// main thread lays out the page meanwhile, and this runs in its gaps). Loaded with `async` and no
// imports, so it runs as soon as it arrives.
//
// 1. Compile the wasm module: main.js then only instantiates it. When it could not compile (an
//    old browser, a server sending the wrong MIME type), main.js leaves it and starts over.
if (typeof globalThis.WebAssembly?.compileStreaming === 'function') {
  window.optiscapeWasm = WebAssembly.compileStreaming(fetch(new URL('../pkg/optiscape_bg.wasm', import.meta.url)));
  window.optiscapeWasm.catch(() => {}); // not unhandled: main.js reports what went wrong
}

// 2. Find the system font: the first text a page draws on a canvas pays for that (tens of
//    milliseconds). Drawn with the fonts and characters the charts use (the exponents of log
//    scales too, which may come from a fallback font).
{
  const ctx = Object.assign(document.createElement('canvas'), { width: 4, height: 4 }).getContext('2d');
  for (const font of ['14px', '15px', 'italic 14px', 'italic 15px']) {
    ctx.font = `${font} sans-serif`;
    ctx.fillText('0123456789 −.e xy f loss step ⁰¹²³⁴⁵⁶⁷⁸⁹⁻', 0, 10);
  }
}
