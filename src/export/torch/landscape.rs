//! A landscape as a torch function `f(x, y)`, written with torch's elementwise operations so it
//! takes two numbers or two grids alike: the textbook ones from their formulas, a typed formula
//! translated operation by operation from its parsed program.

use super::literal::float;
use crate::landscape::digits2d::SAMPLES;
use crate::landscape::expr::{Formula, Func, Op};
use crate::spec::LandscapeSpec;

/// `def f(x, y): ...` for the landscape of `spec` (before its scale and turn).
pub fn function(spec: &LandscapeSpec) -> String {
    let h = &spec.hyper;
    let body = match spec.info.name {
        "rosenbrock" => format!("    return ({} - x) ** 2 + {} * (y - x**2) ** 2\n", float(h.num("a")), float(h.num("b"))),
        "gaussian_mixture" => GAUSSIAN_MIXTURE.to_string(),
        "beale" => "    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2\n".into(),
        "himmelblau" => "    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2\n".into(),
        "rastrigin" => "    return 20.0 + ((x**2 - 10.0 * torch.cos(2 * math.pi * x)) + (y**2 - 10.0 * torch.cos(2 * math.pi * y)))\n".into(),
        "styblinski_tang" => "    return 0.5 * ((x**4 - 16 * x**2 + 5 * x) + (y**4 - 16 * y**2 + 5 * y))\n".into(),
        "quadratic" => format!("    return 0.5 * (x * x + {} * y * y)\n", float(h.num("condition"))),
        "saddle" => "    return x * x + 0.25 * y**4 - 0.5 * y * y\n".into(),
        "digits2d" => digits2d(h.num("input_scale")),
        "custom" => match Formula::parse(h.text("f")) {
            Ok(formula) => format!("    return {}\n", formula_to_torch(&formula)),
            Err(e) => unreachable!("the spec's formula was validated: {e}"),
        },
        other => unreachable!("every landscape has a torch formula; {other} has none"),
    };
    let about = match spec.info.name {
        "custom" => format!("f(x, y) = {}", h.text("f")),
        _ => format!("{}: {}", spec.info.title, spec.info.formula),
    };
    format!(
        "def f(x, y):\n    \"\"\"{}\"\"\"\n{body}",
        about.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

const GAUSSIAN_MIXTURE: &str = "    total = 0.0
    for mx, my in ((-2.0, -2.0), (2.0, 2.0), (-2.0, 2.0), (2.0, -2.0)):
        dx, dy = x - mx, y - my
        # S^-1 d, with S = [[1, 0.5], [0.5, 1]]
        sx, sy = (1.0 / 0.75) * dx + (-0.5 / 0.75) * dy, (-0.5 / 0.75) * dx + (1.0 / 0.75) * dy
        q = dx * sx + dy * sy
        total = total + 0.25 * (1.0 / (2.0 * math.pi * math.sqrt(0.75))) * torch.exp(-0.5 * q)
    return -total
";

/// Logistic regression of the 1s against the 4s on two ink features (src/landscape/digits2d.rs).
fn digits2d(input_scale: f64) -> String {
    let rows: Vec<String> = SAMPLES
        .chunks(6)
        .map(|c| {
            c.iter()
                .map(|(a, b, s, d)| format!("({a}, {b}, {s}, {d})"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    format!(
        "    # Per training image of a 1 or a 4 among the first 898 digits: the ink sums of its central 2x2
    # and 4x4 blocks and of the whole image, and the digit. Features u = (4 S16 - S64) / 128,
    # v = (16 S4 - S64) / 128 times the input scale, negated for a 4 (the label t = +1).
    samples = [
        {}
    ]
    s = {}
    a = torch.tensor([[(4 * s16 - s64) / 128 * s, (16 * s4 - s64) / 128 * s] for s4, s16, s64, _ in samples])
    a = a * torch.tensor([[-1.0] if digit == 4 else [1.0] for *_, digit in samples])
    m = torch.as_tensor(x)[..., None] * a[:, 0] + torch.as_tensor(y)[..., None] * a[:, 1]
    # softplus(m) = log(1 + e^m). Far out, where every image is classified with certainty, autograd's
    # second derivative of it, sigmoid(m) (1 - sigmoid(m)), rounds to 0 where optiscape's
    # e^-|m| / (1 + e^-|m|)^2 is tiny but positive: Newton's method parts there.
    return torch.logaddexp(m, torch.zeros_like(m)).mean(-1)
",
        rows.join(",\n        "),
        float(input_scale)
    )
}

/// Precedence of a Python expression's top operator (higher binds tighter).
const SUM: u8 = 1;
const PRODUCT: u8 = 2;
const UNARY: u8 = 3;
const POWER: u8 = 4;
const ATOM: u8 = 5;

/// A typed formula as one Python expression of `x`, `y` and torch functions, in the parsed
/// program's order of operations (constants as the parser folded them).
pub fn formula_to_torch(formula: &Formula) -> String {
    let mut stack: Vec<(String, u8)> = Vec::new();
    let mut varies = false;
    for op in formula.program() {
        let item = match *op {
            Op::X | Op::Y => {
                varies = true;
                ((if *op == Op::X { "x" } else { "y" }).to_string(), ATOM)
            }
            Op::Const(c) => constant(c),
            Op::Neg => {
                let a = stack.pop().expect("a formula's program is well formed");
                (format!("-{}", wrap(a, UNARY)), UNARY)
            }
            Op::Call(f) => {
                let (a, _) = stack.pop().expect("a formula's program is well formed");
                (format!("torch.{}({a})", torch_name(f)), ATOM)
            }
            Op::PowInt(n) => {
                let a = stack.pop().expect("a formula's program is well formed");
                let n = if n < 0 {
                    format!("({n})")
                } else {
                    n.to_string()
                };
                (format!("{} ** {n}", wrap(a, ATOM)), POWER)
            }
            Op::PowConst(c) => {
                let a = stack.pop().expect("a formula's program is well formed");
                (
                    format!("{} ** {}", wrap(a, ATOM), wrap(constant(c), ATOM)),
                    POWER,
                )
            }
            Op::Pow | Op::Add | Op::Sub | Op::Mul | Op::Div => {
                let b = stack.pop().expect("a formula's program is well formed");
                let a = stack.pop().expect("a formula's program is well formed");
                match *op {
                    Op::Add => (format!("{} + {}", wrap(a, SUM), wrap(b, SUM + 1)), SUM),
                    Op::Sub => (format!("{} - {}", wrap(a, SUM), wrap(b, SUM + 1)), SUM),
                    Op::Mul => (
                        format!("{} * {}", wrap(a, PRODUCT), wrap(b, PRODUCT + 1)),
                        PRODUCT,
                    ),
                    Op::Div => (
                        format!("{} / {}", wrap(a, PRODUCT), wrap(b, PRODUCT + 1)),
                        PRODUCT,
                    ),
                    _ => (format!("{} ** {}", wrap(a, ATOM), wrap(b, POWER)), POWER),
                }
            }
        };
        stack.push(item);
    }
    let (text, _) = stack.pop().expect("a formula has a value");
    // A constant formula still has a gradient (zero) in torch.
    if varies {
        text
    } else {
        format!("{text} + 0.0 * (x + y)")
    }
}

/// `text` in parentheses unless its operator binds at least as tightly as `at_least`.
fn wrap((text, precedence): (String, u8), at_least: u8) -> String {
    if precedence >= at_least {
        text
    } else {
        format!("({text})")
    }
}

fn constant(c: f64) -> (String, u8) {
    let text = float(c);
    let precedence = if text.starts_with('-') { UNARY } else { ATOM };
    (text, precedence)
}

fn torch_name(f: Func) -> &'static str {
    match f {
        Func::Sin => "sin",
        Func::Cos => "cos",
        Func::Tan => "tan",
        Func::Exp => "exp",
        Func::Ln => "log",
        Func::Log10 => "log10",
        Func::Sqrt => "sqrt",
        Func::Sinh => "sinh",
        Func::Cosh => "cosh",
        Func::Tanh => "tanh",
        Func::Atan => "atan",
        Func::Abs => "abs",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn torch(text: &str) -> String {
        formula_to_torch(&Formula::parse(text).unwrap())
    }

    #[test]
    fn formulas_keep_their_order_and_precedence() {
        assert_eq!(
            torch("2x^2 - 1.05x^4 + x^6/6 + x y + y^2"),
            "2.0 * x ** 2 - 1.05 * x ** 4 + x ** 6 / 6.0 + x * y + y ** 2"
        );
        assert_eq!(torch("-x^2"), "-x ** 2");
        assert_eq!(torch("(x + 1)(y - 1)"), "(x + 1.0) * (y - 1.0)");
        assert_eq!(torch("x - (y - 1)"), "x - (y - 1.0)");
        assert_eq!(torch("x / (y * 2)"), "x / (y * 2.0)");
        assert_eq!(torch("2^-x"), "2.0 ** (-x)");
        assert_eq!(torch("x^y^2"), "x ** y ** 2");
        assert_eq!(torch("(x^y)^2"), "(x ** y) ** 2");
        assert_eq!(torch("x^-1 + x^0.5"), "x ** (-1) + x ** 0.5");
        assert_eq!(
            torch("exp(8x) + log(y) + ln(y) + log10(abs(x))"),
            "torch.exp(8.0 * x) + torch.log(y) + torch.log(y) + torch.log10(torch.abs(x))"
        );
        assert_eq!(torch("sin(pi x)"), "torch.sin(3.141592653589793 * x)");
        assert_eq!(torch("-(x + y)"), "-(x + y)");
        assert_eq!(torch("3"), "3.0 + 0.0 * (x + y)");
    }
}
