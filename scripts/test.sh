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

step "lint: server side (ssr) and browser side (hydrate) separately"
cargo clippy -p app -p server --all-targets --features app/ssr -- -D warnings
cargo clippy -p app --lib --no-default-features --features hydrate -- -D warnings

step "build the release site (server + wasm islands)"
cargo leptos build --release

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
