package interop

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// wscatPath returns the wscat npm installs in node_modules, with node.
func wscatPath(t *testing.T) string {
	t.Helper()
	needTool(t, "node", "node")
	return needTool(t, "wscat (npm, test/interop/package.json)", "node_modules/.bin/wscat")
}

// runWscat runs wscat with stdin held open until it exits (wscat quits as
// soon as its stdin closes, before any answer arrives).
func runWscat(t *testing.T, args ...string) result {
	t.Helper()
	wscat := wscatPath(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	res := run(t, 20*time.Second, append(os.Environ(), "NO_COLOR=1"), r, wscat, args...)
	r.Close()
	return res
}

// The seed template's transcript, as wscat prints it. Every answer is the
// one AWS gives for this template: the response templates' bodies, and the
// Forbidden frame (no route, no $default) with its exact spacing.
func TestWscatSeedTranscript(t *testing.T) {
	s := startServe(t, seedFile)
	sent := []string{
		`{"action": "message", "messageId": 1}`,
		`{"action": "message", "messageId": 2}`,
		`{"action":"message","messageId":"1"}`,
		`{"action": "nope", "messageId": 1}`,
		`hello`,
		`{"messageId": 2}`,
	}
	args := []string{"-c", s.WS}
	for _, m := range sent {
		args = append(args, "-x", m)
	}
	args = append(args, "-w", "2") // seconds to wait for the answers
	res := runWscat(t, args...)
	if res.Code != 0 || res.Stderr != "" {
		t.Fatalf("wscat exited %d\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	got := "$ wscat -c ws://127.0.0.1:PORT/production -w 2"
	for _, m := range sent {
		got += " \\\n    -x '" + m + "'"
	}
	got += "\n" + normalizeIDs(t, res.Stdout)
	compareGolden(t, "testdata/wscat-seed.golden", got)
}

// A person types into wscat: an unroutable message gets the Forbidden frame
// and the connection stays open for the next one.
func TestWscatTypedLinesAfterForbidden(t *testing.T) {
	s := startServe(t, seedFile)
	wscat := wscatPath(t)
	in, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd, _ := command(t, 20*time.Second, append(os.Environ(), "NO_COLOR=1"), wscat, "-c", s.WS)
	cmd.Stdin, cmd.Stdout = in, outW
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in.Close()
	outW.Close()
	defer func() {
		w.Close()
		_ = cmd.Wait()
		outR.Close()
	}()
	lines := bufio.NewScanner(outR)
	readLine := func() string {
		t.Helper()
		got := make(chan string, 1)
		go func() {
			if lines.Scan() {
				// readline writes its prompt "> " even when stdout is no terminal.
				got <- strings.TrimLeft(lines.Text(), "> ")
			}
			close(got)
		}()
		select {
		case l, ok := <-got:
			if !ok {
				t.Fatalf("wscat ended its output; stderr:\n%s", stderr)
			}
			return l
		case <-time.After(10 * time.Second):
			t.Fatalf("wscat printed nothing within 10 s; stderr:\n%s", stderr)
		}
		return ""
	}
	// wscat reads typed lines only once connected (earlier ones are lost) and
	// says nothing on connect when stdout is not a terminal: wait for the
	// gateway to accept it.
	s.waitEvent(t, "connect", "accepted")
	fmt.Fprintln(w, `My name is John`)
	forbidden := regexp.MustCompile(`^\{"message": "Forbidden", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$`)
	if l := readLine(); !forbidden.MatchString(l) {
		t.Fatalf("after an unroutable line wscat printed %q, want the Forbidden frame", l)
	}
	fmt.Fprintln(w, `{"action":"message","messageId":2}`)
	if l := readLine(); l != `{"message": "Hi!"}` {
		t.Fatalf("after the Forbidden frame wscat printed %q, want {\"message\": \"Hi!\"} on the same connection", l)
	}
}

// A stage the API does not have refuses the upgrade.
func TestWscatWrongStageRefused(t *testing.T) {
	s := startServe(t, seedFile)
	wrong := "ws://" + s.Host + "/staging"
	res := runWscat(t, "-c", wrong, "-x", `{"action":"message","messageId":1}`, "-w", "1")
	if res.Code == 0 {
		t.Fatalf("wscat to %s exited 0, want a refused connection\nstdout:\n%s", wrong, res.Stdout)
	}
	if !strings.Contains(res.Stderr, "Unexpected server response: 403") {
		t.Fatalf("wscat to %s: stderr %q, want \"Unexpected server response: 403\"", wrong, res.Stderr)
	}
	if res.Stdout != "" {
		t.Fatalf("wscat to %s printed %q, want no frames", wrong, res.Stdout)
	}
}

var idPattern = regexp.MustCompile(`"(connectionId|requestId)":"([^"]*)"`)

// normalizeIDs replaces connection and request IDs by stable placeholders,
// after checking each has API Gateway's form (16 characters of URL-safe
// base64 ending in "="), that one connection has one connection ID, and that
// every request ID is new.
func normalizeIDs(t *testing.T, s string) string {
	t.Helper()
	wellFormed := regexp.MustCompile(`^[A-Za-z0-9_-]{15}=$`)
	names := map[string]string{}
	requests := 0
	return idPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := idPattern.FindStringSubmatch(m)
		kind, id := sub[1], sub[2]
		if !wellFormed.MatchString(id) {
			t.Errorf("%s %q is not 16 characters of URL-safe base64 ending in =", kind, id)
		}
		name, seen := names[id]
		switch {
		case !seen && kind == "connectionId":
			name = "<connectionId>"
			for _, n := range names {
				if n == name {
					t.Errorf("a second connectionId %q on one connection", id)
				}
			}
		case !seen:
			requests++
			name = fmt.Sprintf("<requestId %d>", requests)
		case kind == "requestId":
			t.Errorf("requestId %q used twice", id)
		}
		names[id] = name
		return `"` + kind + `":"` + name + `"`
	})
}

// compareGolden compares got with a golden file, or rewrites it under -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to create it, then check it by hand)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
