// Command goroutinefixture leaves goroutines parked in known places and writes
// every goroutine dump form Go produces: the pprof goroutine profile with
// debug=0 (gzip profile.proto), debug=1 and debug=2, a panic traceback and a
// SIGQUIT dump, plus a JSON facts file describing what they must contain.
//
// Usage: goroutinefixture DUMPFILE FACTSFILE
//
// DUMPFILE without ".dump" is the prefix of the outputs: PREFIX.goroutine0.pb.gz,
// PREFIX.goroutine1.txt, PREFIX.goroutine2.txt, PREFIX.panic.txt and
// PREFIX.sigquit.txt. make_fixtures.sh checks that DUMPFILE is a Go heap dump,
// so a small one is written there first; nothing reads it.
//
// The panic and SIGQUIT dumps come from a child: this program run again with
// GOROUTINEFIXTURE_CHILD=panic|sigquit, which sets up the same goroutines and
// then panics, or tells the parent it is ready and waits for SIGQUIT; the
// parent keeps the child's stderr.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	recvCount     = 7 // main.leakRecv: chan receive
	sendCount     = 4 // main.leakSend: chan send
	selectCount   = 3 // main.leakSelect: select
	mutexCount    = 2 // main.leakMutex: sync.Mutex.Lock (semacquire before Go 1.24)
	labelledCount = 3 // main.labelledWorker under pprof.Do: chan receive
	labelKey      = "worker"
	labelValue    = "leakseek"
)

var (
	never   = make(chan int) // nothing ever sends or receives here except the leaks
	sendTo  = make(chan int) // nobody receives
	held    sync.Mutex       // locked forever by setup
	goidsMu sync.Mutex
	goids   = map[string][]int64{}
)

var headerRE = regexp.MustCompile(`^goroutine (\d+) `)

// myGoid reads the calling goroutine's id from its own traceback header.
func myGoid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	m := headerRE.FindSubmatch(buf)
	if m == nil {
		panic("no goroutine header in " + string(buf))
	}
	id, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return id
}

func record(function string) {
	id := myGoid()
	goidsMu.Lock()
	goids[function] = append(goids[function], id)
	goidsMu.Unlock()
}

//go:noinline
func leakRecv() {
	record("main.leakRecv")
	<-never
}

//go:noinline
func leakSend() {
	record("main.leakSend")
	sendTo <- 1
}

//go:noinline
func leakSelect() {
	record("main.leakSelect")
	select {
	case <-never:
	case sendTo <- 2:
	}
}

//go:noinline
func leakMutex() {
	record("main.leakMutex")
	held.Lock()
}

//go:noinline
func labelledWorker() {
	record("main.labelledWorker")
	<-never
}

type resource struct{ payload [8]int64 }

var finalizerStarted = make(chan int64, 1)

// blockFinalizer is the finalizer that never returns: the finalizer goroutine
// stays in it, and no other finalizer runs.
//
//go:noinline
func blockFinalizer(r *resource) {
	finalizerStarted <- myGoid()
	<-never
}

//go:noinline
func startLeaks() {
	held.Lock()
	for i := 0; i < recvCount; i++ {
		go leakRecv()
	}
	for i := 0; i < sendCount; i++ {
		go leakSend()
	}
	for i := 0; i < selectCount; i++ {
		go leakSelect()
	}
	for i := 0; i < mutexCount; i++ {
		go leakMutex()
	}
	for i := 0; i < labelledCount; i++ {
		go pprof.Do(context.Background(), pprof.Labels(labelKey, labelValue),
			func(context.Context) { labelledWorker() })
	}
}

// stallFinalizer drops an object whose finalizer blocks and waits until the
// finalizer goroutine is inside it.
func stallFinalizer() int64 {
	func() {
		r := &resource{}
		runtime.SetFinalizer(r, blockFinalizer)
	}()
	for {
		runtime.GC()
		select {
		case id := <-finalizerStarted:
			return id
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// settle waits until every leaked goroutine is parked where it should be, so
// no dump shows one of them still runnable.
func settle() {
	want := map[string]int{
		"main.leakRecv": recvCount, "main.leakSend": sendCount,
		"main.leakSelect": selectCount, "main.leakMutex": mutexCount,
		"main.labelledWorker": labelledCount,
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		got := map[string]int{}
		for _, block := range strings.Split(string(buf), "\n\n") {
			lines := strings.SplitN(block, "\n", 2)
			if len(lines) < 2 || strings.Contains(lines[0], "runnable") ||
				strings.Contains(lines[0], "running") {
				continue
			}
			for fn := range want {
				if strings.Contains(lines[1], fn+"(") {
					got[fn]++
				}
			}
		}
		ok := true
		for fn, n := range want {
			ok = ok && got[fn] == n
		}
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	fail("goroutines did not park within 10 s")
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "goroutinefixture: "+format+"\n", args...)
	os.Exit(1)
}

func writeProfile(path string, debugLevel int) {
	f, err := os.Create(path)
	if err != nil {
		fail("%v", err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, debugLevel); err != nil {
		fail("goroutine profile: %v", err)
	}
	if err := f.Close(); err != nil {
		fail("%v", err)
	}
}

// child sets up the goroutines, then panics or waits for SIGQUIT.
func child(mode string) {
	startLeaks()
	stallFinalizer()
	settle()
	switch mode {
	case "panic":
		panic("goroutinefixture: deliberate panic")
	case "sigquit":
		fmt.Println("ready")
		// Asleep on a timer, not parked on a channel: with every goroutine parked the runtime
		// may declare a deadlock before the signal lands.
		for {
			time.Sleep(time.Hour)
		}
	}
	fail("unknown child mode %q", mode)
}

// runChild runs this program as a child in `mode` and returns its stderr.
func runChild(mode string) string {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "GOROUTINEFIXTURE_CHILD="+mode, "GOTRACEBACK=all")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fail("%v", err)
	}
	if err := cmd.Start(); err != nil {
		fail("%v", err)
	}
	if mode == "sigquit" {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		if line != "ready\n" {
			cmd.Process.Kill()
			fail("sigquit child said %q", line)
		}
		cmd.Process.Signal(syscall.SIGQUIT)
	}
	err = cmd.Wait()
	if err == nil {
		fail("%s child exited 0", mode)
	}
	return stderr.String()
}

type group struct {
	Function  string  `json:"function"`
	Count     int     `json:"count"`
	State     string  `json:"state"` // as debug=2 prints it for this Go version
	CreatedBy string  `json:"created_by"`
	Goids     []int64 `json:"goids"`
}

type facts struct {
	GoVersion string            `json:"go_version"`
	Files     map[string]string `json:"files"`
	Groups    []group           `json:"groups"`
	Labelled  struct {
		Function string `json:"function"`
		Count    int    `json:"count"`
		Key      string `json:"key"`
		Value    string `json:"value"`
	} `json:"labelled"`
	Finalizer struct {
		Function string `json:"function"`
		Goid     int64  `json:"goid"`
		State    string `json:"state"`
	} `json:"finalizer"`
	LeakedTotal int    `json:"leaked_total"`
	PanicText   string `json:"panic_message"`
}

// printedState is the state Go's own traceback prints for the goroutines
// running fn: how a goroutine blocked in sync.Mutex.Lock is described changed
// between versions ("semacquire", later "sync.Mutex.Lock").
func printedState(fn string) string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, block := range strings.Split(string(buf), "\n\n") {
		lines := strings.SplitN(block, "\n", 2)
		if len(lines) == 2 && strings.Contains(lines[1], fn+"(") {
			m := stateRE.FindStringSubmatch(lines[0])
			if m != nil {
				return m[1]
			}
		}
	}
	fail("no goroutine runs %s", fn)
	return ""
}

var stateRE = regexp.MustCompile(`\[([^,\]]+)`)

func main() {
	if mode := os.Getenv("GOROUTINEFIXTURE_CHILD"); mode != "" {
		child(mode)
		return
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: goroutinefixture DUMPFILE FACTSFILE")
		os.Exit(2)
	}
	dumpPath := os.Args[1]
	prefix := strings.TrimSuffix(dumpPath, ".dump")

	out, err := os.Create(dumpPath)
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	if err := out.Close(); err != nil {
		fail("%v", err)
	}

	startLeaks()
	finalizerGoid := stallFinalizer()
	settle()

	files := map[string]string{}
	for level, name := range map[int]string{0: "goroutine0.pb.gz", 1: "goroutine1.txt", 2: "goroutine2.txt"} {
		path := prefix + "." + name
		writeProfile(path, level)
		files[fmt.Sprintf("debug%d", level)] = filepath.Base(path)
	}
	for _, mode := range []string{"panic", "sigquit"} {
		path := prefix + "." + mode + ".txt"
		if err := os.WriteFile(path, []byte(runChild(mode)), 0o644); err != nil {
			fail("%v", err)
		}
		files[mode] = filepath.Base(path)
	}

	var f facts
	f.GoVersion = runtime.Version()
	f.Files = files
	goidsMu.Lock()
	for _, g := range []struct {
		fn, state string
		n         int
	}{
		{"main.leakRecv", "chan receive", recvCount},
		{"main.leakSend", "chan send", sendCount},
		{"main.leakSelect", "select", selectCount},
		{"main.leakMutex", printedState("main.leakMutex"), mutexCount},
		{"main.labelledWorker", "chan receive", labelledCount},
	} {
		f.Groups = append(f.Groups, group{g.fn, g.n, g.state, "main.startLeaks", goids[g.fn]})
		f.LeakedTotal += g.n
	}
	goidsMu.Unlock()
	f.Labelled.Function = "main.labelledWorker"
	f.Labelled.Count = labelledCount
	f.Labelled.Key = labelKey
	f.Labelled.Value = labelValue
	f.Finalizer.Function = "main.blockFinalizer"
	f.Finalizer.Goid = finalizerGoid
	f.Finalizer.State = "chan receive"
	f.PanicText = "goroutinefixture: deliberate panic"
	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(os.Args[2], append(js, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
	os.Exit(0)
}
