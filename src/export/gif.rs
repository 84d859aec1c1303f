//! Animated GIFs from RGBA frames: one global palette, and after the first frame only the
//! rectangle that changed, its unchanged pixels transparent, so a race whose landscape stays
//! put costs a few kilobytes a frame. No file system and no clock: `optiscape animate` feeds
//! it the figure's frames, and the page can feed it its canvas (the same code compiled to
//! wasm), each getting the file's bytes back.
//!
//! The palette is fixed by the first frame: the colours the caller names (each racer's, which
//! appear later as their paths grow), then the first frame's colours from the most frequent
//! down, up to 255; index 255 is the transparent one. A later pixel takes the nearest palette
//! colour (no dithering, which would make every frame differ everywhere). The file loops forever;
//! a frame identical to the one before lengthens that one's delay instead of adding a frame.

use std::collections::HashMap;

/// Palette entries for colours; the last index is transparency.
const COLORS: usize = 255;
const TRANSPARENT: u8 = 255;
/// A first frame with more colours than the palette holds (a shaded surface) fills half the
/// room left by frequency, the rest with the next most frequent colours at least the widest of
/// these distances apart (by [`nearest`]'s measure) that still fills it, so the palette spans the
/// frame's colours instead of crowding where they are most frequent.
const SPACINGS: [i32; 8] = [48, 32, 24, 16, 12, 8, 4, 2];
/// How many of the frame's most frequent colours the spaced half is chosen from.
const SPACED_FROM: usize = 4096;

/// A GIF being written, frame by frame.
pub struct GifEncoder {
    encoder: gif::Encoder<Vec<u8>>,
    width: u16,
    height: u16,
    palette: Palette,
    /// The picture as it stands after every frame written or pending, as palette indices.
    shown: Vec<u8>,
    /// The last frame, kept until the next shows whether it must be lengthened.
    pending: Option<Pending>,
    frames: usize,
}

/// A frame not yet written: its rectangle's indices and its delay.
struct Pending {
    rect: Rect,
    indices: Vec<u8>,
    delay: u16,
    first: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rect {
    left: u16,
    top: u16,
    width: u16,
    height: u16,
}

impl GifEncoder {
    /// A GIF of `width x height` pixels starting with `first` (RGBA, row-major, alpha ignored:
    /// frames are opaque), shown for `delay` hundredths of a second. `colors` are colours that
    /// must be exact in every frame (the racers'), besides the first frame's own.
    pub fn new(
        width: u32,
        height: u32,
        first: &[u8],
        colors: &[[u8; 3]],
        delay: u16,
    ) -> Result<GifEncoder, String> {
        let (w, h) = match (u16::try_from(width), u16::try_from(height)) {
            (Ok(w), Ok(h)) if w > 0 && h > 0 => (w, h),
            _ => {
                return Err(format!(
                    "gif: the size must be 1 to 65535 pixels a side, got {width}x{height}"
                ))
            }
        };
        check_len(first, w, h)?;
        let palette = Palette::new(first, colors);
        let mut encoder = gif::Encoder::new(Vec::new(), w, h, &palette.bytes()).map_err(message)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(message)?;
        let mut this = GifEncoder {
            encoder,
            width: w,
            height: h,
            palette,
            shown: Vec::new(),
            pending: None,
            frames: 0,
        };
        let indices = this.palette.indices(first);
        this.pending = Some(Pending {
            rect: Rect {
                left: 0,
                top: 0,
                width: w,
                height: h,
            },
            indices: indices.clone(),
            delay,
            first: true,
        });
        this.shown = indices;
        this.frames = 1;
        Ok(this)
    }

    /// Adds a frame (RGBA, the size of the first), shown for `delay` hundredths of a second.
    pub fn push(&mut self, rgba: &[u8], delay: u16) -> Result<(), String> {
        check_len(rgba, self.width, self.height)?;
        let next = self.palette.indices(rgba);
        let Some(rect) = changed(&self.shown, &next, self.width as usize) else {
            if let Some(p) = &mut self.pending {
                p.delay = p.delay.saturating_add(delay);
            }
            return Ok(());
        };
        let w = self.width as usize;
        let mut indices = Vec::with_capacity(rect.width as usize * rect.height as usize);
        for y in rect.top as usize..(rect.top + rect.height) as usize {
            let row = y * w;
            for x in rect.left as usize..(rect.left + rect.width) as usize {
                let (old, new) = (self.shown[row + x], next[row + x]);
                indices.push(if old == new { TRANSPARENT } else { new });
            }
        }
        self.flush()?;
        self.pending = Some(Pending {
            rect,
            indices,
            delay,
            first: false,
        });
        self.shown = next;
        self.frames += 1;
        Ok(())
    }

    /// Frames in the file (identical frames merged).
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// The file's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        self.flush()?;
        self.encoder.into_inner().map_err(message)
    }

    fn flush(&mut self) -> Result<(), String> {
        let Some(p) = self.pending.take() else {
            return Ok(());
        };
        let frame = gif::Frame {
            delay: p.delay,
            dispose: gif::DisposalMethod::Keep,
            transparent: (!p.first).then_some(TRANSPARENT),
            left: p.rect.left,
            top: p.rect.top,
            width: p.rect.width,
            height: p.rect.height,
            buffer: std::borrow::Cow::Owned(p.indices),
            ..gif::Frame::default()
        };
        self.encoder.write_frame(&frame).map_err(message)
    }
}

fn message(e: gif::EncodingError) -> String {
    format!("gif: {e}")
}

fn check_len(rgba: &[u8], w: u16, h: u16) -> Result<(), String> {
    let want = w as usize * h as usize * 4;
    if rgba.len() != want {
        return Err(format!(
            "gif: a {w}x{h} frame has {want} RGBA bytes, got {}",
            rgba.len()
        ));
    }
    Ok(())
}

/// The smallest rectangle holding every pixel where `a` and `b` differ; None when none does.
fn changed(a: &[u8], b: &[u8], width: usize) -> Option<Rect> {
    let rows: Vec<usize> = (0..a.len() / width)
        .filter(|&y| a[y * width..(y + 1) * width] != b[y * width..(y + 1) * width])
        .collect();
    let (&top, &bottom) = (rows.first()?, rows.last()?);
    let (mut left, mut right) = (width, 0);
    for &y in &rows {
        let (ra, rb) = (
            &a[y * width..(y + 1) * width],
            &b[y * width..(y + 1) * width],
        );
        if let Some(l) = (0..left).find(|&x| ra[x] != rb[x]) {
            left = l;
        }
        if let Some(r) = (right..width).rev().find(|&x| ra[x] != rb[x]) {
            right = r;
        }
    }
    Some(Rect {
        left: left as u16,
        top: top as u16,
        width: (right - left + 1) as u16,
        height: (bottom - top + 1) as u16,
    })
}

/// Up to 255 colours and the index each RGB value maps to.
struct Palette {
    colors: Vec<[u8; 3]>,
    /// RGB (as `0xRRGGBB`) to index, filled as colours are met.
    cache: HashMap<u32, u8>,
}

fn key([r, g, b]: [u8; 3]) -> u32 {
    (r as u32) << 16 | (g as u32) << 8 | b as u32
}

impl Palette {
    /// `required` first, then `rgba`'s colours from the most frequent (ties by colour, so the
    /// palette does not depend on a hash order), up to [`COLORS`]; spaced apart past half the
    /// room when the frame has more colours than fit (see [`SPACINGS`]).
    fn new(rgba: &[u8], required: &[[u8; 3]]) -> Palette {
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for px in rgba.chunks_exact(4) {
            *counts.entry(key([px[0], px[1], px[2]])).or_default() += 1;
        }
        let mut by_count: Vec<(usize, u32)> = counts.into_iter().map(|(k, n)| (n, k)).collect();
        by_count.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut colors: Vec<[u8; 3]> = Vec::with_capacity(COLORS);
        let frequent: Vec<[u8; 3]> = by_count
            .into_iter()
            .map(|(_, k)| [(k >> 16) as u8, (k >> 8) as u8, k as u8])
            .collect();
        for &c in required {
            if colors.len() < COLORS && !colors.contains(&c) {
                colors.push(c);
            }
        }
        let fits = colors.len() + frequent.len() <= COLORS;
        let by_frequency = if fits {
            COLORS
        } else {
            colors.len() + (COLORS - colors.len()) / 2
        };
        let mut rest = frequent.iter().copied();
        for c in rest.by_ref() {
            if colors.len() == by_frequency {
                break;
            }
            if !colors.contains(&c) {
                colors.push(c);
            }
        }
        // Only a frame with more colours than fit fills the other half spaced apart; one whose
        // colours all fit already has every one of them.
        if !fits {
            let rest: Vec<[u8; 3]> = rest.take(SPACED_FROM).collect();
            colors = SPACINGS
                .iter()
                .map(|&d| spaced(&colors, &rest, d * d))
                .find(|p| p.len() == COLORS)
                .unwrap_or_else(|| spaced(&colors, &frequent, 0));
        }
        let cache = colors
            .iter()
            .enumerate()
            .map(|(i, &c)| (key(c), i as u8))
            .collect();
        Palette { colors, cache }
    }

    /// The global colour table: the colours, padded to 256 entries (the last is transparency).
    fn bytes(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self.colors.iter().flatten().copied().collect();
        out.resize(256 * 3, 0);
        out
    }

    /// `rgba` as palette indices. Runs of one colour (most of a figure) look it up once.
    fn indices(&mut self, rgba: &[u8]) -> Vec<u8> {
        let mut last: Option<([u8; 3], u8)> = None;
        rgba.chunks_exact(4)
            .map(|px| {
                let c = [px[0], px[1], px[2]];
                match last {
                    Some((seen, i)) if seen == c => i,
                    _ => {
                        let i = self.index(c);
                        last = Some((c, i));
                        i
                    }
                }
            })
            .collect()
    }

    fn index(&mut self, c: [u8; 3]) -> u8 {
        if let Some(&i) = self.cache.get(&key(c)) {
            return i;
        }
        let i = nearest(&self.colors, c);
        self.cache.insert(key(c), i);
        i
    }
}

/// Squared distance between two colours, weighted as the eye weighs red, green and blue (2, 4,
/// 3: the usual cheap approximation).
fn distance(p: [u8; 3], c: [u8; 3]) -> i32 {
    let [dr, dg, db] = [0, 1, 2].map(|k| p[k] as i32 - c[k] as i32);
    2 * dr * dr + 4 * dg * dg + 3 * db * db
}

/// The palette colour nearest `c`.
fn nearest(colors: &[[u8; 3]], c: [u8; 3]) -> u8 {
    colors
        .iter()
        .enumerate()
        .min_by_key(|(_, &p)| distance(p, c))
        .map_or(0, |(i, _)| i as u8)
}

/// `chosen`, then `candidates` in order, each taken when it is more than `min_distance` (squared)
/// from every colour taken, up to [`COLORS`].
fn spaced(chosen: &[[u8; 3]], candidates: &[[u8; 3]], min_distance: i32) -> Vec<[u8; 3]> {
    let mut out = chosen.to_vec();
    for &c in candidates {
        if out.len() == COLORS {
            break;
        }
        if out.iter().all(|&p| p != c && distance(p, c) > min_distance) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(w: usize, h: usize, c: [u8; 3]) -> Vec<u8> {
        (0..w * h).flat_map(|_| [c[0], c[1], c[2], 255]).collect()
    }

    #[test]
    fn the_changed_rectangle_is_tight() {
        let (w, h) = (7, 5);
        let a = vec![0u8; w * h];
        assert_eq!(changed(&a, &a, w), None);
        let mut b = a.clone();
        b[w + 2] = 1;
        b[3 * w + 5] = 1;
        assert_eq!(
            changed(&a, &b, w),
            Some(Rect {
                left: 2,
                top: 1,
                width: 4,
                height: 3
            })
        );
    }

    #[test]
    fn required_colours_come_first_and_others_map_to_the_nearest() {
        let mut p = Palette::new(&solid(3, 3, [10, 20, 30]), &[[255, 0, 0]]);
        assert_eq!(p.colors, [[255, 0, 0], [10, 20, 30]]);
        assert_eq!(p.index([250, 5, 0]), 0);
        assert_eq!(p.index([12, 20, 30]), 1);
        assert_eq!(p.bytes().len(), 768);
    }

    #[test]
    fn a_frame_of_many_colours_gets_a_palette_spread_over_them() {
        // 4096 colours, those with little red forty times as frequent: the palette keeps the
        // frequent half and spreads the rest, so a red one has a red neighbour.
        let rgba: Vec<u8> = (0..64u8)
            .flat_map(|i| {
                let copies = if i < 16 { 40 } else { 1 };
                (0..64u8).flat_map(move |j| (0..copies).flat_map(move |_| [4 * i, 4 * j, 128, 255]))
            })
            .collect();
        let mut p = Palette::new(&rgba, &[[0, 0, 255]]);
        assert_eq!(p.colors.len(), COLORS);
        let i = p.index([250, 250, 128]);
        let near = p.colors[i as usize];
        assert!(distance(near, [250, 250, 128]) < 80 * 80, "{near:?}");
        // Few colours: all of them, as they are.
        let p = Palette::new(&solid(3, 3, [10, 20, 30]), &[]);
        assert_eq!(p.colors, [[10, 20, 30]]);
    }

    #[test]
    fn identical_frames_lengthen_the_last() {
        let (w, h) = (4, 3);
        let mut g = GifEncoder::new(w, h, &solid(4, 3, [0, 0, 0]), &[[255, 255, 255]], 5).unwrap();
        g.push(&solid(4, 3, [0, 0, 0]), 5).unwrap();
        assert_eq!(g.frames(), 1);
        g.push(&solid(4, 3, [255, 255, 255]), 5).unwrap();
        assert_eq!(g.frames(), 2);
        assert_eq!(g.pending.as_ref().unwrap().indices.len(), 12);
        assert!(g
            .push(&[0; 3], 5)
            .unwrap_err()
            .contains("48 RGBA bytes, got 3"));
        let bytes = g.finish().unwrap();
        assert_eq!(&bytes[..6], b"GIF89a");
        assert!(GifEncoder::new(0, 3, &[], &[], 5).is_err());
    }
}
