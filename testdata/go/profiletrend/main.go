// Command profiletrend writes a series of heap profiles (debug=0) of one
// process while one allocation site leaks steadily, one stays flat, one
// vanishes and one appears, and a JSON facts file naming them.
//
// Usage: profiletrend DUMPFILE FACTSFILE
//
// The profiles go to the directory DUMPFILE without ".dump" plus ".trend":
// heap.0.pb.gz .. heap.5.pb.gz, in time order, about 50 ms apart. A Go heap
// dump is written at DUMPFILE because make_fixtures.sh runs every fixture
// program as PROGRAM DUMPFILE FACTSFILE and checks for one; it is taken
// before the allocations below, so it stays small. The facts file is written
// last.
//
// MemProfileRate is 1, so every allocation is sampled and the profiles hold
// exact sizes rather than statistical estimates.
//
// One more profile, heap.repeat.pb.gz, is taken right after heap.2.pb.gz
// without a collection in between (GC is off): Go publishes the heap profile
// at the end of each GC cycle, so it shows the same heap as heap.2.pb.gz at a
// later time, as two scrapes between the same pair of GCs do.
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
	snapshots     = 6
	leakPerStep   = 16
	leakSize      = 4096 // size classes, so the profile records exactly these sizes
	steadyCount   = 50
	steadySize    = 2048
	vanishCount   = 32
	vanishSize    = 8192
	vanishUntil   = 2 // held in snapshots 0 and 1, freed before snapshot 2
	appearCount   = 8
	appearSize    = 1024
	appearFrom    = 4 // allocated just before snapshot 4
	snapshotPause = 50 * time.Millisecond
)

func init() {
	runtime.MemProfileRate = 1
}

var (
	// The holders' backing arrays are made in main, so that each site's
	// samples are its buffers and nothing else.
	leaked   [][]byte
	steady   [][]byte
	vanished [][]byte
	appeared [][]byte
)

//go:noinline
func leakyGrow() {
	for i := 0; i < leakPerStep; i++ {
		b := make([]byte, leakSize)
		b[0] = byte(i)
		leaked = append(leaked, b)
	}
}

//go:noinline
func steadyAlloc() {
	for i := 0; i < steadyCount; i++ {
		steady = append(steady, make([]byte, steadySize))
	}
}

//go:noinline
func vanishingAlloc() {
	for i := 0; i < vanishCount; i++ {
		vanished = append(vanished, make([]byte, vanishSize))
	}
}

//go:noinline
func appearingAlloc() {
	for i := 0; i < appearCount; i++ {
		appeared = append(appeared, make([]byte, appearSize))
	}
}

type site struct {
	Function string `json:"function"`
	// In-use bytes of the site in each snapshot, in time order.
	Bytes []int `json:"bytes"`
}

type facts struct {
	GoVersion      string   `json:"go_version"`
	MemProfileRate int      `json:"mem_profile_rate"`
	Directory      string   `json:"directory"` // beside FACTSFILE
	Profiles       []string `json:"profiles"`  // file names in Directory, in time order
	// Taken after Profiles[RepeatAfter] and before the next, with no GC since it.
	RepeatProfile string `json:"repeat_profile"`
	RepeatAfter   int    `json:"repeat_after"`
	Leaky         site   `json:"leaky"`
	Steady        site   `json:"steady"`
	Vanishing     site   `json:"vanishing"`
	Appearing     site   `json:"appearing"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "profiletrend: "+format+"\n", args...)
	os.Exit(1)
}

func writeHeapProfile(path string) {
	// The heap profile shows the heap as of the last completed GC.
	runtime.GC()
	writeProfileAsOfLastGC(path)
}

func writeProfileAsOfLastGC(path string) {
	f, err := os.Create(path)
	if err != nil {
		fail("%v", err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		fail("heap profile: %v", err)
	}
	if err := f.Close(); err != nil {
		fail("%v", err)
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: profiletrend DUMPFILE FACTSFILE")
		os.Exit(2)
	}
	dumpPath := os.Args[1]
	dir := strings.TrimSuffix(dumpPath, ".dump") + ".trend"

	// Nothing reads this dump; written before the allocations, it stays small.
	out, err := os.Create(dumpPath)
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	if err := out.Close(); err != nil {
		fail("%v", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		fail("%v", err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		fail("%v", err)
	}

	// No collection may start inside the allocation loops: a collection's first start
	// allocates runtime structures that the memory profile (rate 1) charges to whatever stack
	// triggered it, which would add a few bytes to a site whose exact size the tests check.
	// The profiles below still see a completed collection: runtime.GC works with GC off.
	runtime.GC()
	debug.SetGCPercent(-1)

	leaked = make([][]byte, 0, snapshots*leakPerStep)
	steady = make([][]byte, 0, steadyCount)
	vanished = make([][]byte, 0, vanishCount)
	appeared = make([][]byte, 0, appearCount)
	steadyAlloc()
	vanishingAlloc()

	f := facts{
		GoVersion:      runtime.Version(),
		MemProfileRate: runtime.MemProfileRate,
		Directory:      filepath.Base(dir),
		Leaky:          site{Function: "main.leakyGrow"},
		Steady:         site{Function: "main.steadyAlloc"},
		Vanishing:      site{Function: "main.vanishingAlloc"},
		Appearing:      site{Function: "main.appearingAlloc"},
		RepeatProfile:  "heap.repeat.pb.gz",
		RepeatAfter:    2,
	}
	// Everything main keeps is made before the first snapshot, so that only
	// the sites above change between snapshots.
	for i := 0; i < snapshots; i++ {
		f.Profiles = append(f.Profiles, fmt.Sprintf("heap.%d.pb.gz", i))
	}
	for _, s := range []*site{&f.Leaky, &f.Steady, &f.Vanishing, &f.Appearing} {
		s.Bytes = make([]int, 0, snapshots)
	}
	for i := 0; i < snapshots; i++ {
		if i == vanishUntil {
			vanished = nil
		}
		if i == appearFrom {
			appearingAlloc()
		}
		leakyGrow()
		writeHeapProfile(filepath.Join(dir, f.Profiles[i]))
		f.Leaky.Bytes = append(f.Leaky.Bytes, (i+1)*leakPerStep*leakSize)
		f.Steady.Bytes = append(f.Steady.Bytes, steadyCount*steadySize)
		v, a := 0, 0
		if i < vanishUntil {
			v = vanishCount * vanishSize
		}
		if i >= appearFrom {
			a = appearCount * appearSize
		}
		f.Vanishing.Bytes = append(f.Vanishing.Bytes, v)
		f.Appearing.Bytes = append(f.Appearing.Bytes, a)
		time.Sleep(snapshotPause)
		if i == f.RepeatAfter {
			writeProfileAsOfLastGC(filepath.Join(dir, f.RepeatProfile))
			time.Sleep(snapshotPause)
		}
	}

	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(os.Args[2], append(js, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
	runtime.KeepAlive(leaked)
	runtime.KeepAlive(steady)
	runtime.KeepAlive(appeared)
	os.Exit(0)
}
