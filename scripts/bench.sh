#!/usr/bin/env bash
# Load figures for the public pages (not part of the test command): starts the release server on a fresh
# SQLite database in a temporary folder, with the per-client budgets lifted, and runs wrk against each page
# at several connection counts, printing requests per second, p99 latency and non-2xx answers.
#
#   scripts/bench.sh                      # every page below at 8, 32 and 256 connections, 10 s each
#   BENCH_SECONDS=5 BENCH_CONNECTIONS="8 64" scripts/bench.sh / /guide
#
# Needs a release build (`cargo leptos build --release`) and wrk (`apt-get install wrk`). Seeding large
# databases and the static-server ceiling are still to come (issue: scale out, measure, survive).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
cd "$root"

seconds="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-8 32 256}"
pages=("$@")
if [ "${#pages[@]}" -eq 0 ]; then
  pages=(/ /guide /announcements /notices "/notices/recipients?township=620702001" /stats /contact /report)
fi
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -x target/release/server ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }

data="$(mktemp -d)"
port=3900
export PORTAL_DATA_DIR="$data" DATABASE_URL="sqlite://$data/portal.db" PORTAL_LISTEN_ADDR="127.0.0.1:$port"
export PORTAL_RATE_LIMIT_BURST=100000000 PORTAL_RATE_LIMIT_REFILL_MS=1 PORTAL_LIST_PAGES_PER_MINUTE=100000000
export RUST_LOG="${RUST_LOG:-warn}"
target/release/server >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

printf '%-42s %6s %10s %10s %8s\n' page conns req/s p99 non-2xx
for page in "${pages[@]}"; do
  for c in $connections; do
    out="$(wrk -t2 -c"$c" -d"${seconds}s" --latency "http://127.0.0.1:$port$page" 2>&1)"
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    bad="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
    printf '%-42s %6s %10s %10s %8s\n' "$page" "$c" "${rps:-0}" "${p99:--}" "${bad:-0}"
  done
done
echo "resident memory after the run: $(($(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024)) MB"
echo "slow pool acquisitions logged: $(grep -c "slow threshold" "$data/server.log" || true)"
