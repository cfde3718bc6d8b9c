// watchscenario is a Go service with one chosen memory behaviour, for the tests of
// `leakseek watch`. A growth alert is only worth something if it fires on a real leak and stays
// quiet on a heap that merely moves, so each -scenario below is either a leak or something that
// looks a bit like one:
//
//   - steady: leaks from the start. About -leak-rate bytes a second go into a session store
//     that is never emptied, all through one allocation site, main.(*sessionStore).keep, in
//     about ten steps a second (at most 2 GiB in all). About -goroutine-rate goroutines a
//     second are started in main.waitForReply; each waits forever on a channel of its own that
//     nothing else refers to, so Go 1.27's goroutine leak profile can prove it leaked.
//   - warmup: no leak. A bounded LRU cache, main.(*lruCache).put, fills up to -cache-bytes over
//     -warmup, then keeps taking new entries (about a tenth of -cache-bytes a second), each one
//     evicting the oldest: the bytes live at that site stay at the bound while it keeps
//     allocating.
//   - swings: no leak. Every 2 seconds main.buildReport builds a working set of a random size
//     between 16 and 96 MiB, holds it for a second and drops it: the heap swings widely with no
//     trend.
//   - delayed: nothing but the churn below for -delay, then the same leak as steady.
//   - stops: the leak of steady for -delay, then no more; what leaked stays reachable (bytes
//     and goroutines), so the heap and the goroutine count level off.
//
// Every scenario also churns as a busy service does, so the heap has the saw-tooth of regular
// collections: main.handleRequest allocates about -churn-rate bytes a second of 4 to 64 KiB
// buffers that are dropped at once, and every 200 ms a burst of 50 goroutines
// (main.serveShortRequest) starts and ends within 50 ms, so the goroutine count moves without
// growing. Nothing here forces a collection: cycles come as often as the allocation rate and
// GOGC make them, and the heap profile, which describes the heap as of a recent cycle, moves
// only that often.
//
// It serves net/http/pprof on a loopback address, and GET /debug/scenario answers with JSON
// that tests can check a report against: {"scenario", "leaked_bytes", "leaked_goroutines",
// "leaking", "uptime_seconds"} and, for the curious, "cache_bytes", "report_bytes", "num_gc",
// "heap_alloc_bytes" and "goroutines". leaked_bytes counts whole 4096-byte session objects, a
// size class of its own, so the heap profile's in-use figure for main.(*sessionStore).keep is
// an estimate of that same number, with no rounding up.
//
// -memprofilerate, when above 0, sets runtime.MemProfileRate first thing in main. Each P drew
// the distance to its first sample under the default rate before that, so at first a P samples
// as if at 512 KiB until it has allocated that much; the churn gets every P past it within the
// first second.
//
// It prints "listening on http://ADDR" as its first and only line on standard output (notes go
// to standard error). It exits on SIGTERM or SIGINT and, when its standard input is a pipe, as
// soon as that pipe closes, so a parent that starts it with a pipe on stdin never leaves it
// running.
//
// Build (stdlib only, Go 1.19 or later):
//
//	GO111MODULE=off CGO_ENABLED=0 go build -o watchscenario ./testdata/services/watchscenario
//
// Usage: watchscenario -scenario steady|warmup|swings|delayed|stops [-listen 127.0.0.1:0]
// [-leak-rate 2097152] [-goroutine-rate 5] [-delay 10s] [-cache-bytes 67108864] [-warmup 5s]
// [-churn-rate 20971520] [-memprofilerate 0] [-seed 0]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"leakseek.test/services/internal/loopback"
)

const (
	sessionSize       = 4096    // bytes of one leaked session object: a size class, no rounding
	maxLeakBytes      = 2 << 30 // the session store stops growing here
	maxLeakGoroutines = 100000  // and leaked goroutines stop here (about 800 MiB of stacks)
	leakTick          = 100 * time.Millisecond
)

var (
	started          = time.Now()
	leakedBytes      atomic.Int64
	leakedGoroutines atomic.Int64
	leaking          atomic.Bool
	cacheBytes       atomic.Int64
	reportBytes      atomic.Int64
)

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "watchscenario: "+format+"\n", args...)
}

// session is one leaked object: exactly sessionSize bytes, one allocation.
type session struct {
	next    *session
	id      uint64
	payload [sessionSize - 16]byte
}

// sessionStore is the leak: sessions go in and nothing ever takes them out. Only the leak loop
// touches it.
type sessionStore struct {
	newest *session
	count  uint64
}

// sessions is a global, so everything kept stays reachable for the life of the process.
var sessions = &sessionStore{}

// keep is the one allocation site of the leaked bytes.
//
//go:noinline
func (s *sessionStore) keep() {
	s.count++
	sess := &session{next: s.newest, id: s.count}
	for i := 0; i < len(sess.payload); i += 256 { // touch every page, as real data would
		sess.payload[i] = byte(s.count)
	}
	s.newest = sess
	leakedBytes.Add(sessionSize)
}

// waitForReply waits for a reply on a channel that only it holds: it never returns, and no
// other goroutine could ever wake it.
//
//go:noinline
func waitForReply(reply chan []byte) {
	data := <-reply
	_ = data
}

// leak leaks at the given rates from `from` after start until `until` after start (until 0:
// forever). The amounts follow the clock, not the tick count, so a late tick catches up and the
// totals stay at rate × time.
func leak(bytesPerSecond int64, goroutinesPerSecond float64, from, until time.Duration) {
	if wait := from - time.Since(started); wait > 0 {
		time.Sleep(wait)
	}
	begin := time.Now()
	leaking.Store(true)
	logf("leak started at %.1fs: %d bytes/s, %g goroutines/s", time.Since(started).Seconds(), bytesPerSecond, goroutinesPerSecond)
	ticker := time.NewTicker(leakTick)
	defer ticker.Stop()
	for {
		elapsed := time.Since(begin)
		stop := until > 0 && elapsed >= until-from
		if stop {
			elapsed = until - from
		}
		wantBytes := int64(float64(bytesPerSecond) * elapsed.Seconds())
		if wantBytes > maxLeakBytes {
			wantBytes = maxLeakBytes
		}
		for leakedBytes.Load()+sessionSize <= wantBytes {
			sessions.keep()
		}
		wantGoroutines := int64(goroutinesPerSecond * elapsed.Seconds())
		if wantGoroutines > maxLeakGoroutines {
			wantGoroutines = maxLeakGoroutines
		}
		for leakedGoroutines.Load() < wantGoroutines {
			go waitForReply(make(chan []byte))
			leakedGoroutines.Add(1)
		}
		if stop {
			leaking.Store(false)
			logf("leak stopped at %.1fs: %d bytes and %d goroutines stay leaked", time.Since(started).Seconds(),
				leakedBytes.Load(), leakedGoroutines.Load())
			return
		}
		<-ticker.C
	}
}

// lruEntry is one cached value, on a list from the most to the least recently used.
type lruEntry struct {
	key        uint64
	prev, next *lruEntry
	value      []byte
}

// lruCache is what a healthy cache looks like: it is bounded, so once full it frees as much as
// it takes in. Only the warmup loop touches it.
type lruCache struct {
	items        map[uint64]*lruEntry
	newest       *lruEntry
	oldest       *lruEntry
	bytes, limit int64
}

func (c *lruCache) unlink(e *lruEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		c.newest = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		c.oldest = e.prev
	}
	e.prev, e.next = nil, nil
}

func (c *lruCache) pushFront(e *lruEntry) {
	e.next = c.newest
	if c.newest != nil {
		c.newest.prev = e
	}
	c.newest = e
	if c.oldest == nil {
		c.oldest = e
	}
}

// put caches a new value of size bytes under key, evicting the least recently used entries
// until it fits. A key already cached is only marked as used. It is the cache's one allocation
// site.
//
//go:noinline
func (c *lruCache) put(key uint64, size int) {
	if e, ok := c.items[key]; ok {
		c.unlink(e)
		c.pushFront(e)
		return
	}
	for c.oldest != nil && c.bytes+int64(size) > c.limit {
		old := c.oldest
		c.unlink(old)
		delete(c.items, old.key)
		c.bytes -= int64(len(old.value))
	}
	e := &lruEntry{key: key, value: make([]byte, size)}
	for i := 0; i < size; i += 4096 {
		e.value[i] = byte(key)
	}
	c.items[key] = e
	c.pushFront(e)
	c.bytes += int64(size)
	cacheBytes.Store(c.bytes)
}

// warmUpCache fills the cache to limit bytes over warmup, then puts new entries at limit/10
// bytes a second forever, each evicting the oldest.
func warmUpCache(limit int64, warmup time.Duration) {
	if limit <= 0 {
		return
	}
	entrySize := int64(16 << 10)
	if entrySize > limit {
		entrySize = limit
	}
	c := &lruCache{items: map[uint64]*lruEntry{}, limit: limit}
	logf("cache fills to %d bytes over %v, in entries of %d bytes", limit, warmup, entrySize)
	begin := time.Now()
	var put int64 // bytes put so far
	var key uint64
	full := false
	ticker := time.NewTicker(leakTick)
	defer ticker.Stop()
	for {
		elapsed := time.Since(begin)
		var want int64
		if elapsed < warmup {
			want = int64(float64(limit) * elapsed.Seconds() / warmup.Seconds())
		} else {
			want = limit + int64(float64(limit/10)*(elapsed-warmup).Seconds())
		}
		for put+entrySize <= want {
			key++
			c.put(key, int(entrySize))
			put += entrySize
		}
		if !full && elapsed >= warmup {
			full = true
			logf("cache full at %.1fs: %d bytes in %d entries", time.Since(started).Seconds(), c.bytes, len(c.items))
		}
		<-ticker.C
	}
}

// buildReport holds a working set of size bytes for hold, then lets it go.
//
//go:noinline
func buildReport(size int64, hold time.Duration) int {
	const rowSize = 64 << 10
	rows := make([][]byte, 0, size/rowSize+1)
	for n := int64(0); n < size; n += rowSize {
		row := make([]byte, rowSize)
		for i := 0; i < rowSize; i += 4096 {
			row[i] = byte(n >> 16)
		}
		rows = append(rows, row)
	}
	reportBytes.Store(int64(len(rows)) * rowSize)
	time.Sleep(hold)
	sum := 0
	for _, row := range rows {
		sum += int(row[0])
	}
	reportBytes.Store(0)
	return sum
}

func swingHeap(rng *rand.Rand) {
	ticker := time.NewTicker(2 * time.Second)
	defer ticker.Stop()
	for {
		size := int64(16+rng.Intn(81)) << 20
		buildReport(size, time.Second)
		<-ticker.C
	}
}

var churnSink []byte // only churn writes it

// handleRequest makes size bytes of garbage, as serving a request does.
//
//go:noinline
func handleRequest(size int) {
	buf := make([]byte, size)
	buf[0], buf[size-1] = 1, 1
	churnSink = buf
	churnSink = nil
}

// churn allocates bytesPerSecond of short-lived buffers, in steps every 10 ms.
func churn(bytesPerSecond int64, rng *rand.Rand) {
	if bytesPerSecond <= 0 {
		return
	}
	begin := time.Now()
	var made int64
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for {
		want := int64(float64(bytesPerSecond) * time.Since(begin).Seconds())
		for made < want {
			size := 4<<10 + rng.Intn(60<<10+1)
			handleRequest(size)
			made += int64(size)
		}
		<-ticker.C
	}
}

// serveShortRequest is a goroutine that lives for d and is gone.
//
//go:noinline
func serveShortRequest(d time.Duration, size int) {
	buf := make([]byte, size)
	time.Sleep(d)
	buf[0] = 1
	runtime.KeepAlive(buf)
}

// bursts starts 50 goroutines every 200 ms, each ending within 50 ms.
func bursts(rng *rand.Rand) {
	ticker := time.NewTicker(200 * time.Millisecond)
	defer ticker.Stop()
	for {
		for i := 0; i < 50; i++ {
			go serveShortRequest(time.Duration(rng.Int63n(int64(50*time.Millisecond))), 256+rng.Intn(4096))
		}
		<-ticker.C
	}
}

type scenarioStatus struct {
	Scenario         string  `json:"scenario"`
	LeakedBytes      int64   `json:"leaked_bytes"`
	LeakedGoroutines int64   `json:"leaked_goroutines"`
	Leaking          bool    `json:"leaking"`
	UptimeSeconds    float64 `json:"uptime_seconds"`
	CacheBytes       int64   `json:"cache_bytes"`
	ReportBytes      int64   `json:"report_bytes"`
	NumGC            uint32  `json:"num_gc"`
	HeapAllocBytes   uint64  `json:"heap_alloc_bytes"`
	Goroutines       int     `json:"goroutines"`
}

func serveStatus(scenario string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		st := scenarioStatus{
			Scenario:         scenario,
			LeakedBytes:      leakedBytes.Load(),
			LeakedGoroutines: leakedGoroutines.Load(),
			Leaking:          leaking.Load(),
			UptimeSeconds:    time.Since(started).Seconds(),
			CacheBytes:       cacheBytes.Load(),
			ReportBytes:      reportBytes.Load(),
			NumGC:            m.NumGC,
			HeapAllocBytes:   m.HeapAlloc,
			Goroutines:       runtime.NumGoroutine(),
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(st)
	}
}

func main() {
	scenario := flag.String("scenario", "", "steady, warmup, swings, delayed or stops (required)")
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to serve pprof on (port 0: any free port)")
	leakRate := flag.Int64("leak-rate", 2<<20, "bytes a second leaked in main.(*sessionStore).keep")
	goroutineRate := flag.Float64("goroutine-rate", 5, "goroutines a second leaked in main.waitForReply")
	delay := flag.Duration("delay", 10*time.Second, "delayed: the leak starts after this; stops: the leak runs this long")
	cacheLimit := flag.Int64("cache-bytes", 64<<20, "warmup: the cache's bound in bytes")
	warmup := flag.Duration("warmup", 5*time.Second, "warmup: the cache fills over this long")
	churnRate := flag.Int64("churn-rate", 20<<20, "bytes a second of short-lived garbage, in every scenario (0: none)")
	memProfileRate := flag.Int("memprofilerate", 0, "runtime.MemProfileRate (0: leave Go's default, 512 KiB)")
	seed := flag.Int64("seed", 0, "random seed for sizes and timings (0: from the clock)")
	flag.Parse()
	if *memProfileRate > 0 {
		runtime.MemProfileRate = *memProfileRate
	}

	switch *scenario {
	case "steady", "warmup", "swings", "delayed", "stops":
	default:
		fmt.Fprintf(os.Stderr, "watchscenario: -scenario %q: want steady, warmup, swings, delayed or stops\n", *scenario)
		os.Exit(2)
	}
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "watchscenario: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	ln := loopback.Listen("watchscenario", *listen)

	if *seed == 0 {
		*seed = time.Now().UnixNano()
	}
	// One generator per goroutine: a rand.Rand is not safe for concurrent use.
	go churn(*churnRate, rand.New(rand.NewSource(*seed)))
	go bursts(rand.New(rand.NewSource(*seed + 1)))
	switch *scenario {
	case "steady":
		go leak(*leakRate, *goroutineRate, 0, 0)
	case "warmup":
		go warmUpCache(*cacheLimit, *warmup)
	case "swings":
		go swingHeap(rand.New(rand.NewSource(*seed + 2)))
	case "delayed":
		go leak(*leakRate, *goroutineRate, *delay, 0)
	case "stops":
		if *delay > 0 {
			go leak(*leakRate, *goroutineRate, 0, *delay)
		}
	}

	http.HandleFunc("/debug/scenario", serveStatus(*scenario))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "watchscenario %s: see /debug/pprof/ and /debug/scenario\n", *scenario)
	})

	loopback.Serve("watchscenario", ln, http.DefaultServeMux)
}
