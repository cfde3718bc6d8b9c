// faketargets serves recorded pprof and /metrics bodies as if it were many Go services, so one
// machine can stand in for a fleet when benchmarking `leakseek watch`. Target i lives under
// /t/i/: /t/i/debug/pprof/heap, /t/i/debug/pprof/goroutine, /t/i/metrics. Each target walks
// through the recorded heap profiles in order (starting at an offset of its own, so targets do
// not all serve the same body at once) and holds at the last one.
//
// Usage: faketargets -dir RECORDING -listen 127.0.0.1:0
// RECORDING holds heap.N.pb.gz (N from 0), goroutine.txt and metrics.txt. Prints
// "listening on http://ADDR" first; exits when stdin closes.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

func main() {
	dir := flag.String("dir", "", "recording directory")
	listen := flag.String("listen", "127.0.0.1:0", "address")
	flag.Parse()

	var heaps [][]byte
	for i := 0; ; i++ {
		b, err := os.ReadFile(filepath.Join(*dir, fmt.Sprintf("heap.%d.pb.gz", i)))
		if err != nil {
			break
		}
		heaps = append(heaps, b)
	}
	goroutine, err1 := os.ReadFile(filepath.Join(*dir, "goroutine.txt"))
	metrics, err2 := os.ReadFile(filepath.Join(*dir, "metrics.txt"))
	if len(heaps) == 0 || err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "faketargets: the recording needs heap.0.pb.gz, goroutine.txt and metrics.txt")
		os.Exit(2)
	}

	var mu sync.Mutex
	calls := map[int]int{}
	http.HandleFunc("/t/", func(w http.ResponseWriter, r *http.Request) {
		parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/t/"), "/", 2)
		id, err := strconv.Atoi(parts[0])
		if err != nil || len(parts) < 2 {
			http.NotFound(w, r)
			return
		}
		switch parts[1] {
		case "debug/pprof/heap":
			mu.Lock()
			n := calls[id] + id%len(heaps)
			calls[id]++
			mu.Unlock()
			if n >= len(heaps) {
				n = len(heaps) - 1
			}
			w.Write(heaps[n])
		case "debug/pprof/goroutine":
			w.Write(goroutine)
		case "metrics":
			w.Write(metrics)
		default:
			http.NotFound(w, r)
		}
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faketargets:", err)
		os.Exit(2)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	http.Serve(ln, nil)
}
