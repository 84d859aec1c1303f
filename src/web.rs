//! The browser shell: a thin `#[wasm_bindgen]` layer over the core. Long-lived state stays in
//! Rust behind [`Scene`]; JavaScript sends run specs as JSON text (the same parser as the CLI)
//! and gets back small plain objects.

use crate::{catalog, race::Race, spec::RunSpec};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Every optimizer and landscape, as `optiscape list --json`.
#[wasm_bindgen]
pub fn catalog() -> Result<JsValue, JsError> {
    to_js(&catalog::catalog())
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
}

/// A race in progress.
#[wasm_bindgen]
pub struct Scene {
    spec: RunSpec,
    race: Race,
}

#[derive(Serialize)]
struct RacerState {
    name: &'static str,
    step: u64,
    position: [f64; 2],
    loss: f64,
    status: crate::race::Status,
    diverged_at: Option<u64>,
}

#[wasm_bindgen]
impl Scene {
    #[wasm_bindgen(constructor)]
    pub fn new(spec_json: &str) -> Result<Scene, JsError> {
        let spec = RunSpec::parse(spec_json).map_err(|e| JsError::new(&e))?;
        let race = Race::new(&spec);
        Ok(Scene { spec, race })
    }

    /// The current run spec as JSON text.
    pub fn spec(&self) -> String {
        self.spec.to_json()
    }

    /// Advances every racer `n` steps.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        let objective = &self.race.objective;
        for r in &mut self.race.racers {
            r.advance(objective, n as u64, |_, _, _| {});
        }
        self.racers()
    }

    pub fn racers(&self) -> Result<JsValue, JsError> {
        let states: Vec<RacerState> = self
            .race
            .racers
            .iter()
            .map(|r| RacerState {
                name: r.spec.info.name,
                step: r.step,
                position: r.position,
                loss: r.loss,
                status: r.status(),
                diverged_at: r.diverged_at,
            })
            .collect();
        to_js(&states)
    }
}
