//! What every spec parser must do with any input, shared by the fuzz targets.

use std::fmt::Debug;

/// `data` parsed by `parse`, or None when it is not UTF-8 or not a valid spec. A rejected
/// spec's error must be one non-empty line; an accepted one must round-trip through `to_json`.
pub fn parsed<T: PartialEq + Debug>(data: &[u8], parse: impl Fn(&str) -> Result<T, String>, to_json: impl Fn(&T) -> String) -> Option<T> {
    let text = std::str::from_utf8(data).ok()?;
    let spec = match parse(text) {
        Ok(spec) => spec,
        Err(e) => {
            assert!(!e.trim().is_empty(), "empty error for {text:?}");
            assert!(!e.contains('\n') && !e.contains('\r'), "error is not one line: {e:?}");
            return None;
        }
    };
    let json = to_json(&spec);
    assert_eq!(parse(&json).as_ref(), Ok(&spec), "round trip of {json}");
    Some(spec)
}
