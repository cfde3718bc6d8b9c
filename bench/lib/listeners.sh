# Sourced by the watch benchmarks: starts the Go programs they scrape and stops them on exit.
# Needs WORK (a scratch directory) set before use.

pids=()
stop_listeners() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_listeners EXIT

# start_listener NAME COMMAND...: starts a program that prints "listening on http://ADDR" first
# and sets $url to that address. Its stdin is a FIFO held open here, so it stops when the
# benchmark does, however that ends.
start_listener() {
  local name=$1; shift
  mkfifo "$WORK/$name.in"
  "$@" <"$WORK/$name.in" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  pids+=($!)
  exec {fd}>"$WORK/$name.in"
  for _ in $(seq 100); do
    url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$WORK/$name.out" | head -1)
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  echo "$(basename "$0"): $name did not start" >&2
  exit 1
}
