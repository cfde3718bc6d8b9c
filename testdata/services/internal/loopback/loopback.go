// Package loopback runs the test services' HTTP servers the way the tests and benchmarks
// expect: on a loopback address only (pprof tells anyone who asks about the process), with
// "listening on http://ADDR" as the first line of standard output, and for exactly as long as
// the parent wants: SIGTERM or SIGINT ends the process, and so does the close of a standard
// input that is a pipe, so a parent killed with SIGKILL leaves nothing running.
package loopback

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// Listen opens addr, which must be a loopback address; anything else ends the process with
// status 2 and a one-line error naming the program.
func Listen(program, addr string) net.Listener {
	if !isLoopback(addr) {
		fmt.Fprintf(os.Stderr, "%s: -listen %s: only loopback addresses\n", program, addr)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", program, err)
		os.Exit(2)
	}
	return ln
}

// Serve prints the listening line and serves handler on ln until a signal or the close of a
// stdin pipe ends the process. A server with no write timeout: the services decide how slowly
// they answer.
func Serve(program string, ln net.Listener, handler http.Handler) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		os.Exit(0)
	}()
	exitWhenStdinCloses()
	// os.Stdout is unbuffered: the line reaches a parent reading the pipe at once.
	fmt.Printf("listening on http://%s\n", ln.Addr())
	server := &http.Server{Handler: handler}
	if err := server.Serve(ln); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", program, err)
		os.Exit(1)
	}
}

// Only for pipes: /dev/null would end the process at once, and a terminal has Ctrl-C.
func exitWhenStdinCloses() {
	info, err := os.Stdin.Stat()
	if err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
}

func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
