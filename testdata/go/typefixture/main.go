// Command typefixture builds heap objects of known Go types, held by globals of
// known types, writes a Go heap dump (runtime/debug.WriteHeapDump) and then a
// JSON "facts" file: the objects' addresses, the types' names as Go prints
// them, and struct layouts from unsafe.Offsetof. Tests compare what leakseek
// reads from the binary's DWARF and type descriptors with these facts.
//
// Usage: typefixture DUMPFILE FACTSFILE
//
// The facts file is written after the dump, so it never influences the heap
// that was dumped. Addresses are lowercase "0x..." strings as %p prints them.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"unsafe"
)

// Node is a small pointerful struct.
type Node struct {
	next *Node
	val  int64
}

// Point has no pointers; boxed in an interface it becomes its own heap object.
type Point struct{ X, Y int64 }

// Meta is embedded in Session (DW_AT_go_embedded_field).
type Meta struct {
	Version int64
	Note    *string
}

// Session has a field of every shape the pointer layout must handle.
type Session struct {
	ID      string
	Owner   *Node
	Prev    *Session
	Payload []byte
	Created int64
	Attrs   map[string]string
	Data    interface{}
	Out     fmt.Stringer
	Events  chan int
	Hook    func() int
	Pos     Point
	Hist    [3]*Node
	Meta
}

func (s *Session) String() string { return s.ID }

// Big is pointerful and larger than 512 bytes, so from Go 1.22 its heap slot
// starts with a malloc header holding its type descriptor address.
type Big struct {
	Owner *Session
	Ptrs  [64]*Node
	Pad   [16]int64
}

// Registry is a named map type (a DWARF typedef with go_key/go_elem).
type Registry map[string]*Session

// Globals whose DWARF types and addresses the tests check.
var (
	cache    map[string]*Session
	sessions []Session
	iface    interface{}
	ival     interface{}
	stringer fmt.Stringer
	big      *Big
	handler  func() int
	registry Registry
	withFin  *Session
	queue    chan *Session // buffered, pointerful elements: the buffer is its own object
	// byID is a sync.Map: a hash-trie of *node[any, any] pointers from Go 1.24, a map behind
	// an atomic.Pointer before.
	byID sync.Map
)

const numSessions = 4 // 4 Sessions are over 512 bytes: the backing array has a header too

type fieldFacts struct {
	Name   string  `json:"name"`
	Offset uintptr `json:"offset"`
	Type   string  `json:"type"`
}

type typeFacts struct {
	Name   string       `json:"name"`
	Size   uintptr      `json:"size"`
	Fields []fieldFacts `json:"fields,omitempty"`
}

type objectFacts struct {
	Ptr  string `json:"ptr"`  // as %p prints it (slot start + 8 when there is a header)
	Type string `json:"type"` // dynamic type as Go prints it (%T)
}

type globalFacts struct {
	Type   string `json:"type"`   // static type of the variable
	Points string `json:"points"` // the heap object the variable's pointer word refers to
}

type facts struct {
	GoVersion string                 `json:"go_version"`
	PtrSize   uintptr                `json:"ptr_size"`
	Types     map[string]typeFacts   `json:"types"`
	Globals   map[string]globalFacts `json:"globals"`
	Objects   map[string]objectFacts `json:"objects"`
}

func addr(p any) string { return fmt.Sprintf("%p", p) }

// dataWord returns the second word of an interface value: the boxed value's address.
func dataWord(p *interface{}) unsafe.Pointer { return (*[2]unsafe.Pointer)(unsafe.Pointer(p))[1] }

// describe lists a struct type's fields with reflect, whose offsets are unsafe.Offsetof's.
func describe(v any) typeFacts {
	t := reflect.TypeOf(v)
	tf := typeFacts{Name: t.String(), Size: t.Size()}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tf.Fields = append(tf.Fields, fieldFacts{Name: f.Name, Offset: f.Offset, Type: f.Type.String()})
	}
	return tf
}

//go:noinline
func newSession(id string, prev *Session) *Session {
	note := "note " + id
	return &Session{
		ID:      id,
		Owner:   &Node{val: 1},
		Prev:    prev,
		Payload: make([]byte, 32),
		Attrs:   map[string]string{"k": id},
		Events:  make(chan int, 1),
		Meta:    Meta{Version: 1, Note: &note},
	}
}

//go:noinline
func makeCounter(start int) func() int {
	n := start
	list := &Node{val: int64(start)}
	return func() int { n++; list.val++; return n + int(list.val) }
}

// chanBuffer returns the hchan's buf word: runtime.hchan starts qcount, dataqsiz, buf.
func chanBuffer(c chan *Session) unsafe.Pointer {
	return (*[3]unsafe.Pointer)(*(*unsafe.Pointer)(unsafe.Pointer(&c)))[2]
}

// holdOnStack keeps objects that nothing but its own frame refers to, parked until released:
// only the frame's DWARF variables can say what they are.
//
//go:noinline
func holdOnStack(ready chan<- [3]string, release <-chan struct{}) {
	local := &Node{val: 42}
	held := make([]*Session, 3)
	held[0] = &Session{ID: "held"}
	ready <- [3]string{addr(local), addr(&held[0]), addr(held[0])}
	<-release
	runtime.KeepAlive(local)
	runtime.KeepAlive(held)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "typefixture: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: typefixture DUMPFILE FACTSFILE")
		os.Exit(2)
	}
	f := &facts{
		GoVersion: runtime.Version(),
		PtrSize:   unsafe.Sizeof(uintptr(0)),
		Types: map[string]typeFacts{
			"session": describe(Session{}),
			"big":     describe(Big{}),
			"point":   describe(Point{}),
			"meta":    describe(Meta{}),
			"node":    describe(Node{}),
		},
		Globals: map[string]globalFacts{},
		Objects: map[string]objectFacts{},
	}

	cache = make(map[string]*Session)
	var prev *Session
	for i := 0; i < 100; i++ {
		s := newSession(fmt.Sprintf("s%03d", i), prev)
		cache[s.ID] = s
		prev = s
	}
	sessions = make([]Session, numSessions)
	for i := range sessions {
		sessions[i] = *newSession(fmt.Sprintf("slice%d", i), prev)
	}
	iface = newSession("iface", nil)
	ival = Point{X: int64(len(os.Args)), Y: 2} // not constant: boxed on the heap
	stringer = newSession("stringer", nil)
	big = &Big{Owner: prev}
	big.Ptrs[0] = prev.Owner
	handler = makeCounter(len(os.Args))
	registry = Registry{"r": newSession("registry", nil)}
	withFin = newSession("finalized", nil)
	runtime.SetFinalizer(withFin, func(*Session) { fmt.Fprintln(os.Stderr, "typefixture: finalizer ran (unexpected)") })
	for i := 0; i < 40; i++ {
		s := newSession(fmt.Sprintf("sync%02d", i), nil)
		byID.Store(s.ID, s)
	}
	syncValue, _ := byID.Load("sync07")
	queue = make(chan *Session, 8)
	queue <- newSession("queued0", nil)
	queue <- newSession("queued1", nil)
	ready, release := make(chan [3]string), make(chan struct{})
	go holdOnStack(ready, release)
	held := <-ready

	f.Globals["cache"] = globalFacts{Type: fmt.Sprintf("%T", cache), Points: addr(cache)}
	f.Globals["sessions"] = globalFacts{Type: fmt.Sprintf("%T", sessions), Points: addr(&sessions[0])}
	f.Globals["iface"] = globalFacts{Type: "interface {}", Points: addr(dataWord(&iface))}
	f.Globals["ival"] = globalFacts{Type: "interface {}", Points: addr(dataWord(&ival))}
	f.Globals["big"] = globalFacts{Type: fmt.Sprintf("%T", big), Points: addr(big)}
	f.Globals["handler"] = globalFacts{Type: fmt.Sprintf("%T", handler), Points: addr(*(*unsafe.Pointer)(unsafe.Pointer(&handler)))}
	f.Globals["registry"] = globalFacts{Type: fmt.Sprintf("%T", registry), Points: addr(registry)}
	f.Objects["big"] = objectFacts{Ptr: addr(big), Type: "main.Big"}
	f.Objects["sessions_array"] = objectFacts{Ptr: addr(&sessions[0]), Type: "main.Session"}
	f.Objects["iface_value"] = objectFacts{Ptr: addr(iface), Type: fmt.Sprintf("%T", iface)}
	f.Objects["ival_value"] = objectFacts{Ptr: addr(dataWord(&ival)), Type: fmt.Sprintf("%T", ival)}
	f.Objects["stringer_value"] = objectFacts{Ptr: addr(stringer), Type: fmt.Sprintf("%T", stringer)}
	f.Objects["with_finalizer"] = objectFacts{Ptr: addr(withFin), Type: fmt.Sprintf("%T", withFin)}
	f.Objects["sync_map_value"] = objectFacts{Ptr: addr(syncValue), Type: fmt.Sprintf("%T", syncValue)}
	f.Objects["chan_buffer"] = objectFacts{Ptr: addr(chanBuffer(queue)), Type: "[]*main.Session"}
	f.Objects["stack_local"] = objectFacts{Ptr: held[0], Type: "main.Node"}
	f.Objects["stack_slice"] = objectFacts{Ptr: held[1], Type: "[]*main.Session"}
	f.Objects["stack_slice_elem"] = objectFacts{Ptr: held[2], Type: "main.Session"}

	runtime.GC()
	runtime.GC()

	out, err := os.Create(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	if err := out.Close(); err != nil {
		fail("%v", err)
	}

	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(os.Args[2], append(js, '\n'), 0o644); err != nil {
		fail("%v", err)
	}

	runtime.KeepAlive(cache)
	runtime.KeepAlive(sessions)
	runtime.KeepAlive(iface)
	runtime.KeepAlive(ival)
	runtime.KeepAlive(stringer)
	runtime.KeepAlive(big)
	runtime.KeepAlive(handler)
	runtime.KeepAlive(registry)
	runtime.KeepAlive(withFin)
	runtime.KeepAlive(queue)
	close(release)
}
