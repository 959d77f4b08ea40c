// Package golden compares a Fyne object's rendered markup with a file in the
// calling package's testdata directory, for the panels' layout tests.
package golden

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// Assert compares o's markup at size with testdata/name; with update it
// rewrites the golden instead. A mismatch leaves the new markup in a
// temporary directory, named in the failure.
func Assert(t *testing.T, name string, o fyne.CanvasObject, size fyne.Size, update bool) {
	t.Helper()
	o.Resize(size)
	got := test.RenderObjectToMarkup(o)
	path := filepath.Join("testdata", name)
	if update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -tags ci -run %s -update in the package to write it)", err, t.Name())
	}
	if string(want) != got {
		failed := filepath.Join(os.TempDir(), "wsworkbench-goldens", name)
		_ = os.MkdirAll(filepath.Dir(failed), 0o755)
		_ = os.WriteFile(failed, []byte(got), 0o644)
		t.Errorf("%s differs from its golden; the new markup is in %s (diff them; -update accepts it)", path, failed)
	}
}
