// Command finalizerstall reproduces a stalled finalizer goroutine: the first
// finalizer (main.blockForever) blocks forever, so every finalizer queued
// after it stays in the runtime's finalizer queue, holding its object alive.
// It then writes a Go heap dump and a JSON facts file.
//
// Usage: finalizerstall DUMPFILE FACTSFILE
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"
	"unsafe"
)

// Resource is the finalized object type. Each one owns a Blob, so the
// finalizer queue retains more than the Resource itself.
type Resource struct {
	payload [16]int64
	blob    *Blob
}

// Blob is memory owned by a Resource (no finalizer of its own: a finalized
// object pointing at another finalized object would delay the second one's
// finalizer by a GC cycle).
type Blob [32]int64

const queued = 200

var (
	started  = make(chan struct{}, 1) // signalled by blockForever
	blockCh  = make(chan struct{})    // never sent on or closed
	released int                      // count of release calls (should stay 0)

	blockedResource string // %p of the resource whose finalizer blocks
)

// blockForever is the stalling finalizer.
//
//go:noinline
func blockForever(r *Resource) {
	select {
	case started <- struct{}{}:
	default:
	}
	<-blockCh
	runtime.KeepAlive(r)
}

// release is the finalizer of the queued resources; it never gets to run.
//
//go:noinline
func release(r *Resource) {
	released++
	r.blob = nil
}

//go:noinline
func newBlocking() {
	r := &Resource{blob: &Blob{}}
	r.payload[0] = -1
	runtime.SetFinalizer(r, blockForever)
	blockedResource = fmt.Sprintf("%p", r)
}

//go:noinline
func newQueued(n int) {
	for i := 0; i < n; i++ {
		r := &Resource{blob: &Blob{}}
		r.payload[0] = int64(i)
		r.blob[0] = int64(i)
		runtime.SetFinalizer(r, release)
	}
}

// facts is the FACTSFILE content. queued_records is the number of
// queued-finalizer records (tag 11) in the dump: the running finalizer's
// entry stays in its queue block until its call returns, so the dump lists
// it as well as the queued_expected ones (runfinq in Go 1.19 to 1.24).
type facts struct {
	GoVersion       string  `json:"go_version"`
	QueuedExpected  int     `json:"queued_expected"`
	QueuedRecords   int     `json:"queued_records"`
	BlockedFunction string  `json:"blocked_function"`
	ResourceSize    uintptr `json:"resource_size"`
	BlockedResource string  `json:"blocked_resource"`
	BlobSize        uintptr `json:"blob_size"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "finalizerstall: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: finalizerstall DUMPFILE FACTSFILE")
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
			fail("blocking finalizer did not start within 5s")
		}
	}

	newQueued(queued)
	runtime.GC()
	runtime.GC()
	time.Sleep(50 * time.Millisecond)

	out, err := os.Create(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	if err := out.Close(); err != nil {
		fail("%v", err)
	}

	f := facts{
		GoVersion:       runtime.Version(),
		QueuedExpected:  queued,
		QueuedRecords:   queued + 1,
		BlockedFunction: "main.blockForever",
		ResourceSize:    unsafe.Sizeof(Resource{}),
		BlockedResource: blockedResource,
		BlobSize:        unsafe.Sizeof(Blob{}),
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
