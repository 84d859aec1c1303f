//! The browser shell: `#[wasm_bindgen]` bindings over the live view ([`crate::live`]) and the
//! canvas layer, nothing else.
//!
//! Long-lived state stays in Rust behind [`scene::Scene`] and [`classify::Classify`];
//! JavaScript sends specs as JSON text (the very parser the CLI uses, so a URL is validated
//! exactly like a spec file) and gets back small plain objects or numbers. JS owns the DOM,
//! events and canvas sizes; Rust owns the numbers, the words and the pixels.

use serde::Serialize;
use wasm_bindgen::prelude::*;

mod canvas;
#[cfg(feature = "classify-shell")]
mod classify;
mod explain;
mod export;
mod scene;
mod schedule;
mod surface;
mod surface_gl;

thread_local! {
    /// The message of the panic that stopped the module, for the page's banner.
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// A panic (which should never happen: user input gets errors, not panics) is logged to the
/// console with its stack and kept for [`panic_message`], so the page can say what happened
/// and offer a reload.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let text = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "a panic".into()),
        };
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let _ = PANIC.try_with(|p| {
            p.try_borrow_mut()
                .map(|mut p| *p = Some(format!("{text}{at}")))
        });
        console_error_panic_hook::hook(info);
    }));
}

/// The message of the panic that stopped the module, if one did.
#[wasm_bindgen]
pub fn panic_message() -> Option<String> {
    PANIC
        .try_with(|p| p.try_borrow().ok().and_then(|p| p.clone()))
        .ok()
        .flatten()
}

/// Panics on purpose: the end-to-end tests check that the page survives one.
#[wasm_bindgen]
pub fn panic_for_tests() {
    panic!("a deliberate panic from the tests");
}

/// Every optimizer, scheduler and landscape, the training spec's fields, the racer palette and
/// the presets, as JSON text: the very JSON of `optiscape list --json` (an infinite range end is
/// `null`). One string is much cheaper to hand over than an object built field by field.
#[wasm_bindgen]
pub fn catalog_json() -> String {
    serde_json::to_string(&crate::catalog::catalog()).expect("the catalog always serializes")
}

/// The layout of [`scene::Scene::advance`]'s numbers: `{fields, tail, statuses}`, the names of
/// the numbers per racer, of those after every racer's, and the statuses by number.
#[wasm_bindgen]
pub fn packed_layout() -> Result<JsValue, JsError> {
    to_js(&crate::live::report::PACKED_LAYOUT)
}

/// What the core says of a typed number outside a range of the catalog (`lo`, `hi` with their
/// ends open or closed; infinite for none): "`lr` must be in [0, inf), got -1", or undefined.
#[wasm_bindgen]
pub fn range_error(
    name: &str,
    lo: f64,
    lo_open: bool,
    hi: f64,
    hi_open: bool,
    x: f64,
) -> Option<String> {
    crate::schema::check(
        name,
        x,
        crate::schema::Range {
            lo,
            lo_open,
            hi,
            hi_open,
        },
    )
    .err()
}

/// A number on a control or read-out: `digits + 2` significant digits in [0.001, 100000), else
/// `digits` in exponent form (`crate::text::compact`).
#[wasm_bindgen]
pub fn compact_number(x: f64, digits: usize) -> String {
    crate::text::compact(x, digits)
}

/// The contour levels the landscape's fill and iso-lines take for these samples (`known_min`:
/// the landscape's global minimum value, when known). `cargo xtask bench` hands them to
/// d3-contour, its anchor for the background, so both draw the same bands.
#[wasm_bindgen]
pub fn contour_levels(samples: &[f64], known_min: Option<f64>) -> Vec<f64> {
    crate::render::levels::Levels::choose(samples, known_min).values
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(err)
}

/// Milliseconds since the page loaded.
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
