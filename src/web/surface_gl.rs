//! The numbers of the page's WebGL2 surface (`www/js/surface-gl.js`): the mesh of
//! [`Surface::mesh`] (the heights, colours and cut of `plot --3d`) with the axes' ticks, once
//! per landscape or view; and with every frame's numbers, each racer's new points lifted onto
//! it ([`LiftedPath`]). The page draws them; nothing here touches WebGL.

use super::scene::Scene;
use super::{err, to_js};
use crate::live::Layer;
use crate::render::colormap;
use crate::render::layout::Metrics;
use crate::render::scene::{casing, INK};
use crate::render::surface::{height_name, ticks, Surface, BOX_HEIGHT, LIGHT};
use crate::render::surface_lift::LiftedPath;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The surface of a scene's landscape and view, and its racers' paths lifted onto it.
#[wasm_bindgen]
pub struct SurfaceFeed {
    grid: usize,
    /// What the surface was sampled for: the landscape and the view.
    key: String,
    surface: Option<Surface>,
    /// Counts the surfaces sampled: the page asks for the mesh again when it changes.
    version: u32,
    paths: Vec<LiftedPath>,
}

/// One axis of the box: its ticks (where along the axis, in the box's unit coordinates, and
/// their labels) and its name.
#[derive(Serialize)]
struct Axis {
    ticks: Vec<(f64, String)>,
    name: &'static str,
}

/// What the page needs besides the arrays to draw the box and its labels.
#[derive(Serialize)]
struct MeshInfo {
    n: usize,
    version: u32,
    /// x, y (the plane) and the height.
    axes: [Axis; 3],
    box_height: f64,
    /// The direction light comes from, as `plot --3d` lights the surface.
    light: [f64; 3],
    /// Tick labels' and axis names' sizes in CSS px, as `plot --3d`'s.
    font_css: f64,
    title_css: f64,
}

#[wasm_bindgen]
impl SurfaceFeed {
    /// A feed sampling the surface on a `grid x grid` mesh (2 to 400).
    #[wasm_bindgen(constructor)]
    pub fn new(grid: u32) -> SurfaceFeed {
        SurfaceFeed {
            grid: (grid as usize).clamp(2, 400),
            key: String::new(),
            surface: None,
            version: 0,
            paths: Vec::new(),
        }
    }

    /// The per-frame call while the surface is shown: [`Scene::advance`]'s numbers, then the
    /// paths' news ([`SurfaceFeed::news`]), then how many of the numbers are the scene's.
    pub fn advance(&mut self, scene: &mut Scene, n: u32) -> Result<Vec<f64>, JsError> {
        scene.live.step_and_draw(n).map_err(err)?;
        let mut out = scene.live.packed();
        let own = out.len();
        self.write_news(scene, &mut out);
        out.push(own as f64);
        Ok(out)
    }

    /// What changed since the last call, for a frame that did not advance the race (paused,
    /// after a seek or an edit): `[version, racers, ink, start (x, up, y), then per racer: r,
    /// g, b, its casing's r, g, b, a, its dash pattern (4 lengths in CSS px, 0 past its end),
    /// keep, count, then count vertices (x, up, y)]`; `ink` is the device pixels of a CSS px
    /// of line (the plot's, presentation mode's room scale included). Each racer's vertices from `keep` on are replaced by the `count`
    /// given (a NaN vertex is a gap); the start is NaN off the view. A new `version`: the
    /// surface was sampled again (ask for [`SurfaceFeed::mesh`]), every path sent whole.
    pub fn news(&mut self, scene: &Scene) -> Vec<f64> {
        let mut out = Vec::new();
        self.write_news(scene, &mut out);
        out
    }

    /// The surface: `{positions: Float32Array (x, up, y per vertex), colors: Uint8Array (r, g,
    /// b), indices: Uint32Array (three per triangle), n, version, axes: [{ticks: [[at,
    /// label]], name}] (x, y, the height; `at` in the box's unit coordinates), box_height,
    /// light, font_css, title_css}`; null before the first news.
    pub fn mesh(&self) -> Result<JsValue, JsError> {
        let Some(s) = &self.surface else {
            return Ok(JsValue::NULL);
        };
        let [tx, ty, tz] = ticks(s);
        let along = |t: Vec<(f64, String)>, lo: f64, hi: f64, k: f64| {
            t.into_iter()
                .map(|(v, label)| ((v - lo) / (hi - lo) * k, label))
                .collect()
        };
        let info = MeshInfo {
            n: s.n,
            version: self.version,
            axes: [
                Axis {
                    ticks: along(tx, s.view.x[0], s.view.x[1], 1.0),
                    name: "x",
                },
                Axis {
                    ticks: along(ty, s.view.y[0], s.view.y[1], 1.0),
                    name: "y",
                },
                Axis {
                    ticks: along(tz, s.z[0], s.z[1], BOX_HEIGHT),
                    name: height_name(s),
                },
            ],
            box_height: BOX_HEIGHT,
            light: LIGHT,
            font_css: Metrics::FONT_CSS,
            title_css: Metrics::TITLE_CSS,
        };
        let mesh = s.mesh();
        let out = to_js(&info)?;
        let set = |name: &str, value: JsValue| {
            js_sys::Reflect::set(&out, &JsValue::from_str(name), &value)
                .map(|_| ())
                .map_err(|_| JsError::new("the mesh could not be handed over"))
        };
        set(
            "positions",
            js_sys::Float32Array::from(&mesh.positions[..]).into(),
        )?;
        set("colors", js_sys::Uint8Array::from(&mesh.colors[..]).into())?;
        set(
            "indices",
            js_sys::Uint32Array::from(&mesh.indices[..]).into(),
        )?;
        Ok(out)
    }
}

impl SurfaceFeed {
    /// Samples the surface again when the landscape or the view changed.
    fn refresh<L: Layer>(&mut self, live: &crate::live::Scene<L>) {
        let key = format!(
            "{}|{:?}",
            serde_json::to_string(&live.spec().landscape).unwrap_or_default(),
            live.view()
        );
        if self.surface.is_some() && key == self.key {
            return;
        }
        let race = live.race();
        self.surface = Some(Surface::sample(
            &race.objective,
            live.view(),
            &race.marks,
            self.grid,
        ));
        self.key = key;
        self.version = self.version.wrapping_add(1);
        self.paths.iter_mut().for_each(LiftedPath::clear);
    }

    fn write_news(&mut self, scene: &Scene, out: &mut Vec<f64>) {
        let live = &scene.live;
        self.refresh(live);
        let Some(s) = &self.surface else { return };
        let race = live.race();
        let trails = live.trails();
        out.push(self.version as f64);
        out.push(trails.len() as f64);
        out.push(live.ink());
        let start = s
            .lift(race.start, race.objective.value(race.start))
            .map_or([f64::NAN; 3], |q| s.unit(q));
        out.extend(start);
        self.paths.resize_with(trails.len(), LiftedPath::default);
        let dashes = live.dashes();
        for (i, (path, trail)) in self.paths.iter_mut().zip(trails).enumerate() {
            let color = colormap::parse_hex(live.color(i)).unwrap_or(INK);
            out.extend([color.0, color.1, color.2].map(f64::from));
            let c = casing(color);
            out.extend([f64::from(c.0), f64::from(c.1), f64::from(c.2), c.3]);
            let pattern = dashes.get(i).map_or(&[][..], |d| d.pattern());
            out.extend((0..4).map(|k| pattern.get(k).copied().unwrap_or(0.0)));
            let keep = path.update(s, &race.objective, trail.path.points());
            let fresh = &path.vertices()[keep..];
            out.push(keep as f64);
            out.push(fresh.len() as f64);
            out.extend(fresh.iter().flatten().map(|&c| f64::from(c)));
        }
    }
}
