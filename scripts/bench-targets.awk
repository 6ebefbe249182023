# The targets of issue #17, judged from scripts/bench.sh's figures for one database size (-v size=N).
# Input, a line per figure, tab separated: size, page, server (portal, nginx or first), connections,
# rate (requests/s; applications/s for "applications"; MB for "memory"), p99 as wrk prints it.
BEGIN { FS = "\t"; limit_ms = 20; share_floor = 0.40; noise = 0.05; applications_floor = 300; memory_cap = 100 }
$1 != size { next }

function ms(v) {
  if (v ~ /us$/) return v / 1000
  if (v ~ /ms$/) return v + 0
  if (v ~ /s$/) return v * 1000
  return v + 0
}

$2 == "memory" { if ($5 > memory) memory = $5; next }
$2 == "applications" { applications = $5; next }
{
  key = $2 SUBSEP $3
  rate[key, $4] = $5; p99[key, $4] = ms($6)
  if (!(key in fewest) || $4 + 0 < fewest[key] + 0) fewest[key] = $4
  if (!(key in most) || $4 + 0 > most[key] + 0) most[key] = $4
  pages[key] = 1
}

function verdict(what, ok, detail) { printf "  %-62s %s (%s)\n", what, ok ? "met" : "NOT MET", detail }

END {
  lowest = 2; worst_fall = 2; slowest = 0
  for (k in rate) {
    split(k, f, SUBSEP); page = f[1]; kind = f[2]; c = f[3]
    if (kind == "portal" && ((page, "nginx", c) in rate) && rate[k] / rate[page, "nginx", c] < lowest) {
      lowest = rate[k] / rate[page, "nginx", c]; lowest_at = page " at " c
    }
    if (kind != "nginx" && (page == "/stats" || page == "/notices" || page ~ /^\/status\/view/) && p99[k] > slowest) {
      slowest = p99[k]; slowest_at = page " at " c
    }
  }
  for (key in pages) {
    split(key, f, SUBSEP)
    if (f[2] == "nginx" || rate[key, most[key]] / rate[key, fewest[key]] >= worst_fall) continue
    worst_fall = rate[key, most[key]] / rate[key, fewest[key]]
    fall_at = sprintf("%s: %d at %s connections, %d at %s", f[1], rate[key, most[key]], most[key], rate[key, fewest[key]], fewest[key])
  }
  printf "targets at %d applications:\n", (size > 0 ? size : 1)
  verdict("pages at 40 % of nginx or more for the same bytes", lowest >= share_floor,
    sprintf("lowest %.1f %%: %s", 100 * lowest, lowest_at))
  verdict("no page losing throughput from fewest to most connections", worst_fall >= 1 - noise,
    sprintf("%s; %d %% allowed for noise", fall_at, 100 * noise))
  if (size < 1000000) { print "  (p99, applications a second and memory are judged at 1000000)"; exit }
  verdict("p99 under 20 ms: /stats, /notices, status page and first views", slowest < limit_ms,
    sprintf("highest %.1f ms: %s", slowest, slowest_at))
  verdict("300 applications acknowledged a second or more", applications >= applications_floor,
    applications " a second")
  verdict("resident memory under 100 MB", memory < memory_cap, "at most " memory " MB")
}
