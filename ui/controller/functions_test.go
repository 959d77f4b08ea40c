package controller

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wsworkbench/emulator/dynamo/dynamotest"
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
	h.c.TLS.Set(true, func(err error) { result, finished = err, true })
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
	if err := h.c.Files.OpenSample("sample.yaml", mustRead(t, "../../assets/sample.yaml"), true); err != nil {
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

// dynamoWorkspace copies the local functions' workspace into a directory of
// its own, with a DynamoDB table and dynamodbEndpoint set to endpoint.
func dynamoWorkspace(t *testing.T, endpoint string) string {
	t.Helper()
	src := filepath.Dir(localWorkspace(t))
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "template.yaml")
	text := "Metadata:\n  wsworkbench:\n    settings:\n      dynamodbEndpoint: " + endpoint + "\n" +
		string(mustRead(t, path)) + `  Messages:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: messages
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// dynamoLog returns what the echo function printed about its DynamoDB
// endpoint on its next call.
func dynamoLog(t *testing.T, h *harness) string {
	t.Helper()
	sub := h.c.Server.Gateway().Subscribe(256)
	defer sub.Close()
	roundTrip(t, h, `{"action":"hello"}`)
	for {
		e := <-sub.C()
		if e.Lambda != nil && e.Lambda.Log != "" {
			for line := range strings.SplitSeq(e.Lambda.Log, "\n") {
				if _, ok := strings.CutPrefix(line, "dynamodb "); ok || strings.Contains(line, "\tdynamodb ") {
					return line
				}
			}
			t.Fatalf("no dynamodb line in the log:\n%s", e.Lambda.Log)
		}
	}
}

// TestWindowDynamoDBEndpoint: the workspace's dynamodbEndpoint gets its
// missing tables, as under serve, and the local functions get it as
// AWS_ENDPOINT_URL_DYNAMODB; changing it in the settings creates the tables
// at the new endpoint and restarts the functions with it.
func TestWindowDynamoDBEndpoint(t *testing.T) {
	first, second := dynamotest.New(t), dynamotest.New(t)
	path := dynamoWorkspace(t, first.URL)
	h := newHarness(t, func(o *Options) { o.File = path })
	h.waitFor("the tables", func() bool { return strings.Contains(h.c.Server.TablesNote(), "created table messages") })
	if got := first.Created(); !slices.Equal(got, []string{"messages"}) {
		t.Errorf("tables created %q, want [messages]", got)
	}
	if line := dynamoLog(t, h); !strings.HasSuffix(line, "dynamodb "+first.URL) {
		t.Errorf("the function's DynamoDB endpoint: %q, want %s", line, first.URL)
	}

	h.c.Workspace().API.Settings.DynamoDBEndpoint = second.URL
	h.c.Edited()
	h.waitFor("the tables at the new endpoint", func() bool { return len(second.Created()) == 1 })
	h.waitFor("the note", func() bool { return strings.Contains(h.c.Server.TablesNote(), second.URL) })
	if line := dynamoLog(t, h); !strings.HasSuffix(line, "dynamodb "+second.URL) {
		t.Errorf("after the edit, the function's DynamoDB endpoint: %q, want %s", line, second.URL)
	}
}

// TestWindowDynamoDBEndpointDown: an endpoint nobody answers at is said in
// the note; the functions still run.
func TestWindowDynamoDBEndpointDown(t *testing.T) {
	down := dynamotest.New(t)
	url := down.URL
	path := dynamoWorkspace(t, url)
	down.Close()
	h := newHarness(t, func(o *Options) { o.File = path })
	h.waitFor("the error", func() bool { return strings.Contains(h.c.Server.TablesNote(), "DynamoDB endpoint "+url+":") })
	if got := roundTrip(t, h, `{"action":"hello"}`); !strings.HasPrefix(got, "node: ") {
		t.Errorf("answer %q", got)
	}
}
