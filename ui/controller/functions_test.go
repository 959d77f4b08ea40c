package controller

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// localWorkspace is the test workspace with a Node.js function behind
// $default and a Python one behind the route "py".
func localWorkspace(t *testing.T) string {
	t.Helper()
	for _, prog := range []string{"node", "python3"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Fatalf("%s is needed (scripts/setup.sh installs it): %v", prog, err)
		}
	}
	path, err := filepath.Abs(filepath.Join("testdata", "localfn", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// childProcesses counts this process's children (the function instances:
// the controller starts no other process).
func childProcesses(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc to count processes in")
	}
	me := strconv.Itoa(os.Getpid())
	n := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == me && fields[0] != "Z" {
			n++
		}
	}
	return n
}

// TestWindowRunsLocalFunctions: a workspace whose functions have local code
// answers through its routes in the window as under serve, Node.js and
// Python alike, and each call's event carries the function's print.
func TestWindowRunsLocalFunctions(t *testing.T) {
	path := localWorkspace(t)
	h := newHarness(t, func(o *Options) { o.File = path })
	if h.c.Server.Functions() == nil {
		t.Fatalf("no runner for %s (note %q)", path, h.c.Server.FunctionsNote())
	}
	sub := h.c.Server.Gateway().Subscribe(256)
	defer sub.Close()
	if got := roundTrip(t, h, `{"action":"hello"}`); got != `node: {"action":"hello"} no-ca` {
		t.Errorf("Node answer %q", got)
	}
	if got := roundTrip(t, h, `{"action":"py","data":"hi"}`); got != "python: hi" {
		t.Errorf("Python answer %q", got)
	}
	var logs []string
	for len(logs) < 2 {
		e := <-sub.C()
		if e.Lambda != nil && e.Lambda.Log != "" {
			logs = append(logs, e.Lambda.Log)
		}
	}
	for i, want := range []string{`node got {"action":"hello"}`, `python got {"action":"py","data":"hi"}`} {
		if !strings.Contains(logs[i], want) || !strings.Contains(logs[i], "REPORT RequestId:") {
			t.Errorf("call %d's log lacks %q and its REPORT line:\n%s", i, want, logs[i])
		}
	}
}

// TestFunctionsFollowWorkspaceAndTLS: switching to another workspace stops
// the functions' processes and leaves no runner; turning TLS on gives the
// functions the certificate as their CA bundle.
func TestFunctionsFollowWorkspaceAndTLS(t *testing.T) {
	path := localWorkspace(t)
	h := newHarness(t, func(o *Options) { o.File = path })
	roundTrip(t, h, `{"action":"hello"}`)
	if n := childProcesses(t); n != 1 {
		t.Fatalf("%d function processes after one call, want 1", n)
	}

	var result error
	finished := false
	h.c.Server.SetTLS(true, func(err error) { result, finished = err, true })
	h.waitFor("the TLS restart", func() bool { return finished })
	if result != nil {
		t.Fatal(result)
	}
	if h.changes&ChangeFunctions == 0 {
		t.Error("no ChangeFunctions after the TLS restart")
	}
	if got := roundTrip(t, h, `{"action":"tls"}`); got != `node: {"action":"tls"} ca` {
		t.Errorf("answer over TLS %q: the function lacks NODE_EXTRA_CA_CERTS", got)
	}

	old := h.c.Server.Functions()
	if err := h.c.OpenSample("sample.yaml", mustRead(t, "../../assets/sample.yaml"), true); err != nil {
		t.Fatal(err)
	}
	if h.c.Server.Functions() != nil {
		t.Error("the sample has a runner of functions")
	}
	h.c.bg.Wait() // the old runner closes on a goroutine of its own
	if n := childProcesses(t); n != 0 {
		t.Errorf("%d function processes after the switch, want 0", n)
	}
	if old.Has("EchoFunction") == false {
		t.Error("the old runner forgot its functions")
	}
}

// TestCloseStopsFunctions: closing the controller (quitting the window)
// leaves no function process behind.
func TestCloseStopsFunctions(t *testing.T) {
	path := localWorkspace(t)
	h := newHarness(t, func(o *Options) { o.File = path })
	roundTrip(t, h, `{"action":"hello"}`)
	roundTrip(t, h, `{"action":"py","data":"x"}`)
	if n := childProcesses(t); n != 2 {
		t.Fatalf("%d function processes after two calls, want 2", n)
	}
	h.c.Close()
	if n := childProcesses(t); n != 0 {
		t.Errorf("%d function processes after Close, want 0", n)
	}
	if h.c.Server.Functions() != nil {
		t.Error("a runner is left after Close")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
