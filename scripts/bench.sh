#!/usr/bin/env bash
# Load figures (not part of the test command). For each database size it: starts the release server on a
# fresh SQLite database (per-client budgets lifted), submits one application through the real forms,
# grows the database to the size with scripts/bench-seed.sql, restarts the server (time to ready), runs
# wrk against the public pages and a status page at several connection counts, serves the same bytes
# from nginx as the ceiling, drives complete applications through the form posts, reports resident
# memory idle and under load, and says which targets of issue #17 hold (scripts/bench-targets.awk).
#
#   scripts/bench.sh                                   # 0, 100 000 and 1 000 000 applications
#   BENCH_SIZES="100000" BENCH_SECONDS=5 BENCH_CONNECTIONS="8 256" scripts/bench.sh
#
# Needs a release build (`cargo leptos build --release`), the load generator
# (`cargo build --release --example submissions`), wrk, nginx and sqlite3
# (`apt-get install wrk nginx-light sqlite3`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
source "$here/bench-lib.sh"
cd "$root"

sizes="${BENCH_SIZES:-0 100000 1000000}"
seconds="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-8 32 256}"
submitters="${BENCH_SUBMITTERS:-32}"
for tool in wrk nginx sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install wrk nginx-light sqlite3 curl" >&2; exit 1; }
done
[ -x target/release/server ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }
[ -x target/release/examples/submissions ] ||
  { echo "build first: cargo build --release --example submissions" >&2; exit 1; }

port=3900 static_port=3901
work="$(mktemp -d)"
server=""
stop_server() { [ -n "$server" ] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }; server=""; }
trap 'stop_server; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

rss_mb() { echo $(($(awk '/VmRSS/ {print $2}' "/proc/$server/status") / 1024)); }
memory() {
  local mb; mb="$(rss_mb)"
  record memory portal - "$mb" -
  echo "resident memory $1: $mb MB"
}

# Starts the server on $data; sets ready_ms to the milliseconds it took to answer /readyz.
start_server() {
  local started=$(date +%s%N)
  start_portal target/release/server "$port" "$data" "RUST_LOG=${RUST_LOG:-warn,server::statistics=info}"
  server=$!
  ready_ms=$((($(date +%s%N) - started) / 1000000))
}

# The statistics job runs once at start; on a freshly seeded database (no snapshot yet) it reads every
# application. Waits for it (two minutes at most), so that it does not weigh on the first page measured.
statistics_ready() {
  local waited=0
  until [ "$(grep -c "statistics refreshed" "$data/server.log")" -gt "$1" ] || [ $waited -ge 1200 ]; do
    sleep 0.1; waited=$((waited + 1))
  done
  grep "statistics refreshed" "$data/server.log" | tail -1 | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'took_ms=[0-9]*' | cut -d= -f2
}

# Every figure measured, a line each: size, page, server (portal, nginx, first), connections, rate, p99.
# The targets of issue #17 are judged from it (scripts/bench-targets.awk).
figures="$work/figures"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$@" >>"$figures"; }

# wrk at each connection count: "rps/p99" per count, space separated, each recorded for the page ($1)
# and server ($2). $4: a cookie; $5: a wrk script.
load() {
  local page="$1" kind="$2" url="$3" options=() c out rps p99
  [ -n "${4:-}" ] && options+=(-H "Cookie: $4")
  [ -n "${5:-}" ] && options+=(-s "$5")
  for c in $connections; do
    out="$(wrk -t2 -c"$c" -d"${seconds}s" --latency "${options[@]}" "$url" 2>&1)"
    rps="$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")" p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    record "$page" "$kind" "$c" "$rps" "$p99"
    printf '%s/%s ' "$rps" "$p99"
  done
}

# nginx serving the saved bytes of every page: the ceiling for the same bytes on this machine.
start_static() {
  cat >"$work/nginx.conf" <<EOF
worker_processes 2; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$static_port; root $work/static; default_type text/html; } }
EOF
  nginx -c "$work/nginx.conf" -p "$work"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "figures: requests/s / p99 at $connections connections (${seconds} s each)"
start_static
for size in $sizes; do
  data="$work/data-$size"; mkdir -p "$data"
  start_server
  reference="$(first_application "$port" "$data")"
  stop_server
  if [ "$size" -gt 0 ]; then
    seeding=$(date +%s)
    sed "s/@COUNT@/$size/g" scripts/bench-seed.sql | sqlite3 "$data/portal.db"
    echo "== $size applications (seeded in $(($(date +%s) - seeding)) s)"
  else
    echo "== 1 application"
  fi
  refreshed="$(grep -c "statistics refreshed" "$data/server.log" || true)"
  start_server
  idle="$(rss_mb)"
  record memory portal - "$idle" -
  echo "start to ready: ${ready_ms} ms; resident memory idle: $idle MB"
  echo "statistics at start: $(statistics_ready "$refreshed") ms (read in the background; pages answer meanwhile)"
  township="$(sqlite3 "$data/portal.db" "SELECT n.township_code FROM notices n JOIN applications a ON a.id = n.application_id WHERE a.status = 'in_notice' GROUP BY n.township_code ORDER BY COUNT(*) DESC LIMIT 1")"
  cookie="$(status_session "$port" "$data" "$reference")"
  # The status page measured must be the application's, not the page asking to look it up again.
  curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/status/view" | grep -q "$reference" ||
    { echo "no status session for $reference: the status page would not be measured" >&2; exit 1; }
  pages=(/ /guide /announcements "/notices?township=${township:-620702001}" /notices
    "/notices/recipients?township=620702001" /stats /status/view)
  printf '%-44s %-40s %s\n' page portal "nginx, same bytes"
  for page in "${pages[@]}"; do
    file="$work/static/$(echo "$page" | md5sum | cut -c1-16).html"; mkdir -p "$work/static"
    curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port$page" -o "$file"
    bytes=$(stat -c %s "$file")
    portal="$(load "$page" portal "http://127.0.0.1:$port$page" "$([ "$page" = /status/view ] && echo "$cookie")")"
    ceiling="$(load "$page" nginx "http://127.0.0.1:$static_port/$(basename "$file")")"
    printf '%-44s %-40s %s\n' "$page ($bytes B)" "$portal" "$ceiling"
  done
  # A resident's reloads are answered from the page cache; a first view is rendered: measured apart,
  # each request at an address of its own.
  printf '%-44s %s\n' "/status/view, first views" \
    "$(load "/status/view, first views" first "http://127.0.0.1:$port/status/view" "$cookie" "$here/bench-first-view.lua")"
  memory "after the page load"
  target/release/examples/submissions "127.0.0.1:$port" "$data/outbox.jsonl" "$submitters" 25 137 | tee "$work/submitted"
  record applications portal "$submitters" "$(grep -o '[0-9.]* acknowledged/s' "$work/submitted" | cut -d' ' -f1)" -
  memory "after the submissions"
  echo "slow pool acquisitions logged: $(grep -c "slow threshold" "$data/server.log" || true)"
  stop_server
  rm -rf "$data"
  awk -v size="$size" -f "$here/bench-targets.awk" "$figures"
done
