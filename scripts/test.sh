#!/usr/bin/env bash
# Runs every test solder has, installing what the tests need first (Debian packages: compilers,
# binutils as the reference linker, gdb, clang, the aarch64 cross compiler for wrong-architecture
# inputs; a deb-src entry for Debian's source packages). CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc g++ binutils libc6-dev make gdb clang-19 lld-19 gcc-aarch64-linux-gnu meson ninja-build cmake)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Debian source packages (apt-get source): real libtool projects built with solder as the linker.
src_list=/etc/apt/sources.list.d/solder-deb-src.sources
need_update=0
if ! grep -rqsE '^(Types: *deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: bookworm" \
        "Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
        $sudo tee "$src_list" >/dev/null
    need_update=1
fi
if [ ${#missing[@]} -gt 0 ] || [ $need_update -eq 1 ]; then
    $sudo apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets
