// hostiletarget is an HTTP server that answers badly on purpose, for the tests that check a
// scraper such as `leakseek watch` cannot be hurt by the services it watches: that it caps what
// it reads and inflates, gives up on a transfer that never ends, and goes on scraping.
//
// One process serves every kind of misbehaviour; the first element of the URL path picks it,
// and everything under that prefix behaves the same, so /bomb/debug/pprof/heap,
// /bomb/debug/pprof/goroutine?debug=1 and /bomb/metrics are all a bomb:
//
//   - /bomb/...: 200 with a gzip stream that inflates to -bomb-bytes of zeros (about 1 MB on the
//     wire for 1 GiB), as application/octet-stream with a Content-Length and no
//     Content-Encoding, just as a pprof profile is served. It is compressed once, in the
//     background from startup (a few seconds for 1 GiB; a request that comes sooner waits for
//     it), and served from memory.
//   - /endless/...: 200 and a chunked body of 64 KiB chunks, each flushed, for as long as the
//     client keeps reading. The bytes are lines of text starting with '#'.
//   - /slow/...: 200 and then one byte a second, each flushed, forever.
//   - /stall/...: 200 and its headers, then nothing at all.
//   - /silent/...: nothing, not even headers: the request is read and never answered.
//   - /good/...: a well-behaved Go service: this process's own net/http/pprof handlers under
//     the prefix (/good/debug/pprof/heap, /good/debug/pprof/goroutine?debug=1, ...), and 404 for
//     anything else, /good/metrics included.
//
// Every handler returns as soon as its client goes away (the request's context ends, or a
// write fails), so a scraper that hangs up leaves nothing running here. GET
// /debug/hostile/stats answers with JSON counting, per mode, the requests received
// ("requests"), the ones still being served ("active") and the body bytes written
// ("bytes_sent"): a test can check that the scraper kept asking and that it hung up. It also
// gives "bomb_inflated_bytes" and "bomb_compressed_bytes", the latter 0 until the bomb is
// made: a test that needs the bomb at once can wait for it there.
//
// It is a plain http.Server with no timeouts, so nothing on this side ends a transfer early. It
// prints "listening on http://ADDR" as its first and only line on standard output (notes go to
// standard error). It listens on loopback only, and exits on SIGTERM or SIGINT and, when its
// standard input is a pipe, as soon as that pipe closes, so a parent that starts it with a pipe
// on stdin never leaves it running.
//
// Build (stdlib only, Go 1.19 or later):
//
//	GO111MODULE=off CGO_ENABLED=0 go build -o hostiletarget ./testdata/services/hostiletarget
//
// Usage: hostiletarget [-listen 127.0.0.1:0] [-bomb-bytes 1073741824]
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux, served under /good
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"leakseek.test/services/internal/loopback"
)

var modes = []string{"bomb", "endless", "slow", "stall", "silent", "good"}

type modeStats struct {
	requests  atomic.Int64
	active    atomic.Int64
	bytesSent atomic.Int64
}

// stats has one entry per mode, made before serving starts and never changed after: reading
// the map from many handlers at once is safe.
var stats = map[string]*modeStats{}

var started = time.Now()

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "hostiletarget: "+format+"\n", args...)
}

// countingWriter counts the body bytes written through it.
type countingWriter struct {
	http.ResponseWriter
	sent *atomic.Int64
}

func (w countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.sent.Add(int64(n))
	return n, err
}

func (w countingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// counted serves the mode's prefix with h, keeping the mode's counts.
func counted(mux *http.ServeMux, mode string, h func(countingWriter, *http.Request)) {
	st := stats[mode]
	mux.HandleFunc("/"+mode+"/", func(w http.ResponseWriter, r *http.Request) {
		st.requests.Add(1)
		st.active.Add(1)
		defer st.active.Add(-1)
		h(countingWriter{ResponseWriter: w, sent: &st.bytesSent}, r)
	})
}

// makeBomb returns a gzip stream of n zero bytes, compressed as hard as gzip can.
func makeBomb(n int64) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		panic(err)
	}
	zeros := make([]byte, 1<<20)
	for n > 0 {
		chunk := zeros
		if n < int64(len(chunk)) {
			chunk = chunk[:n]
		}
		zw.Write(chunk) // writes to a bytes.Buffer cannot fail
		n -= int64(len(chunk))
	}
	zw.Close()
	return buf.Bytes()
}

// bombBody is the bomb, set once before bombReady is closed.
var (
	bombBody  []byte
	bombReady = make(chan struct{})
)

func serveBomb(w countingWriter, r *http.Request) {
	select {
	case <-bombReady:
	case <-r.Context().Done():
		return
	}
	bomb := bombBody
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.Itoa(len(bomb)))
	w.WriteHeader(http.StatusOK)
	w.Write(bomb) // a client that hangs up makes this fail, and then we are done anyway
}

// endlessChunk is 64 KiB of '#' lines: a comment to a Prometheus text parser, junk to others.
var endlessChunk = func() []byte {
	line := "# hostiletarget: this body never ends, stop reading it ...................\n"
	b := bytes.Repeat([]byte(line), (64<<10)/len(line)+1)
	return b[:64<<10]
}()

func serveEndless(w countingWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	done := r.Context().Done()
	for {
		select {
		case <-done:
			return
		default:
		}
		if _, err := w.Write(endlessChunk); err != nil {
			return
		}
		w.Flush()
	}
}

func serveSlow(w countingWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	w.Flush()
	const text = "# hostiletarget: one byte a second\n"
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for i := 0; ; i++ {
		if _, err := w.Write([]byte{text[i%len(text)]}); err != nil {
			return
		}
		w.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-ticker.C:
		}
	}
}

func serveStall(w countingWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	w.Flush()
	<-r.Context().Done()
}

func serveSilent(w countingWriter, r *http.Request) {
	<-r.Context().Done()
}

func serveGood(w countingWriter, r *http.Request) {
	// Only the pprof handlers are on http.DefaultServeMux, so anything else is a 404.
	http.StripPrefix("/good", http.DefaultServeMux).ServeHTTP(w, r)
}

type statsReply struct {
	UptimeSeconds       float64          `json:"uptime_seconds"`
	BombCompressedBytes int              `json:"bomb_compressed_bytes"`
	BombInflatedBytes   int64            `json:"bomb_inflated_bytes"`
	Requests            map[string]int64 `json:"requests"`
	Active              map[string]int64 `json:"active"`
	BytesSent           map[string]int64 `json:"bytes_sent"`
}

func serveStats(bombInflated int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		reply := statsReply{
			UptimeSeconds:     time.Since(started).Seconds(),
			BombInflatedBytes: bombInflated,
			Requests:          map[string]int64{},
			Active:            map[string]int64{},
			BytesSent:         map[string]int64{},
		}
		select {
		case <-bombReady:
			reply.BombCompressedBytes = len(bombBody)
		default: // still being made: 0
		}
		for _, mode := range modes {
			st := stats[mode]
			reply.Requests[mode] = st.requests.Load()
			reply.Active[mode] = st.active.Load()
			reply.BytesSent[mode] = st.bytesSent.Load()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(reply)
	}
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0: any free port)")
	bombBytes := flag.Int64("bomb-bytes", 1<<30, "bytes of zeros the /bomb/ body inflates to")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "hostiletarget: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	if *bombBytes < 0 {
		fmt.Fprintf(os.Stderr, "hostiletarget: -bomb-bytes %d: must not be negative\n", *bombBytes)
		os.Exit(2)
	}
	ln := loopback.Listen("hostiletarget", *listen)

	// Compressing 1 GiB takes a few seconds of CPU: it is done while the server already
	// listens, and a /bomb/ request that comes first waits for it.
	go func() {
		t0 := time.Now()
		bombBody = makeBomb(*bombBytes)
		close(bombReady)
		logf("gzip bomb: %d bytes inflate to %d (made in %v)", len(bombBody), *bombBytes, time.Since(t0).Round(time.Millisecond))
	}()

	for _, mode := range modes {
		stats[mode] = &modeStats{}
	}
	mux := http.NewServeMux()
	counted(mux, "bomb", serveBomb)
	counted(mux, "endless", serveEndless)
	counted(mux, "slow", serveSlow)
	counted(mux, "stall", serveStall)
	counted(mux, "silent", serveSilent)
	counted(mux, "good", serveGood)
	mux.HandleFunc("/debug/hostile/stats", serveStats(*bombBytes))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "hostiletarget: try /%s/debug/pprof/heap or /debug/hostile/stats\n", strings.Join(modes, "/..., /"))
	})

	loopback.Serve("hostiletarget", ln, mux)
}
