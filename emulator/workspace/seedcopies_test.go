package workspace

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSeedCopiesMatchShared checks that testdata's seeds are byte-for-byte the
// project's shared fixtures, so every test that loads them (here, in
// test/interop and in the load benchmark) runs the templates unchanged. The
// shared folder sits beside the checkout in CI; a clone without it has only
// the copies, and then there is nothing to compare.
func TestSeedCopiesMatchShared(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "fixtures", "seeds")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared fixtures beside the checkout (%v)", err)
	}
	for _, name := range []string{"mock-integration.cfn.yaml", "simple-chat.sam.yaml", "simple-chat.serverless.yml"} {
		want, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s differs from the shared seed: copy it again", name)
		}
	}
}
