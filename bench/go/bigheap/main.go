// Command bigheap builds a large, realistic Go heap and writes it with
// runtime/debug.WriteHeapDump. It is the input generator for leakseek's
// heap-dump loading benchmark (bench/heap_load.sh).
//
// Usage:
//
//	bigheap DUMPFILE [N]
//
// N (default 10,000,000) is the approximate number of heap objects to build.
// The heap imitates a leaky cache service, and everything in it is reachable:
//
//   - cache: a global map[int64]*Entry with about N/10 entries; the entries are
//     also threaded on a doubly linked LRU list (depth about N/10);
//   - every Entry (64-byte size class) has a key string, a Meta record
//     (128 B: strings, a tag slice, a payload []byte of 64..704 B, an
//     interface value) and a chain of 0..4 Nodes, each with a 16..32 B []byte;
//   - recent: a global slice of *Request that is never trimmed (a classic
//     leak), each with a body of 64..320 B;
//   - index: an unbalanced binary search tree over a quarter of the entries;
//   - batches: a linked list of 704 B Batch objects, each holding 80 entry
//     pointers (objects above 512 B carry a malloc header from Go 1.22 on, so
//     pointers to them point 8 bytes inside their slot);
//   - conns: connections with registered finalizers;
//   - zombies: unreachable objects whose finalizers are stuck behind a blocked
//     finalizer: the finalizer queue is their only root;
//   - workers: parked goroutines whose stack frames hold requests.
//
// About 2 pointer fields per object on average (counting the map's bucket
// array, whose slots are all pointer fields). The dump is written after
// runtime.GC(), so it contains (almost) no garbage. With N = 10,000,000 the
// dump is about 1.1 GB.
//
// After writing, bigheap re-reads the dump to check that it is complete and
// to count its records, then prints one JSON line on stdout.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// Entry is a cache entry: 56 bytes, allocated in the 64-byte size class.
type Entry struct {
	ID         int64
	Key        string
	Head       *Node
	Meta       *Meta
	prev, next *Entry // LRU list
}

// Node is one element of an entry's history chain: 48 bytes.
type Node struct {
	Next  *Node
	Data  []byte
	Seq   int64
	Stamp int64
}

// Meta holds an entry's metadata: 120 bytes, 128-byte size class.
type Meta struct {
	Owner   string // shared constant: points into read-only data
	Created int64
	Updated int64
	Hits    [3]int64
	Tags    []string
	Payload []byte
	Codec   Codec // shared singletons living in the data segment
}

// Request is a request that was remembered and never forgotten: 64 bytes.
type Request struct {
	ID      int64
	Path    string
	Entry   *Entry
	Started int64
	Body    []byte
}

// TNode is a node of the index tree: 32 bytes.
type TNode struct {
	Left, Right *TNode
	Key         int64
	E           *Entry
}

// Batch is a group of entries written together: 656 bytes with its malloc
// header, 704-byte size class.
type Batch struct {
	Items [80]*Entry
	Prev  *Batch
}

// Conn stands for a resource with a finalizer.
type Conn struct {
	FD    int64
	Name  string
	Buf   []byte
	Owner *Entry
}

// Codec gives Meta an interface field, so the dump has itab records.
type Codec interface {
	Encode(dst, src []byte) []byte
}

type jsonCodec struct{ indent int }
type gobCodec struct{ version int }

func (c *jsonCodec) Encode(dst, src []byte) []byte { return append(dst, src...) }
func (c *gobCodec) Encode(dst, src []byte) []byte  { return append(dst, src...) }

var (
	jsonC  = &jsonCodec{indent: 2}
	gobC   = &gobCodec{version: 1}
	codecs = []Codec{jsonC, gobC}

	owners = []string{"billing", "search", "checkout", "profile", "ads", "feed", "auth", "media"}
	tags   = []string{"hot", "cold", "pinned", "stale", "eu", "us", "ap", "beta"}
	paths  = []string{"/api/v1/cart", "/api/v1/user", "/api/v2/search", "/healthz", "/api/v1/feed"}
)

// The roots of the heap: package-level variables (data and bss segments).
var (
	cache    map[int64]*Entry
	lruHead  *Entry
	lruTail  *Entry
	recent   []*Request
	index    *TNode
	batches  *Batch
	conns    []*Conn
	workerCh chan struct{}
	blockCh  chan struct{}
)

// builder allocates the heap and counts the objects it allocates.
type builder struct {
	r       *splitmix
	objects int64
	seq     int64
	keyBuf  []byte
	pending *Batch
	nbatch  int
}

func (b *builder) key(id int64) string {
	k := b.keyBuf[:0]
	k = append(k, "tenant-"...)
	t := id % 1000
	k = append(k, byte('0'+t/100), byte('0'+t/10%10), byte('0'+t%10))
	k = append(k, "/session/"...)
	h := uint64(id)*0x9E3779B97F4A7C15 ^ 0xDEADBEEFCAFE
	for i := 60; i >= 0; i -= 4 {
		k = append(k, "0123456789abcdef"[(h>>uint(i))&15])
	}
	b.keyBuf = k
	b.objects++
	return string(k) // 35 bytes: 48-byte size class
}

func (b *builder) bytes(n int, fill string) []byte {
	p := make([]byte, n)
	copy(p, fill)
	b.objects++
	return p
}

func (b *builder) entry(id int64) *Entry {
	e := &Entry{ID: id}
	b.objects++
	e.Key = b.key(id)
	m := &Meta{
		Owner:   owners[b.r.IntN(len(owners))],
		Created: 1_700_000_000 + id,
		Updated: 1_700_000_000 + id + int64(b.r.IntN(3600)),
		Hits:    [3]int64{id & 7, id & 63, id & 511},
		Payload: b.bytes(64+b.r.IntN(640), e.Key),
		Codec:   codecs[id&1],
	}
	b.objects++
	if b.r.IntN(2) == 0 {
		m.Tags = []string{tags[b.r.IntN(len(tags))], tags[b.r.IntN(len(tags))]}
		b.objects++
	}
	e.Meta = m
	var prev *Node
	for n := b.r.IntN(5); n > 0; n-- { // 0..4 nodes, 2 on average
		b.seq++
		nd := &Node{Data: b.bytes(16+b.r.IntN(17), e.Key), Seq: b.seq, Stamp: id}
		b.objects++
		if prev == nil {
			e.Head = nd
		} else {
			prev.Next = nd
		}
		prev = nd
	}
	return e
}

func (b *builder) request(id int64, e *Entry) *Request {
	q := &Request{
		ID:      id,
		Path:    paths[id%int64(len(paths))],
		Entry:   e,
		Started: time.Now().UnixNano(),
		Body:    b.bytes(64+b.r.IntN(257), e.Key),
	}
	b.objects++
	return q
}

func (b *builder) insertTree(e *Entry) {
	key := int64(b.r.Uint64() >> 1)
	n := &TNode{Key: key, E: e}
	b.objects++
	p := &index
	for *p != nil {
		if key < (*p).Key {
			p = &(*p).Left
		} else {
			p = &(*p).Right
		}
	}
	*p = n
}

func (b *builder) addToBatch(e *Entry) {
	if b.pending == nil {
		b.pending = &Batch{Prev: batches}
		b.objects++
		batches = b.pending
		b.nbatch = 0
	}
	b.pending.Items[b.nbatch] = e
	b.nbatch++
	if b.nbatch == len(b.pending.Items) {
		b.pending = nil
	}
}

func (b *builder) conn(id int64, e *Entry) *Conn {
	c := &Conn{FD: 3 + id, Name: e.Key, Buf: b.bytes(256, e.Key), Owner: e}
	b.objects++
	runtime.SetFinalizer(c, closeConn)
	return c
}

var closed int64

func closeConn(c *Conn) { closed += c.FD }

var finalizerStuck atomic.Bool

// stuckFinalizer blocks the finalizer goroutine forever, so every later
// finalizer stays queued, and the queue keeps its objects alive.
func stuckFinalizer(c *Conn) {
	finalizerStuck.Store(true)
	<-blockCh
	closed += c.FD
}

//go:noinline
func worker(quit <-chan struct{}, held []*Request) {
	<-quit
	for _, q := range held {
		closed += q.ID
	}
}

// build allocates about n objects and returns how many it allocated.
func build(n int64) int64 {
	b := &builder{r: &splitmix{state: 1}, keyBuf: make([]byte, 0, 64)}
	cache = make(map[int64]*Entry)

	// Parked goroutines holding requests on their stacks, and connections
	// with finalizers: about 1 in 10,000 objects each.
	nWorkers := atLeast(n/10_000, 10)
	workerCh = make(chan struct{})
	blockCh = make(chan struct{})
	var i int64
	for ; b.objects < n; i++ {
		e := b.entry(i)
		cache[i] = e
		if lruTail == nil {
			lruHead = e
		} else {
			lruTail.next, e.prev = e, lruTail
		}
		lruTail = e
		if i%2 == 0 {
			recent = append(recent, b.request(i, e))
		}
		if i%4 == 1 {
			b.insertTree(e)
		}
		if i%7 == 3 {
			b.addToBatch(e)
		}
		if i%1000 == 5 {
			conns = append(conns, b.conn(i, e))
		}
		if i%1000 == 7 && nWorkers > 0 {
			nWorkers--
			held := make([]*Request, 8)
			b.objects++
			for j := range held {
				held[j] = b.request(i, e)
			}
			go worker(workerCh, held)
		}
	}

	// Zombie connections: unreachable, with finalizers that cannot run
	// because the first one to run blocks the finalizer goroutine.
	nZombies := atLeast(n/10_000, 10)
	for j := int64(0); j < nZombies; j++ {
		e := cache[j]
		c := &Conn{FD: 100_000 + j, Name: e.Key, Buf: b.bytes(512, e.Key), Owner: e}
		runtime.SetFinalizer(c, stuckFinalizer)
		b.objects++
	}
	return b.objects
}

// dumpStats are counted by reading the dump back.
type dumpStats struct {
	records          map[uint64]int64
	objectBytes      int64
	pointerFields    int64
	queuedFinalizers int64
	finalizers       int64
}

var errDump = errors.New("malformed heap dump")

// scanDump reads the dump back: it checks that it is complete and counts
// its records. It parses just enough of every record to skip it.
func scanDump(path string) (*dumpStats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	hdr := make([]byte, 16)
	if _, err := io.ReadFull(r, hdr); err != nil || string(hdr) != "go1.7 heap dump\n" {
		return nil, fmt.Errorf("%w: bad header", errDump)
	}
	st := &dumpStats{records: map[uint64]int64{}}
	var perr error
	u := func() uint64 {
		v, err := readUvarint(r)
		if err != nil && perr == nil {
			perr = err
		}
		return v
	}
	skip := func(n uint64) {
		if _, err := r.Discard(int(n)); err != nil && perr == nil {
			perr = err
		}
	}
	str := func() uint64 { n := u(); skip(n); return n }
	fields := func() {
		for perr == nil {
			kind := u()
			if kind == 0 {
				return
			}
			u()
			st.pointerFields++
		}
	}
	ints := func(k int) {
		for ; k > 0; k-- {
			u()
		}
	}
	for perr == nil {
		tag := u()
		if perr != nil {
			break
		}
		st.records[tag]++
		switch tag {
		case 0:
			return st, nil
		case 1: // object
			u()
			st.objectBytes += int64(str())
			fields()
		case 2: // other root
			str()
			u()
		case 3: // type
			ints(2)
			str()
			u()
		case 4: // goroutine
			ints(8)
			str()
			ints(4)
		case 5: // stack frame
			ints(3)
			str()
			ints(3)
			str()
			fields()
		case 6: // params
			ints(4)
			str()
			str()
			u()
		case 7, 11: // finalizer, queued finalizer
			ints(5)
			if tag == 7 {
				st.finalizers++
			} else {
				st.queuedFinalizers++
			}
		case 8: // itab
			ints(2)
		case 9: // OS thread
			ints(3)
		case 10: // memstats
			ints(24 + 256 + 1)
		case 12, 13: // data, bss
			u()
			str()
			fields()
		case 14: // defer
			ints(7)
		case 15: // panic
			ints(6)
		case 16: // memprof bucket
			ints(2)
			for k := u(); k > 0 && perr == nil; k-- {
				str()
				str()
				u()
			}
			ints(2)
		case 17: // alloc sample
			ints(2)
		default:
			return nil, fmt.Errorf("%w: unknown tag %d", errDump, tag)
		}
	}
	if perr == io.EOF {
		perr = fmt.Errorf("%w: truncated (no EOF record)", errDump)
	}
	return nil, perr
}

func readUvarint(r *bufio.Reader) (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c, err := r.ReadByte()
		if err != nil {
			if err == io.EOF && shift > 0 {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: uvarint overflow", errDump)
}

// splitmix is the SplitMix64 generator: the same sequence from every Go version (math/rand/v2
// needs Go 1.22, and math/rand's sequence is not promised across versions), so every toolchain
// builds a heap of the same shape.
type splitmix struct{ state uint64 }

func (r *splitmix) Uint64() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// IntN is in [0, n); the modulo bias is irrelevant for a heap shape.
func (r *splitmix) IntN(n int) int { return int(r.Uint64() % uint64(n)) }

// atLeast is max(v, floor) for Go versions before the builtin (1.21).
func atLeast(v, floor int64) int64 {
	if v < floor {
		return floor
	}
	return v
}

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 || os.Args[1] == "-h" || os.Args[1] == "--help" {
		fmt.Fprintln(os.Stderr, "usage: bigheap DUMPFILE [N]   (N: objects to build, default 10000000)")
		os.Exit(2)
	}
	path := os.Args[1]
	n := int64(10_000_000)
	if len(os.Args) == 3 {
		v, err := strconv.ParseInt(os.Args[2], 10, 64)
		if err != nil || v < 1000 {
			fmt.Fprintf(os.Stderr, "bigheap: N must be an integer >= 1000, got %q\n", os.Args[2])
			os.Exit(2)
		}
		n = v
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigheap:", err)
		os.Exit(1)
	}

	// The heap is almost all live data: collecting often while it grows is
	// wasted work. GOGC=400 keeps building fast (a handful of cycles) without
	// letting the little garbage there is (old map buckets, grown slices)
	// pile up.
	debug.SetGCPercent(400)
	t0 := time.Now()
	built := build(n)
	tBuild := time.Since(t0)

	debug.SetGCPercent(100)
	t1 := time.Now()
	runtime.GC() // queues the zombies' finalizers; the first one blocks
	for i := 0; i < 1000 && !finalizerStuck.Load(); i++ {
		time.Sleep(time.Millisecond)
	}
	runtime.GC() // the dump now holds (almost) no garbage
	tGC := time.Since(t1)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	t2 := time.Now()
	debug.WriteHeapDump(f.Fd())
	tDump := time.Since(t2)
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "bigheap:", err)
		os.Exit(1)
	}
	fi, err := os.Stat(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigheap:", err)
		os.Exit(1)
	}
	// WriteHeapDump ignores write errors (a full disk gives a short file):
	// read the dump back to make sure it is whole.
	t3 := time.Now()
	st, err := scanDump(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bigheap: %s: %v\n", path, err)
		os.Exit(1)
	}
	tScan := time.Since(t3)

	// Referring to runtime.MemProfile is what makes the linker keep memory
	// profiling on (like importing runtime/pprof or net/http/pprof does in a
	// real service); without it the dump has no memprof or alloc sample
	// records. MemProfileRate is left at its default (512 KiB).
	profRecords, _ := runtime.MemProfile(nil, true)

	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)

	out := struct {
		ObjectsRequested int64   `json:"objects_requested"`
		HeapObjects      uint64  `json:"heap_objects"`
		HeapAlloc        uint64  `json:"heap_alloc"`
		DumpBytes        int64   `json:"dump_bytes"`
		ObjectsBuilt     int64   `json:"objects_built"`
		ObjectRecords    int64   `json:"object_records"`
		ObjectBytes      int64   `json:"object_bytes"`
		PointerFields    int64   `json:"pointer_fields"`
		Goroutines       int64   `json:"goroutine_records"`
		StackFrames      int64   `json:"stackframe_records"`
		Finalizers       int64   `json:"finalizer_records"`
		QueuedFinalizers int64   `json:"queued_finalizer_records"`
		MemProfBuckets   int64   `json:"memprof_records"`
		AllocSamples     int64   `json:"alloc_sample_records"`
		MemProfileRate   int     `json:"memprofile_rate"`
		ProfileRecords   int     `json:"memprofile_stacks"`
		MapEntries       int     `json:"map_entries"`
		GoVersion        string  `json:"go_version"`
		BuildSeconds     float64 `json:"build_seconds"`
		GCSeconds        float64 `json:"gc_seconds"`
		DumpSeconds      float64 `json:"dump_seconds"`
		ScanSeconds      float64 `json:"scan_seconds"`
		MaxRSSBytes      int64   `json:"max_rss_bytes"`
	}{
		ObjectsRequested: n,
		HeapObjects:      ms.HeapObjects,
		HeapAlloc:        ms.HeapAlloc,
		DumpBytes:        fi.Size(),
		ObjectsBuilt:     built,
		ObjectRecords:    st.records[1],
		ObjectBytes:      st.objectBytes,
		PointerFields:    st.pointerFields,
		Goroutines:       st.records[4],
		StackFrames:      st.records[5],
		Finalizers:       st.finalizers,
		QueuedFinalizers: st.queuedFinalizers,
		MemProfBuckets:   st.records[16],
		AllocSamples:     st.records[17],
		MemProfileRate:   runtime.MemProfileRate,
		ProfileRecords:   profRecords,
		MapEntries:       len(cache),
		GoVersion:        runtime.Version(),
		BuildSeconds:     round3(tBuild.Seconds()),
		GCSeconds:        round3(tGC.Seconds()),
		DumpSeconds:      round3(tDump.Seconds()),
		ScanSeconds:      round3(tScan.Seconds()),
		MaxRSSBytes:      ru.Maxrss * 1024,
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
	runtime.KeepAlive(workerCh)
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }
