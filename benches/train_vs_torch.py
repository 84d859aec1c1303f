#!/usr/bin/env python3
"""Seed 000's classifier workload: PyTorch against optiscape, natively and in the page's wasm.

A developer runs it by hand where torch is installed (CI does not):

    pip install torch
    python3 benches/train_vs_torch.py

The workload (seed 000, issue 4): Linear(64, 10), CrossEntropyLoss, one sample per step, 15 epochs
over the first 898 8x8 digits, tested on the last 899, lr 1e-3, torch.manual_seed(0), float32 as
the seed's notebook does (`torch.from_numpy(X).to(torch.float32)`). The digits are read from
www/data/digits.bin, the same 1797 images as scikit-learn's load_digits.

1. torch: the seed's Python loop with Adam, timed (training only, as its time_block did).
2. native: `optiscape train` (the release binary, built when missing) on the same workload; the
   figure is the training time optiscape reports for the racer (`seconds`).
3. wasm: `cargo xtask bench`, whose line `train_wasm_s <value> s` times the same workload trained
   in the page. Without that line only the native ratio is given.

Output, one figure per line as `name value unit`:

    torch_s, native_s, native_speedup_vs_torch, wasm_s, wasm_speedup_vs_torch (goal >= 40)

then the test accuracy of nine configurations, torch against optiscape, as
`accuracy_<configuration> <torch %> <optiscape %>`. Lines starting with `#` are comments.
Options: --skip-wasm (no browser bench), --no-table (Adam timing only).
"""

import json
import os
import re
import subprocess
import sys
import time

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = 898
EPOCHS = 15
LR = 1e-3


def load_digits():
    with open(os.path.join(REPO, "www", "data", "digits.bin"), "rb") as fh:
        data = fh.read()
    assert data[:10] == b"OPTDIGITS1", "www/data/digits.bin is not an OPTDIGITS1 file"
    n = int.from_bytes(data[10:12], "little")
    rows = [data[12 + 65 * i:12 + 65 * (i + 1)] for i in range(n)]
    x = [[float(p) for p in r[:64]] for r in rows]
    y = [r[64] for r in rows]
    return x[:TRAIN], y[:TRAIN], x[TRAIN:], y[TRAIN:]


def prepare(x_train, x_test, transform, scale):
    """float32 tensors after the transform and scale, as the seed's numpy code makes them."""
    xtr = torch.tensor(x_train, dtype=torch.float64)
    xte = torch.tensor(x_test, dtype=torch.float64)
    if transform == "standardize":
        # np.mean / np.std (population) over the training set, then (x - mean) / (std + 1e-8).
        mean = xtr.mean(dim=0, keepdim=True)
        std = xtr.std(dim=0, keepdim=True, unbiased=False)
        xtr, xte = (xtr - mean) / (std + 1e-8), (xte - mean) / (std + 1e-8)
    return (xtr * scale).to(torch.float32), (xte * scale).to(torch.float32)


def torch_train(optimizer_cls, x_train, y_train, x_test, y_test):
    """The seed's loop; returns (seconds of training, test accuracy in %)."""
    torch.manual_seed(0)
    model = torch.nn.Linear(64, 10)
    optimizer = optimizer_cls(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    labels = [torch.tensor(y) for y in y_train]
    start = time.perf_counter()
    for _ in range(EPOCHS):
        for inputs, label in zip(x_train, labels):
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), label)
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        predicted = model(x_test).argmax(dim=1)
    right = sum(int(p) == y for p, y in zip(predicted.tolist(), y_test))
    return seconds, 100.0 * right / len(y_test)


def optiscape_binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    path = os.path.join(target, "release", "optiscape")
    if not os.path.exists(path):
        print("# building the release binary (cargo build --release)", flush=True)
        subprocess.run(["cargo", "build", "--release", "--bin", "optiscape"], cwd=REPO, check=True)
    return path


def optiscape_train(binary, racers):
    spec = {"model": "linear", "epochs": EPOCHS, "batch_size": 1, "seed": 0, "racers": racers}
    out = subprocess.run([binary, "train"], input=json.dumps(spec), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["racers"]


def wasm_seconds():
    """train_wasm_s from `cargo xtask bench`, or None with the reason."""
    try:
        out = subprocess.run(["cargo", "xtask", "bench"], cwd=REPO, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"cargo xtask bench did not run: {e}"
    text = out.stdout + out.stderr
    for line in text.splitlines():
        if line.startswith("# train_wasm_s"):
            print(line, flush=True)
    found = re.search(r"^train_wasm_s\s+([0-9.eE+-]+)\s+s\s*$", text, re.MULTILINE)
    if found:
        return float(found.group(1)), None
    if out.returncode != 0:
        return None, f"cargo xtask bench failed (exit {out.returncode}): {text.strip().splitlines()[-1:]}"
    return None, "cargo xtask bench printed no train_wasm_s line"


# (name, torch optimizer, optiscape optimizer, transform, scale): seed 000's experiments.
CONFIGURATIONS = [
    ("adam", torch.optim.Adam, "adam", "raw", 1.0),
    ("sgd", torch.optim.SGD, "sgd", "raw", 1.0),
    ("rmsprop", torch.optim.RMSprop, "rmsprop", "raw", 1.0),
    ("adagrad", torch.optim.Adagrad, "adagrad", "raw", 1.0),
    ("adam_x_div_50", torch.optim.Adam, "adam", "raw", 1 / 50),
    ("adam_x_times_50", torch.optim.Adam, "adam", "raw", 50.0),
    ("sgd_x_div_5", torch.optim.SGD, "sgd", "raw", 1 / 5),
    ("sgd_x_times_5", torch.optim.SGD, "sgd", "raw", 5.0),
    ("adam_standardized", torch.optim.Adam, "adam", "standardize", 1.0),
]


def main():
    args = set(sys.argv[1:])
    unknown = args - {"--skip-wasm", "--no-table"}
    if unknown:
        sys.exit(f"unknown options {sorted(unknown)}; see the docstring")
    x_train, y_train, x_test, y_test = load_digits()
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, float32; "
          f"{len(y_train)} training and {len(y_test)} test digits, {EPOCHS} epochs, batch 1, lr {LR}", flush=True)

    xtr, xte = prepare(x_train, x_test, "raw", 1.0)
    torch_s, torch_acc = torch_train(torch.optim.Adam, xtr, y_train, xte, y_test)
    print(f"torch_s {torch_s:.3f} s", flush=True)

    binary = optiscape_binary()
    native = optiscape_train(binary, [{"name": "adam", "lr": LR}])[0]
    native_s = native["seconds"]
    print(f"native_s {native_s:.3f} s")
    print(f"native_speedup_vs_torch {torch_s / native_s:.1f} x")
    print(f"# Adam test accuracy: torch {torch_acc:.2f} %, optiscape native {100 * native['test_accuracy']:.2f} %", flush=True)

    if "--skip-wasm" in args:
        print("# wasm_s skipped (--skip-wasm)")
    else:
        wasm_s, why = wasm_seconds()
        if wasm_s is None:
            print(f"# wasm_s unavailable: {why}; only the native ratio above")
        else:
            print(f"wasm_s {wasm_s:.3f} s")
            speedup = torch_s / wasm_s
            print(f"wasm_speedup_vs_torch {speedup:.1f} x")
            print(f"# goal: wasm_speedup_vs_torch >= 40: {'met' if speedup >= 40 else 'NOT met'}")

    if "--no-table" in args:
        return
    print("# test accuracy in %: accuracy_<configuration> <torch> <optiscape>", flush=True)
    racers = [{"name": ours, "lr": LR, "label": name, "input": {"transform": transform, "scale": scale}}
              for name, _, ours, transform, scale in CONFIGURATIONS]
    results = {r["label"]: r for r in optiscape_train(binary, racers)}
    for name, cls, _, transform, scale in CONFIGURATIONS:
        xtr, xte = prepare(x_train, x_test, transform, scale)
        _, acc = (torch_s, torch_acc) if name == "adam" else torch_train(cls, xtr, y_train, xte, y_test)
        ours = results[name]["test_accuracy"]
        ours = "diverged" if ours is None else f"{100 * ours:.2f}"
        print(f"accuracy_{name} {acc:.2f} {ours}", flush=True)


if __name__ == "__main__":
    main()
