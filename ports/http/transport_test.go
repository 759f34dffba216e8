package httpport_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// serveWith serves h as the service does, on a loopback port, and returns its address.
func serveWith(t *testing.T, h http.Handler, cfg httpport.ServerConfig) string {
	t.Helper()
	ln, err := httpport.Listen("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := httpport.NewServer(h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// dialRaw opens a TCP connection to addr, closed at the end of the test.
func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// TestSlowBodyIsCutOffAfterTheReadTimeout: a client that trickles its body a byte at a time
// (here without a token, which is answered 401 only once the body is in) is let go once the
// read timeout has passed, not when it pleases.
func TestSlowBodyIsCutOffAfterTheReadTimeout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	const readTimeout = 500 * time.Millisecond
	addr := serveWith(t, f.handler, httpport.ServerConfig{ReadTimeout: readTimeout, WriteTimeout: 5 * time.Second})
	for _, path := range []string{"/v1/todos", "/healthz"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			conn := dialRaw(t, addr)
			start := time.Now()
			// 1000 bytes at one per 100 ms would take 100 s.
			if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", path); err != nil {
				t.Fatal(err)
			}
			ended := make(chan struct{})
			go trickle(conn, ended)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			answers := bufio.NewReader(conn)
			_, err := readAnswer(answers)
			close(ended)
			for err == nil { // an answer may come first; the connection ends after it
				_, err = readAnswer(answers)
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("the server still held the connection after 10 s (read timeout %s)", readTimeout)
			}
			if took := time.Since(start); took > readTimeout+2*time.Second {
				t.Errorf("the connection ended after %s, want about %s", took, readTimeout)
			}
		})
	}
}

// readAnswer reads one response from r, body included, and returns its status.
func readAnswer(r *bufio.Reader) (int, error) {
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// trickle writes one byte every 100 ms until ended is closed or a write fails.
func trickle(conn net.Conn, ended <-chan struct{}) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ended:
			return
		case <-tick.C:
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}
}

// TestConnectionPastTheCapWaits: with every slot held, the next connection is not served until
// one closes.
func TestConnectionPastTheCapWaits(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	addr := serveWith(t, f.handler, httpport.ServerConfig{MaxConnections: 2})
	first := dialRaw(t, addr)
	dialRaw(t, addr)
	waiting := dialRaw(t, addr)
	if _, err := fmt.Fprint(waiting, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	answers := bufio.NewReader(waiting)
	_ = waiting.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if status, err := readAnswer(answers); err == nil {
		t.Fatalf("the third connection was answered %d with two held and a cap of 2", status)
	} else if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the third connection: %v, want no answer yet", err)
	}
	_ = first.Close()
	_ = waiting.SetReadDeadline(time.Now().Add(5 * time.Second))
	status, err := readAnswer(answers)
	if err != nil {
		t.Fatalf("after a slot was freed: %v", err)
	}
	if status != http.StatusOK {
		t.Errorf("/healthz = %d after a slot was freed", status)
	}
}

// TestWebSocketOutlivesTheServerTimeouts: the read and write timeouts bound requests, not an
// upgraded connection, which streams frames for as long as its client stays.
func TestWebSocketOutlivesTheServerTimeouts(t *testing.T) {
	t.Parallel()
	env := newWSEnv(t, wsEnvOptions{})
	const timeout = 300 * time.Millisecond
	addr := serveWith(t, env.h, httpport.ServerConfig{ReadTimeout: timeout, WriteTimeout: timeout, IdleTimeout: timeout})
	own := *env
	own.url = "ws://" + addr + "/v1/ws"
	conn := own.dialAs("alice")
	r := startReading(t, conn)
	time.Sleep(4 * timeout)
	env.hub.Publish("alice", []byte(`{"type":"task.changed"}`))
	if got := r.next(); got != `{"type":"task.changed"}` {
		t.Errorf("frame = %s", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := conn.Ping(ctx); err != nil {
		t.Errorf("ping after %s: %v", 4*timeout, err)
	}
}

func TestServerConfigIsValidated(t *testing.T) {
	t.Parallel()
	for _, cfg := range []httpport.ServerConfig{
		{ReadTimeout: -time.Second},
		{MaxConnections: -1},
		{ReadTimeout: time.Minute, WriteTimeout: time.Second},
	} {
		if _, err := httpport.NewServer(http.NotFoundHandler(), cfg); err == nil {
			t.Errorf("NewServer accepted %+v", cfg)
		}
	}
}
