"""optiscape in Python: race optimizers on 2-D landscapes with the very core of the optiscape CLI
and page (every optimizer equal to torch.optim to the last bit in float64).

- ``run(spec)``: the race of a run spec, as ``optiscape run`` gives it, numbers as numpy arrays.
- ``landscape(name, **params)``: a landscape's value, gradient and Hessian on points, vectorized.
- ``catalog()``: every optimizer, landscape, scheduler and preset (``optiscape list --json``).
- ``train(spec)``: classifiers trained on the 8x8 digits (``optiscape train``).
- ``plot(spec)``: the race as an SVG figure (``optiscape plot``).
- ``Race(spec)``: the page's live race in a notebook cell (needs ``anywidget``).

A spec is a dict (numpy arrays and numbers welcome inside it) or JSON text, exactly as the
CLI reads it; a bad one raises ``ValueError`` with the CLI's one-line message. The README's
"The run spec" section describes every field.
"""

import json as _json
import math as _math

import numpy as _np

from . import _core

__all__ = ["run", "landscape", "catalog", "train", "plot", "Landscape", "Race"]


def __getattr__(name):
    # The widget only when asked for: the core needs numpy alone, the widget anywidget too.
    if name == "Race":
        try:
            from .widget import Race
        except ModuleNotFoundError as e:
            if e.name != "anywidget":
                raise
            raise ModuleNotFoundError("optiscape.Race needs anywidget: pip install anywidget (or pip install \"./python[widget]\")", name="anywidget") from None
        return Race
    raise AttributeError(f"module 'optiscape' has no attribute {name!r}")


def run(spec):
    """Races ``spec`` and returns what ``optiscape run`` prints, bit for bit: ``{"racers": [...]}``,
    each racer a dict with ``name``, ``label`` (None when not set), ``trajectory`` (an (n, 2)
    array, the start included), ``loss`` (n), ``evaluations`` (n, int64), ``lr`` (n - 1; empty
    for an external racer), ``status`` ("ok", "diverged" or "singular"), ``diverged_at``,
    ``singular_at`` (None unless set) and ``arrival`` (None, or ``{"step", "at", "global"}``)."""
    return {"racers": _core.run(_spec_text(spec))}


def catalog():
    """Every optimizer, landscape, scheduler, limit and preset: ``optiscape list --json``."""
    return _json.loads(_core.catalog())


def train(spec):
    """Trains the racers of a training spec on the digits: what ``optiscape train`` prints
    (each racer's loss, accuracy and learning rate per epoch, its ``test_accuracy`` and the
    ``seconds`` it took)."""
    return _json.loads(_core.train(_spec_text(spec)))


def plot(spec, width=1280, height=640, sweep=False, x=None):
    """The race of ``spec`` as an SVG figure (text), as ``optiscape plot --size WIDTHxHEIGHT``
    draws it: the landscape with every path, the loss chart (``x``: "steps" or "evaluations";
    by default the spec's ``loss_x``, else steps), with ``sweep`` the learning-rate sweep under
    it, and a legend. In a notebook, ``IPython.display.SVG(optiscape.plot(spec))`` shows it."""
    return _core.plot(_spec_text(spec), _whole(width, "width"), _whole(height, "height"), bool(sweep), None if x is None else str(x))


def landscape(name, **params):
    """The landscape ``name`` with its parameters, as a spec's ``landscape`` field gives them:
    its own (``condition=50``, a formula ``f="x^2 + 3 y^2"`` for ``custom``) and those every
    landscape takes (``scale``, ``noise``, ``seed``, ``rotate``). See ``Landscape``."""
    return Landscape(dict(params, name=name))


class Landscape:
    """A landscape as the racers see it: ``scale * f``, turned by ``rotate``, its gradients noisy
    where ``noise`` is set.

    Points are given as one array-like whose last axis holds (x, y), or as two array-likes
    ``x`` and ``y`` that broadcast together (a ``numpy.meshgrid``, say); the results have the
    points' shape, plus (2,) for a gradient and (2, 2) for a Hessian.

    Noise enters only where a step is named. ``gradient(p)`` is the exact gradient of
    ``scale * f``; ``gradient(p, step=k)`` is what every racer gets at step k:
    ``scale * (grad f + noise * xi_k)``, the draw xi_k the same for every point and racer at that
    step (``step`` may be an array, broadcast against the points). Your own optimizer stepped
    with ``step=k`` at its k-th step sees the mini-batches optiscape's racers see.
    ``value(p, step=k)`` is the mini-batch loss whose gradient that is; ``value(p)`` the
    noise-free loss, which ``run`` reports.
    """

    def __init__(self, fields):
        self._core = _core.Landscape(_spec_text({"landscape": fields}))
        self.spec = _json.loads(self._core.spec_json())
        """The landscape's spec object with every parameter given, for a run spec."""
        self.name = self.spec["name"]
        (x0, x1), (y0, y1) = self._core.view()
        self.view = {"x": [x0, x1], "y": [y0, y1]}
        """The default view, as a spec's ``view``."""
        self.start = _np.array(self._core.start())
        """The default start."""
        self.marks = [{"kind": kind, "at": _np.array(at)} for kind, at in self._core.marks()]
        """The known minima ("global", "local") and saddles, turned with the landscape."""

    def __repr__(self):
        params = "".join(f", {k}={v!r}" for k, v in self.spec.items() if k != "name")
        return f"optiscape.landscape({self.name!r}{params})"

    def value(self, p, y=None, *, step=None):
        """``scale * f`` at the points (with ``step``: the mini-batch loss of that step)."""
        xs, ys, shape = _points(p, y)
        steps = _steps(step, shape)
        return _shaped(self._core.values(xs, ys, steps), shape)

    def gradient(self, p, y=None, *, step=None):
        """The gradient of ``scale * f`` at the points, shape ``points + (2,)``; with ``step``,
        the noisy gradient the racers get at that step."""
        xs, ys, shape = _points(p, y)
        steps = _steps(step, shape)
        return self._core.gradients(xs, ys, steps).reshape(shape + (2,))

    def hessian(self, p, y=None):
        """The Hessian of ``scale * f`` at the points, shape ``points + (2, 2)`` (noise moves
        gradients only)."""
        xs, ys, shape = _points(p, y)
        return self._core.hessians(xs, ys).reshape(shape + (2, 2))


def _points(p, y):
    """Flat, contiguous float64 x and y, and the points' shape."""
    if y is None:
        a = _np.asarray(p, dtype=_np.float64)
        if a.ndim == 0 or a.shape[-1] != 2:
            raise ValueError(f"points must have (x, y) along their last axis, got shape {a.shape}; or give x and y apart")
        x, y = a[..., 0], a[..., 1]
    else:
        x, y = _np.broadcast_arrays(_np.asarray(p, dtype=_np.float64), _np.asarray(y, dtype=_np.float64))
    shape = x.shape
    return _np.ascontiguousarray(x).ravel(), _np.ascontiguousarray(y).ravel(), shape


def _steps(step, shape):
    """``step`` as flat uint64 broadcast to the points' shape, or None."""
    if step is None:
        return None
    s = _np.asarray(step)
    if s.dtype.kind not in "iu" and not (s.dtype.kind == "f" and _np.all(_np.isfinite(s)) and _np.all(s == _np.floor(s))):
        raise ValueError(f"step must be a whole number (or an array of them), got {step!r}")
    if _np.any(s < 0):
        raise ValueError(f"step must be 0 or more, got {step!r}")
    try:
        s = _np.broadcast_to(s, shape)
    except ValueError:
        raise ValueError(f"step of shape {s.shape} does not broadcast to the points' shape {shape}") from None
    return _np.ascontiguousarray(s, dtype=_np.uint64).ravel()


def _shaped(flat, shape):
    """A flat array in the points' shape; a plain float for a single point."""
    out = flat.reshape(shape)
    return out[()] if shape == () else out


def _whole(n, name):
    if isinstance(n, bool) or int(n) != n or not 0 <= n < 2**32:
        raise ValueError(f"{name} must be a whole number of pixels, got {n!r}")
    return int(n)


def _spec_text(spec):
    """JSON text for a spec given as a dict (numpy arrays and scalars in it allowed), text or
    bytes; JSON has no NaN or infinity, so a non-finite number is an error naming its place."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, (bytes, bytearray)):
        try:
            return bytes(spec).decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"spec is not UTF-8 text: invalid bytes at offset {e.start}") from None
    try:
        return _json.dumps(spec, default=_plain, allow_nan=False)
    except ValueError:
        where = _nonfinite(spec, "")
        if where is None:
            raise
        path, x = where
        raise ValueError(f"{path}: JSON has no NaN or infinity, got {x}") from None


def _plain(o):
    """What ``json`` cannot write by itself: numpy arrays and scalars."""
    if isinstance(o, _np.ndarray):
        return o.tolist()
    if isinstance(o, _np.generic):
        return o.item()
    raise TypeError(f"a spec holds JSON values, numbers, lists and numpy arrays, not {type(o).__name__}")


def _nonfinite(o, path):
    """The path (as the spec's messages write it) and value of the first non-finite number."""
    if isinstance(o, _np.ndarray):
        o = o.tolist()
    if isinstance(o, (float, _np.floating)):
        return None if _math.isfinite(o) else (path or "spec", float(o))
    if isinstance(o, dict):
        for k, v in o.items():
            found = _nonfinite(v, f"{path}.{k}" if path else str(k))
            if found:
                return found
    if isinstance(o, (list, tuple)):
        for i, v in enumerate(o):
            found = _nonfinite(v, f"{path}[{i}]")
            if found:
                return found
    return None
