#!/usr/bin/env bash
# `leakseek watch` left alone with real services under its default thresholds: two that do not
# leak (a bounded cache that warms up and then churns; a heap that swings widely) and one that
# leaks steadily (bytes through one site and goroutines on one stack), all from
# testdata/services/watchscenario, scraped every INTERVAL for DURATION. The non-leakers must
# raise no alert at all; the leaker must raise each kind of alert once and keep it firing.
# Reports every alert with its time to fire, and the daemon's CPU and peak RSS. See
# bench/README.md.
#
# Usage: bench/watch_soak.sh [--interval 5s] [--duration 30m] [--leakseek PATH]
# GO selects the services' toolchain (default Go 1.27, which serves the goroutine leak profile).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INTERVAL=5s
DURATION=30m
LEAKSEEK="$ROOT/build/leakseek"
GO="${GO:-$("$ROOT/scripts/go_toolchain" go1.27)}"
WORK="${LEAKSEEK_BENCH_WORK:-/tmp/leakseek-watch-soak}"
TIME=/usr/bin/time

while [ $# -gt 0 ]; do
  case "$1" in
    --interval) INTERVAL="${2:?}"; shift 2 ;;
    --duration) DURATION="${2:?}"; shift 2 ;;
    --leakseek) LEAKSEEK="${2:?}"; shift 2 ;;
    -h | --help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "watch_soak.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x "$LEAKSEEK" ] || { echo "watch_soak.sh: $LEAKSEEK not built" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
export GO111MODULE=on GOFLAGS=-mod=mod GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOCACHE="$WORK/.gocache"
(cd "$ROOT/testdata/services/watchscenario" && "$GO" build -o "$WORK/watchscenario" .)

source "$ROOT/bench/lib/listeners.sh"

declare -A urls
start_listener warmup "$WORK/watchscenario" -scenario warmup -cache-bytes $((64 << 20)) -warmup 2m
urls[warmup]=$url
start_listener swings "$WORK/watchscenario" -scenario swings
urls[swings]=$url
start_listener steady "$WORK/watchscenario" -scenario steady -leak-rate $((256 << 10)) -goroutine-rate 1
urls[steady]=$url

{
  echo "interval: $INTERVAL"
  echo "data_dir: $WORK/data"
  echo "listen: 127.0.0.1:0"
  echo "targets:"
  for name in warmup swings steady; do echo "  - {name: $name, url: ${urls[$name]}}"; done
} >"$WORK/watch.yaml"

echo "watching warmup, swings (no leak) and steady (leaks 256 KiB/s and 1 goroutine/s) every $INTERVAL for $DURATION, default thresholds ..."
start=$(date +%s%N)
$TIME -f '%e %U %S %M' -o "$WORK/time.txt" \
  "$LEAKSEEK" watch --config "$WORK/watch.yaml" --duration "$DURATION" >"$WORK/watch.out" 2>&1
read -r wall user sys rss_kb <"$WORK/time.txt"

python3 - "$WORK/data/leakseek.db" "$start" "$wall" "$user" "$sys" "$rss_kb" <<'PY'
import sqlite3, sys
db, start = sys.argv[1], int(sys.argv[2])
wall, user, sys_, rss_kb = map(float, sys.argv[3:7])
con = sqlite3.connect(db)
print(f"wall               {wall:.0f} s; daemon cpu {(user + sys_):.1f} s = {(user + sys_) / wall:.4f} of one core; peak RSS {rss_kb / 1024:.1f} MiB")
for (target,) in con.execute("select name from targets order by name"):
    n = con.execute("select count(*) from snapshots s join targets t on t.id = s.target_id where t.name = ?", (target,)).fetchone()[0]
    print(f"{target}: {n} snapshots")
    rows = con.execute("select id, kind, site, state, started, resolved from alerts where target = ? order by started", (target,)).fetchall()
    if not rows:
        print("  no alerts")
    for id_, kind, site, state, started, resolved in rows:
        opened = con.execute("select count(*) from alert_history where alert_id = ? and state = 'firing'", (id_,)).fetchone()[0]
        closed = con.execute("select count(*) from alert_history where alert_id = ? and state = 'resolved'", (id_,)).fetchone()[0]
        print(f"  {kind:<17} {site[:60]:<60} fired after {(started - start) / 1e9:6.0f} s, now {state}; "
              f"opened {opened}x, resolved {closed}x")
PY
