#!/usr/bin/env bash
# Sets up if needed, builds the release site and serves it on http://127.0.0.1:3000 with the embedded
# SQLite database in ./data/ (created, migrated and seeded on first start). Ctrl-C stops it cleanly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/env.sh"
cd "$root"
cargo leptos build --release
export LEPTOS_ENV=PROD
exec "$root/target/release/server"
