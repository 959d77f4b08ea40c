//go:build unix

package workspace

import (
	"os"
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

// TestSaveKeepsOwner: when root saves another user's file, the file stays
// that user's (the new file would otherwise belong to root).
func TestSaveKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	path, w := writeSeed(t, t.TempDir(), "api.yaml", 0o644)
	if err := os.Chown(path, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := st.Sys().(*syscall.Stat_t); s.Uid != 4242 || s.Gid != 4343 {
		t.Errorf("owner %d:%d, want 4242:4343", s.Uid, s.Gid)
	}
}
