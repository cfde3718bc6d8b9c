// Command heapfixture builds a set of live heap structures with a known
// shape, writes a Go heap dump (runtime/debug.WriteHeapDump) and then a JSON
// "facts" file recording the addresses and counts the dump must reflect.
//
// Usage: heapfixture DUMPFILE FACTSFILE
//
// The facts file is written after the dump, so it never influences the heap
// that was dumped. Addresses are lowercase "0x..." strings as %p prints them.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Node is a 32-byte list node (one pointer word).
type Node struct {
	next *Node
	val  int64
	pad  [2]int64
}

// Session is the value type of the growing cache.
type Session struct {
	ID      string
	Owner   *Node
	Prev    *Session
	Payload []byte
	Created int64
}

// GNode is a node of the small diamond graph A->B, A->C, B->D, C->D.
type GNode struct {
	left, right *GNode
	id          int64
}

// CycleNode forms the finalizer cycle X<->Y.
type CycleNode struct {
	other *CycleNode
	data  [4]int64
}

// Big is a pointerful object larger than 512 bytes (1152 bytes of fields).
// From Go 1.22 it carries an 8-byte type header inside its heap slot.
type Big struct {
	ptrs [64]*Node
	pad  [80]int64
}

// Marked carries an "OID marker" in its first word.
type Marked struct {
	oid     uint64
	payload *Node
	x       [6]uint64
}

const (
	cacheEntries  = 1000
	listLen       = 500
	numParked     = 5
	parkedListLen = 10
	oidLeakseek   = 0x4c45414b5345454b // "LEAKSEEK"
	oidCoffee     = 0x0000000000c0ffee
)

// Live structures, all reachable from globals (data/bss roots).
var (
	cache     map[string]*Session
	list      *Node
	graphRoot *GNode
	big       *Big
	marked    *Marked
	marked2   *Marked
	withFin   *Node

	// parkChans are never closed or sent on: the goroutines stay parked.
	parkChans []chan struct{}
)

// Address strings only (no pointers are kept by these).
var (
	cycleX, cycleY string
	parkedInfo     [numParked]goroutineFacts
)

type listFacts struct {
	Head     string   `json:"head"`
	Nodes    []string `json:"nodes"`
	NodeSize uintptr  `json:"node_size"`
}

type cacheFacts struct {
	Entries         int      `json:"entries"`
	SomeSessions    []string `json:"some_sessions"`
	KeysSortedFirst []string `json:"keys_sorted_first"`
}

type graphFacts struct {
	A string `json:"a"`
	B string `json:"b"`
	C string `json:"c"`
	D string `json:"d"`
}

type cycleFacts struct {
	X string `json:"x"`
	Y string `json:"y"`
}

type bigFacts struct {
	Ptr         string  `json:"ptr"`
	TypeSize    uintptr `json:"type_size"`
	Ptrs0Target string  `json:"ptrs0_target"`
}

type markedFacts struct {
	Ptr string `json:"ptr"`
	OID string `json:"oid"`
}

type goroutineFacts struct {
	Goid      int64  `json:"goid"`
	LocalHead string `json:"local_head"`
}

type memFacts struct {
	HeapObjects uint64
	HeapAlloc   uint64
	NumGC       uint32
}

type facts struct {
	GoVersion               string           `json:"go_version"`
	PtrSize                 uintptr          `json:"ptr_size"`
	List                    listFacts        `json:"list"`
	Cache                   cacheFacts       `json:"cache"`
	Graph                   graphFacts       `json:"graph"`
	Cycle                   cycleFacts       `json:"cycle"`
	Big                     bigFacts         `json:"big"`
	Marked                  markedFacts      `json:"marked"`
	Marked2                 markedFacts      `json:"marked2"`
	Goroutines              []goroutineFacts `json:"goroutines"`
	WithFinalizer           string           `json:"with_finalizer"`
	FinalizersRegisteredMin int              `json:"finalizers_registered_min"`
	MemstatsAfterDump       memFacts         `json:"memstats_after_dump"`
}

func addr(p any) string { return fmt.Sprintf("%p", p) }

func buildCache(f *facts) {
	cache = make(map[string]*Session) // no size hint: the map grows
	var prev *Session
	for i := 0; i < cacheEntries; i++ {
		key := fmt.Sprintf("k%04d", i)
		s := &Session{
			ID:      key,
			Owner:   &Node{val: int64(i)},
			Prev:    prev,
			Payload: make([]byte, 100),
			Created: int64(i),
		}
		s.Payload[0] = byte(i)
		cache[key] = s
		prev = s
	}
	keys := make([]string, 0, len(cache))
	for k := range cache {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	f.Cache.Entries = len(cache)
	for _, k := range keys[:10] {
		f.Cache.KeysSortedFirst = append(f.Cache.KeysSortedFirst, k)
		f.Cache.SomeSessions = append(f.Cache.SomeSessions, addr(cache[k]))
	}
}

func buildList(f *facts) {
	nodes := make([]*Node, listLen)
	for i := range nodes {
		nodes[i] = &Node{val: int64(i)}
	}
	for i := 0; i+1 < listLen; i++ {
		nodes[i].next = nodes[i+1]
	}
	list = nodes[0]
	f.List.Head = addr(list)
	f.List.NodeSize = unsafe.Sizeof(Node{})
	for n := list; n != nil; n = n.next {
		f.List.Nodes = append(f.List.Nodes, addr(n))
	}
}

func buildGraph(f *facts) {
	d := &GNode{id: 4}
	b := &GNode{left: d, id: 2}
	c := &GNode{right: d, id: 3}
	a := &GNode{left: b, right: c, id: 1}
	graphRoot = a
	f.Graph = graphFacts{A: addr(a), B: addr(b), C: addr(c), D: addr(d)}
}

// makeCycle creates X<->Y with a finalizer on X and returns nothing: only
// the address strings survive. X can never be collected because it is
// reachable from its own finalizer's referent (via Y).
//
//go:noinline
func makeCycle() {
	x := &CycleNode{data: [4]int64{1, 1, 1, 1}}
	y := &CycleNode{data: [4]int64{2, 2, 2, 2}}
	x.other = y
	y.other = x
	runtime.SetFinalizer(x, func(*CycleNode) { fmt.Fprintln(os.Stderr, "heapfixture: cycle finalizer ran (unexpected)") })
	cycleX = fmt.Sprintf("%p", x)
	cycleY = fmt.Sprintf("%p", y)
}

func buildBig(f *facts) {
	big = &Big{}
	third := list.next.next
	big.ptrs[0] = third
	big.pad[0] = 0x4249470000000000
	f.Big = bigFacts{Ptr: addr(big), TypeSize: unsafe.Sizeof(Big{}), Ptrs0Target: addr(third)}
}

func buildMarked(f *facts) {
	marked = &Marked{oid: oidLeakseek, payload: &Node{val: 42}}
	marked2 = &Marked{oid: oidCoffee}
	// strconv, not fmt: boxing a uint64 for fmt would put a heap copy of the marker
	// (in a tiny-allocator block that may stay alive) into the dump, a third match.
	f.Marked = markedFacts{Ptr: addr(marked), OID: "0x" + strconv.FormatUint(marked.oid, 16)}
	f.Marked2 = markedFacts{Ptr: addr(marked2), OID: "0x" + strconv.FormatUint(marked2.oid, 16)}
}

// curGoid parses the current goroutine's id from "goroutine N [".
func curGoid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	s := strings.TrimPrefix(string(buf), "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		if id, err := strconv.ParseInt(s[:i], 10, 64); err == nil {
			return id
		}
	}
	panic("heapfixture: cannot parse goroutine id from " + strconv.Quote(string(buf)))
}

// makeLocalList returns a heap-allocated list of n nodes.
//
//go:noinline
func makeLocalList(n int) *Node {
	var head *Node
	for i := n - 1; i >= 0; i-- {
		head = &Node{next: head, val: int64(1000 + i)}
	}
	return head
}

//go:noinline
func parked(i int, ch chan struct{}, wg *sync.WaitGroup) {
	head := makeLocalList(parkedListLen)
	parkedInfo[i] = goroutineFacts{Goid: curGoid(), LocalHead: fmt.Sprintf("%p", head)}
	wg.Done()
	<-ch // never completes
	runtime.KeepAlive(head)
}

func startParked(f *facts) {
	var wg sync.WaitGroup
	parkChans = make([]chan struct{}, numParked)
	for i := range parkChans {
		parkChans[i] = make(chan struct{})
		wg.Add(1)
		go parked(i, parkChans[i], &wg)
	}
	wg.Wait()
	time.Sleep(50 * time.Millisecond)
	f.Goroutines = append([]goroutineFacts(nil), parkedInfo[:]...)
}

func buildWithFinalizer(f *facts) {
	withFin = &Node{val: 7}
	runtime.SetFinalizer(withFin, func(*Node) { fmt.Fprintln(os.Stderr, "heapfixture: withFin finalizer ran (unexpected)") })
	f.WithFinalizer = addr(withFin)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "heapfixture: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	runtime.MemProfileRate = 1
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: heapfixture DUMPFILE FACTSFILE")
		os.Exit(2)
	}
	f := &facts{GoVersion: runtime.Version(), PtrSize: unsafe.Sizeof(uintptr(0)), FinalizersRegisteredMin: 2}

	buildCache(f)
	buildList(f)
	buildGraph(f)
	makeCycle()
	f.Cycle = cycleFacts{X: cycleX, Y: cycleY}
	buildBig(f)
	buildMarked(f)
	startParked(f)
	buildWithFinalizer(f)

	runtime.GC()
	runtime.GC()

	out, err := os.Create(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if err := out.Close(); err != nil {
		fail("%v", err)
	}
	f.MemstatsAfterDump = memFacts{HeapObjects: ms.HeapObjects, HeapAlloc: ms.HeapAlloc, NumGC: ms.NumGC}

	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(os.Args[2], append(js, '\n'), 0o644); err != nil {
		fail("%v", err)
	}

	runtime.KeepAlive(cache)
	runtime.KeepAlive(list)
	runtime.KeepAlive(graphRoot)
	runtime.KeepAlive(big)
	runtime.KeepAlive(marked)
	runtime.KeepAlive(marked2)
	runtime.KeepAlive(withFin)
	runtime.KeepAlive(parkChans)
}
