#!/usr/bin/env bash
# Runs every test solder has, installing what the tests need first (Debian packages: compilers,
# binutils as the reference linker, gdb, clang, the aarch64 cross compiler for wrong-architecture
# inputs). CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc g++ binutils libc6-dev make gdb clang-19 gcc-aarch64-linux-gnu)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets
