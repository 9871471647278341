#!/usr/bin/env bash
# Builds solder, links the bundled example with it through gcc, and runs the result.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release
tooldir="$(pwd)/target/release/tooldir"
mkdir -p "$tooldir"
# gcc -B DIR runs DIR/ld as its linker.
ln -sf ../solder "$tooldir/ld"

out="target/release/hello"
gcc -O2 -B "$tooldir" examples/hello.c -o "$out"
echo "linked $out with $(target/release/solder --version)"
"./$out"
