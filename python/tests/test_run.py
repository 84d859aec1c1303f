"""`optiscape.run` is `optiscape run` to the last bit: every preset's scene, and races that reach
every kind of racer and outcome (schedulers, clipping, L-BFGS's evaluations, noise, rotation, a
typed formula, divergence, Newton's singular stop, an external racer)."""

import json

import numpy as np
import pytest

import optiscape

EXTRA = {
    "noise, rotation, L-BFGS, a scheduler and clipping": {
        "landscape": {"name": "rosenbrock", "scale": 3, "noise": 0.5, "seed": 7, "rotate": 30},
        "steps": 300,
        "racers": [
            {"name": "lbfgs", "lr": 0.5},
            {"name": "sgd", "lr": 0.002, "momentum": 0.9, "clip_grad_norm": 10,
             "lr_scheduler": {"name": "CosineAnnealingLR", "T_max": 300}},
            {"name": "adam", "lr": 0.05, "lr_scheduler": {"name": "ReduceLROnPlateau", "patience": 5}},
        ],
    },
    "divergence and a singular Hessian": {
        "landscape": {"name": "custom", "f": "sin(x) cos(y)"},
        "steps": 50,
        "racers": [{"name": "sgd", "lr": 1e13}, {"name": "newton", "fallback": None}, {"name": "newton"}],
    },
    "an external racer beside the optimizers": {
        "landscape": {"name": "himmelblau", "scale": 0.5},
        "steps": 20,
        "racers": [{"name": "rmsprop", "lr": 0.01},
                   {"name": "external", "label": "mine", "trajectory": [[0, 0], [1, 1.5], [2.5, 2], [3, 2]]}],
    },
}


def assert_same_race(ours, theirs):
    """Every racer the same: names, statuses and steps equal, every number equal bit for bit."""
    assert len(ours["racers"]) == len(theirs["racers"])
    for a, b in zip(ours["racers"], theirs["racers"]):
        assert a["name"] == b["name"] and a["label"] == b.get("label")
        assert (a["status"], a["diverged_at"], a["singular_at"]) == (b["status"], b["diverged_at"], b.get("singular_at"))
        for key, dtype in [("trajectory", np.float64), ("loss", np.float64), ("evaluations", np.int64), ("lr", np.float64)]:
            got, want = a[key], np.array(b[key], dtype=dtype)
            assert isinstance(got, np.ndarray) and got.dtype == dtype, key
            want = want.reshape(got.shape) if want.size == 0 else want
            assert got.shape == want.shape, key
            bits = np.uint64 if dtype == np.float64 else np.int64
            assert np.array_equal(got.view(bits), want.view(bits)), key
        if b["arrival"] is None:
            assert a["arrival"] is None
        else:
            assert (a["arrival"]["step"], a["arrival"]["global"]) == (b["arrival"]["step"], b["arrival"]["global"])
            assert np.array_equal(a["arrival"]["at"].view(np.uint64), np.array(b["arrival"]["at"]).view(np.uint64))


def test_every_preset_is_the_clis_race_to_the_bit(cli, scenes):
    assert [p["id"] for p in optiscape.catalog()["presets"]] == [s["id"] for s in scenes], "the catalog's presets are the file's"
    outcomes = set()
    for scene in scenes:
        ours = optiscape.run(scene["spec"])
        assert_same_race(ours, cli.json("run", stdin=scene["spec"]))
        outcomes |= {r["status"] for r in ours["racers"]} | {"arrival" for r in ours["racers"] if r["arrival"] is not None}
    assert {"ok", "diverged", "arrival"} <= outcomes, "the presets race to minima and diverge"


@pytest.mark.parametrize("what", list(EXTRA))
def test_every_kind_of_racer_is_the_clis_race_to_the_bit(cli, what):
    spec = EXTRA[what]
    ours = optiscape.run(spec)
    assert_same_race(ours, cli.json("run", stdin=spec))
    statuses = [r["status"] for r in ours["racers"]]
    if what.startswith("divergence"):
        assert statuses == ["diverged", "singular", "ok"]
    if what.startswith("noise"):
        assert ours["racers"][0]["evaluations"][-1] > 300, "L-BFGS evaluates more than once a step"


def test_a_spec_as_a_dict_text_or_bytes_with_numpy_inside():
    spec = EXTRA["an external racer beside the optimizers"]
    text = json.dumps(spec)
    numpy_spec = json.loads(text)
    numpy_spec["racers"][1]["trajectory"] = np.array(spec["racers"][1]["trajectory"], dtype=np.float64)
    numpy_spec["steps"] = np.int64(20)
    numpy_spec["racers"][0]["lr"] = np.float64(0.01)
    results = [optiscape.run(s) for s in (spec, text, text.encode(), numpy_spec)]
    for other in results[1:]:
        assert_same_race(other, json.loads(json.dumps(results[0], default=lambda a: a.tolist())))


def test_your_trajectory_races_as_given():
    """An optimizer's own path handed back as an external racer: the same losses and arrival;
    the trajectory capped at the race's steps, from its own first point."""
    spec = {"landscape": {"name": "rosenbrock", "rotate": 90}, "steps": 2000, "racers": [{"name": "adam", "lr": 0.05}]}
    adam = optiscape.run(spec)["racers"][0]
    spec["racers"].append({"name": "external", "label": "adam again", "trajectory": adam["trajectory"]})
    spec["start"] = [0.5, 0.5]
    again = optiscape.run(spec)["racers"][1]
    assert np.array_equal(again["trajectory"], adam["trajectory"]) and np.array_equal(again["loss"], adam["loss"])
    assert adam["arrival"] is not None and again["arrival"]["step"] == adam["arrival"]["step"]
    assert again["lr"].shape == (0,) and again["label"] == "adam again"
    spec["steps"] = 10
    assert np.array_equal(optiscape.run(spec)["racers"][1]["trajectory"], adam["trajectory"][:11])


def test_plot_is_the_clis_figure(cli):
    spec = EXTRA["an external racer beside the optimizers"]
    svg = optiscape.plot(spec, width=900, height=500, sweep=True)
    assert svg == cli("plot", "--size", "900x500", "--sweep", stdin=spec).stdout.decode()
    assert "mine (External): given trajectory of 4 points" in svg
    assert optiscape.plot(spec, x="evaluations") == cli("plot", "--x", "evaluations", stdin=spec).stdout.decode()


def test_catalog_is_list_json(cli):
    assert optiscape.catalog() == cli.json("list", "--json")


def test_train_is_the_clis_training_to_the_bit(cli):
    spec = {"model": "linear", "epochs": 2, "racers": [{"name": "adam", "lr": 0.001}, {"name": "sgd", "lr": 0.01, "input": {"scale": 0.5}}]}
    ours, theirs = optiscape.train(spec), cli.json("train", stdin=spec)
    for r in ours["racers"] + theirs["racers"]:
        assert r.pop("seconds") >= 0
    # Python's json reads the CLI's shortest round-trip numbers back exactly.
    assert ours == theirs
    assert len(ours["racers"][0]["epochs"]) == 2
