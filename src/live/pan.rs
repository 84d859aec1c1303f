//! The trails while the view pans or zooms: the layers they are drawn on are shown moved (a
//! scale and an offset, which a canvas takes as a CSS transform) instead of stroking every path
//! again each frame, which at a projector's 3840 x 2160 takes far longer than a frame. New
//! pieces are drawn in the layers' own pixels meanwhile, so they move with them; once the view
//! rests ([`Scene::refine`], called on frames without a pan), every path is drawn exactly again.

use super::scene::Scene;
use super::Layer;
use crate::render::layout::PlotRect;
use crate::render::Mapping;

/// How a layer drawn for one mapping is shown for another: device pixel `p` of the layer
/// appears at `scale * p + offset` (per axis), inside `clip` (device pixels of the screen).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moved {
    pub scale: [f64; 2],
    pub offset: [f64; 2],
    /// The plot rectangle: nothing moved shows outside it.
    pub clip: PlotRect,
    /// Device pixels per CSS pixel, for a surface placed in CSS pixels.
    pub dpr: f64,
}

impl Moved {
    /// What takes pixels drawn for `from` to where `to` puts the same data points, or None when
    /// that is no finite, positive scaling (the two plots differ in size, or a view is empty).
    pub fn between(from: &Mapping, to: &Mapping, dpr: f64) -> Option<Moved> {
        if from.plot != to.plot {
            return None;
        }
        let p = from.plot;
        let (a, b) = (
            [p.x as f64, p.y as f64],
            [p.right() as f64, p.bottom() as f64],
        );
        let (qa, qb) = (to.to_px(from.to_data(a)), to.to_px(from.to_data(b)));
        let scale = [
            (qb[0] - qa[0]) / (b[0] - a[0]),
            (qb[1] - qa[1]) / (b[1] - a[1]),
        ];
        let offset = [qa[0] - scale[0] * a[0], qa[1] - scale[1] * a[1]];
        let fine =
            scale.iter().all(|s| s.is_finite() && *s > 0.0) && offset.iter().all(|o| o.is_finite());
        fine.then_some(Moved {
            scale,
            offset,
            clip: p,
            dpr,
        })
    }

    /// Where layer pixel `p` shows.
    pub fn apply(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        [
            self.scale[0] * x + self.offset[0],
            self.scale[1] * y + self.offset[1],
        ]
    }
}

impl<L: Layer> Scene<L> {
    /// After a pan or zoom: the trail layers shown moved to the new view, nothing stroked;
    /// every path drawn again on the next frame when they cannot be (never drawn, other size).
    pub(super) fn move_trails(&mut self) {
        let now = self.mapping();
        let moved = (self.trails_at.as_ref()).and_then(|at| Moved::between(at, &now, self.dpr));
        match moved {
            Some(m) if !self.trails_stale => {
                self.layers.casings.show_moved(Some(m));
                self.layers.trails.show_moved(Some(m));
                self.trails_moved = true;
            }
            _ => self.trails_stale = true,
        }
    }

    /// The mapping the trails are drawn with this frame: the view's when every path is drawn
    /// again (the layers then shown as drawn), else the one the layers were drawn for.
    pub(super) fn trails_mapping(&mut self, stale: bool) -> Mapping {
        match self.trails_at {
            Some(at) if !stale => at,
            _ => {
                let now = self.mapping();
                self.trails_at = Some(now);
                if std::mem::take(&mut self.trails_moved) {
                    self.layers.casings.show_moved(None);
                    self.layers.trails.show_moved(None);
                }
                now
            }
        }
    }

    /// Whether the trails are shown moved, to be drawn exactly at the view ([`Scene::refine`]).
    pub fn trails_moved(&self) -> bool {
        self.trails_moved
    }

    /// Draws the trails exactly at the view when they are shown moved.
    pub(super) fn settle_trails(&mut self) -> Result<(), String> {
        if self.trails_moved {
            self.trails_stale = true;
            self.draw_trails()?;
        }
        Ok(())
    }
}
