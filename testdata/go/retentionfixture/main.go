// retentionfixture builds a heap whose retained sizes are known exactly, for the dominator
// tests: a global slice that alone holds N fixed-size leaves, and a map that alone holds its
// values.
//
// Usage: retentionfixture DUMPFILE FACTSFILE
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"unsafe"
)

// Leaf has no pointers and a size that is its own size class (64 bytes).
type Leaf struct {
	a, b, c, d, e, f, g, h int64
}

const n = 1000

// leaves alone holds every Leaf: it retains exactly its backing array plus n leaves.
var leaves []*Leaf

// shared is pointed to by two globals, so neither retains it.
var shared, sharedA, sharedB *Leaf

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: retentionfixture DUMPFILE FACTSFILE")
		os.Exit(2)
	}
	leaves = make([]*Leaf, n)
	for i := range leaves {
		leaves[i] = &Leaf{a: int64(i)}
	}
	shared = &Leaf{a: 1}
	sharedA, sharedB = shared, shared
	runtime.GC()
	runtime.GC()

	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	debug.WriteHeapDump(f.Fd())
	f.Close()

	facts := map[string]any{
		"go_version":  runtime.Version(),
		"leaves":      n,
		"leaf_size":   unsafe.Sizeof(Leaf{}),
		"slice_array": fmt.Sprintf("%p", &leaves[0]),
		"slice_bytes": cap(leaves) * int(unsafe.Sizeof(leaves[0])),
		"first_leaf":  fmt.Sprintf("%p", leaves[0]),
		"shared":      fmt.Sprintf("%p", shared),
	}
	out, _ := json.MarshalIndent(facts, "", "  ")
	if err := os.WriteFile(os.Args[2], out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.KeepAlive(leaves)
}
