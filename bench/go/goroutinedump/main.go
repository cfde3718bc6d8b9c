// Command goroutinedump writes a large debug=2 goroutine dump for bench/goroutines_parse.sh:
// N goroutines parked in a few dozen distinct stacks, the shape of a service leaking
// goroutines, captured with runtime.Stack(all), which is exactly what
// /debug/pprof/goroutine?debug=2 serves (without its 64 MiB cap).
//
// Usage: goroutinedump OUTFILE [N]
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

var (
	recvCh = make(chan int) // nobody sends
	sendCh = make(chan int) // nobody receives
	mu     sync.Mutex
	wg     sync.WaitGroup
)

// Distinct leaf functions and call depths give distinct stacks.

//go:noinline
func recvLeaf(depth int) {
	if depth > 0 {
		recvLeaf(depth - 1)
		return
	}
	wg.Done()
	<-recvCh
}

//go:noinline
func sendLeaf(depth int) {
	if depth > 0 {
		sendLeaf(depth - 1)
		return
	}
	wg.Done()
	sendCh <- 1
}

//go:noinline
func selectLeaf(depth int) {
	if depth > 0 {
		selectLeaf(depth - 1)
		return
	}
	wg.Done()
	select {
	case <-recvCh:
	case sendCh <- 2:
	}
}

//go:noinline
func lockLeaf(depth int) {
	if depth > 0 {
		lockLeaf(depth - 1)
		return
	}
	wg.Done()
	mu.Lock()
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: goroutinedump OUTFILE [N]")
		os.Exit(2)
	}
	n := 200000
	if len(os.Args) > 2 {
		var err error
		if n, err = strconv.Atoi(os.Args[2]); err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "goroutinedump: N must be a positive integer")
			os.Exit(2)
		}
	}
	mu.Lock()
	leaves := []func(int){recvLeaf, sendLeaf, selectLeaf, lockLeaf}
	wg.Add(n)
	for i := 0; i < n; i++ {
		// 4 leaves x 8 depths = 32 stacks; receives far more common, as in a real leak.
		leaf := leaves[[]int{0, 0, 0, 0, 1, 1, 2, 3}[i%8]]
		depth := (i / 8) % 8
		go leaf(depth)
	}
	wg.Wait()
	runtime.Gosched()
	buf := make([]byte, 64<<20)
	for {
		m := runtime.Stack(buf, true)
		if m < len(buf) {
			buf = buf[:m]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	if err := os.WriteFile(os.Args[1], buf, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "goroutinedump:", err)
		os.Exit(1)
	}
	fmt.Printf("{\"goroutines_requested\":%d,\"dump_bytes\":%d,\"go_version\":%q}\n", n, len(buf), runtime.Version())
}
