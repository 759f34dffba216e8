package jwks_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/taskstream/taskstream/adapters/jwks"
)

// testKey is generated once: 2048-bit generation is slow.
var testKey = sync.OnceValue(func() *rsa.PublicKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return &key.PublicKey
})

// ecKey is a P-256 key: real sets hold keys of other types the RS256 verifier must skip.
var ecKey = sync.OnceValue(func() map[string]any {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return map[string]any{
		"kty": "EC", "kid": "ec", "crv": "P-256", "use": "sig", "alg": "ES256",
		"x": base64.RawURLEncoding.EncodeToString(key.X.FillBytes(make([]byte, 32))),
		"y": base64.RawURLEncoding.EncodeToString(key.Y.FillBytes(make([]byte, 32))),
	}
})

// jwk is pub as an RS256 signing key named kid.
func jwk(kid string, pub *rsa.PublicKey) map[string]any {
	return map[string]any{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// provider is an identity provider's key set endpoint, over TLS as the adapter requires, whose
// kids and status can change while a test runs; it counts the requests it answered.
type provider struct {
	*httptest.Server
	fetches atomic.Int32

	mu     sync.Mutex
	kids   []string
	status int
	body   []byte // when set, served as it is instead of the kids
}

func newProvider(t *testing.T, kids ...string) *provider {
	t.Helper()
	p := &provider{kids: kids, status: http.StatusOK}
	p.Server = httptest.NewTLSServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

// movedPath answers with a redirect to the key set, on the same server.
const movedPath = "/moved"

func (p *provider) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == movedPath {
		http.Redirect(w, r, "/", http.StatusFound)
		return
	}
	p.fetches.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.status != http.StatusOK {
		http.Error(w, "down", p.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if p.body != nil {
		_, _ = w.Write(p.body)
		return
	}
	keys := []map[string]any{ecKey()}
	for _, kid := range p.kids {
		keys = append(keys, jwk(kid, testKey()))
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"keys": keys})
}

func (p *provider) setKids(kids ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.kids = kids
}

func (p *provider) setStatus(status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status = status
}

func (p *provider) setBody(body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.body = body
}

// logRecorder is a slog.Handler that keeps the messages and error attributes it is handed.
type logRecorder struct {
	mu      sync.Mutex
	records []loggedRecord
}

type loggedRecord struct {
	level slog.Level
	msg   string
	err   string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	lr := loggedRecord{level: rec.Level, msg: rec.Message}
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" {
			lr.err = a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, lr)
	return nil
}

func (r *logRecorder) snapshot() []loggedRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]loggedRecord(nil), r.records...)
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// keyOf asks s for the key of an RS256 token naming kid, as the verifier does.
func keyOf(ctx context.Context, s *jwks.KeySet, kid string) (*rsa.PublicKey, error) {
	key, err := s.KeyfuncCtx(ctx)(&jwt.Token{Header: map[string]any{"alg": "RS256", "kid": kid}})
	if err != nil {
		return nil, err
	}
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a key of type %T", key)
	}
	return pub, nil
}

// eventually fails t unless cond holds within a few seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
