#!/usr/bin/env python3
"""Generate the golden trajectories that pin every optimizer to its reference implementation.

Run by hand where the references are installed (CI never runs this; it reads the JSON):

    pip install torch adabelief-pytorch==0.2.1 lion-pytorch
    python3 tests/golden/generate.py            # every file
    python3 tests/golden/generate.py adam lion  # only these optimizers' files

torch drives every case; each other reference package is imported only by the optimizer that
uses it, so generating one optimizer's goldens needs only torch and that optimizer's reference.
An optimizer with no reference package is pinned by a formula in tests/golden.rs instead.

For every optimizer configuration below, on every landscape (and the default configuration also at
scale 1e-3 and 1e3, and with noisy gradients at scales 1 and 1e3), the reference optimizer takes
500 steps on a single 2-vector in float64.
The gradient fed to the reference is optiscape's own analytic one, reproduced operation by
operation in plain float arithmetic (so that chaotic trajectories, which amplify a last-bit
difference, still agree); derivatives.json separately pins those derivatives to torch.autograd. The trajectory is kept at steps 0-20 and every 10th step
after; tests/golden.rs compares to 1e-10. A run stops, as optiscape's runner does, at the first
iterate that is not finite or exceeds 1e12 in magnitude, or whose loss is not finite (diverged_at),
or where textbook Newton has no step at a singular Hessian (singular_at).

Output: tests/golden/<optimizer>.json, one file per optimizer, and lr_scheduler.json,
clipping.json and rotate.json: races with every scheduler (and the learning rate of every
step), with gradient clipping, and on turned landscapes.
"""

import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)


# torch's CPU sqrt on contiguous float64 tensors goes through MKL's vdSqrt, which is not correctly
# rounded: it is one ulp off in about 0.8% of calls (measured with torch 2.15). A one-ulp
# difference is invisible on most paths but grows without bound where a trajectory is chaotic
# (centered RMSprop near a minimum, where s - m^2 cancels). optiscape uses IEEE-754 sqrt, as Rust,
# Python and the browser do, so the references use it too: the optimizers' algorithms are pinned,
# not one math library's rounding.
def _correct_sqrt(t):
    values = [math.sqrt(v) if v >= 0 else math.nan for v in t.reshape(-1).tolist()]
    return torch.tensor(values, dtype=t.dtype).reshape(t.shape)


def _correct_sqrt_(t):
    return t.copy_(_correct_sqrt(t))


torch.Tensor.sqrt = _correct_sqrt
torch.Tensor.sqrt_ = _correct_sqrt_

# ATen picks its CPU kernels by the machine's vector instructions, and their last bits differ: with
# ATEN_CPU_CAPABILITY=default (no FMA), 541 of the 910 cases of the first twelve optimizers change,
# the chaotic ones by whole units. optiscape mirrors the AVX2 and AVX-512 kernels (built with FMA:
# see src/optim/mod.rs), so the goldens come from one of those, and each file records which
# ("cpu_capability"). They were made with torch 2.15 on an AMD EPYC with AVX-512; the files from
# before that field regenerate identically there.
CPU_CAPABILITY = torch.backends.cpu.get_cpu_capability()
if CPU_CAPABILITY not in ("AVX2", "AVX512"):
    sys.exit(f"ATen's CPU capability is {CPU_CAPABILITY}: generate the goldens where it is AVX2 or AVX512")

STEPS = 500
LIMIT = 1e12
HERE = os.path.dirname(os.path.abspath(__file__))


# --- landscapes ------------------------------------------------------------------------------
# Each landscape twice: in torch ops, for autograd, and as optiscape computes its derivatives, in
# plain float arithmetic with the same operations in the same order (argmin_testfunctions'
# formulas; x.powi(n) multiplies as LLVM expands it). The optimizers are driven by the second, so
# the goldens pin the optimizers to the last bit even where a trajectory is chaotic; the first
# checks the second (derivatives.json, compared in tests/landscapes.rs).

def powi(x, n):
    """x.powi(n) for n >= 1, as LLVM and compiler-rt's __powidf2 compute it."""
    result, square = None, x
    while n:
        if n & 1:
            result = square if result is None else result * square
        square = square * square
        n >>= 1
    return result


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_d(x, y, a=1.0, b=100.0):
    t1 = -4.0 * b * x * (y - powi(x, 2))
    t2 = 2.0 * b * (y - powi(x, 2))
    g = [t1 + 2.0 * (x - a), t2]
    h00 = 12.0 * b * powi(x, 2) - 4.0 * b * y + 2.0 * a
    off = -4.0 * b * x
    return g, [[h00, off], [off, 2.0 * b]]


MEANS = [(-2.0, -2.0), (2.0, 2.0), (-2.0, 2.0), (2.0, -2.0)]
INV = [[1 / 0.75, -0.5 / 0.75], [-0.5 / 0.75, 1 / 0.75]]


def gaussian_mixture(p):
    total = 0
    for mx, my in MEANS:
        dx, dy = p[0] - mx, p[1] - my
        q = dx * (INV[0][0] * dx + INV[0][1] * dy) + dy * (INV[1][0] * dx + INV[1][1] * dy)
        total = total + 0.25 * torch.exp(-0.5 * q) / (2 * math.pi * math.sqrt(0.75))
    return -total


def gaussian_mixture_d(x, y):
    norm = 1.0 / (2.0 * math.pi * math.sqrt(0.75))
    g = [0.0, 0.0]
    h = [[0.0, 0.0], [0.0, 0.0]]
    for mx, my in MEANS:
        d = [x - mx, y - my]
        sd = [INV[0][0] * d[0] + INV[0][1] * d[1], INV[1][0] * d[0] + INV[1][1] * d[1]]
        q = d[0] * sd[0] + d[1] * sd[1]
        wn = 0.25 * norm * math.exp(-0.5 * q)
        g = [g[0] + wn * sd[0], g[1] + wn * sd[1]]
        for i in range(2):
            for j in range(2):
                h[i][j] += wn * (INV[i][j] - sd[i] * sd[j])
    return g, h


def beale(p):
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def beale_d(x1, x2):
    x1p2 = powi(x1, 2)
    x2p2, x2p3, x2p4, x2p5, x2p6 = (powi(x2, n) for n in (2, 3, 4, 5, 6))
    g = [
        5.25 * x2p3 + 4.5 * x2p2 + 3.0 * x2 + 2.0 * x1 * (x2p6 + x2p4 - 2.0 * x2p3 - x2p2 - 2.0 * x2 + 3.0) - 12.75,
        6.0 * x1 * (2.625 * x2p2 + 1.5 * x2 + x1 * (x2p5 + (2.0 / 3.0) * x2p3 - x2p2 - (1.0 / 3.0) * (x2 + 1.0)) + 0.5),
    ]
    off = (12.0 * x1 * x2p5 + 8.0 * x1 * x2p3 - 12.0 * x1 * x2p2 + 15.75 * x2p2 - 4.0 * x1 * x2
           + 9.0 * x2 - 4.0 * x1 + 3.0)
    h = [
        [2.0 * (x2p6 + x2p4 - 2.0 * x2p3 - x2p2 - 2.0 * x2 + 3.0), off],
        [off, 30.0 * x1p2 * x2p4 + 12.0 * x1p2 * x2p2 - 12.0 * x1p2 * x2 + 31.5 * x1 * x2 - 2.0 * x1p2 + 9.0 * x1],
    ]
    return g, h


def himmelblau(p):
    x, y = p[0], p[1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def himmelblau_d(x1, x2):
    g = [
        4.0 * x1 * (powi(x1, 2) + x2 - 11.0) + 2.0 * (x1 + powi(x2, 2) - 7.0),
        4.0 * x2 * (powi(x2, 2) + x1 - 7.0) + 2.0 * (x2 + powi(x1, 2) - 11.0),
    ]
    off = 4.0 * (x1 + x2)
    h = [
        [4.0 * (powi(x1, 2) + x2 - 11.0) + 8.0 * powi(x1, 2) + 2.0, off],
        [off, 4.0 * (powi(x2, 2) + x1 - 7.0) + 8.0 * powi(x2, 2) + 2.0],
    ]
    return g, h


def rastrigin(p):
    return 20 + torch.sum(p**2 - 10 * torch.cos(2 * math.pi * p))


def rastrigin_d(x, y, a=10.0):
    npi2 = 2.0 * math.pi
    n4pisq = 4.0 * powi(math.pi, 2)
    g = [2.0 * c + npi2 * a * math.sin(npi2 * c) for c in (x, y)]
    h = [[2.0 + n4pisq * a * math.cos(npi2 * x), 0.0], [0.0, 2.0 + n4pisq * a * math.cos(npi2 * y)]]
    return g, h


def styblinski_tang(p):
    return 0.5 * torch.sum(p**4 - 16 * p**2 + 5 * p)


def styblinski_tang_d(x, y):
    g = [2.0 * powi(c, 3) - 16.0 * c + 2.5 for c in (x, y)]
    h = [[6.0 * powi(x, 2) - 16.0, 0.0], [0.0, 6.0 * powi(y, 2) - 16.0]]
    return g, h


def quadratic(p):
    return 0.5 * (p[0] ** 2 + 10 * p[1] ** 2)


def quadratic_d(x, y, k=10.0):
    return [x, k * y], [[1.0, 0.0], [0.0, k]]


def saddle(p):
    x, y = p[0], p[1]
    return x**2 + y**4 / 4 - y**2 / 2


def saddle_d(x, y):
    return [2.0 * x, powi(y, 3) - y], [[2.0, 0.0], [0.0, 3.0 * y * y - 1.0]]


# digits2d: logistic regression of the 1s against the 4s among the first 898 8x8 digits, read from
# the page's own data file (src/classify/digits.rs describes it; src/landscape/digits2d.rs keeps
# the same sums as a table and checks it against the file). Per image, a = -t (u, v) with t = +1
# for a 4 and -1 for a 1, u = (4 S16 - S64) / 128, v = (16 S4 - S64) / 128 (ink sums of the
# central 4x4 and 2x2 blocks and the whole image): exact in float64.

def _digits2d_features():
    with open(os.path.join(HERE, "..", "..", "www", "data", "digits.bin"), "rb") as fh:
        data = fh.read()
    assert data[:10] == b"OPTDIGITS1"
    n = int.from_bytes(data[10:12], "little")
    out = []
    for i in range(898):
        row = data[12 + 65 * i:12 + 65 * (i + 1)]
        if row[64] not in (1, 4):
            continue
        ink = lambda lo, hi: sum(row[r * 8 + c] for r in range(lo, hi) for c in range(lo, hi))  # noqa: E731
        s4, s16, s64 = float(ink(3, 5)), float(ink(2, 6)), float(ink(0, 8))
        u, v = (4.0 * s16 - s64) / 128.0 * 1.0, (16.0 * s4 - s64) / 128.0 * 1.0
        out.append([-u, -v] if row[64] == 4 else [u, v])
    assert n == 1797 and len(out) == 180
    return out


DIGITS2D = _digits2d_features()


def digits2d(p):
    m = torch.tensor(DIGITS2D) @ p
    return torch.logaddexp(m, torch.zeros_like(m)).mean()


def digits2d_d(x, y):
    g = [0.0, 0.0]
    h = [0.0, 0.0, 0.0]
    for a0, a1 in DIGITS2D:
        m = x * a0 + y * a1
        e = math.exp(-abs(m))
        s = 1.0 / (1.0 + e) if m >= 0.0 else e / (1.0 + e)
        g = [g[0] + s * a0, g[1] + s * a1]
        q = e / ((1.0 + e) * (1.0 + e))
        h = [h[0] + q * a0 * a0, h[1] + q * a0 * a1, h[2] + q * a1 * a1]
    n = float(len(DIGITS2D))
    off = h[1] / n
    return [g[0] / n, g[1] / n], [[h[0] / n, off], [off, h[2] / n]]


# custom: a typed formula, at its default, the three-hump camel 2x^2 - 1.05x^4 + x^6/6 + x y + y^2.
# optiscape differentiates it automatically (src/landscape/expr.rs: second-order dual numbers run
# through the formula's stack program); custom_d replays that program with the same operations.

def _powi_sq(u, n):
    """expr.rs's powi: repeated squaring, 1 / u^|n| for n < 0."""
    base, k, acc = u, abs(n), 1.0
    while k > 0:
        if k & 1:
            acc *= base
        k >>= 1
        if k > 0:
            base *= base
    return 1.0 / acc if n < 0 else acc


class _Dual2:
    """A value with its gradient g and Hessian h = [xx, xy, yy], as expr.rs's Dual2."""

    def __init__(self, v, g=(0.0, 0.0), h=(0.0, 0.0, 0.0)):
        self.v, self.g, self.h = v, list(g), list(h)

    def chain(self, v, d1, d2):
        gx, gy = self.g
        hxx, hxy, hyy = self.h
        return _Dual2(v, [d1 * gx, d1 * gy], [d1 * hxx + d2 * gx * gx, d1 * hxy + d2 * gx * gy, d1 * hyy + d2 * gy * gy])


def _dual_op(op, a, b=None):
    if op == "add":
        return _Dual2(a.v + b.v, [a.g[i] + b.g[i] for i in range(2)], [a.h[i] + b.h[i] for i in range(3)])
    if op == "sub":
        return _Dual2(a.v - b.v, [a.g[i] - b.g[i] for i in range(2)], [a.h[i] - b.h[i] for i in range(3)])
    if op == "mul":
        ag, bg, ah, bh = a.g, b.g, a.h, b.h
        return _Dual2(a.v * b.v, [ag[0] * b.v + a.v * bg[0], ag[1] * b.v + a.v * bg[1]],
                      [ah[0] * b.v + 2.0 * ag[0] * bg[0] + a.v * bh[0],
                       ah[1] * b.v + ag[0] * bg[1] + ag[1] * bg[0] + a.v * bh[1],
                       ah[2] * b.v + 2.0 * ag[1] * bg[1] + a.v * bh[2]])
    if op == "div":
        ag, bg, ah, bh = a.g, b.g, a.h, b.h
        q = a.v / b.v
        qg = [(ag[0] - q * bg[0]) / b.v, (ag[1] - q * bg[1]) / b.v]
        return _Dual2(q, qg, [(ah[0] - 2.0 * qg[0] * bg[0] - q * bh[0]) / b.v,
                              (ah[1] - qg[0] * bg[1] - qg[1] * bg[0] - q * bh[1]) / b.v,
                              (ah[2] - 2.0 * qg[1] * bg[1] - q * bh[2]) / b.v])
    raise ValueError(op)


def _dual_powi(a, n):
    u, nf = a.v, float(n)
    d1 = 0.0 if n == 0 else nf * _powi_sq(u, n - 1)
    d2 = 0.0 if n in (0, 1) else nf * (nf - 1.0) * _powi_sq(u, n - 2)
    return a.chain(_powi_sq(u, n), d1, d2)


# The default formula's program, as expr.rs parses it (postfix).
CUSTOM_PROGRAM = [("c", 2.0), ("x",), ("powi", 2), ("mul",), ("c", 1.05), ("x",), ("powi", 4), ("mul",), ("sub",),
                  ("x",), ("powi", 6), ("c", 6.0), ("div",), ("add",), ("x",), ("y",), ("mul",), ("add",),
                  ("y",), ("powi", 2), ("add",)]


def custom(p):
    x, y = p[0], p[1]
    return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2


def custom_d(x, y):
    d = custom_dual(x, y)
    return d.g, [[d.h[0], d.h[1]], [d.h[1], d.h[2]]]


def custom_dual(x, y):
    stack = []
    for op in CUSTOM_PROGRAM:
        if op[0] == "c":
            stack.append(_Dual2(op[1]))
        elif op[0] == "x":
            stack.append(_Dual2(x, (1.0, 0.0)))
        elif op[0] == "y":
            stack.append(_Dual2(y, (0.0, 1.0)))
        elif op[0] == "powi":
            stack.append(_dual_powi(stack.pop(), op[1]))
        else:
            b = stack.pop()
            stack.append(_dual_op(op[0], stack.pop(), b))
    (d,) = stack
    return d


# Values as optiscape computes them (the same operations in the same order), for what compares
# losses: L-BFGS's closure and ReduceLROnPlateau.

def rosenbrock_v(x, y, a=1.0, b=100.0):
    t, u = a - x, y - x * x
    return t * t + b * (u * u)


def gaussian_mixture_v(x, y):
    norm = 1.0 / (2.0 * math.pi * math.sqrt(0.75))
    total = -0.0
    for mx, my in MEANS:
        d = [x - mx, y - my]
        sd = [INV[0][0] * d[0] + INV[0][1] * d[1], INV[1][0] * d[0] + INV[1][1] * d[1]]
        q = d[0] * sd[0] + d[1] * sd[1]
        total += 0.25 * norm * math.exp(-0.5 * q)
    return -total


def beale_v(x1, x2):
    return (powi(1.5 - x1 + x1 * x2, 2) + powi(2.25 - x1 + x1 * powi(x2, 2), 2)
            + powi(2.625 - x1 + x1 * powi(x2, 3), 2))


def himmelblau_v(x1, x2):
    return powi(powi(x1, 2) + x2 - 11.0, 2) + powi(x1 + powi(x2, 2) - 7.0, 2)


def rastrigin_v(x, y, a=10.0):
    g = [powi(c, 2) - a * math.cos(2.0 * math.pi * c) for c in (x, y)]
    return a * 2.0 + (-0.0 + g[0] + g[1])


def styblinski_tang_v(x, y):
    return 0.5 * (-0.0 + sum_in_order(powi(c, 4) - 16.0 * powi(c, 2) + 5.0 * c for c in (x, y)))


def sum_in_order(values):
    total = -0.0
    for v in values:
        total += v
    return total


def quadratic_v(x, y, k=10.0):
    return 0.5 * (x * x + k * y * y)


def saddle_v(x, y):
    return x * x + 0.25 * powi(y, 4) - 0.5 * y * y


def digits2d_v(x, y):
    linear, product = 0.0, 1.0
    for a0, a1 in DIGITS2D:
        m = x * a0 + y * a1
        linear += max(m, 0.0)
        product *= 1.0 + math.exp(-abs(m))
    return (linear + math.log(product)) / float(len(DIGITS2D))


def custom_v(x, y):
    return custom_dual(x, y).v


VALUES = {"rosenbrock": rosenbrock_v, "gaussian_mixture": gaussian_mixture_v, "beale": beale_v,
          "himmelblau": himmelblau_v, "rastrigin": rastrigin_v, "styblinski_tang": styblinski_tang_v,
          "quadratic": quadratic_v, "saddle": saddle_v, "digits2d": digits2d_v, "custom": custom_v}

# The centres of the default views, about which `rotate` turns each landscape.
CENTRES = {"rosenbrock": (0.0, 1.0), "digits2d": (1.0, -1.0)}


# name: (function in torch ops, derivatives as optiscape computes them, default start,
#        lr for gradient-descent-like optimizers, lr for adaptive ones)
LANDSCAPES = {
    "rosenbrock": (rosenbrock, rosenbrock_d, [-1.2, 1.0], 1e-3, 0.05),
    "gaussian_mixture": (gaussian_mixture, gaussian_mixture_d, [-1.0, 3.5], 5.0, 0.05),
    "beale": (beale, beale_d, [1.0, 1.5], 1e-3, 0.05),
    "himmelblau": (himmelblau, himmelblau_d, [-1.0, 0.0], 5e-3, 0.05),
    "rastrigin": (rastrigin, rastrigin_d, [2.8, 3.3], 2e-3, 0.05),
    "styblinski_tang": (styblinski_tang, styblinski_tang_d, [4.0, -0.5], 5e-3, 0.05),
    "quadratic": (quadratic, quadratic_d, [-3.5, 1.5], 0.05, 0.05),
    "saddle": (saddle, saddle_d, [1.5, 0.05], 0.05, 0.05),
    "digits2d": (digits2d, digits2d_d, [-1.0, 1.0], 0.2, 0.05),
    "custom": (custom, custom_d, [1.9, 1.9], 5e-3, 0.05),
}


# --- Newton: torch.optim has none. The reference is the formula, written with the same operations
# as src/optim/newton.rs once, in the Python that `optiscape torch` puts in its scripts.

def exported(name):
    """The names src/export/torch/python/<name>.py defines, run with the imports the exported
    script gives it (math, sys, torch)."""
    path = os.path.join(HERE, "..", "..", "src", "export", "torch", "python", f"{name}.py")
    names = {"math": math, "sys": sys, "torch": torch}
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), names)
    return names


# fallback "gradient": a gradient step where not positive definite; None: textbook Newton, which
# has no step (and stops the run) where the matrix is singular. The driver sets its `hessian`.
Newton = exported("newton")["Newton"]


# --- optimizers and the configurations that pin them ---------------------------------------------
# (name, constructor, lr family, [(torch kwargs, spec fields beyond lr)])
# The lr family picks the per-landscape learning rate: "gd" or "adaptive", times a factor.

def adabelief(params, **kw):
    import adabelief_pytorch

    return adabelief_pytorch.AdaBelief(params, print_change_log=False, **kw)


def lion(params, **kw):
    import lion_pytorch

    return lion_pytorch.Lion(params, **kw)


def silence(fn):
    def wrapped(*a, **kw):
        stdout, sys.stdout = sys.stdout, open(os.devnull, "w")
        try:
            return fn(*a, **kw)
        finally:
            sys.stdout.close()
            sys.stdout = stdout
    return wrapped


MUON = torch.optim.Muon  # its parameter is a (1, 2) row: torch's Muon takes matrices only

OPTIMIZERS = [
    ("sgd", torch.optim.SGD, ("gd", 1.0), [
        {},
        {"momentum": 0.9},
        {"momentum": 0.9, "nesterov": True},
        {"momentum": 0.8, "dampening": 0.5},
        {"weight_decay": 0.1},
    ]),
    ("adagrad", torch.optim.Adagrad, ("adaptive", 10.0), [
        {},
        {"lr_decay": 0.01, "initial_accumulator_value": 0.1},
        {"weight_decay": 0.1, "eps": 1e-6},
    ]),
    ("rmsprop", torch.optim.RMSprop, ("adaptive", 0.2), [
        {},
        {"centered": True},
        {"momentum": 0.9},
        {"centered": True, "momentum": 0.5, "weight_decay": 0.1, "alpha": 0.9},
    ]),
    ("adadelta", torch.optim.Adadelta, ("adaptive", 20.0), [
        {},
        {"rho": 0.95, "weight_decay": 0.1, "eps": 1e-4},
    ]),
    ("adam", torch.optim.Adam, ("adaptive", 1.0), [
        {},
        {"amsgrad": True},
        {"weight_decay": 0.1},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
        {"betas": [0.3, 0.9]},
        {"betas": [0.0, 0.99], "eps": 1e-3},
    ]),
    ("adamw", torch.optim.AdamW, ("adaptive", 1.0), [
        {},
        {"amsgrad": True, "weight_decay": 0.1},
    ]),
    ("nadam", torch.optim.NAdam, ("adaptive", 1.0), [
        {},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
        {"weight_decay": 0.1, "momentum_decay": 0.01},
    ]),
    ("radam", torch.optim.RAdam, ("adaptive", 1.0), [
        {},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
        {"weight_decay": 0.1, "betas": [0.9, 0.99]},
    ]),
    ("adamax", torch.optim.Adamax, ("adaptive", 1.0), [
        {},
        {"weight_decay": 0.1},
        {"betas": [0.3, 0.99], "eps": 1e-3},
    ]),
    ("adabelief", silence(adabelief), ("adaptive", 1.0), [
        {},
        {"rectify": False},
        {"amsgrad": True, "eps": 1e-8},
        {"weight_decouple": False, "weight_decay": 0.1},
        {"fixed_decay": True, "weight_decay": 0.01},
        {"degenerated_to_sgd": False, "betas": [0.9, 0.99]},
        {"rectify": False, "amsgrad": True, "weight_decay": 0.05},
    ]),
    ("lion", lion, ("adaptive", 0.2), [
        {},
        {"weight_decay": 0.1},
        {"betas": [0.95, 0.98]},
    ]),
    ("rprop", torch.optim.Rprop, ("adaptive", 0.2), [
        {},
        {"etas": [0.3, 1.5]},
        {"step_sizes": [1e-4, 0.05]},
    ]),
    ("asgd", torch.optim.ASGD, ("gd", 1.0), [
        {},
        {"lambd": 0.01, "alpha": 0.5, "t0": 100.0},
        {"weight_decay": 0.1, "t0": 0.0},
    ]),
    ("adafactor", torch.optim.Adafactor, ("adaptive", 1.0), [
        {},
        {"beta2_decay": -0.5, "eps": [1e-30, 1e-2], "d": 2.0},
        {"weight_decay": 0.1},
        {"eps": [None, 0.0]},
    ]),
    ("muon", MUON, ("adaptive", 0.2), [
        {},
        {"nesterov": False, "momentum": 0.9},
        {"adjust_lr_fn": "match_rms_adamw"},
        {"adjust_lr_fn": "spectral_unclamped", "weight_decay": 0.0, "ns_steps": 3},
        {"ns_coefficients": [2.0, -1.5, 0.5], "eps": 1e-3},
    ]),
    ("lbfgs", torch.optim.LBFGS, ("lbfgs", 1.0), [
        {},
        {"line_search_fn": "strong_wolfe"},
        {"max_iter": 1, "line_search_fn": "strong_wolfe"},
        {"max_iter": 4, "history_size": 3, "line_search_fn": "strong_wolfe", "tolerance_change": 1e-6},
        {"max_iter": 1},
        # A first trial far too short: the line search extrapolates from a step that is a tensor.
        {"line_search_fn": "strong_wolfe", "lr": 0.01},
    ]),
    ("newton", Newton, ("fixed", 1.0), [
        {},
        {"lr": 0.5, "damping": 1.0},
        {"fallback": None},
        {"fallback": None, "lr": 0.5, "damping": 0.1},
    ]),
]

SCALES = [1e-3, 1e3]
# Noisy gradients (src/landscape/noise.rs), with the default configuration at scales 1 and 1e3.
NOISE = {"noise": 0.5, "seed": 2026}
NOISY_SCALES = [1.0, 1e3]

# --- gradient noise, as src/landscape/noise.rs draws it ----------------------------------------
U64 = (1 << 64) - 1


def splitmix64(seed, k):
    """Output k (from 0) of SplitMix64 seeded with `seed`."""
    z = (seed + (k + 1) * 0x9E3779B97F4A7C15) & U64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & U64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & U64
    return z ^ (z >> 31)


def normal(seed, first):
    """Twelve 49-bit uniforms summed (exactly, in this order), minus 6."""
    total = 0.0
    for j in range(12):
        total += (splitmix64(seed, first + j) >> 15) * 2.0**-49
    return total - 6.0


def noise_at(std, seed, step):
    """sigma * xi at iterate `step` (the start is iterate 0)."""
    return [std * normal(seed, step * 24), std * normal(seed, step * 24 + 12)]


class Rotation:
    """src/landscape/rotation.rs: the landscape turned counter-clockwise about its view's centre."""

    def __init__(self, degrees, centre):
        self.cx, self.cy = centre
        quarter = degrees / 90.0
        if quarter == int(quarter):
            self.sin, self.cos = [(0.0, 1.0), (1.0, 0.0), (0.0, -1.0), (-1.0, 0.0)][int(quarter) % 4]
        else:
            r = math.radians(degrees)
            self.sin, self.cos = math.sin(r), math.cos(r)

    def turn(self, p):
        dx, dy = p[0] - self.cx, p[1] - self.cy
        return [self.cx + (self.cos * dx - self.sin * dy), self.cy + (self.sin * dx + self.cos * dy)]

    def back(self, p):
        dx, dy = p[0] - self.cx, p[1] - self.cy
        return [self.cx + (self.cos * dx + self.sin * dy), self.cy + (self.cos * dy - self.sin * dx)]

    def vector(self, v):
        return [self.cos * v[0] - self.sin * v[1], self.sin * v[0] + self.cos * v[1]]

    def hessian(self, h):
        r0, r1 = self.vector([h[0][0], h[1][0]]), self.vector([h[0][1], h[1][1]])
        m00, m10, m01, m11 = r0[0], r0[1], r1[0], r1[1]
        c, s = self.cos, self.sin
        return [[m00 * c - m01 * s, m00 * s + m01 * c], [m10 * c - m11 * s, m10 * s + m11 * c]]


class Objective:
    """src/landscape/mod.rs's Objective: scale * f (turned), with noisy gradients."""

    def __init__(self, landscape, scale=1.0, noise=None, rotate=0.0):
        self.f, self.derivatives = LANDSCAPES[landscape][:2]
        self.value_of = VALUES[landscape]
        self.scale, self.noise = scale, noise
        self.rotation = Rotation(rotate, CENTRES.get(landscape, (0.0, 0.0))) if rotate else None

    def under(self, p):
        return self.rotation.back(p) if self.rotation else list(p)

    def loss(self, p):
        """scale * f(p) in torch ops, for the divergence check (as before rotations came)."""
        with torch.no_grad():
            return self.scale * self.f(torch.tensor(self.under(p))).item()

    def value(self, p):
        """scale * f(p) as optiscape computes it."""
        return self.scale * self.value_of(*self.under(p))

    def draw(self, step):
        return noise_at(self.noise["noise"], self.noise["seed"], step) if self.noise else None

    def gradient(self, p, step):
        g, _ = self.derivatives(*self.under(p))
        if self.rotation:
            g = self.rotation.vector(g)
        n = self.draw(step)
        if n:
            return [self.scale * (g[0] + n[0]), self.scale * (g[1] + n[1])]
        return [self.scale * g[0], self.scale * g[1]]

    def hessian(self, p):
        _, h = self.derivatives(*self.under(p))
        if self.rotation:
            h = self.rotation.hessian(h)
        return [[self.scale * h[i][j] for j in range(2)] for i in range(2)]

    def batch_value(self, p, step):
        n = self.draw(step)
        if not n:
            return self.value(p)
        return self.scale * (self.value_of(*self.under(p)) + (n[0] * p[0] + n[1] * p[1]))


def clip(p, clip_grad_norm=None, clip_grad_value=None):
    """torch.nn.utils's clipping, norm first (the order optiscape applies them in)."""
    if clip_grad_norm is not None:
        torch.nn.utils.clip_grad_norm_([p], clip_grad_norm)
    if clip_grad_value is not None:
        torch.nn.utils.clip_grad_value_([p], clip_grad_value)


SCHEDULERS = {name: getattr(torch.optim.lr_scheduler, name) for name in [
    "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler"]}


def scheduler(opt, spec):
    """A torch scheduler from an lr_scheduler spec, its schedulers made first, in order."""
    kw = {k: v for k, v in spec.items() if k != "name"}
    if "schedulers" in kw:
        kw["schedulers"] = [scheduler(opt, s) for s in kw["schedulers"]]
    if spec["name"] == "ChainedScheduler":
        return SCHEDULERS["ChainedScheduler"](kw["schedulers"], optimizer=opt)
    return SCHEDULERS[spec["name"]](opt, **kw)


def run_case(ctor, kwargs, landscape, scale, start, noise=None, rotate=0.0, clipping=None, lr_scheduler=None):
    """Races one reference optimizer; returns the trajectory, the step it diverged at, the
    evaluations before each point and the learning rate of each step."""
    objective = Objective(landscape, scale, noise, rotate)
    clipping = clipping or {}
    row = ctor is MUON
    p = torch.tensor([start] if row else start)
    opt = ctor([p], **kwargs)
    sched = scheduler(opt, lr_scheduler) if lr_scheduler else None
    traj, evaluations, lrs = [list(start)], [0], []
    count = [0]
    diverged_at = singular_at = None
    for step in range(1, STEPS + 1):
        here = p.detach().flatten().tolist()
        lrs.append(float(opt.param_groups[0]["lr"]) if hasattr(opt, "param_groups") else opt.lr)

        def closure():
            count[0] += 1
            at = p.detach().flatten().tolist()
            p.grad = torch.tensor(objective.gradient(at, step - 1)).reshape(p.shape)
            clip(p, **clipping)
            return torch.tensor(objective.batch_value(at, step - 1))

        opt.zero_grad()
        if isinstance(opt, torch.optim.LBFGS):
            opt.step(closure)
        else:
            closure()
            if isinstance(opt, Newton):
                hessian = torch.tensor(objective.hessian(here))
                opt.hessian = lambda _: hessian
            opt.step()
        if getattr(opt, "singular", False):
            singular_at = step
            break
        if sched is not None:
            if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
                sched.step(objective.value(here))
            else:
                sched.step()
        x = p.detach().flatten().tolist()
        loss = objective.loss(x) if all(math.isfinite(c) for c in x) else math.nan
        if not all(math.isfinite(c) and abs(c) <= LIMIT for c in x) or not math.isfinite(loss):
            diverged_at = step
            break
        traj.append(x)
        evaluations.append(count[0])
    return traj, diverged_at, singular_at, evaluations, lrs[:len(traj) - 1]


def kept(i):
    return i <= 20 or i % 10 == 0


# Typed formulas at points where a rule of torch.autograd decides a derivative (x^y at x = 0,
# roots and logarithms at 0, abs at its kink) and at ordinary points beside them: the formula as
# optiscape parses it (src/landscape/expr.rs), and the same in torch ops. A Hessian entry [i][j]
# is the derivative of gradient component i along j (torch.autograd.functional.hessian's).
FORMULAS = [
    ("x^y + y^2", lambda x, y: x**y + y**2, [(0.0, 1.0), (0.0, 2.0), (0.0, 0.5), (0.0, 0.0), (0.0, 3.0), (2.0, 0.0), (1.5, 0.7), (-2.0, 2.0)]),
    ("x^y", lambda x, y: x**y, [(0.0, 1.0), (0.0, -1.0), (0.3, 1.0), (0.0, 1.5)]),
    ("y^(x + 1) - x", lambda x, y: y ** (x + 1) - x, [(0.0, 0.0), (1.0, 0.0), (-1.0, 0.0), (0.5, 2.0)]),
    ("0^x + x^2 y", lambda x, y: 0.0**x + x**2 * y, [(1.0, 0.0), (0.0, 1.0), (2.0, -1.0)]),
    ("2^(x y)", lambda x, y: 2.0 ** (x * y), [(0.0, 0.0), (1.0, -0.5)]),
    ("sqrt(x^2 + y^2)", lambda x, y: torch.sqrt(x**2 + y**2), [(0.0, 0.0), (3.0, 4.0)]),
    ("abs(x) + abs(y) x", lambda x, y: torch.abs(x) + torch.abs(y) * x, [(0.0, 0.0), (0.0, 1.0), (-1.0, -2.0)]),
    ("x^0.5 + y^2", lambda x, y: x**0.5 + y**2, [(0.0, 1.0), (4.0, 1.0)]),
    ("log(x) + y", lambda x, y: torch.log(x) + y, [(0.0, 1.0), (2.0, 1.0)]),
    ("x^3 y^2 + x^-1", lambda x, y: x**3 * y**2 + x**-1, [(0.0, 0.0), (1.0, 2.0)]),
]


def formula_points():
    out = []
    for text, fn, points in FORMULAS:
        f = lambda p: fn(p[0], p[1])  # noqa: E731
        for at in points:
            p = torch.tensor(at)
            x = p.clone().requires_grad_(True)
            (g,) = torch.autograd.grad(f(x), x)
            h = torch.autograd.functional.hessian(f, p)
            out.append({"f": text, "at": list(at), "value": finite_or_text(f(p).item()),
                        "gradient": [finite_or_text(v) for v in g.tolist()],
                        "hessian": [[finite_or_text(v) for v in row] for row in h.tolist()]})
    return out


def finite_or_text(v):
    """A number, or "nan", "inf", "-inf" (JSON has no such numbers)."""
    return v if math.isfinite(v) else str(v)


def derivatives_file():
    """Gradient and Hessian by torch.autograd at fixed pseudo-random points in each default view,
    and of typed formulas at the points of FORMULAS."""
    gen = torch.Generator().manual_seed(0)
    out = []
    for name, (f, _, start, _, _) in LANDSCAPES.items():
        for _ in range(40):
            p = (torch.rand(2, generator=gen) * 8 - 4)
            x = p.clone().requires_grad_(True)
            (g,) = torch.autograd.grad(f(x), x)
            h = torch.autograd.functional.hessian(f, p)
            out.append({"landscape": name, "at": p.tolist(), "value": f(p).item(),
                        "gradient": g.tolist(), "hessian": h.tolist()})
    with open(os.path.join(HERE, "derivatives.json"), "w") as fh:
        json.dump({"generator": "tests/golden/generate.py", "torch": torch.__version__,
                   "cpu_capability": CPU_CAPABILITY, "points": out, "formulas": formula_points()}, fh,
                  separators=(",", ":"), allow_nan=False)
        fh.write("\n")


def lr_of(family, factor, landscape, scale):
    """The learning rate of a configuration without its own: a gradient-descent one divided by
    the scale, an adaptive one not; None keeps the reference's default (Newton's and L-BFGS's 1)."""
    _, _, _, gd_lr, adaptive_lr = LANDSCAPES[landscape]
    if family == "gd":
        return gd_lr * factor / scale
    if family == "adaptive":
        return adaptive_lr * factor
    return None


def case(racer, landscape, start, traj, diverged_at, evaluations=None, lrs=None, singular_at=None):
    """One golden case: the spec's pieces and the trajectory kept at steps 0-20 and every 10th."""
    keep = [i for i in range(len(traj)) if kept(i)]
    if keep[-1] != len(traj) - 1:
        keep.append(len(traj) - 1)
    c = {"racer": racer, "landscape": landscape, "start": start, "steps": STEPS, "diverged_at": diverged_at,
         "points": [[i, traj[i]] for i in keep]}
    if singular_at is not None:
        c["singular_at"] = singular_at
    if evaluations is not None:
        c["evaluations"] = [[i, evaluations[i]] for i in keep]
    if lrs is not None:
        c["lr"] = lrs
    return c


def write(name, cases):
    path = os.path.join(HERE, f"{name}.json")
    with open(path, "w") as out:
        json.dump({"generator": "tests/golden/generate.py", "torch": torch.__version__,
                   "cpu_capability": CPU_CAPABILITY, "cases": cases}, out, separators=(",", ":"))
        out.write("\n")
    diverged = sum(c["diverged_at"] is not None for c in cases)
    print(f"{name}: {len(cases)} cases, {diverged} diverged, {os.path.getsize(path)} bytes")


def optimizer_cases(name, ctor, family, factor, configs):
    cases = []
    for ci, extra in enumerate(configs):
        for landscape, (_, _, start, _, _) in LANDSCAPES.items():
            runs = [(scale, None) for scale in [1.0] + (SCALES if ci == 0 else [])]
            runs += [(scale, NOISE) for scale in (NOISY_SCALES if ci == 0 else [])]
            for scale, noise in runs:
                kwargs = dict(extra)
                lr = lr_of(family, factor, landscape, scale)
                if "lr" not in kwargs and lr is not None:
                    kwargs["lr"] = lr
                traj, diverged_at, singular_at, evaluations, _ = run_case(ctor, kwargs, landscape, scale, start, noise)
                spec = {"name": name, **{k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}}
                cases.append(case(spec, {"name": landscape, "scale": scale, **(noise or {})}, start, traj, diverged_at,
                                  evaluations if name == "lbfgs" else None, singular_at=singular_at))
    return cases


# --- schedulers, clipping and rotation: races of torch optimizers with each ----------------------
CTORS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
         "asgd": torch.optim.ASGD, "rprop": torch.optim.Rprop, "lbfgs": torch.optim.LBFGS, "muon": MUON,
         "adamw": torch.optim.AdamW, "nadam": torch.optim.NAdam, "newton": Newton}

# (racer, landscapes): every scheduler with the optimizers whose group it drives in its own way.
SCHEDULED = [
    ({"name": "sgd", "lr": 0.02, "momentum": 0.9, "lr_scheduler": {"name": "StepLR", "step_size": 50, "gamma": 0.5}}, ["quadratic", "himmelblau"]),
    ({"name": "adam", "lr": 0.1, "lr_scheduler": {"name": "MultiStepLR", "milestones": [200, 30, 80, 80], "gamma": 0.3}}, ["rosenbrock", "beale"]),
    ({"name": "sgd", "lr": 0.001, "momentum": 0.9, "lr_scheduler": {"name": "ConstantLR", "factor": 0.25, "total_iters": 40}}, ["rosenbrock"]),
    ({"name": "adam", "lr": 0.2, "lr_scheduler": {"name": "LinearLR", "start_factor": 0.1, "total_iters": 100}}, ["rosenbrock", "quadratic"]),
    ({"name": "sgd", "lr": 0.05, "lr_scheduler": {"name": "LinearLR", "start_factor": 1.0, "end_factor": 0.0, "total_iters": 300}}, ["quadratic"]),
    ({"name": "adam", "lr": 0.1, "lr_scheduler": {"name": "ExponentialLR", "gamma": 0.99}}, ["himmelblau", "rastrigin"]),
    ({"name": "sgd", "lr": 0.005, "lr_scheduler": {"name": "PolynomialLR", "total_iters": 400, "power": 2.0}}, ["himmelblau"]),
    ({"name": "adam", "lr": 0.1, "lr_scheduler": {"name": "CosineAnnealingLR", "T_max": 150, "eta_min": 1e-4}}, ["rosenbrock", "styblinski_tang"]),
    ({"name": "sgd", "lr": 0.02, "lr_scheduler": {"name": "CosineAnnealingWarmRestarts", "T_0": 50, "T_mult": 2, "eta_min": 1e-5}}, ["quadratic", "custom"]),
    ({"name": "sgd", "lr": 0.01, "momentum": 0.5, "lr_scheduler": {"name": "CyclicLR", "base_lr": 1e-3, "max_lr": 0.05, "step_size_up": 40, "mode": "triangular2"}}, ["quadratic", "himmelblau"]),
    ({"name": "adam", "lr": 0.01, "lr_scheduler": {"name": "CyclicLR", "base_lr": 0.01, "max_lr": 0.2, "step_size_up": 30, "step_size_down": 70}}, ["rosenbrock"]),
    ({"name": "adagrad", "lr": 0.1, "lr_scheduler": {"name": "CyclicLR", "base_lr": 0.05, "max_lr": 0.5, "step_size_up": 25, "mode": "exp_range", "gamma": 0.995, "cycle_momentum": False}}, ["beale"]),
    ({"name": "adam", "lr": 0.01, "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.3, "total_steps": 500}}, ["rosenbrock", "himmelblau"]),
    ({"name": "sgd", "lr": 0.01, "momentum": 0.9, "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.02, "epochs": 10, "steps_per_epoch": 50, "anneal_strategy": "linear", "three_phase": True}}, ["quadratic"]),
    ({"name": "rmsprop", "lr": 0.01, "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.05, "total_steps": 600, "pct_start": 0.1, "cycle_momentum": False, "div_factor": 5.0}}, ["beale"]),
    ({"name": "sgd", "lr": 0.1, "lr_scheduler": {"name": "ReduceLROnPlateau", "factor": 0.5, "patience": 5, "threshold": 1e-3}}, ["quadratic-noisy", "himmelblau-noisy"]),
    ({"name": "adam", "lr": 0.1, "lr_scheduler": {"name": "ReduceLROnPlateau", "threshold_mode": "abs", "cooldown": 3, "min_lr": 1e-3, "patience": 2}}, ["rosenbrock"]),
    ({"name": "adam", "lr": 0.2, "lr_scheduler": {"name": "SequentialLR", "schedulers": [{"name": "LinearLR", "start_factor": 0.1, "total_iters": 20}, {"name": "CosineAnnealingLR", "T_max": 480}], "milestones": [20]}}, ["rosenbrock", "beale"]),
    ({"name": "sgd", "lr": 0.02, "momentum": 0.9, "lr_scheduler": {"name": "SequentialLR", "schedulers": [{"name": "ConstantLR", "factor": 0.5, "total_iters": 100}, {"name": "ExponentialLR", "gamma": 0.98}, {"name": "StepLR", "step_size": 30, "gamma": 0.7}], "milestones": [50, 200]}}, ["quadratic"]),
    ({"name": "sgd", "lr": 0.02, "lr_scheduler": {"name": "ChainedScheduler", "schedulers": [{"name": "ConstantLR", "factor": 0.5, "total_iters": 30}, {"name": "ExponentialLR", "gamma": 0.995}]}}, ["himmelblau"]),
    ({"name": "asgd", "lr": 0.01, "lr_scheduler": {"name": "StepLR", "step_size": 20, "gamma": 0.5}}, ["quadratic"]),
    ({"name": "rprop", "lr": 0.01, "lr_scheduler": {"name": "ExponentialLR", "gamma": 0.9}}, ["rosenbrock"]),
    ({"name": "lbfgs", "lr": 0.5, "line_search_fn": "strong_wolfe", "lr_scheduler": {"name": "StepLR", "step_size": 5, "gamma": 0.5}}, ["rosenbrock"]),
    ({"name": "muon", "lr": 0.05, "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.05, "total_steps": 500}}, ["himmelblau"]),
    ({"name": "nadam", "lr": 0.05, "lr_scheduler": {"name": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 50}}, ["beale"]),
]

CLIPPED = [
    ({"name": "sgd", "lr": 0.001, "clip_grad_norm": 1.0}, "every"),
    ({"name": "adam", "lr": 0.05, "clip_grad_norm": 0.5, "clip_grad_value": 0.1}, "every"),
    ({"name": "sgd", "lr": 0.01, "momentum": 0.9, "clip_grad_value": 1.0}, ["rosenbrock", "himmelblau", "quadratic"]),
    ({"name": "lbfgs", "line_search_fn": "strong_wolfe", "clip_grad_norm": 2.0}, ["rosenbrock", "beale"]),
    # A max_norm that is not a power of two: torch divides it by the norm as a float by a tensor.
    ({"name": "sgd", "lr": 0.003, "clip_grad_norm": 0.7}, ["rosenbrock", "beale", "himmelblau", "rastrigin"]),
]

ROTATED = [
    ({"name": "sgd"}, ("gd", 1.0), [30.0, 90.0, -135.0]),
    ({"name": "adam"}, ("adaptive", 1.0), [30.0, 90.0, -135.0]),
    ({"name": "newton"}, ("fixed", 1.0), [45.0]),
]


def racer_kwargs(racer):
    return {k: v for k, v in racer.items() if k not in ("name", "lr_scheduler", "clip_grad_norm", "clip_grad_value")}


def landscape_of(label):
    name, _, noisy = label.partition("-")
    return name, (NOISE if noisy else None)


def feature_cases(which):
    cases = []
    if which == "lr_scheduler":
        for racer, landscapes in SCHEDULED:
            for label in landscapes:
                name, noise = landscape_of(label)
                start = LANDSCAPES[name][2]
                traj, diverged_at, _, evaluations, lrs = run_case(CTORS[racer["name"]], racer_kwargs(racer), name, 1.0, start, noise,
                                                               lr_scheduler=racer["lr_scheduler"])
                cases.append(case(racer, {"name": name, "scale": 1.0, **(noise or {})}, start, traj, diverged_at, evaluations, lrs))
    elif which == "clipping":
        for racer, landscapes in CLIPPED:
            for name in (LANDSCAPES if landscapes == "every" else landscapes):
                start = LANDSCAPES[name][2]
                clipping = {k: racer[k] for k in ("clip_grad_norm", "clip_grad_value") if k in racer}
                for noise in [None, NOISE]:
                    traj, diverged_at, _, evaluations, _ = run_case(CTORS[racer["name"]], racer_kwargs(racer), name, 1.0, start, noise,
                                                                 clipping=clipping)
                    cases.append(case(racer, {"name": name, "scale": 1.0, **(noise or {})}, start, traj, diverged_at, evaluations))
    elif which == "rotate":
        for racer, (family, factor), angles in ROTATED:
            for name, (_, _, start, _, _) in LANDSCAPES.items():
                for rotate in angles:
                    kwargs = racer_kwargs(racer)
                    lr = lr_of(family, factor, name, 1.0)
                    if lr is not None:
                        kwargs["lr"] = lr
                    turned = Rotation(rotate, CENTRES.get(name, (0.0, 0.0))).turn(start)
                    traj, diverged_at, _, _, _ = run_case(CTORS[racer["name"]], kwargs, name, 1.0, turned, None, rotate=rotate)
                    cases.append(case({**racer, **kwargs}, {"name": name, "scale": 1.0, "rotate": rotate}, turned, traj, diverged_at))
    return cases


FEATURES = ["lr_scheduler", "clipping", "rotate"]


def main():
    only = set(sys.argv[1:])
    if not only or "derivatives" in only:
        derivatives_file()
    for name, ctor, (family, factor), configs in OPTIMIZERS:
        if not only or name in only:
            write(name, optimizer_cases(name, ctor, family, factor, configs))
    for which in FEATURES:
        if not only or which in only:
            write(which, feature_cases(which))


if __name__ == "__main__":
    main()
