package workspace

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrReadOnly is returned (wrapped) by Save for a file that is read-only:
// no write permission for anyone, or none for this user. SaveWith with
// ReplaceReadOnly replaces it, after the user agreed.
var ErrReadOnly = errors.New("the file is read-only")

// ErrImportSource is returned (wrapped) when a save would overwrite the
// serverless.yml a workspace was imported from: the save writes a
// CloudFormation template, which must go to a new file.
var ErrImportSource = errors.New("this is the serverless.yml the workspace was imported from; save the CloudFormation template to a new file")

// SaveTarget describes what saving to a path would do. CheckSaveAs reports
// it without writing anything, so a window can ask before a save.
type SaveTarget struct {
	// Path is the file a save writes: the chosen path with symbolic links
	// resolved (a save writes through a link and keeps the link).
	Path string
	// Exists is true when a file is there: the save replaces it.
	Exists bool
	// Own is true when that file is the workspace's own (its Path).
	Own bool
	// ReadOnly is true when the file is read-only: Save refuses it,
	// SaveWith with ReplaceReadOnly replaces it and keeps its mode.
	ReadOnly bool
}

// Ask reports whether the user should confirm before the save: it replaces
// a file other than the workspace's own, or a read-only one.
func (t SaveTarget) Ask() bool { return t.Exists && !t.Own || t.ReadOnly }

// CheckSaveAs reports what saving w to path would do, writing nothing. It
// returns an error (and no target) when the save would be refused whatever
// the user says: path is the serverless.yml w was imported from
// (ErrImportSource), a directory or another non-regular file, or in a
// directory that does not exist.
func (w *Workspace) CheckSaveAs(path string) (SaveTarget, error) {
	if w.Format == Serverless && w.imported != "" && sameFile(path, w.imported) {
		return SaveTarget{}, fmt.Errorf("save %s: %w", path, ErrImportSource)
	}
	target, err := resolveLinks(path)
	if err != nil {
		return SaveTarget{}, fmt.Errorf("save %s: %w", path, err)
	}
	t := SaveTarget{Path: target}
	st, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dir, err := os.Stat(filepath.Dir(target))
		if err != nil {
			return SaveTarget{}, fmt.Errorf("save %s: %w", path, err)
		}
		if !dir.IsDir() {
			return SaveTarget{}, fmt.Errorf("save %s: %s is not a directory", path, filepath.Dir(target))
		}
		return t, nil
	case err != nil:
		return SaveTarget{}, fmt.Errorf("save %s: %w", path, err)
	case st.IsDir():
		return SaveTarget{}, fmt.Errorf("save %s: is a directory", path)
	case !st.Mode().IsRegular():
		return SaveTarget{}, fmt.Errorf("save %s: not a regular file", path)
	}
	t.Exists = true
	t.Own = w.Path != "" && sameFile(path, w.Path)
	t.ReadOnly = readOnly(target, st)
	return t, nil
}

// readOnly reports whether the existing regular file at path is read-only:
// no write bit at all (even root is refused, as editors do), or no write
// permission for this user. Opening for writing without O_TRUNC changes
// nothing.
func readOnly(path string, st fs.FileInfo) bool {
	if st.Mode().Perm()&0o222 == 0 {
		return true
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return errors.Is(err, fs.ErrPermission)
	}
	f.Close()
	return false
}

// resolveLinks follows symbolic links from path to the file they name,
// which need not exist yet (a link to a file still to be written).
func resolveLinks(path string) (string, error) {
	p := path
	for range 40 {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return "", errors.New("too many levels of symbolic links")
}

// sameFile reports whether a and b name the same file.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// writeAtomic replaces the file at path with data, or creates it: a
// temporary file in the target's directory, fsync, rename over the target,
// fsync of the directory. A symbolic link is written through (its target is
// replaced, the link stays). An existing file keeps its permission bits; a
// new one gets 0666 less the umask, as any editor's; the owner and group are
// kept where the system allows. A read-only target is
// refused unless replaceReadOnly.
func writeAtomic(path string, data []byte, replaceReadOnly bool) error {
	target, err := resolveLinks(path)
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	perm, keep := fs.FileMode(0o666), false
	st, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("save %s: %w", path, err)
	case !st.Mode().IsRegular():
		return fmt.Errorf("save %s: not a regular file", path)
	default:
		if readOnly(target, st) && !replaceReadOnly {
			return fmt.Errorf("save %s: %w", path, ErrReadOnly)
		}
		perm, keep = st.Mode().Perm(), true
	}
	dir := filepath.Dir(target)
	f, err := createTemp(dir, "."+filepath.Base(target)+".", ".tmp", perm)
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if keep {
		keepOwner(f, st)
		// The exact bits, whatever the umask took from them at creation
		// (and after chown, which may clear set-id bits).
		if err := f.Chmod(perm); err != nil {
			return fail(err)
		}
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: make the rename itself durable
		d.Close()
	}
	return nil
}

// createTemp is os.CreateTemp with the permission bits given (less the
// umask) instead of 0600.
func createTemp(dir, prefix, suffix string, perm fs.FileMode) (*os.File, error) {
	for range 100 {
		var b [6]byte
		rand.Read(b[:])
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:])+suffix)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("cannot create a temporary file in " + dir)
}
