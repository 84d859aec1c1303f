"""The notebooks in examples/ run top to bottom, print what they keep as their output, and show
what they say: seed 000's table as the README gives it, and your torch optimizer raced exactly."""

import pathlib

import pytest

import notebooks

ROOT = pathlib.Path(__file__).resolve().parents[2]
TABLE = ROOT / "examples" / "seed_000_table.ipynb"
TORCH = ROOT / "examples" / "your_optimizer_in_torch.ipynb"


def readme_table():
    """The rows of the README's classifier table: (configuration, torch, optiscape)."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| configuration, lr 1e-3, 15 epochs"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(tuple(cell.strip() for cell in line.strip("|").split("|")))
    return rows


def test_the_seed_table_notebook_reproduces_the_readmes_table():
    namespace, printed = notebooks.run(TABLE)
    assert printed == notebooks.stored(TABLE), "the notebook keeps what it prints (python python/tests/notebooks.py refreshes it)"
    assert namespace["rows"] == readme_table()
    assert len(namespace["rows"]) == 7


def test_the_torch_notebook_races_your_optimizer_exactly():
    pytest.importorskip("torch", reason="torch is not installed here: examples/your_optimizer_in_torch.ipynb is checked where it is")
    namespace, printed = notebooks.run(TORCH)
    assert namespace["same_bits"] and namespace["same_noisy_bits"]
    labels = [r["label"] or r["name"] for r in namespace["race"]["racers"]]
    assert labels == ["adam", "sgd", "Adam by hand", "torch.optim.Adam"]
    assert all(r["arrival"] is not None for r in namespace["race"]["racers"])
    # What stock torch's sqrt does depends on the machine's math library: that cell alone may
    # print other figures elsewhere.
    _, cells = notebooks.code_cells(TORCH)
    for cell, got, kept in zip(cells, printed, notebooks.stored(TORCH)):
        if "differ = " not in "".join(cell["source"]):
            assert got == kept
