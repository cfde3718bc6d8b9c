//go:build go1.27

// Command goroutineleak writes Go 1.27's goroutine leak profile
// (runtime/pprof "goroutineleak", served at /debug/pprof/goroutineleak): the
// goroutines a special GC cycle proved can never wake, because what they wait
// on is reachable from no other goroutine. main.leakyQuery leaks: it starts a
// sender on a channel only it knows, then returns without receiving. The
// main.worker goroutines are parked too, but on a global channel that main
// could still send on: they are not leaked, and the profile must not list
// them. It writes a heap dump (so make_fixtures.sh sees one), the profile in
// its debug=0, 1 and 2 forms beside it, and a JSON facts file. Built with Go
// 1.27 and later only. With GOROUTINELEAK_PROFILE_FIRST=1 it reads the leak
// profile before the heap dump, which crashes the process.
//
// Usage: goroutineleak DUMPFILE FACTSFILE
package main

import (
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
	leaked  = 6
	workers = 4
)

var jobs = make(chan int) // reachable from main: its receivers are not leaked

//go:noinline
func send(ch chan<- int) {
	ch <- 1 // nobody will ever receive: ch is lost when leakyQuery returns
}

//go:noinline
func leakyQuery() {
	ch := make(chan int)
	go send(ch)
}

//go:noinline
func worker() {
	for range jobs {
	}
}

type facts struct {
	GoVersion      string            `json:"go_version"`
	LeakedFunction string            `json:"leaked_function"`
	Leaked         int               `json:"leaked"`
	ParkedFunction string            `json:"parked_function"`
	Parked         int               `json:"parked"`
	Files          map[string]string `json:"files"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "goroutineleak: "+format+"\n", args...)
	os.Exit(1)
}

func write(path string, debugLevel int) {
	f, err := os.Create(path)
	if err != nil {
		fail("%v", err)
	}
	if err := pprof.Lookup("goroutineleak").WriteTo(f, debugLevel); err != nil {
		fail("%v", err)
	}
	if err := f.Close(); err != nil {
		fail("%v", err)
	}
}

// waitParked returns once every sender and worker is parked: a goroutine still
// on its way to the channel is runnable, and the leak cycle would not find it.
// A fixed sleep is not enough on a loaded machine.
func waitParked() {
	deadline := time.Now().Add(10 * time.Second)
	buf := make([]byte, 1<<20)
	for {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if strings.Count(stacks, " [chan send]:") >= leaked &&
			strings.Count(stacks, " [chan receive]:") >= workers {
			return
		}
		if time.Now().After(deadline) {
			fail("goroutines did not park within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: goroutineleak DUMPFILE FACTSFILE")
		os.Exit(2)
	}
	for i := 0; i < workers; i++ {
		go worker()
	}
	for i := 0; i < leaked; i++ {
		leakyQuery()
	}
	waitParked()
	runtime.GC()
	if os.Getenv("GOROUTINELEAK_PROFILE_FIRST") == "1" {
		// What must never be done: once the leak profile has marked goroutines leaked,
		// WriteHeapDump kills the process (Go 1.27.3: "dumpgs in STW - bad status").
		write(os.Args[1]+".first.txt", 1)
	}

	out, err := os.Create(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	if err := out.Close(); err != nil {
		fail("%v", err)
	}
	files := map[string]string{}
	for level, name := range []string{"goroutineleak0.pb.gz", "goroutineleak1.txt", "goroutineleak2.txt"} {
		path := os.Args[1] + "." + name
		write(path, level)
		files[fmt.Sprintf("debug%d", level)] = filepath.Base(path)
	}
	jobs <- 0 // the workers were reachable: one of them takes this

	js, err := json.MarshalIndent(facts{
		GoVersion:      runtime.Version(),
		LeakedFunction: "main.send",
		Leaked:         leaked,
		ParkedFunction: "main.worker",
		Parked:         workers,
		Files:          files,
	}, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(os.Args[2], append(js, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
}
