"""The `optiscape` CLI beside the package, for tests that want the two to agree: the binary named
by OPTISCAPE_CLI (as `cargo xtask test` sets it), else the workspace's release build, built with
cargo if it is missing."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _cli_path():
    named = os.environ.get("OPTISCAPE_CLI")
    if named:
        return named
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "optiscape"], cwd=ROOT, check=True)
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT, check=True, capture_output=True, text=True)
    return str(pathlib.Path(json.loads(meta.stdout)["target_directory"]) / "release" / "optiscape")


class Cli:
    """Runs `optiscape ARGS` with a spec on stdin."""

    def __init__(self, path):
        self.path = path

    def __call__(self, *args, stdin=""):
        if not isinstance(stdin, (str, bytes)):
            stdin = json.dumps(stdin)
        data = stdin.encode() if isinstance(stdin, str) else stdin
        return subprocess.run([self.path, *args], input=data, capture_output=True, check=False)

    def json(self, *args, stdin=""):
        out = self(*args, stdin=stdin)
        assert out.returncode == 0, out.stderr.decode()
        return json.loads(out.stdout)

    def error(self, *args, stdin=""):
        """The one-line message of a failed command, without its `optiscape: error: ` prefix."""
        out = self(*args, stdin=stdin)
        assert out.returncode == 2 and out.stdout == b"", (out.returncode, out.stdout[:200])
        line = out.stderr.decode()
        assert line.endswith("\n") and line.count("\n") == 1, line
        assert line.startswith("optiscape: error: "), line
        return line[len("optiscape: error: "):-1]


@pytest.fixture(scope="session")
def cli():
    return Cli(_cli_path())


@pytest.fixture(scope="session")
def scenes():
    """The presets' scenes as presets/scenes.json holds them (src/presets.rs reads the file)."""
    return json.loads((ROOT / "presets" / "scenes.json").read_text())
