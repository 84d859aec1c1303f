//! The 8x8 handwritten digits: 1797 images of 64 pixels with values 0..=16, and their labels.
//!
//! It is the test set of the UCI "Optical Recognition of Handwritten Digits" data (Alpaydin and
//! Kaynak, 1998; CC BY 4.0), as scikit-learn ships it (`load_digits`). It is committed as
//! `www/data/digits.bin`: the 10 bytes `OPTDIGITS1`, the sample count as a little-endian u16, then
//! for every sample its 64 pixels and its label, one byte each (116,817 bytes). The native build
//! embeds it; the page fetches it from its own origin and hands the bytes to the wasm.

/// Pixels per image.
pub const FEATURES: usize = 64;
/// Digit classes.
pub const CLASSES: usize = 10;
/// The seed's split: the first half trains, the rest tests, no shuffle.
pub const TRAIN: usize = 898;
/// The held-out digits, after the training ones.
pub const TEST: usize = 899;

const MAGIC: &[u8] = b"OPTDIGITS1";

#[derive(Clone, Debug)]
pub struct Digits {
    /// Row-major, `len() * FEATURES` pixel values.
    pub pixels: Vec<f64>,
    pub labels: Vec<u8>,
}

impl Digits {
    pub fn parse(bytes: &[u8]) -> Result<Digits, String> {
        let body = bytes
            .strip_prefix(MAGIC)
            .ok_or("digits data: not an OPTDIGITS1 file")?;
        if body.len() < 2 {
            return Err("digits data: truncated header".into());
        }
        let n = u16::from_le_bytes([body[0], body[1]]) as usize;
        let rows = &body[2..];
        if rows.len() != n * (FEATURES + 1) {
            return Err(format!(
                "digits data: {} bytes for {n} samples, expected {}",
                rows.len(),
                n * (FEATURES + 1)
            ));
        }
        let mut pixels = Vec::with_capacity(n * FEATURES);
        let mut labels = Vec::with_capacity(n);
        for row in rows.chunks_exact(FEATURES + 1) {
            if row[..FEATURES].iter().any(|&p| p > 16) || row[FEATURES] as usize >= CLASSES {
                return Err("digits data: a pixel above 16 or a label above 9".into());
            }
            pixels.extend(row[..FEATURES].iter().map(|&p| p as f64));
            labels.push(row[FEATURES]);
        }
        Ok(Digits { pixels, labels })
    }

    /// The copy compiled into native (and WASI) builds; the page fetches its own.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn embedded() -> Digits {
        Digits::parse(include_bytes!("../../www/data/digits.bin"))
            .expect("the committed digits file is valid")
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn image(&self, i: usize) -> &[f64] {
        &self.pixels[i * FEATURES..(i + 1) * FEATURES]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_file_has_the_known_shape() {
        let d = Digits::embedded();
        assert_eq!(d.len(), 1797);
        let mut counts = [0usize; CLASSES];
        d.labels.iter().for_each(|&l| counts[l as usize] += 1);
        assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
        assert_eq!(d.labels[..5], [0, 1, 2, 3, 4]);
    }

    #[test]
    fn bad_bytes_are_errors() {
        assert!(Digits::parse(b"nope").is_err());
        assert!(Digits::parse(b"OPTDIGITS1\x01\x00\x00").is_err());
    }
}
