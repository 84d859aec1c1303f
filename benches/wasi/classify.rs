//! [`benches/classify.rs`](../classify.rs) as an example target, so that it builds for
//! wasm32-wasip1 (a bench target would make cargo build the `optiscape` binary as well, which
//! needs the natively embedded digits):
//! `cargo build --release --example classify-wasi --target wasm32-wasip1`, then
//! `node benches/wasi/run.mjs target/wasm32-wasip1/release/examples/classify-wasi.wasm`.

#[path = "../classify.rs"]
mod bench;

fn main() {
    bench::main()
}
