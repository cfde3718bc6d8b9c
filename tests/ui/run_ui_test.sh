#!/usr/bin/env bash
# run_ui_test.sh LEAKSEEK_BIN OUT_DIR
#
# End-to-end test of `leakseek watch` and its web UI: builds the bundled leaky Go service
# (examples/leakyservice), starts it on loopback, watches it with LEAKSEEK_BIN at a 1 s
# interval, waits (at most 90 s) for a heap alert to fire, then loads the UI in headless
# Chromium (playwright-core from npm, /usr/bin/chromium) and checks the target, the heap chart,
# the alert naming the leaking function, the growing sites and a diff (watch_ui.spec.mjs).
# Writes OUT_DIR/ui.png and logs to OUT_DIR. Everything it starts is stopped on exit; should
# this script be killed outright, the service still exits (its stdin is a pipe held here) and
# the daemon stops after --duration.
#
# The service is built with the newest supported Go (1.27), whose goroutine leak profile proves
# its main.pollUpstream goroutines leaked: the UI must show that too.
#
# Environment: GO (default: Go 1.27 from scripts/go_toolchain), CHROMIUM (default
# /usr/bin/chromium).
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 LEAKSEEK_BIN OUT_DIR" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
leakseek="$(realpath "$1")"
mkdir -p "$2"
out="$(cd "$2" && pwd)"
go_bin="${GO:-$("$root/scripts/go_toolchain" go1.27)}"
leak_function='main.(*sessionCache).remember'
leaked_goroutine_function='main.pollUpstream'

pids=()
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    exec 7>&- 2>/dev/null || true
    rm -f "$out/service.stdin"
    if [[ $status -ne 0 ]]; then
        echo "--- leakyservice stderr" >&2; tail -n 20 "$out/service.err" 2>/dev/null >&2 || true
        echo "--- leakseek watch stdout" >&2; tail -n 40 "$out/watch.out" 2>/dev/null >&2 || true
        echo "--- leakseek watch stderr" >&2; tail -n 40 "$out/watch.err" 2>/dev/null >&2 || true
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "run_ui_test: $*" >&2; exit 1; }

# wait_for_line FILE REGEX SECONDS: prints the first line of FILE matching REGEX.
wait_for_line() {
    local file="$1" regex="$2" deadline=$((SECONDS + $3)) line
    while ((SECONDS < deadline)); do
        line="$(grep -m1 -E "$regex" "$file" 2>/dev/null || true)"
        if [[ -n "$line" ]]; then echo "$line"; return 0; fi
        sleep 0.2
    done
    return 1
}

# playwright-core, installed from the lock file next to a copy of the spec (module resolution
# starts from the spec's directory), outside the source tree.
node_env="$out/node-env"
mkdir -p "$node_env"
cp "$here/package.json" "$here/package-lock.json" "$here/watch_ui.spec.mjs" "$node_env/"
if [[ ! -d "$node_env/node_modules/playwright-core" ]] ||
   ! cmp -s "$here/package-lock.json" "$node_env/node_modules/.package-lock-source"; then
    (cd "$node_env" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"
    cp "$here/package-lock.json" "$node_env/node_modules/.package-lock-source"
fi

# The leaky service.
export GO111MODULE=off GOFLAGS='' CGO_ENABLED=0 GOTOOLCHAIN=local GOENV=off
export HOME="${HOME:-$out/.home}"
(cd "$root/examples/leakyservice" && "$go_bin" build -o "$out/leakyservice" .) || fail "cannot build the leaky service"

rm -f "$out/service.stdin"
mkfifo "$out/service.stdin"
exec 7<>"$out/service.stdin"  # the write end the service watches; closes when this script dies
"$out/leakyservice" -listen 127.0.0.1:0 <"$out/service.stdin" >"$out/service.out" 2>"$out/service.err" 7>&- &
pids+=($!)
line="$(wait_for_line "$out/service.out" '^listening on http://' 30)" || fail "the leaky service did not start"
service_url="${line#listening on }"
export SERVICE_URL="$service_url"
echo "leaky service at $service_url"

# The daemon, on a fresh store.
rm -rf "$out/data"
"$leakseek" watch "$service_url" --interval 1s --window 1m --data-dir "$out/data" \
    --listen 127.0.0.1:0 --duration 5m </dev/null >"$out/watch.out" 2>"$out/watch.err" 7>&- &
pids+=($!)
line="$(wait_for_line "$out/watch.out" 'leakseek watch: UI at http://' 30)" || fail "leakseek watch did not print its UI address"
ui_url="http://${line#*http://}"
ui_url="${ui_url%%[[:space:]]*}"
echo "UI at $ui_url"

# json_eval URL EXPRESSION: evaluates EXPRESSION over `j`, the URL's JSON, with node.
json_eval() {
    curl -sf --max-time 10 "$1" | node -e '
        let s = ""; process.stdin.on("data", (d) => (s += d));
        process.stdin.on("end", () => { const j = JSON.parse(s); console.log(eval(process.argv[1])); });' "$2"
}

deadline=$((SECONDS + 90))
until [[ "$(json_eval "${ui_url%/}/api/alerts?state=firing" \
    'j.alerts.some((a) => a.kind === "site_growth" || a.kind === "heap_growth")' 2>/dev/null)" == true ]]; do
    ((SECONDS < deadline)) || fail "no heap alert fired within 90 s"
    sleep 1
done
echo "alerts firing: $(json_eval "${ui_url%/}/api/alerts" 'j.alerts.map((a) => a.kind + " " + a.site).join(", ")')"
target_name="$(json_eval "${ui_url%/}/api/targets" \
    "j.targets.find((t) => t.url === process.env.SERVICE_URL)?.name ?? ''" 2>/dev/null || true)"
if [[ -z "$target_name" ]]; then
    target_name="$(json_eval "${ui_url%/}/api/targets" 'j.targets[0].name')"
fi
echo "target $target_name"

leaked_env=""
if [[ "$("$go_bin" env GOVERSION)" == go1.2[7-9]* ]]; then leaked_env="$leaked_goroutine_function"; fi
UI_URL="$ui_url" TARGET_NAME="$target_name" LEAK_FUNCTION="$leak_function" \
    LEAKED_GOROUTINE_FUNCTION="$leaked_env" \
    SCREENSHOT="$out/ui.png" CHROMIUM="${CHROMIUM:-/usr/bin/chromium}" \
    node "$node_env/watch_ui.spec.mjs"
