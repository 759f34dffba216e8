package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// freeAddr is a loopback address no one listens on at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String()
}

// get answers GET url's status and body, or fails the test.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeSplitsOpsAndBoundsRequests runs the embedded default as `taskstream all` does, with
// METRICS_ADDR and a short read timeout: /readyz and /metrics are served on METRICS_ADDR alone
// (the API answers them 404), /healthz on both, and a body trickled to the API is cut off.
// Not parallel: serve reads the process environment.
func TestServeSplitsOpsAndBoundsRequests(t *testing.T) {
	api, metrics := freeAddr(t), freeAddr(t)
	for k, v := range map[string]string{
		"HTTP_ADDR": api, "METRICS_ADDR": metrics, "HTTP_READ_TIMEOUT": "500ms", "HTTP_WRITE_TIMEOUT": "5s",
		"LOG_LEVEL": "error", "SHUTDOWN_TIMEOUT": "5s",
		"DATABASE_URL": "", "KAFKA_BROKERS": "", "KAFKA_BOOTSTRAP_SERVERS": "", "BROKER": "", "AUTH_JWT_SECRET": "", "AUTH_JWKS_URL": "",
	} {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, "all", nil) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not return after its context ended")
		}
	})
	waitListening(t, api, done)

	for _, tc := range []struct {
		addr, path string
		want       int
	}{
		{api, "/healthz", http.StatusOK}, {api, "/readyz", http.StatusNotFound}, {api, "/metrics", http.StatusNotFound},
		{metrics, "/healthz", http.StatusOK}, {metrics, "/readyz", http.StatusOK}, {metrics, "/metrics", http.StatusOK},
		{metrics, "/v1/todos", http.StatusNotFound},
	} {
		if got, _ := get(t, "http://"+tc.addr+tc.path); got != tc.want {
			t.Errorf("GET %s on %s = %d, want %d", tc.path, tc.addr, got, tc.want)
		}
	}
	// The API's own requests are counted in the registry METRICS_ADDR exposes.
	if _, body := get(t, "http://"+metrics+"/metrics"); !strings.Contains(body, `http_requests_total{method="GET",route="unmatched",status="404"}`) {
		t.Error("METRICS_ADDR does not show the API's requests")
	}

	conn, err := net.Dial("tcp", api)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	start := time.Now()
	_, _ = fmt.Fprint(conn, "POST /v1/todos HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.Copy(io.Discard, conn) // until the server closes the connection
	if errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) > 3*time.Second {
		t.Errorf("a body that never came was waited for %s with HTTP_READ_TIMEOUT 500ms (%v)", time.Since(start), err)
	}
}

// waitListening waits until addr answers /healthz, or fails the test when serve ended first.
func waitListening(t *testing.T, addr string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve ended at start: %v", err)
		default:
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			_ = resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within 20 s", addr)
}
