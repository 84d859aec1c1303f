//! A landscape turned: `f_θ(p) = f(c + R(−θ)(p − c))`, with `R(φ)` the counter-clockwise
//! rotation and `c` the centre of the landscape's default view. Its gradient is `R(θ)∇f` and its
//! Hessian `R(θ) H R(θ)ᵀ` at the point of `f` under `p`; marks, minima and the default start turn
//! by `R(θ)` about `c`. The scale lesson's twin: SGD's path turns with the landscape, Adam's,
//! which works coordinate by coordinate, changes.

use super::{Landscape, Matrix, Point};

/// A rotation by a number of degrees about a centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rotation {
    centre: Point,
    cos: f64,
    sin: f64,
}

impl Rotation {
    /// Turns by `degrees` counter-clockwise about `centre`. Multiples of 90 degrees turn exactly
    /// (cos and sin in {-1, 0, 1}: `cos(π/2)` is not 0 in floating point).
    pub fn new(degrees: f64, centre: Point) -> Rotation {
        let quarter = degrees / 90.0;
        let (sin, cos) = if quarter.fract() == 0.0 {
            match (quarter as i64).rem_euclid(4) {
                0 => (0.0, 1.0),
                1 => (1.0, 0.0),
                2 => (0.0, -1.0),
                _ => (-1.0, 0.0),
            }
        } else {
            let radians = degrees.to_radians();
            (crate::math::sin(radians), crate::math::cos(radians))
        };
        Rotation { centre, cos, sin }
    }

    /// The centre, and the cosine and sine of the angle.
    pub fn parts(&self) -> (Point, f64, f64) {
        (self.centre, self.cos, self.sin)
    }

    /// `c + R(θ)(p − c)`: where the point `p` of the unturned landscape lies after the turn.
    pub fn turn(&self, p: Point) -> Point {
        let [cx, cy] = self.centre;
        let (dx, dy) = (p[0] - cx, p[1] - cy);
        [
            cx + (self.cos * dx - self.sin * dy),
            cy + (self.sin * dx + self.cos * dy),
        ]
    }

    /// `c + R(−θ)(p − c)`: the point of the unturned landscape under `p`.
    pub fn back(&self, p: Point) -> Point {
        let [cx, cy] = self.centre;
        let (dx, dy) = (p[0] - cx, p[1] - cy);
        [
            cx + (self.cos * dx + self.sin * dy),
            cy + (self.cos * dy - self.sin * dx),
        ]
    }

    /// `R(θ) v`, a vector turned (no centre).
    pub fn vector(&self, [x, y]: Point) -> Point {
        [self.cos * x - self.sin * y, self.sin * x + self.cos * y]
    }
}

/// A landscape turned by a [`Rotation`].
pub struct Rotated {
    pub f: Box<dyn Landscape>,
    pub rotation: Rotation,
}

impl Landscape for Rotated {
    fn value(&self, p: Point) -> f64 {
        self.f.value(self.rotation.back(p))
    }

    fn gradient(&self, p: Point) -> Point {
        self.rotation.vector(self.f.gradient(self.rotation.back(p)))
    }

    fn hessian(&self, p: Point) -> Matrix {
        let [[a, b], [c, d]] = self.f.hessian(self.rotation.back(p));
        // R H, then (R H) Rᵀ.
        let [r0, r1] = [self.rotation.vector([a, c]), self.rotation.vector([b, d])];
        let (m00, m10, m01, m11) = (r0[0], r0[1], r1[0], r1[1]);
        let (cos, sin) = (self.rotation.cos, self.rotation.sin);
        [
            [m00 * cos - m01 * sin, m00 * sin + m01 * cos],
            [m10 * cos - m11 * sin, m10 * sin + m11 * cos],
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turns_are_exact() {
        let r = Rotation::new(90.0, [1.0, 2.0]);
        assert_eq!(r.turn([2.0, 2.0]), [1.0, 3.0]);
        assert_eq!(r.back([1.0, 3.0]), [2.0, 2.0]);
        assert_eq!(
            Rotation::new(-90.0, [0.0, 0.0]).turn([1.0, 0.0]),
            [0.0, -1.0]
        );
        assert_eq!(
            Rotation::new(180.0, [0.0, 0.0]).turn([1.0, 2.0]),
            [-1.0, -2.0]
        );
        assert_eq!(
            Rotation::new(360.0, [0.0, 0.0]).turn([1.0, 2.0]),
            [1.0, 2.0]
        );
    }

    #[test]
    fn back_undoes_turn() {
        let r = Rotation::new(33.0, [0.5, -1.5]);
        let p = [2.0, 0.25];
        let q = r.back(r.turn(p));
        assert!(
            (q[0] - p[0]).abs() < 1e-15 && (q[1] - p[1]).abs() < 1e-15,
            "{q:?}"
        );
    }
}
