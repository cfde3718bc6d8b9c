// Command cgostall is the incident leakseek exists for, in miniature: a cgo
// program whose Go objects own C memory (like go-sqlite3's rows) and free it
// in finalizers, with the finalizer goroutine stalled, so every dropped row
// waits in the finalizer queue and its C memory is never freed. Being cgo, it
// is externally linked: the ELF .data and .bss sections hold the C globals
// below as well as Go's own data and bss. It writes a Go heap dump and a JSON
// facts file.
//
// Usage: cgostall DUMPFILE FACTSFILE
package main

/*
#include <stdlib.h>
#include <string.h>

// A C library's globals: initialised ones land in .data, zeroed ones in .bss,
// beside Go's own.
int cgostall_counters[64] = {1, 2, 3};
char cgostall_scratch[8192];

typedef struct {
	char *sql;
	size_t len;
} cgostall_stmt;

static cgostall_stmt *stmt_open(size_t n) {
	cgostall_stmt *s = malloc(sizeof *s);
	s->sql = malloc(n);
	memset(s->sql, 'x', n);
	s->len = n;
	cgostall_counters[0]++;
	cgostall_scratch[0]++;
	return s;
}

static void stmt_close(cgostall_stmt *s) {
	free(s->sql);
	free(s);
	cgostall_counters[1]++;
}
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
	"unsafe"
)

// Conn is a database connection; its mutex guards the C handle.
type Conn struct {
	mu   sync.Mutex
	name string
}

// Rows owns a C statement. Its finalizer closes the statement under the
// connection's lock, as database drivers do.
type Rows struct {
	stmt *C.cgostall_stmt
	conn *Conn
	cols []string
}

const (
	queued   = 150
	openRows = 40
)

var (
	conn = &Conn{name: "main"}
	// open keeps the rows still in use: live, reachable from a global.
	open = map[int]*Rows{}

	started = make(chan struct{}, 1)
)

// closeRows is every row's finalizer. The connection's lock is held forever
// by a stuck query, so the first call blocks and the finalizer goroutine
// stalls behind it.
//
//go:noinline
func closeRows(r *Rows) {
	select {
	case started <- struct{}{}:
	default:
	}
	r.conn.mu.Lock()
	C.stmt_close(r.stmt)
	r.stmt = nil
	r.conn.mu.Unlock()
}

//go:noinline
func query(n int) *Rows {
	r := &Rows{stmt: C.stmt_open(C.size_t(n)), conn: conn, cols: []string{"id", "name"}}
	runtime.SetFinalizer(r, closeRows)
	return r
}

//go:noinline
func dropRows(n int) {
	for i := 0; i < n; i++ {
		query(256)
	}
}

type facts struct {
	GoVersion       string  `json:"go_version"`
	QueuedExpected  int     `json:"queued_expected"`
	BlockedFunction string  `json:"blocked_function"`
	RowsType        string  `json:"rows_type"`
	RowsSize        uintptr `json:"rows_size"`
	OpenGlobal      string  `json:"open_global"`
	OpenRows        int     `json:"open_rows"`
	OpenRow         string  `json:"open_row"`
	ConnGlobal      string  `json:"conn_global"`
	Conn            string  `json:"conn"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cgostall: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cgostall DUMPFILE FACTSFILE")
		os.Exit(2)
	}
	for i := 0; i < openRows; i++ {
		open[i] = query(128)
	}
	// The stuck query: it holds the connection's lock and never returns.
	conn.mu.Lock()

	dropRows(1)
	deadline := time.Now().Add(5 * time.Second)
wait:
	for {
		runtime.GC()
		select {
		case <-started:
			break wait
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			fail("the first finalizer did not start within 5s")
		}
	}
	dropRows(queued)
	runtime.GC()
	runtime.GC()
	time.Sleep(50 * time.Millisecond)

	out, err := os.Create(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	debug.WriteHeapDump(out.Fd())
	if err := out.Close(); err != nil {
		fail("%v", err)
	}

	f := facts{
		GoVersion:       runtime.Version(),
		QueuedExpected:  queued,
		BlockedFunction: "main.closeRows",
		RowsType:        "main.Rows",
		RowsSize:        unsafe.Sizeof(Rows{}),
		OpenGlobal:      "main.open",
		OpenRows:        openRows,
		OpenRow:         fmt.Sprintf("%p", open[7]),
		ConnGlobal:      "main.conn",
		Conn:            fmt.Sprintf("%p", conn),
	}
	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(os.Args[2], append(js, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
	os.Exit(0)
}
