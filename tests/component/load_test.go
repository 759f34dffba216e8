package component_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// load is a crowd of clients sending to-dos and tasks as fast as they are answered, on
// kept-alive connections as a real client does, each until the API refuses its connection or
// the load's time is up. It records what every request got.
type load struct {
	stop chan struct{}
	wg   sync.WaitGroup

	mu       sync.Mutex
	answered []time.Time // when each answer (any status) came
	refused  []time.Time // when each client's connection was refused
	failed   []error     // requests that ended without an answer for another reason
}

// startLoad runs n clients of the user whose token is given against base for at most d.
func startLoad(t *testing.T, base, token string, n int, d time.Duration) *load {
	t.Helper()
	l := &load{stop: make(chan struct{})}
	transport := &http.Transport{MaxIdleConnsPerHost: n}
	t.Cleanup(transport.CloseIdleConnections)
	hc := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	deadline := time.Now().Add(d)
	for i := range n {
		l.wg.Go(func() { l.client(hc, base, token, i, deadline) })
	}
	return l
}

func (l *load) client(hc *http.Client, base, token string, id int, deadline time.Time) {
	for seq := 0; time.Now().Before(deadline); seq++ {
		path, body := "/v1/todos", fmt.Sprintf(`{"title":"load %d-%d"}`, id, seq)
		if seq%2 == 1 {
			path, body = "/v1/tasks", fmt.Sprintf(`{"title":"load %d-%d","priority":"low"}`, id, seq)
		}
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body) // a body cut off is no answer either
			_ = resp.Body.Close()
		}
		l.mu.Lock()
		switch {
		case err == nil:
			l.answered = append(l.answered, time.Now())
		case errors.Is(err, syscall.ECONNREFUSED):
			l.refused = append(l.refused, time.Now())
		default:
			l.failed = append(l.failed, err)
		}
		l.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// wait waits until every client has stopped.
func (l *load) wait() { l.wg.Wait() }

// answeredBetween counts the answers that came in [from, to).
func (l *load) answeredBetween(from, to time.Time) int {
	n := 0
	for _, at := range l.answered {
		if !at.Before(from) && at.Before(to) {
			n++
		}
	}
	return n
}
