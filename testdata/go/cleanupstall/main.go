//go:build go1.24

// Command cleanupstall is a stalled cleanup, the Go 1.24 successor of a
// stalled finalizer, beside weak pointers. The first cleanup
// (main.blockForever, added with runtime.AddCleanup) blocks forever, so every
// cleanup queued after it waits: in Go 1.24 on the finalizer goroutine, from
// 1.25 on a runtime.runCleanups goroutine. Weak pointers (weak.Pointer) refer
// to one object that a global also holds strongly, and to one that nothing
// holds strongly: neither weak pointer keeps anything alive. It writes a Go
// heap dump, a debug=2 goroutine dump beside it (DUMPFILE.goroutines.txt) and
// a JSON facts file. Built with Go 1.24 and later only.
//
// Usage: cleanupstall DUMPFILE FACTSFILE
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"
	"weak"
)

// Conn is what the cleanups are attached to.
type Conn struct {
	id      int
	payload [24]int64
}

// Handle is a cleanup's argument: it must not refer to the Conn.
type Handle struct {
	fd int
}

// Target is what the weak pointers point to.
type Target struct {
	name string
	data [16]int64
}

const queued = 120

var (
	started = make(chan struct{}, 1)
	blockCh = make(chan struct{}) // never sent on or closed

	// strong holds a Target that weakToStrong also points to; weakOnly points to a Target
	// that nothing else holds.
	strong       *Target
	weakToStrong weak.Pointer[Target]
	weakOnly     weak.Pointer[Target]
	released     int
)

//go:noinline
func blockForever(h *Handle) {
	select {
	case started <- struct{}{}:
	default:
	}
	<-blockCh
	runtime.KeepAlive(h)
}

//go:noinline
func release(h *Handle) {
	released += h.fd
}

//go:noinline
func newBlocking() {
	c := &Conn{id: -1}
	runtime.AddCleanup(c, blockForever, &Handle{fd: -1})
}

//go:noinline
func newQueued(n int) {
	for i := 0; i < n; i++ {
		c := &Conn{id: i}
		runtime.AddCleanup(c, release, &Handle{fd: i})
	}
}

//go:noinline
func makeWeak() string {
	strong = &Target{name: "strong"}
	weakToStrong = weak.Make(strong)
	only := &Target{name: "weak only"}
	weakOnly = weak.Make(only)
	return fmt.Sprintf("%p", only)
}

type facts struct {
	GoVersion       string `json:"go_version"`
	QueuedExpected  int    `json:"queued_expected"`
	BlockedFunction string `json:"blocked_function"`
	Strong          string `json:"strong"`
	StrongGlobal    string `json:"strong_global"`
	WeakGlobal      string `json:"weak_global"`
	WeakOnly        string `json:"weak_only"`
	WeakOnlyAlive   bool   `json:"weak_only_alive_at_dump"`
	// A debug=2 goroutine dump written right after the heap dump, beside it (its file name).
	GoroutineDump string `json:"goroutine_dump"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cleanupstall: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cleanupstall DUMPFILE FACTSFILE")
		os.Exit(2)
	}
	newBlocking()
	deadline := time.Now().Add(5 * time.Second)
wait:
	for {
		runtime.GC()
		select {
		case <-started:
			break wait
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			fail("the blocking cleanup did not start within 5s")
		}
	}
	newQueued(queued)
	runtime.GC()
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	// Made after the collections: the weakly held Target is still in the heap when it is
	// dumped, unreachable.
	weakOnlyAddr := makeWeak()

	out, err := os.Create(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	if err := out.Close(); err != nil {
		fail("%v", err)
	}

	gpath := os.Args[1] + ".goroutines.txt"
	g, err := os.Create(gpath)
	if err != nil {
		fail("%v", err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(g, 2); err != nil {
		fail("%v", err)
	}
	if err := g.Close(); err != nil {
		fail("%v", err)
	}

	f := facts{
		GoVersion:       runtime.Version(),
		QueuedExpected:  queued,
		BlockedFunction: "main.blockForever",
		Strong:          fmt.Sprintf("%p", strong),
		StrongGlobal:    "main.strong",
		WeakGlobal:      "main.weakToStrong",
		WeakOnly:        weakOnlyAddr,
		WeakOnlyAlive:   weakOnly.Value() != nil,
		GoroutineDump:   filepath.Base(gpath),
	}
	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(os.Args[2], append(js, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
	os.Exit(0)
}
