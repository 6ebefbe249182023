#!/usr/bin/env bash
# Two servers side by side (not part of the test command): a status page's first views on each, in
# alternating rounds, so that a change is judged against the machine's own drift (on a shared 2-core
# machine one round moves 10 to 20 % from the next). Each server gets a fresh SQLite database with one
# application submitted through the forms and a real status session; each round prints requests/s, p99
# and the server's CPU time (user + system) per first view.
#
#   B_ENV="PORTAL_CONCURRENT_RENDERS=100000" scripts/bench-side-by-side.sh          # one setting against another
#   A_SERVER=/tmp/server-before scripts/bench-side-by-side.sh 10 "32 256"           # a build against another
#
# Arguments: rounds (default 6) and connection counts (default "8 32 256"). A_SERVER and B_SERVER default to
# target/release/server; A_ENV and B_ENV are settings given to one server only. Needs what scripts/bench.sh
# needs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
source "$here/bench-lib.sh"
cd "$root"

rounds="${1:-6}"
connections="${2:-8 32 256}"
seconds="${BENCH_SECONDS:-3}"
a_server="${A_SERVER:-target/release/server}" b_server="${B_SERVER:-target/release/server}"
for tool in wrk sqlite3 curl "$a_server" "$b_server" target/release/examples/submissions; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (see scripts/bench.sh)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'kill $(cat "$work"/*/pid 2>/dev/null) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

# Starts a server (binary, port, extra settings) on a database of its own with one application and
# prints the status session's cookie; the server's pid goes to the file `pid` beside its database (the
# caller reads the cookie in a subshell, which cannot hand back a variable).
start() {
  local data="$work/$2"
  mkdir -p "$data"
  start_portal "$1" "$2" "$data" "$3"
  echo $! >"$data/pid"
  status_session "$2" "$data" "$(first_application "$2" "$data")"
}

# Clock ticks the process has run (user + system).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One round of first views: port, cookie, pid, connections -> "requests/s p99 µs-per-view".
round() {
  local before after out
  before=$(ticks "$3")
  out=$(wrk -t2 -c"$4" -d"${seconds}s" --latency -s "$here/bench-first-view.lua" -H "Cookie: $2" \
    "http://127.0.0.1:$1/status/view" |
    awk '/requests in/ {n=$1} /Requests\/sec/ {r=$2} $1 == "99%" {p=$2} END {printf "%d %.0f %s", n, r, p}')
  after=$(ticks "$3")
  read -r count rate p99 <<<"$out"
  printf '%6d/s p99 %-8s %4.0f µs' "$rate" "$p99" \
    "$(echo "($after - $before) * 1000000 / $(getconf CLK_TCK) / $count" | bc -l)"
}

a_cookie="$(start "$a_server" 3971 "${A_ENV:-}")"
b_cookie="$(start "$b_server" 3972 "${B_ENV:-}")"
a_pid="$(cat "$work/3971/pid")" b_pid="$(cat "$work/3972/pid")"
echo "A: $a_server ${A_ENV:-}"
echo "B: $b_server ${B_ENV:-}"
round 3971 "$a_cookie" "$a_pid" 32 >/dev/null # warm up both
round 3972 "$b_cookie" "$b_pid" 32 >/dev/null
for i in $(seq "$rounds"); do
  for c in $connections; do
    echo "round $i, $c connections   A $(round 3971 "$a_cookie" "$a_pid" "$c")   B $(round 3972 "$b_cookie" "$b_pid" "$c")"
  done
done
