package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// rawClient is a minimal HTTP/1.1 keep-alive client for one connection, like wrk's: it writes a
// prepared request and reads the status and body, and nothing else. Go's http.Client costs about
// 45 µs of CPU per request here, a third of the API's own cost on the same two cores; this one
// costs a few, so the figure measures the API rather than the load generator.
type rawClient struct {
	addr string
	conn net.Conn
	r    *bufio.Reader
}

func newRawClient(addr string) *rawClient { return &rawClient{addr: addr} }

// do sends req (a complete HTTP/1.1 request) and returns the status code and the body.
func (c *rawClient) do(req []byte) (int, []byte, error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			return 0, nil, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 4096)
	}
	_ = c.conn.SetDeadline(time.Now().Add(30 * time.Second))
	status, body, err := c.roundTrip(req)
	if err != nil {
		_ = c.conn.Close()
		c.conn = nil
	}
	return status, body, err
}

func (c *rawClient) roundTrip(req []byte) (int, []byte, error) {
	if _, err := c.conn.Write(req); err != nil {
		return 0, nil, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	length := -1
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		if len(h) <= 2 {
			break
		}
		if name, value, ok := bytes.Cut(h, []byte(":")); ok && bytes.EqualFold(name, []byte("Content-Length")) {
			if length, err = strconv.Atoi(string(bytes.TrimSpace(value))); err != nil {
				return 0, nil, fmt.Errorf("bad Content-Length %q", value)
			}
		}
	}
	if length < 0 {
		return 0, nil, fmt.Errorf("response without Content-Length (status %d)", status)
	}
	body := make([]byte, length)
	_, err = io.ReadFull(c.r, body)
	return status, body, err
}

func (c *rawClient) close() {
	if c.conn != nil {
		_ = c.conn.Close()
	}
}

// postRequest is a complete POST /v1/todos request with a JSON body.
func postRequest(addr, token string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST /v1/todos HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, token, len(body))
	b.Write(body)
	return b.Bytes()
}
