package workspace

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"wsworkbench/emulator/model"
)

// diffAPI returns "" when a and b are deeply equal, else a description of
// the first difference.
func diffAPI(a, b *model.API) string {
	if reflect.DeepEqual(a, b) {
		return ""
	}
	ja, _ := json.MarshalIndent(a, "", "  ")
	jb, _ := json.MarshalIndent(b, "", "  ")
	la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			lo := max(0, i-3)
			return fmt.Sprintf("first difference at JSON line %d:\n got: %s\nwant: %s\ncontext:\n%s", i+1, la[i], lb[i], strings.Join(la[lo:min(len(la), i+3)], "\n"))
		}
	}
	if len(la) != len(lb) {
		return fmt.Sprintf("JSON lengths differ: %d vs %d lines", len(la), len(lb))
	}
	return fmt.Sprintf("equal as JSON but not deeply equal (nil vs empty?):\n got: %#v\nwant: %#v", a, b)
}

// mustLoad loads a testdata file.
func mustLoad(t *testing.T, name string) *Workspace {
	t.Helper()
	w, err := Load("testdata/" + name)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return w
}

// mustParse parses src as file name.
func mustParse(t *testing.T, name, src string) *Workspace {
	t.Helper()
	w, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return w
}

// reload marshals w and parses the result, failing the test on error.
func reload(t *testing.T, w *Workspace) (*Workspace, string) {
	t.Helper()
	out, err := w.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	// Read back as a file beside the original: code paths are relative to it.
	name := "saved.yaml"
	if w.Path != "" {
		name = filepath.Join(filepath.Dir(w.Path), name)
	}
	back, err := Parse(name, out)
	if err != nil {
		t.Fatalf("Parse(Marshal()): %v\n%s", err, out)
	}
	return back, string(out)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
