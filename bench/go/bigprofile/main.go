// Command bigprofile writes a large synthetic Go heap profile (profile.proto,
// gzip-compressed as /debug/pprof/heap serves it) for leakseek's `profile top`
// benchmark (bench/profile_top.sh).
//
// Usage:
//
//	bigprofile FILE [UNCOMPRESSED_MB]
//
// The profile looks like a big service's: four heap sample types
// (alloc_objects, alloc_space, inuse_objects, inuse_space), a "bytes" label
// on every sample, stacks 6 to 48 frames deep that start at runtime.main and
// share their upper frames, functions with several call sites, a tenth of the
// locations with an inlined call, and some recursion. It is deterministic: the
// same arguments give the same bytes. Samples are added until the encoded
// profile reaches UNCOMPRESSED_MB (default 50) megabytes; one JSON line on
// stdout tells what was written.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strconv"
)

// Field numbers of profile.proto (perftools.profiles).
const (
	profSampleType  = 1
	profSample      = 2
	profMapping     = 3
	profLocation    = 4
	profFunction    = 5
	profStringTable = 6
	profTimeNanos   = 9
	profPeriodType  = 11
	profPeriod      = 12
)

type buf []byte

func (b *buf) varint(v uint64) {
	for v >= 0x80 {
		*b = append(*b, byte(v)|0x80)
		v >>= 7
	}
	*b = append(*b, byte(v))
}

func (b *buf) tag(field, wire int) { b.varint(uint64(field<<3 | wire)) }

func (b *buf) uint(field int, v uint64) {
	if v != 0 {
		b.tag(field, 0)
		b.varint(v)
	}
}

func (b *buf) bytes(field int, p []byte) {
	b.tag(field, 2)
	b.varint(uint64(len(p)))
	*b = append(*b, p...)
}

func (b *buf) packed(field int, vs []uint64) {
	var inner buf
	for _, v := range vs {
		inner.varint(v)
	}
	b.bytes(field, inner)
}

type strings struct {
	index map[string]uint64
	list  []string
}

func (s *strings) id(v string) uint64 {
	if i, ok := s.index[v]; ok {
		return i
	}
	i := uint64(len(s.list))
	s.index[v] = i
	s.list = append(s.list, v)
	return i
}

var packages = []string{"main", "net/http", "encoding/json", "github.com/acme/cache",
	"github.com/acme/rpc", "google.golang.org/grpc", "database/sql", "bufio", "bytes",
	"strings", "sync", "github.com/acme/store/internal/index"}

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: bigprofile FILE [UNCOMPRESSED_MB]")
		os.Exit(2)
	}
	targetMB := 50
	if len(os.Args) == 3 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "bigprofile: UNCOMPRESSED_MB must be a positive integer")
			os.Exit(2)
		}
		targetMB = n
	}
	target := targetMB * 1000 * 1000
	rng := rand.New(rand.NewSource(1))
	strs := &strings{index: map[string]uint64{}}
	strs.id("")

	const (
		nFunctions = 30000
		mappingID  = 1
	)
	var out buf
	for _, t := range [][2]string{{"alloc_objects", "count"}, {"alloc_space", "bytes"},
		{"inuse_objects", "count"}, {"inuse_space", "bytes"}} {
		var vt buf
		vt.uint(1, strs.id(t[0]))
		vt.uint(2, strs.id(t[1]))
		out.bytes(profSampleType, vt)
	}
	var pt buf
	pt.uint(1, strs.id("space"))
	pt.uint(2, strs.id("bytes"))
	out.bytes(profPeriodType, pt)
	out.uint(profPeriod, 524288)
	out.uint(profTimeNanos, 1700000000000000000)

	var m buf
	m.uint(1, mappingID)
	m.uint(2, 0x400000)
	m.uint(3, 0x4000000)
	m.uint(5, strs.id("/usr/local/bin/service"))
	m.uint(7, 1)
	m.uint(8, 1)
	m.uint(9, 1)
	m.uint(10, 1)
	out.bytes(profMapping, m)

	// Functions 1 and 2 are runtime.main and main.main; the rest are spread
	// over packages, with a Zipf-like popularity so that some are everywhere.
	names := []string{"runtime.main", "main.main"}
	for i := 2; i < nFunctions; i++ {
		pkg := packages[rng.Intn(len(packages))]
		if rng.Intn(3) == 0 {
			names = append(names, fmt.Sprintf("%s.(*T%d).Method%d", pkg, i%97, i))
		} else {
			names = append(names, fmt.Sprintf("%s.func%d", pkg, i))
		}
	}
	for i, n := range names {
		var f buf
		f.uint(1, uint64(i+1))
		f.uint(2, strs.id(n))
		f.uint(3, strs.id(n))
		f.uint(4, strs.id(fmt.Sprintf("/src/%d/file.go", i%500)))
		f.uint(5, uint64(10+i%1000))
		out.bytes(profFunction, f)
	}

	// Call sites: each function has 1..8 locations; every tenth location also
	// carries an inlined callee.
	sites := make([][]uint64, nFunctions)
	var nextLoc uint64 = 1
	addr := uint64(0x401000)
	for f := 0; f < nFunctions; f++ {
		k := 1 + rng.Intn(8)
		for j := 0; j < k; j++ {
			var l buf
			l.uint(1, nextLoc)
			l.uint(2, mappingID)
			l.uint(3, addr)
			if nextLoc%10 == 0 {
				var inl buf
				inl.uint(1, uint64(2+rng.Intn(nFunctions-2)+1))
				inl.uint(2, uint64(100+j))
				l.bytes(4, inl)
			}
			var ln buf
			ln.uint(1, uint64(f+1))
			ln.uint(2, uint64(20+j))
			l.bytes(4, ln)
			out.bytes(profLocation, l)
			sites[f] = append(sites[f], nextLoc)
			nextLoc++
			addr += 16 + uint64(rng.Intn(64))
		}
	}

	zipf := rand.NewZipf(rng, 1.2, 4, nFunctions-3)
	pick := func() int { return 2 + int(zipf.Uint64()) }
	site := func(f int) uint64 { return sites[f][rng.Intn(len(sites[f]))] }

	// A few hundred request paths that samples extend: stacks share their
	// upper frames, as a real service's do.
	paths := make([][]uint64, 400)
	for i := range paths {
		depth := 2 + rng.Intn(10)
		p := []uint64{site(0), site(1)}
		for len(p) < depth {
			p = append(p, site(pick()))
		}
		paths[i] = p
	}

	samples := 0
	stack := make([]uint64, 0, 64)
	for len(out) < target {
		root := paths[rng.Intn(len(paths))]
		stack = append(stack[:0], root...)
		extra := 4 + rng.Intn(36)
		for j := 0; j < extra; j++ {
			f := pick()
			stack = append(stack, site(f))
			if rng.Intn(20) == 0 { // recursion
				stack = append(stack, site(f), site(f))
			}
		}
		// profile.proto lists the leaf first.
		for i, j := 0, len(stack)-1; i < j; i, j = i+1, j-1 {
			stack[i], stack[j] = stack[j], stack[i]
		}
		size := uint64(16 << rng.Intn(10))
		allocs := uint64(1 + rng.Intn(2000))
		inuse := allocs / uint64(1+rng.Intn(8))
		var s buf
		s.packed(1, stack)
		s.packed(2, []uint64{allocs, allocs * size, inuse, inuse * size})
		var label buf
		label.uint(1, strs.id("bytes"))
		label.uint(3, size)
		s.bytes(3, label)
		out.bytes(profSample, s)
		samples++
	}
	for _, s := range strs.list {
		out.bytes(profStringTable, []byte(s))
	}

	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigprofile:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(f)
	z := gzip.NewWriter(w)
	if _, err := z.Write(out); err != nil {
		fmt.Fprintln(os.Stderr, "bigprofile:", err)
		os.Exit(1)
	}
	if err := z.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "bigprofile:", err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "bigprofile:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "bigprofile:", err)
		os.Exit(1)
	}
	info, _ := json.Marshal(map[string]any{
		"uncompressed_bytes": len(out), "samples": samples, "locations": nextLoc - 1,
		"functions": nFunctions, "strings": len(strs.list),
	})
	fmt.Println(string(info))
}
