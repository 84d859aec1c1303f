"""Bad input raises `ValueError` with the CLI's own one-line message; what only Python can give
(NaN in a dict, points of the wrong shape) gets a message naming its place."""

import json

import numpy as np
import pytest

import optiscape

ROSENBROCK = {"name": "rosenbrock"}

BAD_RUN_SPECS = [
    '{"landscape": {"name": "rosenbrock"},, "racers": []}',
    '{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "lr": 0.1, "lr": 0.2}]}',
    '{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam"}]} {}',
    "",
    {"landscape": {"name": "rosenbrok"}, "racers": [{"name": "adam"}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "adam", "beta": [0.9, 0.99]}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "adma"}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "sgd", "lr": -1}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "sgd", "nesterov": True}]},
    {"landscape": ROSENBROCK, "racers": []},
    {"landscape": ROSENBROCK, "racers": [{"name": "sgd"}], "stpes": 3},
    {"landscape": ROSENBROCK, "steps": 2_000_000, "racers": [{"name": "sgd"}]},
    {"landscape": {"name": "custom", "f": "x^2 + * y"}, "racers": [{"name": "sgd"}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "adam", "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.1, "total_steps": 10}}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "external"}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "external", "trajectory": []}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "external", "trajectory": [[0, 0], [1]]}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "external", "trajectory": [[0, 0]], "lr": 0.1}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "external", "trajectory": [[0, 0]] * 20_002}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "sgd", "label": "x" * 800_000}]},
    {"landscape": ROSENBROCK, "racers": [{"name": "sgd", "label": "x" * 1_100_000}]},
]


@pytest.mark.parametrize("spec", BAD_RUN_SPECS, ids=lambda s: (s if isinstance(s, str) else json.dumps(s))[:70])
def test_run_raises_the_clis_message(cli, spec):
    want = cli.error("run", stdin=spec)
    with pytest.raises(ValueError) as e:
        optiscape.run(spec)
    assert str(e.value) == want
    assert "\n" not in want
    # plot reads the same spec by the same rules.
    with pytest.raises(ValueError) as e:
        optiscape.plot(spec)
    assert str(e.value) == cli.error("plot", stdin=spec)


@pytest.mark.parametrize(
    "name, params",
    [
        ("rosenbrok", {}),
        ("rosenbrock", {"condition": 3}),
        ("saddle", {"condition": 3}),
        ("quadratic", {"condition": -1}),
        ("rosenbrock", {"scale": 0}),
        ("rosenbrock", {"seed": 1.5}),
        ("rosenbrock", {"rotate": 400}),
        ("custom", {"f": "sinn(x)"}),
        ("custom", {"f": "x +"}),
        ("custom", {"f": 3}),
    ],
)
def test_landscape_raises_the_clis_message(cli, name, params):
    want = cli.error("run", stdin={"landscape": dict(params, name=name), "racers": [{"name": "sgd"}]})
    with pytest.raises(ValueError) as e:
        optiscape.landscape(name, **params)
    assert str(e.value) == want and want.startswith("landscape: ")


def test_train_raises_the_clis_message(cli):
    for spec in [
        {"model": "linear", "racers": [{"name": "newton"}]},
        {"model": "linear", "racers": [{"name": "external", "trajectory": [[0, 0]]}]},
        {"model": "lineer", "racers": [{"name": "adam"}]},
        '{"model": "linear", "model": "mlp", "racers": [{"name": "adam"}]}',
    ]:
        with pytest.raises(ValueError) as e:
            optiscape.train(spec)
        assert str(e.value) == cli.error("train", stdin=spec)


def test_what_only_python_can_get_wrong():
    cases = [
        (lambda: optiscape.run({"landscape": ROSENBROCK, "racers": [{"name": "adam", "lr": float("nan")}]}),
         "racers[0].lr: JSON has no NaN or infinity, got nan"),
        (lambda: optiscape.run({"landscape": ROSENBROCK, "racers": [{"name": "external", "trajectory": np.array([[0, 0], [1, np.inf]])}]}),
         "racers[0].trajectory[1][1]: JSON has no NaN or infinity, got inf"),
        (lambda: optiscape.run({"landscape": ROSENBROCK, "racers": [{"name": "adam"}], "start": {1, 2}}),
         "a spec holds JSON values, numbers, lists and numpy arrays, not set"),
        (lambda: optiscape.run(b"\xff"), "spec is not UTF-8 text: invalid bytes at offset 0"),
        (lambda: optiscape.landscape("rosenbrock").value([1, 2, 3]),
         "points must have (x, y) along their last axis, got shape (3,); or give x and y apart"),
        (lambda: optiscape.landscape("rosenbrock").gradient([1, 2], step=-1), "step must be 0 or more, got -1"),
        (lambda: optiscape.landscape("rosenbrock").gradient([1, 2], step=0.5), "step must be a whole number (or an array of them), got 0.5"),
        (lambda: optiscape.landscape("rosenbrock").gradient([[1, 2]] * 3, step=[1, 2]),
         "step of shape (2,) does not broadcast to the points' shape (3,)"),
        (lambda: optiscape.plot({"landscape": ROSENBROCK, "racers": [{"name": "adam"}]}, width=100),
         "size: the width must be 320 to 4000 pixels, got 100"),
        (lambda: optiscape.plot({"landscape": ROSENBROCK, "racers": [{"name": "adam"}]}, x="time"),
         'plot: x must be "steps" or "evaluations", got "time"'),
    ]
    for call, message in cases:
        with pytest.raises((ValueError, TypeError)) as e:
            call()
        assert str(e.value) == message
