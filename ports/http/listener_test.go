//go:build linux

package httpport_test

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// Quiesce waits until the server has accepted every connection the kernel had completed, which
// closing the listener would have reset with the request its client had sent, and from then on
// the kernel starts no connection: a client's SYN goes unanswered until the listener is closed,
// and then the client is refused, never reset.
func TestQuiesceKeepsTheCompletedConnectionsAndStartsNoMore(t *testing.T) {
	t.Parallel()
	ln, err := httpport.Listen("127.0.0.1:0", httpport.ServerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	addr := ln.Addr().String()
	queued := make([]net.Conn, 3) // completed by the kernel, not accepted yet
	for i := range queued {
		queued[i] = dialRaw(t, addr)
		if _, err := io.WriteString(queued[i], "GET /healthz HTTP/1.1\r\n"); err != nil {
			t.Fatal(err)
		}
	}

	quiesced := make(chan error, 1)
	go func() { quiesced <- ln.Quiesce(context.Background()) }()
	select {
	case err := <-quiesced:
		t.Fatalf("Quiesce returned (%v) with %d connections in the accept queue", err, len(queued))
	case <-time.After(300 * time.Millisecond):
	}
	for range queued {
		conn, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close() }()
		buf := make([]byte, len("GET /healthz HTTP/1.1\r\n"))
		if _, err := io.ReadFull(conn, buf); err != nil {
			t.Errorf("a queued connection lost its request: %v", err)
		}
	}
	select {
	case err := <-quiesced:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Quiesce did not return once the accept queue was empty")
	}

	if conn, err := net.DialTimeout("tcp", addr, 300*time.Millisecond); err == nil {
		_ = conn.Close()
		t.Fatal("a new connection was completed after Quiesce")
	} else if ne := (net.Error)(nil); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("a new connection after Quiesce: %v, want its SYN unanswered", err)
	}
	_ = ln.Close()
	if _, err := net.DialTimeout("tcp", addr, time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("a connection after the close: %v, want it refused", err)
	}
}
