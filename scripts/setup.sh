#!/usr/bin/env bash
# Installs everything the portal needs to build, run and test. Idempotent: a second run only checks.
#
# Toolchain: Debian's rustc-web 1.96 builds both halves (server and wasm) and compiles the wasm32
# standard library from source (-Zbuild-std), so nothing depends on rustup's download servers, and
# cargo-leptos 0.3.11 gets the rustc >= 1.96 it needs. See "Toolchain" in README.md.
#
# The tools live per machine (not per clone) so that a fresh clone reuses them: PORTAL_TOOLS_DIR,
# by default ~/.cache/zhangye-portal/tools.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/env.sh"
mkdir -p "$tools/bin"

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' "$root/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')
BINARYEN_VERSION=132

log() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(rustc-web cargo-web rust-web-src libstd-rust-web-dev rust-web-clippy rustfmt-web lld lld-22
  chromium postgresql nodejs npm pkg-config fonts-wqy-microhei)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# node/npm may come from elsewhere (nodesource, nvm): do not fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# One compiler for server and client: Debian's 1.96, linked first on PATH for every build command.
for t in cargo rustc rustdoc cargo-clippy clippy-driver cargo-fmt rustfmt; do
  ln -sf "/usr/bin/$t" "$tools/bin/$t"
done

# Both tools are built side by side (each has its own build directory) as debug builds without debug
# information: a fresh 2-core machine took 12 and 5 minutes one after the other as a debug build with
# debug information (cargo-leptos, 800 MB) and a release build (wasm-bindgen). Both only drive the build:
# wasm-bindgen reads a 200 KB module.
install_tool() { # crate version log-name extra-args...
  local crate=$1 version=$2 log_file="$tools/$3-install.log"
  shift 3
  CARGO_PROFILE_DEV_DEBUG=0 cargo install "$crate" --version "$version" --debug --root "$tools" "$@" \
    >"$log_file" 2>&1 || { tail -30 "$log_file"; return 1; }
}
installs=()
if ! "$tools/bin/cargo-leptos" --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION"
  install_tool cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-leptos --locked --features no_downloads &
  installs+=($!)
fi
if ! "$tools/bin/wasm-bindgen" --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must equal the wasm-bindgen crate in Cargo.lock)"
  install_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen &
  installs+=($!)
fi
for pid in "${installs[@]}"; do wait "$pid"; done

# Debian's binaryen 108 miscompiles current wasm-bindgen output; npm's binaryen does not.
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
  npm install --prefix "$tools" --no-save --silent "binaryen@$BINARYEN_VERSION" >/dev/null
fi
ln -sf "$tools/node_modules/.bin/wasm-opt" "$tools/bin/wasm-opt"

if [ ! -d "$root/end2end/node_modules/@playwright/test" ]; then
  log "installing end2end npm packages (no browser download: Debian's Chromium is used)"
  (cd "$root/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent)
fi

log "ready: $(cargo --version), cargo-leptos $(cargo-leptos --version | awk '{print $2}'), wasm-bindgen $WASM_BINDGEN_VERSION"
