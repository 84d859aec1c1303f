//! `optiscape._core`: the Python module over optiscape's core, the very code the CLI and the page
//! run. It takes spec text (JSON) and gives numbers as numpy arrays, so `optiscape.run` in Python
//! is `optiscape run` to the last bit. Errors are `ValueError`s with the CLI's one-line message.
//! `optiscape/__init__.py` is its Python face: dicts, shapes and broadcasting live there.

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
use optiscape::classify::{digits::Digits, train as training};
use optiscape::landscape::{Mark, MarkKind, Objective, Point, View};
use optiscape::race::{self, RacerResult, Status};
use optiscape::render::XAxis;
use optiscape::spec::{parse_document, spec_text, LandscapeSpec, RunSpec};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Deserialize;

fn value_error(message: String) -> PyErr {
    PyValueError::new_err(message)
}

/// The spec text as the CLI takes it from a file or stdin: its size checked first, with the
/// CLI's message.
fn checked(text: &str) -> PyResult<&str> {
    spec_text(text.as_bytes()).map_err(value_error)
}

/// `optiscape run`: the race of a spec, every racer a dict of numpy arrays.
#[pyfunction]
fn run<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyList>> {
    let spec = RunSpec::parse(checked(text)?).map_err(value_error)?;
    spec.check_points("run").map_err(value_error)?;
    let result = py.detach(|| race::run(&spec));
    let racers = PyList::empty(py);
    for r in result.racers {
        racers.append(racer(py, r)?)?;
    }
    Ok(racers)
}

/// One racer as `optiscape run` prints it, its lists of numbers numpy arrays.
fn racer<'py>(py: Python<'py>, r: RacerResult) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", r.name)?;
    d.set_item("label", r.label)?;
    d.set_item("trajectory", points(py, &r.trajectory)?)?;
    d.set_item("loss", PyArray1::from_vec(py, r.loss))?;
    let evaluations: Vec<i64> = r.evaluations.into_iter().map(|e| e as i64).collect();
    d.set_item("evaluations", PyArray1::from_vec(py, evaluations))?;
    d.set_item("lr", PyArray1::from_vec(py, r.lr))?;
    let status = match r.status {
        Status::Ok => "ok",
        Status::Diverged => "diverged",
        Status::Singular => "singular",
    };
    d.set_item("status", status)?;
    d.set_item("diverged_at", r.diverged_at)?;
    d.set_item("singular_at", r.singular_at)?;
    let arrival = match r.arrival {
        None => None,
        Some(a) => {
            let arrival = PyDict::new(py);
            arrival.set_item("step", a.step)?;
            arrival.set_item("at", PyArray1::from_slice(py, &a.at))?;
            arrival.set_item("global", a.global)?;
            Some(arrival)
        }
    };
    d.set_item("arrival", arrival)?;
    Ok(d)
}

/// Points as an `(n, 2)` array.
fn points<'py>(py: Python<'py>, points: &[Point]) -> PyResult<Bound<'py, PyAny>> {
    let flat: Vec<f64> = points.iter().flatten().copied().collect();
    Ok(PyArray1::from_vec(py, flat)
        .reshape([points.len(), 2])?
        .into_any())
}

/// `optiscape list --json`.
#[pyfunction]
fn catalog() -> String {
    optiscape::catalog::json()
}

/// `optiscape train`: its JSON output.
#[pyfunction]
fn train(py: Python<'_>, text: &str) -> PyResult<String> {
    let spec = training::TrainSpec::parse(checked(text)?).map_err(value_error)?;
    let result = py.detach(|| {
        let start = std::time::Instant::now();
        training::train(&spec, &Digits::embedded(), &|| {
            start.elapsed().as_secs_f64()
        })
    });
    serde_json::to_string(&result).map_err(|e| value_error(e.to_string()))
}

/// `optiscape plot`: the race's SVG figure, `x` "steps" or "evaluations" (None: the spec's `loss_x`).
#[pyfunction]
#[pyo3(signature = (text, width, height, sweep, x=None))]
fn plot(
    py: Python<'_>,
    text: &str,
    width: u32,
    height: u32,
    sweep: bool,
    x: Option<&str>,
) -> PyResult<String> {
    let spec = RunSpec::parse(checked(text)?).map_err(value_error)?;
    spec.check_points("plot").map_err(value_error)?;
    let x = match x {
        None => spec.loss_x,
        Some("steps") => XAxis::Steps,
        Some("evaluations") => XAxis::Evaluations,
        Some(other) => {
            return Err(value_error(format!(
                "plot: x must be \"steps\" or \"evaluations\", got {other:?}"
            )))
        }
    };
    py.detach(|| optiscape::figure::figure_against(&spec, width, height, sweep, x))
        .map_err(value_error)
}

/// `{"landscape": {...}}`: a landscape read by the spec's own rules and messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LandscapeDocument {
    landscape: LandscapeSpec,
}

/// A landscape as racers see it: `scale * f`, turned by `rotate`, with its gradient noise.
#[pyclass(unsendable)]
struct Landscape {
    spec: LandscapeSpec,
    objective: Objective,
    view: View,
    start: Point,
    marks: Vec<Mark>,
}

#[pymethods]
impl Landscape {
    /// From `{"landscape": {"name": ..., ...}}` as JSON text.
    #[new]
    fn new(text: &str) -> PyResult<Landscape> {
        let LandscapeDocument { landscape: spec } =
            parse_document(checked(text)?, |_| Ok(())).map_err(value_error)?;
        let built = spec.build();
        let objective = spec.objective(built.f);
        Ok(Landscape {
            spec,
            objective,
            view: built.view,
            start: built.start,
            marks: built.marks,
        })
    }

    /// The landscape's spec object, every parameter given (as `optiscape run` reads it back).
    fn spec_json(&self) -> String {
        serde_json::to_string(&self.spec).expect("a landscape spec always serializes")
    }

    /// The default view: `((x0, x1), (y0, y1))`.
    fn view(&self) -> ((f64, f64), (f64, f64)) {
        let View { x, y } = self.view;
        ((x[0], x[1]), (y[0], y[1]))
    }

    /// The default start.
    fn start(&self) -> (f64, f64) {
        (self.start[0], self.start[1])
    }

    /// The known critical points: `(kind, (x, y))`, kind "global", "local" or "saddle".
    fn marks(&self) -> Vec<(&'static str, (f64, f64))> {
        let kind = |k: MarkKind| match k {
            MarkKind::Global => "global",
            MarkKind::Local => "local",
            MarkKind::Saddle => "saddle",
        };
        self.marks
            .iter()
            .map(|m| (kind(m.kind), (m.at[0], m.at[1])))
            .collect()
    }

    /// `scale * f` at each point; with `steps`, the mini-batch loss of each point's step
    /// (`scale * (f + noise * ξ_k · p)`, whose gradient that step's racers get).
    #[pyo3(signature = (xs, ys, steps=None))]
    fn values<'py>(
        &self,
        py: Python<'py>,
        xs: PyReadonlyArray1<'py, f64>,
        ys: PyReadonlyArray1<'py, f64>,
        steps: Option<PyReadonlyArray1<'py, u64>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = pairs(&xs, &ys, steps.as_ref())?;
        let o = &self.objective;
        let out: Vec<f64> = at
            .map(|(p, k)| k.map_or_else(|| o.value(p), |k| o.batch_value(p, k)))
            .collect();
        Ok(PyArray1::from_vec(py, out).into_any())
    }

    /// The gradient of `scale * f` at each point, as an `(n, 2)` array; with `steps`, the
    /// gradient racers get at each point's step, `scale * (∇f + noise * ξ_k)`.
    #[pyo3(signature = (xs, ys, steps=None))]
    fn gradients<'py>(
        &self,
        py: Python<'py>,
        xs: PyReadonlyArray1<'py, f64>,
        ys: PyReadonlyArray1<'py, f64>,
        steps: Option<PyReadonlyArray1<'py, u64>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = pairs(&xs, &ys, steps.as_ref())?;
        let o = &self.objective;
        let n = xs.len()?;
        let out: Vec<f64> = at
            .flat_map(|(p, k)| k.map_or_else(|| o.gradient(p), |k| o.observed_gradient(p, k)))
            .collect();
        Ok(PyArray1::from_vec(py, out).reshape([n, 2])?.into_any())
    }

    /// The Hessian of `scale * f` at each point, as an `(n, 2, 2)` array.
    fn hessians<'py>(
        &self,
        py: Python<'py>,
        xs: PyReadonlyArray1<'py, f64>,
        ys: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let n = xs.len()?;
        let out: Vec<f64> = pairs(&xs, &ys, None)?
            .flat_map(|(p, _)| self.objective.hessian(p))
            .collect();
        Ok(PyArray1::from_vec(py, out).reshape([n, 2, 2])?.into_any())
    }
}

/// The points `(xs[i], ys[i])`, each with `steps[i]` when given; the arrays of one length.
fn pairs<'a>(
    xs: &'a PyReadonlyArray1<'_, f64>,
    ys: &'a PyReadonlyArray1<'_, f64>,
    steps: Option<&'a PyReadonlyArray1<'_, u64>>,
) -> PyResult<impl Iterator<Item = (Point, Option<u64>)> + 'a> {
    let (xs, ys) = (xs.as_slice()?, ys.as_slice()?);
    let steps = steps.map(|s| s.as_slice()).transpose()?;
    if ys.len() != xs.len() || steps.is_some_and(|s| s.len() != xs.len()) {
        return Err(value_error("x, y and step must have one length".into()));
    }
    Ok(xs
        .iter()
        .zip(ys)
        .enumerate()
        .map(move |(i, (&x, &y))| ([x, y], steps.map(|s| s[i]))))
}

/// The spec as the core reads it, every field given (what the page's `spec()` returns); a bad
/// one raises `ValueError` with the CLI's message.
#[pyfunction]
fn canonical_spec(text: &str) -> PyResult<String> {
    Ok(RunSpec::parse(checked(text)?)
        .map_err(value_error)?
        .to_json())
}

mod assets {
    include!(concat!(env!("OUT_DIR"), "/widget_assets.rs"));
}

/// (modules, style, markup, wasm): see `widget_assets`.
type WidgetAssets<'py> = (
    Bound<'py, PyDict>,
    &'static str,
    &'static str,
    Option<Bound<'py, pyo3::types::PyBytes>>,
);

/// What the notebook widget loads, built into the extension (build.rs): `(modules, style,
/// markup, wasm)`, the page's ES modules by their path under www/, its stylesheet and markup,
/// and the wasm module's bytes (None when the package was built without the wasm).
#[pyfunction]
fn widget_assets(py: Python<'_>) -> PyResult<WidgetAssets<'_>> {
    let modules = PyDict::new(py);
    for (name, text) in assets::MODULES {
        modules.set_item(name, text)?;
    }
    Ok((
        modules,
        assets::STYLE,
        assets::MARKUP,
        assets::WASM.map(|w| pyo3::types::PyBytes::new(py, w)),
    ))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(catalog, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(plot, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_spec, m)?)?;
    m.add_function(wrap_pyfunction!(widget_assets, m)?)?;
    m.add_class::<Landscape>()?;
    Ok(())
}
