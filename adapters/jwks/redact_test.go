package jwks_test

import (
	"net"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/adapters/jwks"
)

// The errors of New say where the key set was fetched from, never the credentials or the query
// string of its URL: a bad URL and an unreachable one alike.
func TestNewErrorsDoNotShowSecretsInTheURL(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	_ = l.Close()
	for _, url := range []string{
		"ftp://idp:s3cret@id.example/jwks.json?token=s3cret",
		"http://idp:s3cret@" + closed + "/jwks.json?token=s3cret",
	} {
		_, err := jwks.New(t.Context(), jwks.Config{URL: url, Logger: discard()})
		if err == nil {
			t.Fatalf("%s: accepted", url)
		}
		if msg := err.Error(); strings.Contains(msg, "s3cret") || !strings.Contains(msg, "/jwks.json") {
			t.Errorf("error %q shows a secret or not where it went", msg)
		}
	}
}
