"""Runs a notebook's code cells in order in one namespace, as a kernel would (no Jupyter needed),
and compares or stores what each cell prints.

    python python/tests/notebooks.py examples/*.ipynb    # run them, store what they print

The notebooks in examples/ keep their printed output, so that they read well unopened; the
tests check that running them prints exactly that again.
"""

import contextlib
import io
import json
import pathlib
import sys


def code_cells(path):
    notebook = json.loads(pathlib.Path(path).read_text())
    return notebook, [c for c in notebook["cells"] if c["cell_type"] == "code"]


def run(path):
    """Executes the notebook's code; returns its namespace and the text each code cell printed."""
    _, cells = code_cells(path)
    namespace = {"__name__": "__main__"}
    printed = []
    for cell in cells:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile("".join(cell["source"]), f"{path} cell {len(printed) + 1}", "exec"), namespace)
        printed.append(out.getvalue())
    return namespace, printed


def stored(path):
    """The text each code cell's stored outputs print."""
    _, cells = code_cells(path)
    return ["".join("".join(o["text"]) for o in cell.get("outputs", []) if o.get("output_type") == "stream") for cell in cells]


def refresh(path):
    """Runs the notebook and stores what each code cell prints as its output."""
    notebook, cells = code_cells(path)
    _, printed = run(path)
    for n, (cell, text) in enumerate(zip(cells, printed), 1):
        cell["execution_count"] = n
        cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": text.splitlines(keepends=True)}] if text else []
    pathlib.Path(path).write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        refresh(p)
        print(f"refreshed {p}")
