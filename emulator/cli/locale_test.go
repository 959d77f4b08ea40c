package cli

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoLocaleErrorUnderCLocale runs the real binary with the C locales of
// Docker images and CI runners: nothing may be printed about the locale
// (issue 10: Fyne's init logged "Error parsing user locale C" on every run).
func TestNoLocaleErrorUnderCLocale(t *testing.T) {
	bin := wsworkbench(t)
	for _, env := range [][]string{
		{"LANG=C.UTF-8"},
		{"LANG=C.utf8"},
		{"LC_ALL=C.UTF-8"},
		{"LANG=POSIX"},
		{"LANG=C"},
	} {
		for _, args := range [][]string{{"serve", "--help"}, {"version"}} {
			cmd := exec.Command(bin, args...)
			cmd.Env = append(withoutLocale(os.Environ()), env...)
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("%v %v: %v\n%s", env, args, err, stderr.String())
			}
			if strings.Contains(strings.ToLower(stderr.String()), "locale") {
				t.Errorf("%v %v printed:\n%s", env, args, stderr.String())
			}
		}
	}
}

// withoutLocale drops the locale variables from env.
func withoutLocale(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if name == "LANG" || name == "LANGUAGE" || strings.HasPrefix(name, "LC_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// TestServePrintsImportWarnings: the warnings of a load reach serve's
// stderr, here the Framework's merge of a route two functions declare.
func TestServePrintsImportWarnings(t *testing.T) {
	s := startServe(t, "../workspace/testdata/duplicate-route.serverless.yml")
	s.line(t) // serving: it printed its URLs
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	for range s.lines {
	}
	if err := <-s.wait; err != nil { // stderr is complete once serve has exited
		t.Fatalf("serve: %v\n%s", err, s.stderr)
	}
	if want := `function multiCall2: route "makeMultiCalls" is also declared by function multiCall1 at ../workspace/testdata/duplicate-route.serverless.yml:25:18; the Framework merges the two and the last declaration wins`; !strings.Contains(s.stderr.String(), want) {
		t.Errorf("stderr lacks the merge warning:\n%s", s.stderr.String())
	}
}
