package pgtest

import (
	"encoding/binary"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Proxy stands between a test's pool and the real server and drops connections on cue, the way
// a crashing server or a broken network does: the pool sees its connection end mid-transaction,
// with the server in whatever state the cue left it. It reads the protocol only far enough to
// recognise the simple-query messages (pgx sends begin, commit and rollback as such).
type Proxy struct {
	url    string
	target string

	mu     sync.Mutex
	cue    string // the statement the next drop waits for ("" when none is armed)
	after  bool   // drop after the server answered the statement, else before it sees it
	conns  map[net.Conn]bool
	closed bool
}

// NewProxy starts a proxy to the server of dbURL (a URL from NewDatabase) and returns it; URL
// is dbURL with the proxy's address. It stops when the test ends.
func NewProxy(t testing.TB, dbURL string) *Proxy {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("pgtest: proxy: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pgtest: proxy: %v", err)
	}
	p := &Proxy{target: u.Host, conns: map[net.Conn]bool{}}
	u.Host = ln.Addr().String()
	p.url = u.String()
	go p.accept(ln)
	t.Cleanup(func() {
		_ = ln.Close()
		p.mu.Lock()
		p.closed = true
		for c := range p.conns {
			_ = c.Close()
		}
		p.mu.Unlock()
	})
	return p
}

// URL is the database URL through the proxy.
func (p *Proxy) URL() string { return p.url }

// DropBefore arms the proxy: the next connection that sends statement (such as "begin") is
// closed before the server sees it. Nothing was done on the server.
func (p *Proxy) DropBefore(statement string) { p.arm(statement, false) }

// DropAfter arms the proxy: the next connection that sends statement (such as "commit") has it
// carried out by the server and is closed before the answer reaches the client, so the client
// cannot know what happened: the ambiguous commit.
func (p *Proxy) DropAfter(statement string) { p.arm(statement, true) }

// DropAll closes every connection open through the proxy now, as a server restart does.
func (p *Proxy) DropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
}

func (p *Proxy) arm(statement string, after bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cue, p.after = strings.ToLower(statement), after
}

// take reports whether a query is the armed cue, disarming it so that it drops one connection.
func (p *Proxy) take(query string) (drop, after bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cue == "" || strings.ToLower(strings.TrimSpace(query)) != p.cue {
		return false, false
	}
	p.cue = ""
	return true, p.after
}

func (p *Proxy) accept(ln net.Listener) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		if !p.track(client, server) {
			return
		}
		go p.pipe(client, server)
	}
}

// track registers a pair of connections, false when the proxy has stopped.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = true
	}
	return true
}

// pipe copies the server's bytes to the client as they come, and the client's message by
// message, watching for the cue. A drop after the statement swallows the server's next bytes
// (its answer) and closes both ends.
func (p *Proxy) pipe(client, server net.Conn) {
	swallow := make(chan struct{})
	var once sync.Once
	closeBoth := func() { once.Do(func() { _ = client.Close(); _ = server.Close() }) }
	defer closeBoth()
	go func() {
		defer closeBoth()
		answer(server, client, swallow)
	}()
	if !copyMessage(client, server) { // the startup message has no type byte
		return
	}
	p.watch(client, server, swallow)
}

// answer copies the server's bytes to the client until either end closes, or until bytes arrive
// after swallow is closed: those are the answer to the cue, which the client must not see.
func answer(server, client net.Conn, swallow <-chan struct{}) {
	buf := make([]byte, 32<<10)
	for {
		n, err := server.Read(buf)
		select {
		case <-swallow:
			return
		default:
		}
		if n > 0 {
			if _, werr := client.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// watch copies the client's messages to the server until the cue: dropped before it, or sent
// with swallow closed so that its answer ends the connection.
func (p *Proxy) watch(client, server net.Conn, swallow chan<- struct{}) {
	for {
		typ, body, err := readMessage(client)
		if err != nil {
			return
		}
		drop, after := false, false
		if typ == 'Q' {
			drop, after = p.take(strings.TrimRight(string(body), "\x00"))
		}
		if drop && !after {
			return
		}
		if drop {
			close(swallow)
		}
		if _, err := server.Write(frame(typ, body)); err != nil {
			return
		}
		if drop {
			// The server's answer ends answer, whose caller closes both ends.
			_, _ = io.Copy(io.Discard, client)
			return
		}
	}
}

// copyMessage copies one untyped message (the startup, SSL or GSS request).
func copyMessage(from io.Reader, to io.Writer) bool {
	var head [4]byte
	if _, err := io.ReadFull(from, head[:]); err != nil {
		return false
	}
	n := binary.BigEndian.Uint32(head[:])
	if n < 4 || n > 1<<20 {
		return false
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(from, body); err != nil {
		return false
	}
	_, err := to.Write(append(head[:], body...))
	return err == nil
}

// readMessage reads one typed message of the client: its type and its body.
func readMessage(r io.Reader) (byte, []byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n < 4 || n > 1<<30 {
		return 0, nil, io.ErrUnexpectedEOF
	}
	body := make([]byte, n-4)
	_, err := io.ReadFull(r, body)
	return head[0], body, err
}

func frame(typ byte, body []byte) []byte {
	out := make([]byte, 5, 5+len(body))
	out[0] = typ
	binary.BigEndian.PutUint32(out[1:], uint32(len(body)+4)) //nolint:gosec // read from a 32-bit length
	return append(out, body...)
}
