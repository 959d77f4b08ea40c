package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSeed writes the mock-integration seed to dir/name with mode perm and
// returns its path and a workspace loaded from it with one edit made.
func writeSeed(t *testing.T, dir, name string, perm os.FileMode) (string, *Workspace) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(readFile(t, "testdata/mock-integration.cfn.yaml")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
	w, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	w.API.Routes[0].OperationName = "Edited"
	return path, w
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// TestSaveKeepsMode: a 0600 workspace stays private (issue 9 item 8: every
// save wrote 0644).
func TestSaveKeepsMode(t *testing.T) {
	for _, perm := range []os.FileMode{0o600, 0o640, 0o664, 0o755} {
		path, w := writeSeed(t, t.TempDir(), "api.yaml", perm)
		if err := w.Save(path); err != nil {
			t.Fatal(err)
		}
		if got := fileMode(t, path); got != perm {
			t.Errorf("mode after save = %v, want %v", got, perm)
		}
		if !strings.Contains(readFile(t, path), "Edited") {
			t.Errorf("the edit was not saved")
		}
	}
}

// TestSaveRefusesReadOnly: a read-only file is not replaced unless the
// caller says the user agreed; then it is, and stays read-only.
func TestSaveRefusesReadOnly(t *testing.T) {
	path, w := writeSeed(t, t.TempDir(), "api.yaml", 0o444)
	before := readFile(t, path)
	err := w.Save(path)
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Save = %v, want ErrReadOnly", err)
	}
	if want := "save " + path + ": the file is read-only"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if readFile(t, path) != before {
		t.Errorf("the read-only file changed")
	}
	if err := w.SaveWith(path, SaveOptions{ReplaceReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(readFile(t, path), "Edited") {
		t.Errorf("ReplaceReadOnly did not save")
	}
	if got := fileMode(t, path); got != 0o444 {
		t.Errorf("mode after ReplaceReadOnly = %v, want 0444", got)
	}
}

// TestSaveThroughSymlink: saving to a link replaces the file it names, and
// the link stays a link (issue 9 item 8: the link became a regular file).
func TestSaveThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real, w := writeSeed(t, filepath.Join(dir), "real.yaml", 0o600)
	if err := os.Mkdir(filepath.Join(dir, "links"), 0o755); err != nil {
		t.Fatal(err)
	}
	// links/b → ../a.yaml → real.yaml: relative links, two of them.
	if err := os.Symlink("real.yaml", filepath.Join(dir, "a.yaml")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "links", "b.yaml")
	if err := os.Symlink("../a.yaml", link); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(link); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{link, filepath.Join(dir, "a.yaml")} {
		if st, err := os.Lstat(l); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symbolic link (%v)", l, err)
		}
	}
	if !strings.Contains(readFile(t, real), "Edited") {
		t.Errorf("the link's target was not updated")
	}
	if got := fileMode(t, real); got != 0o600 {
		t.Errorf("target mode = %v, want 0600", got)
	}
	if w.Path != link {
		t.Errorf("Path = %s, want the link %s", w.Path, link)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// A link to a file not written yet: the save creates the file.
	dangling := filepath.Join(dir, "new-link.yaml")
	if err := os.Symlink("new.yaml", dangling); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(dangling); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(readFile(t, filepath.Join(dir, "new.yaml")), "Edited") {
		t.Errorf("the dangling link's target was not created")
	}
}

// TestCheckSaveAs covers what a Save As dialog asks before anything is
// written (issue 9 item 2: the dialog emptied the chosen file).
func TestCheckSaveAs(t *testing.T) {
	dir := t.TempDir()
	own, w := writeSeed(t, dir, "own.yaml", 0o644)
	other := filepath.Join(dir, "other.yaml")
	os.WriteFile(other, []byte("other\n"), 0o644)
	ro := filepath.Join(dir, "ro.yaml")
	os.WriteFile(ro, []byte("ro\n"), 0o444)
	link := filepath.Join(dir, "link.yaml")
	os.Symlink("other.yaml", link)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)

	tests := []struct {
		name, path string
		want       SaveTarget
		ask        bool
	}{
		{"new file", filepath.Join(dir, "new.yaml"), SaveTarget{Path: filepath.Join(dir, "new.yaml")}, false},
		{"its own file", own, SaveTarget{Path: own, Exists: true, Own: true}, false},
		{"another file: ask", other, SaveTarget{Path: other, Exists: true}, true},
		{"read-only: ask", ro, SaveTarget{Path: ro, Exists: true, ReadOnly: true}, true},
		{"a link to another file", link, SaveTarget{Path: other, Exists: true}, true},
		{"no extension", filepath.Join(dir, "other"), SaveTarget{Path: filepath.Join(dir, "other")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.CheckSaveAs(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || got.Ask() != tt.ask {
				t.Errorf("CheckSaveAs = %+v (ask %v), want %+v (ask %v)", got, got.Ask(), tt.want, tt.ask)
			}
		})
	}
	for _, bad := range []struct{ name, path, want string }{
		{"a directory", filepath.Join(dir, "sub"), "is a directory"},
		{"a missing directory", filepath.Join(dir, "nope", "x.yaml"), "no such file or directory"},
	} {
		if _, err := w.CheckSaveAs(bad.path); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err = %v, want %q", bad.name, err, bad.want)
		}
	}
	// Nothing was written: not the other file, not the read-only one.
	if readFile(t, other) != "other\n" || readFile(t, ro) != "ro\n" {
		t.Errorf("CheckSaveAs wrote to a file")
	}
}

// TestCheckSaveAsRefusesImportSource: the serverless.yml a workspace came
// from is refused before anything is written, by any name (a link to it).
func TestCheckSaveAsRefusesImportSource(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "serverless.yml")
	data := readFile(t, "testdata/simple-chat.serverless.yml")
	os.WriteFile(src, []byte(data), 0o644)
	link := filepath.Join(dir, "alias.yml")
	os.Symlink("serverless.yml", link)
	w, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{src, link, filepath.Join(dir, ".", "serverless.yml")} {
		if _, err := w.CheckSaveAs(p); !errors.Is(err, ErrImportSource) {
			t.Errorf("CheckSaveAs(%s) = %v, want ErrImportSource", p, err)
		}
		if err := w.Save(p); !errors.Is(err, ErrImportSource) {
			t.Errorf("Save(%s) = %v, want ErrImportSource", p, err)
		}
	}
	if readFile(t, src) != data {
		t.Errorf("the serverless.yml changed")
	}
	if _, err := w.CheckSaveAs(filepath.Join(dir, "template.yaml")); err != nil {
		t.Errorf("a new file: %v", err)
	}
}
