// The page's modules stay small parts: each opens with what it is for, no function in www/js/
// over MAX_FUNCTION lines, no module over MAX_MODULE lines, and no helper written twice (the same
// code under two names or in two modules). Parsed with acorn; run by `cargo xtask test` (no
// browser needed).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'acorn';
import './preload.test.mjs'; // the module graph's preloads: run with these checks

const MAX_FUNCTION = 150;
const MAX_MODULE = 300;
/** Functions this short may repeat (a getter, a one-line callback). */
const MIN_DUPLICATE_LINES = 3;

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../www/js');
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Every module under www/js: its file name, source and syntax tree. */
function modules() {
  return fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((file) => {
      const source = fs.readFileSync(path.join(DIR, file), 'utf8');
      const ast = parse(source, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
      return { file, source, ast };
    });
}

/** The name a function is known by: its own, its variable's, its property's or method's. */
function nameOf(node, parent) {
  if (node.id?.name) return node.id.name;
  const key = parent?.key ?? parent?.id ?? parent?.left?.property ?? parent?.left;
  if (key?.type === 'Identifier') return key.name;
  if (key?.type === 'Literal') return String(key.value);
  return `(anonymous, line ${node.loc.start.line})`;
}

/** Every function in `ast` with its name, first line and length in lines. */
function functionsOf(ast) {
  const found = [];
  const walk = (node, parent) => {
    if (!node || typeof node.type !== 'string') return;
    if (FUNCTIONS.has(node.type)) {
      found.push({ node, name: nameOf(node, parent), line: node.loc.start.line, lines: node.loc.end.line - node.loc.start.line + 1 });
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc') continue;
      if (Array.isArray(value)) value.forEach((child) => walk(child, node));
      else if (value && typeof value === 'object') walk(value, node);
    }
  };
  walk(ast, null);
  return found;
}

/** A function's source with its name and every space taken out: equal for the same code. */
function body(source, { node }) {
  const fn = node.type === 'ArrowFunctionExpression' || !node.id ? source.slice(node.start, node.end) : source.slice(node.id.end, node.end);
  return fn.replace(/\s+/g, '');
}

const all = modules();

test('www/js has modules to check', () => {
  assert.ok(all.length > 10, `only ${all.length} modules found in ${DIR}`);
});

test('every module opens with a comment saying what it is for', () => {
  const silent = all.filter(({ source }) => !/^\/\/ \S/.test(source)).map(({ file }) => `www/js/${file}`);
  assert.deepEqual(silent, [], 'start each module with a `// ` line: what it is for, in a sentence');
});

test(`no module over ${MAX_MODULE} lines`, () => {
  const long = all.map(({ file, source }) => ({ file, lines: source.split('\n').length - (source.endsWith('\n') ? 1 : 0) })).filter((m) => m.lines > MAX_MODULE);
  assert.deepEqual(
    long.map((m) => `www/js/${m.file}: ${m.lines} lines`),
    [],
    `split these modules into parts with one job each (at most ${MAX_MODULE} lines)`,
  );
});

test(`no function over ${MAX_FUNCTION} lines`, () => {
  const long = all.flatMap(({ file, ast }) => functionsOf(ast).filter((f) => f.lines > MAX_FUNCTION).map((f) => `www/js/${file}:${f.line} ${f.name}: ${f.lines} lines`));
  assert.deepEqual(long, [], `split these functions (at most ${MAX_FUNCTION} lines)`);
});

test('no helper written twice', () => {
  const seen = new Map();
  const twice = [];
  for (const { file, source, ast } of all) {
    for (const f of functionsOf(ast)) {
      if (f.lines < MIN_DUPLICATE_LINES) continue;
      const key = body(source, f);
      const where = `www/js/${file}:${f.line} ${f.name}`;
      if (seen.has(key)) twice.push(`${where} repeats ${seen.get(key)}`);
      else seen.set(key, where);
    }
  }
  assert.deepEqual(twice, [], 'keep one copy of each helper and import it');
});

test('no top-level helper of one name in two modules', () => {
  const homes = new Map();
  for (const { file, ast } of all) {
    for (const statement of ast.body) {
      const decl = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
      if (decl?.type === 'FunctionDeclaration') homes.set(decl.id.name, [...(homes.get(decl.id.name) ?? []), file]);
      if (decl?.type === 'VariableDeclaration') {
        for (const d of decl.declarations) {
          if (d.id.type === 'Identifier' && FUNCTIONS.has(d.init?.type)) homes.set(d.id.name, [...(homes.get(d.id.name) ?? []), file]);
        }
      }
    }
  }
  const twice = [...homes].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.map((f) => `www/js/${f}`).join(', ')}`);
  assert.deepEqual(twice, [], 'one home per helper: import it where it is needed');
});
