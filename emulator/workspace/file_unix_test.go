//go:build unix

package workspace

import (
	"path/filepath"
	"syscall"
	"testing"
)

// TestSaveNewFileUmask: a new file gets 0666 less the umask, as an editor's
// would (the save used to force 0644).
func TestSaveNewFileUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	w := mustLoad(t, "mock-integration.cfn.yaml")
	path := filepath.Join(t.TempDir(), "new.yaml")
	if err := w.Save(path); err != nil {
		t.Fatal(err)
	}
	if got := fileMode(t, path); got != 0o600 {
		t.Errorf("mode = %v, want 0600 under umask 077", got)
	}
}
