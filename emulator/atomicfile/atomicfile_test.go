package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteReplacesWholeOrNothing: a write replaces the file and leaves no
// temporary file; a write into a folder that cannot be made fails and
// leaves the old file as it was.
func TestWriteReplacesWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "f.txt")
	for _, want := range []string{"first", "second"} {
		if err := Write(path, []byte(want)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != want {
			t.Fatalf("file holds %q, want %q", got, want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want the file alone", len(entries))
	}
	blocker := filepath.Join(dir, "blocker")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(blocker, "f.txt"), []byte("y")); err == nil {
		t.Fatal("a write under a file succeeded")
	}
	if got, _ := os.ReadFile(blocker); string(got) != "x" {
		t.Errorf("the blocking file holds %q", got)
	}
}
