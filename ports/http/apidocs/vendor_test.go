package apidocs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The vendored Swagger UI is exactly the files of the pinned swagger-ui-dist that
// scripts/vendor-docs.sh copied: each embedded file has the sha256 the manifest took from the
// package, none is missing or extra, and the manifest is of the version the script pins.
// (`scripts/vendor-docs.sh --check` compares with the package itself; it needs the network.)
func TestVendoredSwaggerUIMatchesThePinnedPackage(t *testing.T) {
	t.Parallel()
	manifest, err := os.ReadFile("swagger-ui.sha256")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../../../scripts/vendor-docs.sh")
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`(?m)^SWAGGER_UI_VERSION=(\S+)$`).FindSubmatch(script)
	if pinned == nil {
		t.Fatal("scripts/vendor-docs.sh pins no SWAGGER_UI_VERSION")
	}
	want := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(manifest))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# swagger-ui-dist "); ok {
			if got := strings.Fields(v)[0]; got != string(pinned[1]) {
				t.Errorf("the manifest is of swagger-ui-dist %s, the script pins %s: run make vendor-docs", got, pinned[1])
			}
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("manifest line %q is not sha256sum's", line)
		}
		want[name] = sum
	}
	got := map[string]string{}
	err = fs.WalkDir(files, "assets/swagger-ui", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".gz") {
			return checkCompressed(t, p)
		}
		b, err := files.ReadFile(p)
		sum := sha256.Sum256(b)
		got[strings.TrimPrefix(p, "assets/swagger-ui/")] = hex.EncodeToString(sum[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("the manifest lists no file")
	}
	for name, sum := range want {
		if got[name] != sum {
			t.Errorf("assets/swagger-ui/%s: sha256 %q, the pinned package's is %s", name, got[name], sum)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("assets/swagger-ui/%s is not in the manifest: vendor only through scripts/vendor-docs.sh", name)
		}
	}
}

// checkCompressed checks that the compressed file p decompresses to the file beside it, which
// the manifest covers.
func checkCompressed(t *testing.T, p string) error {
	t.Helper()
	gz, err := files.ReadFile(p)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return err
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	original, err := files.ReadFile(strings.TrimSuffix(p, ".gz"))
	if err != nil || !bytes.Equal(plain, original) {
		t.Errorf("%s is not the compressed form of the file beside it (%v): run make vendor-docs", p, err)
	}
	return nil
}
