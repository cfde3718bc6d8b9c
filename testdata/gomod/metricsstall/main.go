// Command metricsstall is a Go service that exports the runtime's finalizer and
// cleanup queue counters (Go 1.26's /gc/finalizers/* and /gc/cleanups/*)
// through prometheus/client_golang, the way a real service does, and then
// stalls one of the two queues. It serves /metrics and net/http/pprof on a
// loopback address and prints "listening on http://ADDR" once it does.
//
// Every 20 ms it drops an object that carries a finalizer and another that
// carries a cleanup, and it collects every 100 ms, so both queues keep moving.
// Once -stall-after has passed, the finalizer (-stall finalizer) or the cleanup
// (-stall cleanup) blocks forever: the queue's "queued" counter keeps rising and
// its "executed" counter stops. Go runs finalizers on one goroutine, and
// cleanups on GOMAXPROCS/4 of them (at least one), so the cleanup stall is made
// by blocking that many.
//
// client_golang's Go collector exports these counters only when asked for the
// GC group (collectors.MetricsGC); its default set leaves them out.
//
// It exits when its stdin, a pipe, closes.
//
// Usage: metricsstall [-listen 127.0.0.1:0] [-stall finalizer|cleanup|none] [-stall-after 2s]
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type conn struct{ buf []byte }

var (
	stallFinalizers atomic.Bool
	stallCleanups   atomic.Bool
	// Cleanup goroutines that may still run a cleanup once the stall began: each one takes one
	// blocked cleanup, so every cleanup goroutine ends up blocked.
	cleanupsToBlock atomic.Int64
	never           = make(chan struct{})
)

//go:noinline
func closeConn(c *conn) {
	if stallFinalizers.Load() {
		<-never
	}
	c.buf = nil
}

//go:noinline
func releaseBuffer(id int) {
	if stallCleanups.Load() && cleanupsToBlock.Add(-1) >= 0 {
		<-never
	}
	_ = id
}

func churn() {
	id := 0
	for range time.Tick(20 * time.Millisecond) {
		id++
		c := &conn{buf: make([]byte, 256)}
		runtime.SetFinalizer(c, closeConn)
		b := &conn{buf: make([]byte, 256)}
		runtime.AddCleanup(b, releaseBuffer, id)
	}
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to serve /metrics and pprof on")
	stall := flag.String("stall", "finalizer", "queue to stall: finalizer, cleanup or none")
	stallAfter := flag.Duration("stall-after", 2*time.Second, "how long both queues run before the stall")
	flag.Parse()
	if *stall != "finalizer" && *stall != "cleanup" && *stall != "none" {
		fmt.Fprintf(os.Stderr, "metricsstall: -stall %s: want finalizer, cleanup or none\n", *stall)
		os.Exit(2)
	}
	host, _, err := net.SplitHostPort(*listen)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(os.Stderr, "metricsstall: -listen %s: loopback addresses only\n", *listen)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "metricsstall: %v\n", err)
		os.Exit(2)
	}

	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(
		collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsGC)))
	http.Handle("/metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))

	go churn()
	go func() {
		for range time.Tick(100 * time.Millisecond) {
			runtime.GC()
		}
	}()
	go func() {
		time.Sleep(*stallAfter)
		switch *stall {
		case "finalizer":
			stallFinalizers.Store(true)
		case "cleanup":
			cleanupsToBlock.Store(int64(max(runtime.GOMAXPROCS(0)/4, 1)))
			stallCleanups.Store(true)
		}
	}()
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()

	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintf(os.Stderr, "metricsstall: %v\n", err)
		os.Exit(1)
	}
}
