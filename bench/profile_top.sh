#!/usr/bin/env bash
# `profile top` benchmark: times `leakseek profile top FILE --json` against
# `go tool pprof -top -unit=B FILE` on a ~50 MB (uncompressed) synthetic heap
# profile, and checks that every row (function, inline mark, flat, cum) and
# the total are identical. See bench/README.md.
#
# Usage: bench/profile_top.sh [--mb N] [--cache DIR] [--leakseek PATH]
#                             [--runs K] [--regenerate]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MB=50
CACHE="${LEAKSEEK_BENCH_CACHE:-$HOME/.cache/leakseek-bench}"
LEAKSEEK="$ROOT/build/leakseek"
RUNS=3
REGENERATE=0
GO="${GO:-/usr/lib/go-1.23/bin/go}"
TIME=/usr/bin/time

usage() {
  cat <<EOF2
usage: bench/profile_top.sh [options]

Generates a heap profile of about N MB uncompressed once (cached), then times
'leakseek profile top FILE --json' and 'go tool pprof -top -unit=B FILE' on it
and compares their rows.

  --mb N           uncompressed profile size in MB (default 50)
  --cache DIR      where the profile and the generator live
                   (default \${LEAKSEEK_BENCH_CACHE:-\$HOME/.cache/leakseek-bench})
  --leakseek PATH  leakseek binary (default: build/leakseek in the repo)
  --runs K         timed runs of each tool (default 3; pprof is slow)
  --regenerate     rebuild the profile even if a cached one exists
  -h, --help       this help

Environment: GO (Go toolchain whose pprof is the reference, default
/usr/lib/go-1.23/bin/go). Needs jq.
EOF2
}

die() {
  echo "profile_top.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --mb) MB="${2:?--mb needs a value}"; shift 2 ;;
    --cache) CACHE="${2:?--cache needs a value}"; shift 2 ;;
    --leakseek) LEAKSEEK="${2:?--leakseek needs a value}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a value}"; shift 2 ;;
    --regenerate) REGENERATE=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "profile_top.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

[[ "$MB" =~ ^[0-9]+$ && "$MB" -ge 1 ]] || { echo "profile_top.sh: --mb must be a positive integer" >&2; exit 2; }
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -ge 1 ]] || { echo "profile_top.sh: --runs must be a positive integer" >&2; exit 2; }
[ -x "$TIME" ] || die "$TIME not found (Debian package 'time')"
[ -x "$GO" ] || die "Go toolchain not found at $GO (or set GO=/path/to/go)"
command -v jq >/dev/null || die "jq not found (Debian package 'jq')"
[ -x "$LEAKSEEK" ] || die "leakseek binary not found at $LEAKSEEK: build it or pass --leakseek PATH"

export GOTOOLCHAIN=local GOFLAGS='' PPROF_TMPDIR="${TMPDIR:-/tmp}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
SRC="$ROOT/bench/go/bigprofile/main.go"
GEN="$CACHE/bin/bigprofile"
FINGERPRINT="$( (cat "$SRC"; "$GO" env GOVERSION; echo "$MB") | sha256sum | cut -c1-16)"
PROFILE="$CACHE/bigprofile-$MB-$FINGERPRINT.pb.gz"

if [ "$REGENERATE" = 1 ] || [ ! -s "$PROFILE" ]; then
  echo "building and running bench/go/bigprofile ($MB MB)..." >&2
  (cd "$ROOT" && GO111MODULE=off CGO_ENABLED=0 GOCACHE="$CACHE/gocache" \
    "$GO" build -o "$GEN" ./bench/go/bigprofile) || die "could not build bench/go/bigprofile"
  "$GEN" "$PROFILE.tmp" "$MB" >"$PROFILE.json" || die "bigprofile failed"
  mv "$PROFILE.tmp" "$PROFILE"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/leakseek-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat "$PROFILE" >/dev/null  # page cache

CPU="$(lscpu 2>/dev/null | grep 'Model name' | head -n1 | sed 's/^Model name:[[:space:]]*//')"
echo "machine: $(nproc) CPUs, ${CPU:-unknown CPU}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "profile: $PROFILE, $(stat -c %s "$PROFILE") bytes gzip-compressed; $(cat "$PROFILE.json")"

# Runs "$@" $RUNS times; prints the best wall time and its peak RSS.
best() {
  local name="$1" out="$2" best_s="" best_kib="" s kib
  shift 2
  for i in $(seq 1 "$RUNS"); do
    "$TIME" -f '%e %M' -o "$work/time" "$@" >"$out" || die "$name failed"
    read -r s kib <"$work/time"
    echo "  $name run $i: $s s, peak RSS $((kib / 1024)) MiB" >&2
    if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
      best_s="$s" best_kib="$kib"
    fi
  done
  echo "$best_s $best_kib"
}

read -r ls_s ls_kib < <(best "leakseek profile top --json" "$work/leakseek.json" \
  "$LEAKSEEK" profile top "$PROFILE" --json)
read -r go_s go_kib < <(best "go tool pprof -top -unit=B" "$work/pprof.txt" \
  "$GO" tool pprof -top -unit=B "$PROFILE")

# Same rows: "function[ (inline)]<TAB>flat<TAB>cum", in order, and the same total.
jq -r '.rows[] | "\(.function)\(if .inline then " (" + .inline + ")" else "" end)\t\(.flat)\t\(.cum)"' \
  "$work/leakseek.json" >"$work/leakseek.rows"
awk 'table { flat = $1; cum = $4; sub(/B$/, "", flat); sub(/B$/, "", cum); name = $0
             sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+  /, "", name); print name "\t" flat "\t" cum }
     /flat  flat%/ { table = 1 }' "$work/pprof.txt" >"$work/pprof.rows"
ls_total="$(jq .total "$work/leakseek.json")"
go_total="$(sed -n 's/.* of \(-\{0,1\}[0-9]*\)B\{0,1\} total.*/\1/p' "$work/pprof.txt")"
rows="$(wc -l <"$work/pprof.rows")"
if ! diff -q "$work/leakseek.rows" "$work/pprof.rows" >/dev/null || [ "$ls_total" != "$go_total" ]; then
  diff "$work/leakseek.rows" "$work/pprof.rows" | head -n 20 >&2 || true
  die "leakseek and pprof disagree (totals $ls_total vs $go_total)"
fi

echo "identical: $rows rows (function, inline mark, flat, cum) and total $go_total"
echo "leakseek profile top --json:  $ls_s s, peak RSS $((ls_kib / 1024)) MiB (best of $RUNS)"
echo "go tool pprof -top -unit=B:   $go_s s, peak RSS $((go_kib / 1024)) MiB (best of $RUNS, $("$GO" env GOVERSION))"
awk -v a="$go_s" -v b="$ls_s" 'BEGIN { printf "speedup: %.1fx\n", a / b }'
