// The page's module preloads (www/index.html) are exactly the modules main.js imports
// statically, at any depth: a module missing there is found only when the one importing it has
// arrived (a round trip per level before the first frame), and one preloaded but loaded on
// demand (the classifier's tab) is fetched by a first visit that does not need it.
//   node --test tests/preload.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

const WWW = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'www');

/** The modules `entry` imports with a static `import ... from './x.js'`, at any depth. */
function staticGraph(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(path.join(WWW, 'js', file), 'utf8');
    for (const [, dep] of text.matchAll(/\bfrom\s*'\.\/([\w-]+\.js)'/g)) visit(dep);
  };
  visit(entry);
  seen.delete(entry);
  return seen;
}

test('index.html preloads every module main.js imports statically, and no other', () => {
  const html = fs.readFileSync(path.join(WWW, 'index.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/rel="modulepreload" href="js\/([\w-]+\.js)"/g)].map((m) => m[1]));
  const graph = staticGraph('main.js');
  assert.deepEqual([...graph].filter((f) => !preloaded.has(f)).sort(), [], 'imported but not preloaded');
  assert.deepEqual([...preloaded].filter((f) => !graph.has(f)).sort(), [], 'preloaded but not imported');
});

test("the classifier's own modules are not in the landscape's first load", () => {
  const graph = staticGraph('main.js');
  for (const file of ['classify.js', 'classify-loop.js', 'classify-controls.js', 'results.js']) assert.ok(!graph.has(file), `${file} is imported statically`);
});
