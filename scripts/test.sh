#!/usr/bin/env bash
# Sets up if needed and runs every check: format, lints per feature set, unit and integration tests
# (against SQLite and PostgreSQL), then the browser tests against the release build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/env.sh"
cd "$root"

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

# The browser half builds in its own target directory (target/front), so it runs beside the lints and
# the test build and fills the core they leave idle (its final link-time optimisation is one thread).
front_log="$(mktemp)"
step "build the release site's browser half (wasm islands, styles, assets) in the background"
cargo leptos build --release --frontend-only >"$front_log" 2>&1 &
front=$!
trap 'kill "$front" 2>/dev/null || true; rm -f "$front_log"' EXIT

step "lint: server side (ssr) and browser side (hydrate) separately"
cargo clippy -p app -p server --all-targets --features app/ssr -- -D warnings
cargo clippy -p app --lib --no-default-features --features hydrate -- -D warnings

# The release server is built once, by the test build: `cargo leptos build --release` builds it with the
# release feature set, and `cargo test` again with the dev-dependencies' features, which differ for
# shared crates (typenum, time, stable_deref_trait, ...) and so rebuild them and everything above them
# (17 of the 45 build minutes on a fresh 2-core machine). target/release/server comes from this build
# either way: `cargo test` relinks it for the integration tests.
step "build the release server and every test binary"
cargo test --release --workspace --no-run

step "wait for the browser half (the tests serve its files)"
wait "$front" || { cat "$front_log"; echo "the browser half failed to build"; exit 1; }
tail -n 5 "$front_log"

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL="$("$here/postgres-for-tests.sh")"
  export TEST_DATABASE_URL
fi
if [ -n "$TEST_DATABASE_URL" ]; then
  echo "store tests run against SQLite and PostgreSQL"
else
  echo "store tests run against SQLite only: no PostgreSQL found (set TEST_DATABASE_URL)"
fi

step "unit and integration tests"
cargo test --release --workspace

step "browser tests (Chromium, 360 px, JavaScript on and off)"
cd "$root/end2end"
npx playwright test
