// leakycache is a small Go program with the leaks leakseek is built to explain: a global
// cache that is never evicted, goroutines parked forever on channels nobody closes, and an
// object that is never collected because its finalizer sits in a cycle.
//
// Usage: leakycache DUMPFILE
// It serves a few hundred fake requests, writes a heap dump to DUMPFILE and prints the address
// of one cached session, so `leakseek heap why` has something to explain.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

type Session struct {
	ID      string
	User    *User
	Buf     []byte
	Created time.Time
}

type User struct {
	Name  string
	Perms []string
}

// cache grows with every request and is never trimmed: the leak.
var cache = map[string]*Session{}

// waiters holds channels that are never closed: every request leaves a goroutine behind.
var waiters []chan struct{}

type conn struct {
	peer *conn
	buf  [32]byte
}

func handle(i int) *Session {
	s := &Session{
		ID:      fmt.Sprintf("session-%04d", i),
		User:    &User{Name: fmt.Sprintf("user%d", i%50), Perms: []string{"read", "write"}},
		Buf:     make([]byte, 4096),
		Created: time.Now(),
	}
	cache[s.ID] = s
	done := make(chan struct{})
	waiters = append(waiters, done)
	go func() {
		<-done // never closed
	}()
	return s
}

//go:noinline
func openConnPair() {
	a, b := &conn{}, &conn{}
	a.peer, b.peer = b, a
	// A finalizer on a member of a cycle: Go can never run it, so the pair is never freed.
	runtime.SetFinalizer(a, func(*conn) {})
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: leakycache DUMPFILE")
		os.Exit(2)
	}
	var last *Session
	for i := 0; i < 500; i++ {
		last = handle(i)
		if i%100 == 0 {
			openConnPair()
		}
	}
	time.Sleep(50 * time.Millisecond)
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	debug.WriteHeapDump(f.Fd())
	f.Close()
	fmt.Printf("%p\n", last)
	runtime.KeepAlive(last)
}
