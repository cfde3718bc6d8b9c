#!/usr/bin/env bash
# run_all.sh LEAKSEEK OUTDIR
#
# Every Go program outside testdata/go (the examples and the benchmark generators) builds and
# runs with every supported Go version, and leakseek reads what it writes: the batch programs
# run at small sizes, the servers (examples/leakyservice, bench/go/faketargets and the test
# services under testdata/services, which the watch tests run) are built and vetted, and the
# leaky service is started and scraped once. A missing toolchain fails.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 LEAKSEEK OUTDIR" >&2
    exit 2
fi
leakseek="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$2"
out="$(cd "$2" && pwd)"
export GO111MODULE=off GOFLAGS='' GOTOOLCHAIN=local GOENV=off CGO_ENABLED=0
export GOCACHE="$out/.gocache"

fail() {
    echo "go_programs: $*" >&2
    exit 1
}

for ver in go1.19 go1.23 go1.26 go1.27; do
    go="$("$root/scripts/go_toolchain" "$ver")" || fail "no $ver toolchain"
    dir="$out/$ver"
    mkdir -p "$dir"
    for prog in examples/leakycache examples/leakyservice bench/go/bigheap bench/go/bigprofile \
        bench/go/goroutinedump bench/go/faketargets; do
        name="$(basename "$prog")"
        (cd "$root/$prog" && "$go" vet . && "$go" build -o "$dir/$name" .) ||
            fail "$ver: $prog does not build"
    done
    # The test services are one module (a shared package, no dependencies).
    (cd "$root/testdata/services" && GO111MODULE=on GOFLAGS=-mod=mod "$go" vet ./... &&
        GO111MODULE=on GOFLAGS=-mod=mod "$go" build -o "$dir/" ./watchscenario ./hostiletarget) ||
        fail "$ver: testdata/services does not build"

    # The batch generators, at sizes that take a moment, read back by leakseek.
    timeout 120 "$dir/leakycache" "$dir/leakycache.dump" >"$dir/leakycache.out" ||
        fail "$ver: leakycache failed"
    "$leakseek" heap summary "$dir/leakycache.dump" --program "$dir/leakycache" --json \
        >"$dir/leakycache.json" || fail "$ver: leakseek cannot read leakycache's dump"
    grep -q '"main.cache"' "$dir/leakycache.json" || fail "$ver: leakycache's cache not found"
    timeout 120 "$dir/bigheap" "$dir/bigheap.dump" 20000 >/dev/null || fail "$ver: bigheap failed"
    "$leakseek" heap summary "$dir/bigheap.dump" >/dev/null || fail "$ver: bigheap's dump unread"
    timeout 120 "$dir/bigprofile" "$dir/bigprofile.pb.gz" 1 >/dev/null ||
        fail "$ver: bigprofile failed"
    "$leakseek" profile top "$dir/bigprofile.pb.gz" >/dev/null || fail "$ver: bigprofile unread"
    timeout 120 "$dir/goroutinedump" "$dir/goroutines.txt" 2000 >/dev/null ||
        fail "$ver: goroutinedump failed"
    "$leakseek" goroutines "$dir/goroutines.txt" >/dev/null || fail "$ver: goroutine dump unread"

    # The leaky service serves pprof on loopback: one heap profile from it reads.
    log="$dir/leakyservice.log"
    "$dir/leakyservice" -listen 127.0.0.1:0 -finalizer-stall-after 0 >"$log" 2>&1 &
    pid=$!
    addr=""
    for _ in $(seq 100); do
        addr="$(grep -o '127\.0\.0\.1:[0-9]*' "$log" | head -n 1 || true)"
        [[ -n "$addr" ]] && break
        sleep 0.1
    done
    ok=0
    if [[ -n "$addr" ]] &&
        curl -sf --max-time 10 "http://$addr/debug/pprof/heap" -o "$dir/service.heap.pb.gz" &&
        "$leakseek" profile top "$dir/service.heap.pb.gz" >/dev/null; then
        ok=1
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ $ok == 1 ]] || fail "$ver: the leaky service did not serve a heap profile leakseek reads"
    echo "$ver: examples and bench generators build, run and read"
done
