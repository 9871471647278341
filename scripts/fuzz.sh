#!/usr/bin/env bash
# Fuzzes solder for as long as asked: mutants of real objects, archives, a shared library and a
# linker script, from a random seed (or $SOLDER_FUZZ_SEED), on every CPU. Each new finding is
# minimised and saved under target/fuzz-findings/ (or $SOLDER_FUZZ_FINDINGS); once fixed, copy its
# directory into tests/fuzz/regressions/ so that CI replays it.
#
#   bash scripts/fuzz.sh 3600     # one hour
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
export SOLDER_FUZZ_SECONDS="$seconds"
export SOLDER_FUZZ_SEED="${SOLDER_FUZZ_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}"
export SOLDER_FUZZ_FINDINGS="${SOLDER_FUZZ_FINDINGS:-$(pwd)/target/fuzz-findings}"
mkdir -p "$SOLDER_FUZZ_FINDINGS"
echo "fuzzing for $seconds s, seed $SOLDER_FUZZ_SEED, findings in $SOLDER_FUZZ_FINDINGS"
exec cargo test --test fuzz -- seeded --nocapture
