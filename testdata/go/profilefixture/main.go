// Command profilefixture writes the pprof profiles Go serves (heap, allocs
// and goroutine, all debug=0: gzip-compressed profile.proto) for a program
// with a known allocation pattern, and a JSON facts file describing it.
//
// Usage: profilefixture PREFIX FACTSFILE
//
// PREFIX without a trailing ".dump" names the outputs: PREFIX.heap.pb.gz,
// PREFIX.allocs.pb.gz and PREFIX.goroutine.pb.gz. A Go heap dump is also
// written at exactly the first argument, because make_fixtures.sh runs every
// fixture program as PROGRAM DUMPFILE FACTSFILE and checks that DUMPFILE is a
// heap dump; it is taken before the allocations below, so it stays small. The
// facts file is written last.
//
// MemProfileRate is 1, so every allocation is sampled and the profiles hold
// exact counts and sizes rather than statistical estimates.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"
)

const (
	leakCount      = 1000
	leakSize       = 4096 // a size class, so the profile records exactly this size
	transientCount = 500
	transientSize  = 1024
	workerCount    = 3
)

func init() {
	runtime.MemProfileRate = 1
}

var (
	// leaked keeps leakyAlloc's buffers alive; its backing array is made in
	// main so that leakyAlloc's samples are the buffers and nothing else.
	leaked [][]byte
	// sink defeats escape analysis for transientAlloc's buffers.
	sink    []byte
	release = make(chan struct{})
)

//go:noinline
func leakyAlloc() {
	for i := 0; i < leakCount; i++ {
		b := make([]byte, leakSize)
		b[0] = byte(i)
		leaked = append(leaked, b)
	}
}

// transientAlloc's buffers are garbage as soon as it returns: they count in
// alloc_* but not in inuse_*.
//
//go:noinline
func transientAlloc() {
	for i := 0; i < transientCount; i++ {
		sink = make([]byte, transientSize)
		sink[0] = byte(i)
	}
	sink = nil
}

//go:noinline
func parkedWorker(started chan<- struct{}) {
	started <- struct{}{}
	<-release
}

func startWorkers() {
	started := make(chan struct{})
	for i := 0; i < workerCount; i++ {
		go pprof.Do(context.Background(), pprof.Labels("worker", "leakseek"),
			func(context.Context) { parkedWorker(started) })
	}
	for i := 0; i < workerCount; i++ {
		<-started
	}
}

type allocation struct {
	Function string `json:"function"`
	Count    int    `json:"count"`
	Size     int    `json:"size"`
	Bytes    int    `json:"bytes"`
}

type workers struct {
	Function   string `json:"function"`
	Count      int    `json:"count"`
	LabelKey   string `json:"label_key"`
	LabelValue string `json:"label_value"`
}

// facts is the FACTSFILE content. Profile paths are file names in the
// directory of PREFIX.
type facts struct {
	GoVersion      string            `json:"go_version"`
	MemProfileRate int               `json:"mem_profile_rate"`
	Profiles       map[string]string `json:"profiles"`
	Leaky          allocation        `json:"leaky"`
	Transient      allocation        `json:"transient"`
	Workers        workers           `json:"workers"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "profilefixture: "+format+"\n", args...)
	os.Exit(1)
}

func writeProfile(path, name string) {
	f, err := os.Create(path)
	if err != nil {
		fail("%v", err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		fail("%s profile: %v", name, err)
	}
	if err := f.Close(); err != nil {
		fail("%v", err)
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: profilefixture PREFIX FACTSFILE")
		os.Exit(2)
	}
	dumpPath := os.Args[1]
	prefix := strings.TrimSuffix(dumpPath, ".dump")

	// Nothing reads this dump; written before the allocations, it stays small.
	out, err := os.Create(dumpPath)
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	if err := out.Close(); err != nil {
		fail("%v", err)
	}

	// No collection may start inside the allocation loops: a collection's first start
	// allocates runtime structures that the memory profile (rate 1) charges to whatever stack
	// triggered it, which would add a few bytes to a site whose exact size the tests check.
	// The profiles below still see a completed collection: runtime.GC works with GC off.
	runtime.GC()
	debug.SetGCPercent(-1)

	leaked = make([][]byte, 0, leakCount)
	leakyAlloc()
	transientAlloc()
	startWorkers()
	// The heap profile shows the heap as of the last completed GC.
	runtime.GC()
	time.Sleep(10 * time.Millisecond)

	profiles := map[string]string{}
	for _, name := range []string{"heap", "allocs", "goroutine"} {
		path := prefix + "." + name + ".pb.gz"
		writeProfile(path, name)
		profiles[name] = filepath.Base(path)
	}

	f := facts{
		GoVersion:      runtime.Version(),
		MemProfileRate: runtime.MemProfileRate,
		Profiles:       profiles,
		Leaky:          allocation{"main.leakyAlloc", leakCount, leakSize, leakCount * leakSize},
		Transient: allocation{"main.transientAlloc", transientCount, transientSize,
			transientCount * transientSize},
		Workers: workers{"main.parkedWorker", workerCount, "worker", "leakseek"},
	}
	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(os.Args[2], append(js, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
	runtime.KeepAlive(leaked)
	os.Exit(0)
}
