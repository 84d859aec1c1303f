#!/usr/bin/env bash
# Runs a command (by default tests/math/reference.py) with CORE-MATH's correctly rounded exp,
# log, pow, sin and cos (C, from the sources vendored in the crates.io crate core-math-sys, which
# `cargo fetch` or any build of a crate using it puts in ~/.cargo/registry) preloaded in place
# of the C library's, for Python's math module and float `**` alike. Needs a C compiler.
#
#   tests/math/core_math.sh                 # reference.py: must find no difference for those five,
#                                           # an independent check of mpmath and of the script
#   tests/math/core_math.sh python3 tests/golden/correctly_rounded.py   # torch, correctly rounded
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="${CORE_MATH_SRC:-$(ls -d "$HOME"/.cargo/registry/src/*/core-math-sys-*/vendor/src/binary64 | tail -1)}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cat > "$out/shim.c" <<'C'
double cr_exp(double); double cr_log(double); double cr_pow(double, double);
double cr_sin(double); double cr_cos(double);
double exp(double x) { return cr_exp(x); }
double log(double x) { return cr_log(x); }
double pow(double x, double y) { return cr_pow(x, y); }
double sin(double x) { return cr_sin(x); }
double cos(double x) { return cr_cos(x); }
C
for f in exp log pow sin cos; do
  cc -O2 -fPIC -c -I"$src/$f" -I"$src/support" "$src/$f/$f.c" -o "$out/$f.o"
done
cc -O2 -fPIC -shared -o "$out/libcoremath.so" "$out/shim.c" "$out"/{exp,log,pow,sin,cos}.o -lm
if [ $# -eq 0 ]; then set -- python3 "$here/reference.py"; fi
LD_PRELOAD="$out/libcoremath.so" "$@"
