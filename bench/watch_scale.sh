#!/usr/bin/env bash
# `leakseek watch` at fleet scale: N fake targets (bench/go/faketargets) serving bodies recorded
# from the bundled leaky service, scraped every INTERVAL for DURATION. Reports the daemon's CPU
# use (share of one core), peak RSS, and store growth per heap snapshot. See bench/README.md.
#
# Usage: bench/watch_scale.sh [--targets N] [--interval 15s] [--duration 5m] [--leakseek PATH]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGETS=1000
INTERVAL=15s
DURATION=5m
LEAKSEEK="$ROOT/build/leakseek"
GO="${GO:-/usr/lib/go-1.23/bin/go}"
WORK="${LEAKSEEK_BENCH_WORK:-/tmp/leakseek-watch-bench}"
TIME=/usr/bin/time

while [ $# -gt 0 ]; do
  case "$1" in
    --targets) TARGETS="${2:?}"; shift 2 ;;
    --interval) INTERVAL="${2:?}"; shift 2 ;;
    --duration) DURATION="${2:?}"; shift 2 ;;
    --leakseek) LEAKSEEK="${2:?}"; shift 2 ;;
    -h | --help) sed -n 2,7p "$0"; exit 0 ;;
    *) echo "watch_scale.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x "$LEAKSEEK" ] || { echo "watch_scale.sh: $LEAKSEEK not built" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK/recording"
export GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 GOCACHE="$WORK/.gocache"
(cd "$ROOT/examples/leakyservice" && "$GO" build -o "$WORK/leakyservice" .)
(cd "$ROOT/bench/go/faketargets" && "$GO" build -o "$WORK/faketargets" .)

source "$ROOT/bench/lib/listeners.sh"

echo "recording 10 heap profiles of the leaky service, 2 s apart ..."
start_listener service "$WORK/leakyservice" -listen 127.0.0.1:0
for i in $(seq 0 9); do
  sleep 2
  curl -sf "$url/debug/pprof/heap" -o "$WORK/recording/heap.$i.pb.gz"
done
curl -sf "$url/debug/pprof/goroutine?debug=1" -o "$WORK/recording/goroutine.txt"
curl -sf "$url/metrics" -o "$WORK/recording/metrics.txt"
ls -l "$WORK/recording" | awk 'NR>1 {print "  " $5 " B  " $9}'

start_listener faketargets "$WORK/faketargets" -dir "$WORK/recording" -listen 127.0.0.1:0
{
  echo "interval: $INTERVAL"
  echo "window: 30m"
  echo "data_dir: $WORK/data"
  echo "listen: 127.0.0.1:0"
  echo "targets:"
  for i in $(seq 0 $((TARGETS - 1))); do echo "  - {name: t$i, url: $url/t/$i}"; done
} >"$WORK/watch.yaml"

echo "watching $TARGETS targets every $INTERVAL for $DURATION ..."
$TIME -f '%e %U %S %M' -o "$WORK/time.txt" \
  "$LEAKSEEK" watch --config "$WORK/watch.yaml" --duration "$DURATION" >"$WORK/watch.out" 2>&1
read -r wall user sys rss_kb <"$WORK/time.txt"

python3 - "$WORK/data/leakseek.db" "$wall" "$user" "$sys" "$rss_kb" "$TARGETS" <<'PY'
import os, sqlite3, sys
db, wall, user, sys_, rss_kb, targets = sys.argv[1], *map(float, sys.argv[2:6]), int(sys.argv[6])
con = sqlite3.connect(db)
heap = con.execute("select count(*) from snapshots where kind = 'heap' or kind = 0").fetchone()[0]
allsnaps = con.execute("select count(*) from snapshots").fetchone()[0]
con.execute("pragma wal_checkpoint(TRUNCATE)")
con.close()
size = os.path.getsize(db) + (os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0)
cpu = user + sys_
print(f"targets            {targets}")
print(f"wall               {wall:.1f} s")
print(f"cpu                {cpu:.1f} s = {cpu / wall:.3f} of one core (user {user:.1f} s, sys {sys_:.1f} s)")
print(f"peak RSS           {rss_kb / 1024:.1f} MiB")
print(f"snapshots          {allsnaps} ({heap} heap)")
print(f"store              {size / 1e6:.1f} MB = {size / max(heap, 1) / 1000:.1f} KB per heap snapshot (all kinds included)")
PY
