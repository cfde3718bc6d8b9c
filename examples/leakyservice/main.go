// leakyservice is a small Go HTTP service that leaks on purpose, steadily, for `leakseek demo`
// and the end-to-end tests of `leakseek watch`. It serves net/http/pprof and a Prometheus
// /metrics on a loopback address and, while it runs:
//
//   - grows a session cache that is never evicted, through one allocation site,
//     main.(*sessionCache).remember, by about -leak-rate bytes a second up to -max-leak;
//   - starts goroutines that wait forever for a reply nobody sends, in main.pollUpstream, a
//     few a second up to -max-goroutines;
//   - registers finalizers on short-lived connections and, once -finalizer-stall-after has
//     passed, one finalizer (main.closeUpstreamConn) blocks forever: the finalizer goroutine
//     is stuck in user code and the finalizer queue grows.
//
// It prints "listening on http://ADDR" as its first line of output. It exits on SIGTERM or
// SIGINT and, when its standard input is a pipe, as soon as that pipe closes: a parent that
// starts it with a pipe on stdin (tests, `leakseek demo`) never leaves it running, even if the
// parent is killed with SIGKILL.
//
// Build (stdlib only, Go 1.19 or later):
//
//	GO111MODULE=off CGO_ENABLED=0 go build -o leakyservice ./examples/leakyservice
//
// Usage: leakyservice [-listen 127.0.0.1:0] [-leak-rate 200000] [-max-leak 536870912]
// [-goroutine-rate 2] [-max-goroutines 5000] [-finalizer-stall-after 20s]
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func init() {
	// One sample per 4 KiB allocated instead of 512 KiB: the heap profile sees a leak of a few
	// hundred KB a second within seconds. Set before anything worth profiling is allocated.
	runtime.MemProfileRate = 4096
}

// sessionCache is the leak: sessions go in and nothing ever takes them out.
type sessionCache struct {
	mu      sync.Mutex
	entries map[uint64][]byte
	bytes   int64
	limit   int64
}

// remember is the one allocation site of the leaked bytes.
//
//go:noinline
func (c *sessionCache) remember(id uint64, size int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+int64(size) > c.limit {
		return false
	}
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(id + uint64(i))
	}
	c.entries[id] = buf
	c.bytes += int64(size)
	return true
}

func (c *sessionCache) size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// recentRequests is what a healthy cache looks like: bounded, its memory stays flat.
type recentRequests struct {
	mu    sync.Mutex
	slots [256][]byte
	next  int
}

//go:noinline
func (r *recentRequests) record(size int) {
	buf := make([]byte, size)
	r.mu.Lock()
	r.slots[r.next%len(r.slots)] = buf
	r.next++
	r.mu.Unlock()
}

// warmProfileSampling makes the lower MemProfileRate apply everywhere from the start. Each P
// drew the distance to its first sample under the default rate (512 KiB) before init changed
// it, so until a P has allocated that much its allocations are under-sampled, and a steady
// heap would look as if it grew during the first seconds. Allocating a few MiB of garbage on
// every P gets each past that first sample.
func warmProfileSampling() {
	workers := 2 * runtime.GOMAXPROCS(0)
	sinks := make([][]byte, workers) // one per worker: stored to escape to the heap, no races
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; n < 4<<20; n += 4096 {
				sinks[i] = make([]byte, 4096)
			}
		}(i)
	}
	wg.Wait()
}

// handleRequests simulates traffic: every tick some sessions are cached (the leak), some
// requests are recorded in the bounded ring, and some garbage is made and dropped. The ring is
// filled first, from this same function so that its allocation stack never changes (a stack
// whose bytes move to another stack would look like a new site growing), then ringFull closes.
func handleRequests(cache *sessionCache, recent *recentRequests, bytesPerSecond int64, ringFull chan<- struct{}) {
	for i := 0; i < len(recent.slots); i++ {
		recent.record(512 + (i%8)*64)
	}
	close(ringFull)
	const tick = 100 * time.Millisecond
	const sessionSize = 2048
	perTick := bytesPerSecond / int64(time.Second/tick)
	var id uint64
	var carry int64
	for range time.Tick(tick) {
		carry += perTick
		for ; carry >= sessionSize; carry -= sessionSize {
			id++
			cache.remember(id, sessionSize)
		}
		for i := 0; i < 8; i++ {
			recent.record(512 + i*64)
		}
		garbage(64 << 10)
	}
}

var sink []byte

//go:noinline
func garbage(n int) {
	sink = make([]byte, n)
	sink = nil
}

var pollers atomic.Int64

// pollUpstream waits for a reply on a channel that nobody else holds: it never returns.
//
//go:noinline
func pollUpstream(reply chan []byte) {
	pollers.Add(1)
	data := <-reply
	_ = data
}

func spawnPollers(perSecond float64, max int64) {
	if perSecond <= 0 {
		return
	}
	for range time.Tick(time.Duration(float64(time.Second) / perSecond)) {
		if pollers.Load() >= max {
			continue
		}
		go pollUpstream(make(chan []byte))
	}
}

// upstreamConn is closed by a finalizer when the program drops it.
type upstreamConn struct {
	id  int64
	buf []byte
}

var (
	finalizersRegistered atomic.Int64
	finalizersExecuted   atomic.Int64
	stallAt              time.Time // zero: never
	neverAcknowledged    = make(chan struct{})
)

// closeUpstreamConn is the finalizer. Once the stall time has passed, it waits for an
// acknowledgement that never comes, and since Go runs finalizers one at a time on one
// goroutine, every later finalizer waits behind it.
//
//go:noinline
func closeUpstreamConn(c *upstreamConn) {
	if !stallAt.IsZero() && time.Now().After(stallAt) {
		<-neverAcknowledged
	}
	c.buf = nil
	finalizersExecuted.Add(1)
}

func openConnections() {
	var id int64
	for range time.Tick(100 * time.Millisecond) {
		id++
		c := &upstreamConn{id: id, buf: make([]byte, 512)}
		runtime.SetFinalizer(c, closeUpstreamConn)
		finalizersRegistered.Add(1)
	}
}

// collectGarbage runs a collection every second: the heap profile describes the heap as of the
// last collection, so it moves only as often as the collector runs.
func collectGarbage() {
	for range time.Tick(time.Second) {
		runtime.GC()
	}
}

func serveMetrics(cache *sessionCache) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		metric := func(name, kind, help string, value float64) {
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, kind, name,
				strconv.FormatFloat(value, 'f', -1, 64))
		}
		metric("go_goroutines", "gauge", "Number of goroutines that currently exist.",
			float64(runtime.NumGoroutine()))
		metric("go_memstats_heap_inuse_bytes", "gauge", "Number of heap bytes that are in use.",
			float64(m.HeapInuse))
		metric("go_memstats_heap_alloc_bytes", "gauge", "Number of heap bytes allocated and still in use.",
			float64(m.HeapAlloc))
		metric("go_memstats_heap_objects", "gauge", "Number of allocated objects.",
			float64(m.HeapObjects))
		// Go 1.26 exports these two from the runtime. Older runtimes do not, so the service
		// counts for itself: every connection is dropped as soon as it is made, so it is
		// queued for finalization at the next collection (within a second) — registered is a
		// close estimate of queued.
		metric("go_gc_finalizers_queued_finalizers_total", "counter",
			"Finalizers queued for execution (this service: registered on objects it drops at once).",
			float64(finalizersRegistered.Load()))
		metric("go_gc_finalizers_executed_finalizers_total", "counter",
			"Finalizers that have run to completion.", float64(finalizersExecuted.Load()))
		metric("leakyservice_session_cache_bytes", "gauge", "Bytes held by the leaking session cache.",
			float64(cache.size()))
		metric("leakyservice_pollers", "gauge", "Goroutines leaked in main.pollUpstream.",
			float64(pollers.Load()))
	}
}

// exitWhenStdinCloses ends the process when the parent that holds the other end of the stdin
// pipe goes away. Only for pipes: /dev/null would end it at once, and a terminal has Ctrl-C.
func exitWhenStdinCloses() {
	info, err := os.Stdin.Stat()
	if err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
}

func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to serve pprof and /metrics on (port 0: any free port)")
	leakRate := flag.Int64("leak-rate", 200_000, "bytes a second added to the session cache")
	maxLeak := flag.Int64("max-leak", 512<<20, "the session cache stops growing at this many bytes")
	goroutineRate := flag.Float64("goroutine-rate", 2, "goroutines leaked a second in main.pollUpstream (0: none)")
	maxGoroutines := flag.Int64("max-goroutines", 5000, "leaked goroutines stop at this many")
	stallAfter := flag.Duration("finalizer-stall-after", 20*time.Second, "the finalizer blocks forever after this long (0: never)")
	flag.Parse()

	if !isLoopback(*listen) {
		fmt.Fprintf(os.Stderr, "leakyservice: -listen %s: only loopback addresses, since pprof tells anyone who asks about this process\n", *listen)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "leakyservice: %v\n", err)
		os.Exit(2)
	}
	if *stallAfter > 0 {
		stallAt = time.Now().Add(*stallAfter)
	}

	cache := &sessionCache{entries: map[uint64][]byte{}, limit: *maxLeak}
	http.HandleFunc("/metrics", serveMetrics(cache))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "leakyservice: a Go service that leaks on purpose; see /debug/pprof/ and /metrics")
	})

	warmProfileSampling()
	ringFull := make(chan struct{})
	go handleRequests(cache, &recentRequests{}, *leakRate, ringFull)
	<-ringFull
	// Collections publish the full ring in the heap profile before the first scrape (a
	// profile shows the heap as of the last completed cycles), so it never looks like growth.
	runtime.GC()
	runtime.GC()
	runtime.GC()
	go spawnPollers(*goroutineRate, *maxGoroutines)
	go openConnections()
	go collectGarbage()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		os.Exit(0)
	}()
	exitWhenStdinCloses()

	// os.Stdout is unbuffered: the line reaches a parent reading the pipe at once.
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintf(os.Stderr, "leakyservice: %v\n", err)
		os.Exit(1)
	}
}
