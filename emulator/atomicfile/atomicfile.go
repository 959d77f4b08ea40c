// Package atomicfile writes a whole file or nothing: the data goes to a
// temporary file beside the target, is synced, and is renamed over it, so a
// crash or a full disk never leaves a half-written file where a good one
// was. (Workspace saves, which also keep the file's mode and write through
// symlinks, have their own writer in emulator/workspace.)
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to path atomically, creating path's folder if needed.
func Write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
