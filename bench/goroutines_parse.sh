#!/usr/bin/env bash
# Goroutine dump parsing benchmark: a debug=2 dump of N goroutines (default 200,000), parsed and
# grouped by `leakseek goroutines` and by `panicparse -parse=false` (Debian package panicparse)
# on the same file. Target: leakseek at least 10x faster.
#
# Usage: bench/goroutines_parse.sh [--goroutines N] [--cache DIR] [--leakseek PATH] [--runs K]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=200000
CACHE="${LEAKSEEK_BENCH_CACHE:-$HOME/.cache/leakseek-bench}"
LEAKSEEK="$ROOT/build/leakseek"
RUNS=3
GO="${GO:-/usr/lib/go-1.23/bin/go}"
TIME=/usr/bin/time

die() {
  echo "goroutines_parse.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --goroutines) N="${2:?--goroutines needs a value}"; shift 2 ;;
    --cache) CACHE="${2:?--cache needs a value}"; shift 2 ;;
    --leakseek) LEAKSEEK="${2:?--leakseek needs a value}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a value}"; shift 2 ;;
    -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "goroutines_parse.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 ]] || die "--goroutines must be a positive integer"
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -ge 1 ]] || die "--runs must be a positive integer"
[ -x "$TIME" ] || die "$TIME not found (Debian package 'time')"
[ -x "$GO" ] || die "Go toolchain not found at $GO (set GO=/path/to/go)"
[ -x "$LEAKSEEK" ] || die "leakseek binary not found at $LEAKSEEK (build it, or pass --leakseek)"
command -v panicparse >/dev/null || die "panicparse not found: apt-get install -y panicparse"

mkdir -p "$CACHE/bin"
CACHE="$(cd "$CACHE" && pwd)"
GEN="$CACHE/bin/goroutinedump"
(cd "$ROOT/bench/go/goroutinedump" && GO111MODULE=off GOFLAGS='' GOTOOLCHAIN=local CGO_ENABLED=0 \
  GOCACHE="$CACHE/gocache" "$GO" build -o "$GEN" .) || die "could not build bench/go/goroutinedump"
FINGERPRINT="$( (cat "$ROOT/bench/go/goroutinedump/main.go"; "$GO" env GOVERSION) | sha256sum | cut -c1-12)"
DUMP="$CACHE/goroutines-$N-$FINGERPRINT.txt"
if [ ! -s "$DUMP" ]; then
  echo "generating $DUMP ($N goroutines)..." >&2
  "$GEN" "$DUMP.tmp" "$N" >&2 || die "goroutinedump failed"
  mv "$DUMP.tmp" "$DUMP"
fi
cat "$DUMP" >/dev/null  # warm page cache: this measures parsing, not the disk

work="$(mktemp -d "${TMPDIR:-/tmp}/goroutines-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# median of column 1 of a file of "seconds kib" lines
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run() { # name command...
  local name="$1"
  shift
  for i in $(seq 1 "$RUNS"); do
    "$TIME" -f '%e %M' -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
      die "$name failed: $(tail -n 3 "$work/$name.err")"
    tail -n 1 "$work/$name.time" >>"$work/$name.results"
    read -r s kib < <(tail -n 1 "$work/$name.time")
    printf '%-11s run %d: %6.2f s %8.1f MiB peak RSS\n' "$name" "$i" "$s" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')"
  done
}

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
echo "dump:    $DUMP ($(stat -c %s "$DUMP") bytes, $N goroutines, $("$GO" env GOVERSION))"
run leakseek "$LEAKSEEK" goroutines "$DUMP"
run panicparse panicparse -parse=false "$DUMP"
grep -q "goroutine dump: $((N + 1)) goroutines" "$work/leakseek.out" ||
  die "leakseek did not report $((N + 1)) goroutines: $(head -n 1 "$work/leakseek.out")"
ls_s="$(median "$work/leakseek.results")"
pp_s="$(median "$work/panicparse.results")"
speedup="$(awk -v a="$pp_s" -v b="$ls_s" 'BEGIN { printf "%.1f", a / b }')"
echo "median:  leakseek $ls_s s, panicparse $pp_s s: leakseek is ${speedup}x faster"
echo "target:  >= 10x: $(awk -v s="$speedup" 'BEGIN { print (s >= 10) ? "met" : "NOT met" }')"
