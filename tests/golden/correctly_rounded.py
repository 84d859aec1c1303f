#!/usr/bin/env python3
"""torch's goldens again with correctly rounded elementary functions: a digest per case.

Run under tests/math/core_math.sh, which preloads CORE-MATH's correctly rounded exp, log, pow,
sin and cos in place of glibc's (so Python's math.sin and float `**`, hence the landscapes'
derivatives and torch.optim's `beta ** step`, are correctly rounded), after generate.py:

    tests/math/core_math.sh python3 tests/golden/correctly_rounded.py

It runs every case of generate.py exactly as generate.py does and writes, per case, a digest of
the points it keeps (tests/golden/correctly_rounded.json). tests/golden.rs checks that optiscape,
whose elementary functions are correctly rounded too (src/math.rs), gives those very bits: torch's
order of operations with correctly rounded functions, to the last bit. Where glibc misrounds,
torch's own goldens (<optimizer>.json) can part from optiscape's; tests/golden.rs lists them.
"""

import json
import math
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402

U64 = (1 << 64) - 1


def bits(x):
    import struct
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def digest(case):
    """FNV-1a-like over each kept point (step, x, y), the step it diverged at and, for a scheduled
    race, every step's learning rate (tests/golden.rs)."""
    h = 0xCBF29CE484222325
    words = []
    for i, (x, y) in case["points"]:
        words += [i, bits(x), bits(y)]
    words.append(U64 if case["diverged_at"] is None else case["diverged_at"])
    words += [bits(lr) for lr in case.get("lr", [])]
    for w in words:
        h = ((h ^ w) * 0x100000001B3) & U64
    return f"{h:016x}"


def main():
    # glibc 2.36 rounds these one ulp off; CORE-MATH correctly.
    if math.sin(18.755121964218798) != -0.09429366313543615 or 0.95 ** 482.0 != float.fromhex("0x1.422de2f38cf6fp-36"):
        sys.exit("the C library's sin and pow are not correctly rounded here: run under tests/math/core_math.sh")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        generate.HERE = tmp
        files = [name for name, *_ in generate.OPTIMIZERS] + generate.FEATURES
        sys.argv = [sys.argv[0]] + files
        generate.main()
        for name in files:
            with open(os.path.join(tmp, f"{name}.json")) as fh:
                cases = json.load(fh)["cases"]
            out[name] = [{"racer": c["racer"], "landscape": c["landscape"], "digest": digest(c)} for c in cases]
    path = os.path.join(HERE, "correctly_rounded.json")
    with open(path, "w") as fh:
        json.dump({"generator": "tests/golden/correctly_rounded.py", "torch": generate.torch.__version__,
                   "libm": "CORE-MATH (crate core-math-sys)", "cases": out}, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"{path}: {sum(len(v) for v in out.values())} cases")


if __name__ == "__main__":
    main()
