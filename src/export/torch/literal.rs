//! Python literals for the values of a spec.

use crate::schema::{Dialect, Named, Value};

/// A float as Python reads it back to the same double: `0.05`, `1e-08`, `2.0`, `float("inf")`.
pub fn float(x: f64) -> String {
    if x.is_nan() {
        "float(\"nan\")".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "float(\"inf\")"
        } else {
            "-float(\"inf\")"
        }
        .into()
    } else {
        // Rust's Debug is the shortest text that reads back, always with a point or exponent.
        format!("{x:?}")
    }
}

/// A Python string literal.
pub fn string(s: &str) -> String {
    // JSON's escapes are Python's too; characters past ASCII stay as they are (UTF-8 source).
    serde_json::to_string(s).expect("a string serializes")
}

/// Python literals, the words of [`value`]; schedulers are written by the script itself.
struct Python;

impl Dialect for Python {
    const NONE: &'static str = "None";
    fn flag(b: bool) -> String {
        if b { "True" } else { "False" }.into()
    }
    fn number(x: f64) -> String {
        float(x)
    }
    fn text(t: &str) -> String {
        string(t)
    }
    fn scheduler(n: &Named) -> String {
        format!("<scheduler {}>", n.name)
    }
    fn schedulers(list: &[Named]) -> String {
        format!("<{} schedulers>", list.len())
    }
}

/// A hyperparameter's value as the Python its torch argument takes (schedulers apart).
pub fn value(v: &Value) -> String {
    v.written::<Python>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(float(0.05), "0.05");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(1e-8), "1e-8");
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(f64::INFINITY), "float(\"inf\")");
        assert_eq!(string("Adam, β2 \"0.9\""), "\"Adam, β2 \\\"0.9\\\"\"");
        assert_eq!(
            value(&Value::Tuple(vec![None, Some(1e-3)].into())),
            "(None, 0.001)"
        );
        assert_eq!(value(&Value::Choice(None)), "None");
    }
}
