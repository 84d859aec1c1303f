// optiscape.Race's view (anywidget): links the page's ES modules, which the widget's model
// carries as text (`_modules`: path under www/ to source), into blob: URLs, each module's
// relative imports pointing at the others' URLs, then mounts the page through www/js/notebook.js.
// The notebook fetches nothing: the modules and the wasm come with the model.

/** Linked module URLs by build, shared by every cell of the notebook (one wasm instance). */
const linked = (globalThis.__optiscapeLinked ??= new Map());

/** The module at `path` and those it imports as blob: URLs; returns `path`'s URL. */
function link(path, sources, urls, seen = new Set()) {
  if (urls.has(path)) return urls.get(path);
  if (!(path in sources)) throw new Error(`optiscape's widget has no module ${path}`);
  if (seen.has(path)) throw new Error(`optiscape's modules import each other in a cycle at ${path}`);
  seen.add(path);
  const base = new URL(path, 'https://optiscape.invalid/');
  const text = sources[path].replace(/(\bfrom\s*|\bimport\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (_, keyword, quote, spec) => {
    const target = new URL(spec, base).pathname.slice(1);
    return `${keyword}${quote}${link(target, sources, urls, seen)}${quote}`;
  });
  const url = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
  urls.set(path, url);
  return url;
}

async function render({ model, el }) {
  const build = model.get('_build');
  if (!linked.has(build)) linked.set(build, link('js/notebook.js', model.get('_modules'), new Map()));
  const { mountNotebook } = await import(linked.get(build));
  return mountNotebook(el, model);
}

export default { render };
