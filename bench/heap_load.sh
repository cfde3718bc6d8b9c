#!/usr/bin/env bash
# Heap dump loading benchmark: times `leakseek heap summary DUMP --json`
# (parse + object graph + reachability) on a large, realistic Go heap dump.
# See bench/README.md.
#
# Usage: bench/heap_load.sh [--objects N] [--cache DIR] [--leakseek PATH]
#                           [--runs K] [--regenerate] [--generate-only]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OBJECTS=10000000
CACHE="${LEAKSEEK_BENCH_CACHE:-$HOME/.cache/leakseek-bench}"
LEAKSEEK="$ROOT/build/leakseek"
RUNS=3
REGENERATE=0
GENERATE_ONLY=0
TYPED=0
GO="${GO:-$("$ROOT/scripts/go_toolchain" go1.23)}"
TIME=/usr/bin/time

usage() {
  cat <<EOF
usage: bench/heap_load.sh [options]

Generates a heap dump of about N objects once (cached), then times
'leakseek heap summary DUMP --json' on it.

  --objects N      objects in the generated heap (default 10000000)
  --cache DIR      where the dump and the generator live
                   (default \${LEAKSEEK_BENCH_CACHE:-\$HOME/.cache/leakseek-bench},
                   here: $CACHE)
  --leakseek PATH  leakseek binary (default: build/leakseek in the repo)
  --runs K         timed runs (default 3)
  --regenerate     rebuild the dump even if a matching one is cached
  --generate-only  make sure the dump exists, then stop
  --typed          also pass --program (the generator, built with DWARF), so the
                   runs include typing every object from the binary; each typed
                   run follows an untyped one, and the script reports what typing
                   adds (target: at most 50%)
  -h, --help       this help

Environment: GO (Go toolchain, default Go 1.23; scripts/go_toolchain go1.26 gives Go 1.26),
LEAKSEEK_BENCH_CACHE (default cache directory).
EOF
}

die() {
  echo "heap_load.sh: $*" >&2
  exit 1
}

need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then
    echo "heap_load.sh: $1 needs a value" >&2
    usage >&2
    exit 2
  fi
}

while [ $# -gt 0 ]; do
  case "$1" in
    --objects) need_value "$@"; OBJECTS="$2"; shift 2 ;;
    --objects=*) OBJECTS="${1#*=}"; shift ;;
    --cache) need_value "$@"; CACHE="$2"; shift 2 ;;
    --cache=*) CACHE="${1#*=}"; shift ;;
    --leakseek) need_value "$@"; LEAKSEEK="$2"; shift 2 ;;
    --leakseek=*) LEAKSEEK="${1#*=}"; shift ;;
    --runs) need_value "$@"; RUNS="$2"; shift 2 ;;
    --runs=*) RUNS="${1#*=}"; shift ;;
    --regenerate) REGENERATE=1; shift ;;
    --generate-only) GENERATE_ONLY=1; shift ;;
    --typed) TYPED=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "heap_load.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

if ! [[ "$OBJECTS" =~ ^[0-9]+$ ]] || [ "$OBJECTS" -lt 1000 ]; then
  echo "heap_load.sh: --objects must be an integer >= 1000, got '$OBJECTS'" >&2
  exit 2
fi
if ! [[ "$RUNS" =~ ^[0-9]+$ ]] || [ "$RUNS" -lt 1 ]; then
  echo "heap_load.sh: --runs must be a positive integer, got '$RUNS'" >&2
  exit 2
fi

[ -x "$TIME" ] || die "$TIME not found (Debian package 'time'; scripts/setup installs it)"
[ -x "$GO" ] || die "Go toolchain not found at $GO (Debian: golang-1.23-go from bookworm-backports; or set GO=/path/to/go)"

# Value of a top-level scalar field in a one-line JSON object (no jq needed).
json_field() {
  sed -n "s/.*\"$2\":\(\"[^\"]*\"\|[^,}]*\).*/\1/p" "$1" | head -n1 | tr -d '"'
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
gib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1073741824 }'; }

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
DUMP="$CACHE/bigheap-$OBJECTS.dump"
META="$CACHE/bigheap-$OBJECTS.json"
BIGHEAP="$CACHE/bin/bigheap"
SRC="$ROOT/bench/go/bigheap/main.go"

# One generator at a time per cache directory.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.lock"
  flock 9
fi

# ---- 1. build the generator ------------------------------------------------
GOVERSION="$("$GO" env GOVERSION)"
case "$GOVERSION" in
  go1.19* | go1.23* | go1.26* | go1.27*) ;;
  *) echo "heap_load.sh: warning: $GO is $GOVERSION, not one of the supported Go 1.19, 1.23, 1.26 and 1.27" >&2 ;;
esac
echo "building bigheap with $GOVERSION" >&2
(
  cd "$ROOT"
  GO111MODULE=off GOFLAGS='' GOTOOLCHAIN=local CGO_ENABLED=0 \
    GOCACHE="$CACHE/gocache" GOPATH="$CACHE/gopath" \
    "$GO" build -o "$BIGHEAP" ./bench/go/bigheap
) || die "could not build bench/go/bigheap"

# The dump depends on N, the generator's source and the Go version.
FINGERPRINT="$( (cat "$SRC"; echo "$GOVERSION") | sha256sum | cut -c1-16)"

# ---- 2. generate the dump once ----------------------------------------------
reuse=0
if [ "$REGENERATE" = 0 ] && [ -f "$DUMP" ] && [ -f "$META" ]; then
  size="$(stat -c %s "$DUMP")"
  if [ "$(json_field "$META" objects_requested)" != "$OBJECTS" ]; then
    echo "cached dump was made for another N: regenerating" >&2
  elif [ "$(json_field "$META" dump_bytes)" != "$size" ]; then
    echo "cached dump has the wrong size (truncated or replaced): regenerating" >&2
  elif [ "$(json_field "$META" fingerprint)" != "$FINGERPRINT" ]; then
    echo "generator source or Go version changed since the cached dump was made: regenerating" >&2
  else
    reuse=1
  fi
fi

if [ "$reuse" = 1 ]; then
  echo "reusing $DUMP" >&2
else
  need_kib=$((OBJECTS * 130 / 1024 + 65536))
  free_kib="$(df -Pk "$CACHE" | awk 'NR == 2 { print $4 }')"
  [ "$free_kib" -ge "$need_kib" ] ||
    die "not enough disk space in $CACHE: need about $((need_kib / 1024)) MiB, have $((free_kib / 1024)) MiB"
  rm -f "$DUMP" "$META"
  tmp="$DUMP.tmp.$$"
  trap 'rm -f "$tmp" "$tmp.out" "$tmp.time"' EXIT
  echo "generating $DUMP ($OBJECTS objects)..." >&2
  if ! "$TIME" -f '%e %M' -o "$tmp.time" "$BIGHEAP" "$tmp" "$OBJECTS" >"$tmp.out"; then
    tail -n 3 "$tmp.time" >&2 || true
    die "bigheap failed"
  fi
  read -r gen_s gen_kib < <(tail -n1 "$tmp.time")
  # Record how the dump was made next to it; the fingerprint decides reuse.
  sed "s/}\$/,\"fingerprint\":\"$FINGERPRINT\",\"gen_wall_seconds\":$gen_s,\"gen_max_rss_kib\":$gen_kib}/" \
    "$tmp.out" >"$META.tmp"
  mv "$tmp" "$DUMP"
  mv "$META.tmp" "$META"
  rm -f "$tmp.out" "$tmp.time"
  trap - EXIT
  echo "generated in $gen_s s, generator peak RSS $(mib "$gen_kib") MiB" >&2
fi

DUMP_BYTES="$(stat -c %s "$DUMP")"
HEAP_OBJECTS="$(json_field "$META" heap_objects)"
OBJECT_RECORDS="$(json_field "$META" object_records)"
NPROC="$(nproc)"
CPU="$(lscpu 2>/dev/null | grep 'Model name' | head -n1 | sed 's/^Model name:[[:space:]]*//')"

print_input() {
  echo "machine:   $NPROC CPUs, ${CPU:-unknown CPU}, $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
  echo "dump:      $DUMP"
  echo "dump size: $DUMP_BYTES bytes ($(gib "$DUMP_BYTES") GiB)"
  echo "objects:   $HEAP_OBJECTS live heap objects (MemStats.HeapObjects), $OBJECT_RECORDS object records in the dump"
  echo "generated: $(json_field "$META" gen_wall_seconds) s, generator peak RSS $(mib "$(json_field "$META" gen_max_rss_kib)") MiB, $(json_field "$META" go_version)"
}

if [ "$GENERATE_ONLY" = 1 ]; then
  print_input
  exit 0
fi

# ---- 3. time leakseek -------------------------------------------------------
if [ ! -e "$LEAKSEEK" ]; then
  print_input >&2
  die "leakseek binary not found at $LEAKSEEK: build it first (scripts/build) or pass --leakseek PATH. The dump is ready."
fi
if [ ! -f "$LEAKSEEK" ] || [ ! -x "$LEAKSEEK" ]; then
  die "$LEAKSEEK is not an executable file"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/leakseek-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Read the dump once so every run starts with it in the page cache.
cat "$DUMP" >/dev/null

PROGRAM_ARGS=()
[ "$TYPED" = 1 ] && PROGRAM_ARGS=(--program "$BIGHEAP")
echo "leakseek heap load benchmark: $LEAKSEEK heap summary DUMP --json ${PROGRAM_ARGS[*]}, $RUNS runs"
[ "$TYPED" = 1 ] && echo "each typed run follows an untyped one, so both see the same machine load"
print_input

# run_once TAG I ARGS...: one timed summary; appends "seconds kib" to $work/TAG.results.
run_once() {
  local tag="$1" i="$2"
  shift 2
  if ! "$TIME" -f '%e %M' -o "$work/time.$tag.$i" "$LEAKSEEK" heap summary "$DUMP" --json "$@" \
    >"$work/out.$tag.$i" 2>"$work/err.$tag.$i"; then
    echo "run $i ($tag) failed: $(head -n1 "$work/time.$tag.$i")" >&2
    tail -n 20 "$work/err.$tag.$i" >&2
    die "leakseek heap summary failed on $DUMP"
  fi
  # A run that prints no JSON did not do the work: do not time it.
  if ! grep -q '^[[:space:]]*[{[]' "$work/out.$tag.$i"; then
    tail -n 20 "$work/err.$tag.$i" >&2
    die "run $i ($tag): leakseek heap summary exited 0 but printed no JSON summary"
  fi
  tail -n1 "$work/time.$tag.$i" >>"$work/$tag.results"
}

for i in $(seq 1 "$RUNS"); do
  if [ "$TYPED" = 1 ]; then
    run_once plain "$i"
    run_once typed "$i" "${PROGRAM_ARGS[@]}"
    read -r ps pkib < <(tail -n1 "$work/plain.results")
    read -r s kib < <(tail -n1 "$work/typed.results")
    printf 'run %d:    %6.2f s  %8.1f MiB peak RSS   (untyped: %6.2f s  %8.1f MiB)\n' \
      "$i" "$s" "$(mib "$kib")" "$ps" "$(mib "$pkib")"
  else
    run_once plain "$i"
    read -r s kib < <(tail -n1 "$work/plain.results")
    printf 'run %d:    %6.2f s  %8.1f MiB peak RSS\n' "$i" "$s" "$(mib "$kib")"
  fi
done

# best = minimum; median = middle value (mean of the two middle ones for even K)
stat_of() { # file column
  sort -n -k"$2","$2" "$1" | awk -v c="$2" '
    { v[NR] = $c }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print v[1], m }'
}
main_tag=plain
[ "$TYPED" = 1 ] && main_tag=typed
read -r best_s med_s < <(stat_of "$work/$main_tag.results" 1)
read -r best_kib med_kib < <(stat_of "$work/$main_tag.results" 2)
printf 'best:     %6.2f s  %8.1f MiB peak RSS\n' "$best_s" "$(mib "$best_kib")"
printf 'median:   %6.2f s  %8.1f MiB peak RSS\n' "$med_s" "$(mib "$med_kib")"
if [ "$OBJECTS" = 10000000 ]; then
  verdict="$(awk -v s="$med_s" -v k="$med_kib" 'BEGIN { print (s < 6 && k < 1258291) ? "met" : "NOT met" }')"
else
  verdict="not applicable, it is set for --objects 10000000"
fi
echo "target:   median < 6 s and < 1.2 GiB peak RSS on 2 cores (full summary: parse, graph, dominators, retention): $verdict"
if [ "$TYPED" = 1 ]; then
  read -r _ plain_med < <(stat_of "$work/plain.results" 1)
  overhead="$(awk -v t="$med_s" -v p="$plain_med" 'BEGIN { printf "%.1f", (t / p - 1) * 100 }')"
  verdict="$(awk -v o="$overhead" 'BEGIN { print (o <= 50) ? "met" : "NOT met" }')"
  # Small dumps time mostly the fixed cost of reading the binary's DWARF.
  [ "$OBJECTS" = 10000000 ] || verdict="not applicable, it is set for --objects 10000000"
  printf 'untyped median: %.2f s; typing adds %s%% (target: at most 50%%): %s\n' "$plain_med" "$overhead" "$verdict"
fi
echo "summary JSON (run $RUNS):"
cat "$work/out.$main_tag.$RUNS"
