"""optiscape.Race without a browser: the spec it keeps (checked and canonical, as the page keeps
it), and the assets it sends to the cell (the page's modules the cell links, and the wasm build).
tests/notebook/widget.test.mjs runs it in JupyterLab."""

import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import optiscape

anywidget = pytest.importorskip("anywidget", reason="anywidget is not installed: optiscape.Race needs it")

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = {"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "lr": 0.05}]}


def test_the_spec_is_kept_canonical_and_a_bad_one_raises_the_clis_message():
    race = optiscape.Race(SPEC)
    canonical = json.loads(optiscape._core.canonical_spec(json.dumps(SPEC)))
    assert race.spec == canonical
    assert race.spec["steps"] == canonical["steps"] and "betas" in race.spec["racers"][0]
    bad = {"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "lr": -1}]}
    with pytest.raises(ValueError) as raised:
        race.spec = bad
    with pytest.raises(ValueError) as cli:
        optiscape.run(bad)
    assert str(raised.value) == str(cli.value)
    assert race.spec == canonical, "a refused spec leaves the race as it was"


def test_a_spec_may_be_json_text_or_hold_numpy_arrays():
    path = np.array([[-1.0, 1.0], [-0.5, 0.5], [0.0, 0.0]])
    race = optiscape.Race(json.dumps(SPEC))
    race.spec = dict(SPEC, racers=SPEC["racers"] + [{"name": "external", "label": "mine", "trajectory": path}])
    assert race.spec["racers"][1]["trajectory"] == path.tolist()
    assert optiscape.Race().spec == {}, "no spec: the page's default scene"


def test_racers_is_empty_until_a_cell_shows_the_race():
    assert optiscape.Race(SPEC).racers() == []


def test_the_cell_gets_every_module_the_widget_links_and_the_wasm_build():
    modules, style, markup, wasm = optiscape._core.widget_assets()
    needed, todo = set(), ["js/notebook.js"]
    while todo:
        path = todo.pop()
        if path in needed:
            continue
        needed.add(path)
        assert path in modules, f"{path} is imported but not in the package"
        for spec in re.findall(r"""(?:\bfrom\s*|\bimport\s*)['"](\.{1,2}/[^'"]+)['"]""", modules[path]):
            todo.append(str(pathlib.PurePosixPath(path).parent.joinpath(spec)).replace("js/../", ""))
    assert {"js/page.js", "js/landscape.js", "js/race.js", "pkg/optiscape.js"} <= needed
    assert modules["js/page.js"] == (ROOT / "www/js/page.js").read_text()
    assert style == (ROOT / "www/style.css").read_text() and 'id="plot"' in markup
    built = ROOT / "www/pkg/optiscape_bg.wasm"
    if built.exists():
        assert wasm == built.read_bytes(), "the package carries this wasm build (pip install ./python again after cargo xtask build)"
    assert wasm is not None and wasm[:4] == b"\0asm"


def test_the_core_imports_without_anywidget():
    code = "import sys, optiscape; optiscape.run({'landscape': {'name': 'rosenbrock'}, 'racers': [{'name': 'sgd'}], 'steps': 3}); print('anywidget' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_race_without_anywidget_says_what_to_install():
    code = (
        "import sys; sys.modules['anywidget'] = None\n"
        "import optiscape\n"
        "try:\n    optiscape.Race\nexcept ModuleNotFoundError as e:\n    print(e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == 'optiscape.Race needs anywidget: pip install anywidget (or pip install "./python[widget]")'
