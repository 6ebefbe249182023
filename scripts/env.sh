# Sourced by the other scripts: the project's own tools first on PATH, one compiler for both halves.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${PORTAL_TOOLS_DIR:-$HOME/.cache/zhangye-portal/tools}"
export PATH="$tools/bin:$PATH"
# Debian's 1.96 toolchain compiles the wasm standard library itself (-Zbuild-std in Cargo.toml).
export RUSTC_BOOTSTRAP=1
# Where the server finds the built site (the same values cargo-leptos uses).
export LEPTOS_OUTPUT_NAME=portal LEPTOS_SITE_ROOT="$root/target/site" LEPTOS_SITE_PKG_DIR=pkg
