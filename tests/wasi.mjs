// Runs a wasm32-wasip1 program (e.g. a bench built with `--target wasm32-wasip1`) under Node's
// WASI, i.e. in V8 as the browser would: `node tests/wasi.mjs FILE.wasm [ARGS...]`; the runner of `cargo test --target wasm32-wasip1`
// (.cargo/config.toml).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tests/wasi.mjs FILE.wasm [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
