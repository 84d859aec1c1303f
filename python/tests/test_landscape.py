"""`optiscape.landscape`: value, gradient and Hessian on many points at once, each equal to the
bit to what the CLI's racers are given, on every landscape, scaled, turned and noisy:

- the value is `optiscape run`'s loss along a race;
- the gradient, at each point with that step's noise, is what moved plain SGD there: at a
  learning rate that is a power of two, SGD's step `p - lr g` has one rounding, as in numpy;
- the Hessian is what moved Newton's method: its 2 x 2 Cholesky solve, written out in numpy in
  the core's order of operations, lands on the CLI's next point.
"""

import numpy as np
import pytest

import optiscape

EPS = np.finfo(np.float64).eps


def variants():
    """Every landscape at its defaults, and scaled and turned; the typed formula twice more."""
    out = []
    for entry in optiscape.catalog()["landscapes"]:
        out.append({"name": entry["name"]})
        out.append({"name": entry["name"], "scale": 3.5, "rotate": 30})
    out.append({"name": "custom", "f": "x^2 + 3 y^2 + sin(x y)", "rotate": -90})
    out.append({"name": "custom", "f": "x^y + y^2", "scale": 0.25})
    return out


def ident(fields):
    return ",".join(f"{k}={v}" for k, v in fields.items())


def landscape(fields):
    fields = dict(fields)
    return optiscape.landscape(fields.pop("name"), **fields)


def bits(a):
    return np.asarray(a, dtype=np.float64).view(np.uint64)


def race(cli, fields, racer, steps, start=None):
    spec = {"landscape": fields, "steps": steps, "racers": [racer]}
    if start is not None:
        spec["start"] = start
    return cli.json("run", stdin=spec)["racers"][0]


@pytest.mark.parametrize("fields", variants(), ids=ident)
def test_value_is_the_clis_loss(cli, fields):
    r = race(cli, fields, {"name": "adam", "lr": 0.02}, 200)
    f = landscape(fields)
    assert np.array_equal(bits(f.value(np.array(r["trajectory"]))), bits(r["loss"]))
    assert len(r["loss"]) > 1


@pytest.mark.parametrize("fields", variants(), ids=ident)
def test_gradient_at_each_step_is_what_moved_sgd(cli, fields):
    lr = 2.0**-12
    noisy = dict(fields, noise=0.3, seed=5)
    r = race(cli, noisy, {"name": "sgd", "lr": lr}, 150)
    p = np.array(r["trajectory"])
    assert len(p) > 10, r["status"]
    f = landscape(noisy)
    g = f.gradient(p[:-1], step=np.arange(len(p) - 1))
    assert np.array_equal(bits(p[:-1] - lr * g), bits(p[1:]))
    # Without a step, the exact gradient: the noise-free landscape's.
    assert np.array_equal(bits(f.gradient(p)), bits(landscape(fields).gradient(p)))
    assert not np.array_equal(bits(f.gradient(p[:5], step=3)), bits(f.gradient(p[:5])))


def newton_points(f, p, lr):
    """Newton's next points from `p`: (H + 0 I) z = g by Cholesky as src/optim/newton.rs solves
    it, the gradient where that matrix is not positive definite."""
    h, g = f.hessian(p), f.gradient(p)
    a00, a10, a11 = h[:, 0, 0] + 0.0, h[:, 1, 0], h[:, 1, 1] + 0.0
    largest = np.fmax.reduce(np.abs(np.stack([a00, h[:, 0, 1], a10, a11], axis=1)), axis=1, initial=0.0)
    tiny = 2.0 * EPS * largest
    with np.errstate(all="ignore"):
        l00 = np.sqrt(a00)
        l10 = a10 / l00
        s11 = a11 - l10 * l10
        l11 = np.sqrt(s11)
        y0 = g[:, 0] / l00
        y1 = (g[:, 1] - l10 * y0) / l11
        z1 = y1 / l11
        z0 = (y0 - l10 * z1) / l00
    positive = (a00 > tiny) & (s11 > tiny)
    z = np.where(positive[:, None], np.stack([z0, z1], axis=1), g)
    return p + (-lr) * z, positive


def test_hessian_is_what_moved_newton(cli):
    branches = set()
    for fields in variants():
        r = race(cli, fields, {"name": "newton", "lr": 0.5}, 40)
        p = np.array(r["trajectory"])
        assert len(p) >= 2, (fields, r["status"])
        following, positive = newton_points(landscape(fields), p[:-1], 0.5)
        assert np.array_equal(bits(following), bits(p[1:])), fields
        branches |= set(positive.tolist())
    assert branches == {True, False}, "Newton steps and gradient steps both checked"


def test_points_in_any_shape_and_x_y_apart():
    f = optiscape.landscape("custom", f="x^2 + 3 y^2 + sin(x y)", scale=2, rotate=15, noise=0.1, seed=2)
    rng = np.random.default_rng(0)
    p = rng.uniform(-2, 2, size=(4, 3, 2))
    steps = np.array([0, 7, 2**40])
    one = lambda method, q, **kw: getattr(f, method)(q, **kw)
    v, g, h, gs = f.value(p), f.gradient(p), f.hessian(p), f.gradient(p, step=steps)
    assert (v.shape, g.shape, h.shape, gs.shape) == ((4, 3), (4, 3, 2), (4, 3, 2, 2), (4, 3, 2))
    for i in range(4):
        for j in range(3):
            q = p[i, j]
            assert bits(one("value", q)) == bits(v[i, j])
            assert np.array_equal(bits(one("gradient", q)), bits(g[i, j]))
            assert np.array_equal(bits(one("hessian", q)), bits(h[i, j]))
            assert np.array_equal(bits(one("gradient", q, step=steps[j])), bits(gs[i, j]))
            assert np.array_equal(bits(one("gradient", list(q), step=int(steps[j]))), bits(gs[i, j]))
    assert isinstance(f.value([0.5, 0.25]), float)
    # x and y apart, broadcast: a grid for a contour plot.
    x, y = np.linspace(-2, 2, 5), np.linspace(-1, 1, 3)
    X, Y = np.meshgrid(x, y)
    assert np.array_equal(bits(f.value(x[None, :], y[:, None])), bits(f.value(np.stack([X, Y], axis=-1))))
    assert f.gradient(X, Y, step=4).shape == (3, 5, 2)
    assert f.hessian(0.5, 0.25).shape == (2, 2)
    # Mini-batch values: their gradient is the noisy one (a line through two close points).
    q, d = np.array([0.3, -0.2]), np.array([1e-6, 0.0])
    slope = (f.value(q + d, step=9) - f.value(q - d, step=9)) / 2e-6
    assert abs(slope - f.gradient(q, step=9)[0]) < 1e-6
    assert f.value(q, step=9) != f.value(q)


def test_what_a_landscape_tells_about_itself(cli):
    catalog = {l["name"]: l for l in optiscape.catalog()["landscapes"]}
    for name, entry in catalog.items():
        f = optiscape.landscape(name)
        assert f.name == name and f.view == entry["view"] and list(f.start) == entry["start"]
        assert [(m["kind"], list(m["at"])) for m in f.marks] == [(m["kind"], m["at"]) for m in entry["marks"]]
    f = optiscape.landscape("quadratic", condition=40, scale=2, rotate=90, noise=0.5, seed=3)
    assert f.spec == {"name": "quadratic", "scale": 2.0, "noise": 0.5, "seed": 3, "rotate": 90.0, "condition": 40.0}
    assert repr(f) == "optiscape.landscape('quadratic', scale=2.0, noise=0.5, seed=3, rotate=90.0, condition=40.0)"
    # Its spec races as the fields it came from.
    racers = [{"name": "sgd", "lr": 0.01}]
    spec = {"landscape": f.spec, "racers": racers, "steps": 30}
    given = {"landscape": {"name": "quadratic", "condition": 40, "scale": 2, "rotate": 90, "noise": 0.5, "seed": 3}, "racers": racers, "steps": 30}
    assert np.array_equal(optiscape.run(spec)["racers"][0]["trajectory"], optiscape.run(given)["racers"][0]["trajectory"])
    # Its default start and marks turn with it (a quarter turn about the view's centre, exact).
    plain = optiscape.landscape("styblinski_tang")
    turned = optiscape.landscape("styblinski_tang", rotate=90)
    cx, cy = np.mean(plain.view["x"]), np.mean(plain.view["y"])
    for m, t in zip(plain.marks, turned.marks):
        x, y = m["at"]
        assert np.allclose(t["at"], [cx - (y - cy), cy + (x - cx)], atol=1e-12)
