package localfn

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// writeCode writes files (name → content) into a new code directory.
func writeCode(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// needProgram fails the test when a language the runner needs is missing:
// scripts/setup.sh installs them all.
func needProgram(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not on PATH (scripts/setup.sh installs it): %v", name, err)
	}
}

// testTimeout is the function timeout of tests that do not test timeouts:
// long, so a loaded machine (slow process starts under -race) does not
// turn a slow answer into a timeout.
const testTimeout = time.Minute

// newRunner returns a runner for fns, closed when the test ends. A
// function without a Timeout gets testTimeout.
func newRunner(t testing.TB, opts Options, fns ...Function) *Runner {
	t.Helper()
	for i := range fns {
		if fns[i].Timeout == 0 {
			fns[i].Timeout = testTimeout
		}
	}
	if opts.CacheDir == "" {
		opts.CacheDir = t.TempDir()
	}
	if opts.ReloadInterval == 0 {
		opts.ReloadInterval = -1
	}
	r, err := New(fns, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// invoke calls fn with payload and fails the test on a call error.
func invoke(t testing.TB, r *Runner, fn, payload string) (map[string]any, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, fnErr, log, err := r.Invoke(ctx, fn, []byte(payload))
	if err != nil {
		t.Fatalf("invoke %s: %v", fn, err)
	}
	var m map[string]any
	if err := json.Unmarshal(res, &m); err != nil {
		t.Fatalf("invoke %s: result %q is not a JSON object: %v\nlog:\n%s", fn, res, err, log)
	}
	return m, fnErr, log
}

// reportLine is a cold start's REPORT line, as CloudWatch Logs shows it.
var reportLine = regexp.MustCompile(`^REPORT RequestId: [0-9a-f-]{36}\tDuration: [0-9.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: [1-9]\d* MB\tInit Duration: [0-9.]+ ms$`)

const nodeEcho = `
exports.handler = async (event, context) => {
  console.log('got', JSON.stringify(event));
  return {
    event,
    pid: process.pid,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    remaining: context.getRemainingTimeInMillis(),
    env: {
      TZ: process.env.TZ, AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION,
      TABLE_NAME: process.env.TABLE_NAME, AWS_LAMBDA_FUNCTION_NAME: process.env.AWS_LAMBDA_FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      AWS_LAMBDA_FUNCTION_VERSION: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      _HANDLER: process.env._HANDLER, LAMBDA_TASK_ROOT: process.env.LAMBDA_TASK_ROOT,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_LAMBDA_RUNTIME_API: process.env.AWS_LAMBDA_RUNTIME_API,
    },
  };
};
`

// TestLanguagesAnswer runs one handler per language and checks the event,
// the context and Lambda's environment reach it, and its print reaches the
// log between START and END.
func TestLanguagesAnswer(t *testing.T) {
	cases := []struct {
		name, runtime, program, handler string
		files                           map[string]string
	}{
		{"node async", "nodejs20.x", "node", "app.handler", map[string]string{"app.js": nodeEcho}},
		{"node callback", "nodejs18.x", "node", "src/cb.main", map[string]string{"src/cb.js": `
exports.main = function (event, context, callback) {
  console.log('got', JSON.stringify(event));
  setTimeout(() => callback(null, { event, pid: process.pid, requestId: context.awsRequestId, functionName: context.functionName,
    remaining: context.getRemainingTimeInMillis(), env: { TZ: process.env.TZ, AWS_REGION: process.env.AWS_REGION,
    AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION, TABLE_NAME: process.env.TABLE_NAME,
    AWS_LAMBDA_FUNCTION_NAME: process.env.AWS_LAMBDA_FUNCTION_NAME } }), 5);
};`}},
		{"node esm", "nodejs20.x", "node", "app.handler", map[string]string{"app.mjs": `
export const handler = async (event, context) => { console.log('got', JSON.stringify(event));
  return { event, pid: process.pid, requestId: context.awsRequestId, functionName: context.functionName,
    remaining: context.getRemainingTimeInMillis(), env: { TZ: process.env.TZ, AWS_REGION: process.env.AWS_REGION,
    AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION, TABLE_NAME: process.env.TABLE_NAME,
    AWS_LAMBDA_FUNCTION_NAME: process.env.AWS_LAMBDA_FUNCTION_NAME } }; };`}},
		{"python", "python3.12", "python3", "pkg/app.handler", map[string]string{"pkg/app.py": `
import json, os
def handler(event, context):
    print("got", json.dumps(event, separators=(",", ":")))
    return {"event": event, "pid": os.getpid(), "requestId": context.aws_request_id,
            "functionName": context.function_name, "remaining": context.get_remaining_time_in_millis(),
            "env": {k: os.environ.get(k) for k in ("TZ", "AWS_REGION", "AWS_DEFAULT_REGION", "TABLE_NAME", "AWS_LAMBDA_FUNCTION_NAME")}}
`}},
		{"ruby", "ruby3.2", "ruby", "app.handler", map[string]string{"app.rb": `
require 'json'
def handler(event:, context:)
  puts "got #{JSON.generate(event)}"
  { event: event, pid: Process.pid, requestId: context.aws_request_id, functionName: context.function_name,
    remaining: context.get_remaining_time_in_millis,
    env: %w[TZ AWS_REGION AWS_DEFAULT_REGION TABLE_NAME AWS_LAMBDA_FUNCTION_NAME].to_h { |k| [k, ENV[k]] } }
end
`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			needProgram(t, c.program)
			dir := writeCode(t, c.files)
			r := newRunner(t, Options{Region: "eu-west-1"}, Function{Name: "Echo", Runtime: c.runtime, Handler: c.handler,
				CodeDir: dir, Env: map[string]string{"TABLE_NAME": "connections", "TZ": "Europe/Paris"}})
			m, fnErr, log := invoke(t, r, "Echo", `{"hello":"world"}`)
			if fnErr != "" {
				t.Fatalf("function error %s: %v\nlog:\n%s", fnErr, m, log)
			}
			if ev, _ := m["event"].(map[string]any); ev["hello"] != "world" {
				t.Errorf("event = %v, want hello: world", m["event"])
			}
			if m["functionName"] != "Echo" {
				t.Errorf("functionName = %v", m["functionName"])
			}
			if rem, _ := m["remaining"].(float64); rem <= 0 || rem > float64(testTimeout/time.Millisecond) {
				t.Errorf("remaining = %v, want 0 < ms <= %d", m["remaining"], testTimeout/time.Millisecond)
			}
			env, _ := m["env"].(map[string]any)
			want := map[string]string{"TZ": ":UTC", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
				"TABLE_NAME": "connections", "AWS_LAMBDA_FUNCTION_NAME": "Echo"}
			for k, v := range want {
				if env[k] != v {
					t.Errorf("env %s = %v, want %q", k, env[k], v)
				}
			}
			id, _ := m["requestId"].(string)
			if id == "" {
				t.Fatal("no request ID in the context")
			}
			lines := strings.Split(strings.TrimSpace(log), "\n")
			if len(lines) < 4 || lines[0] != "START RequestId: "+id+" Version: $LATEST" ||
				lines[len(lines)-2] != "END RequestId: "+id || !reportLine.MatchString(lines[len(lines)-1]) || !strings.Contains(lines[len(lines)-1], id) {
				t.Fatalf("log is not framed by START/END/REPORT for %s:\n%s", id, log)
			}
			if !strings.Contains(log, `got {"hello":"world"}`) {
				t.Errorf("the handler's print is not in the log:\n%s", log)
			}
			if !strings.Contains(lines[len(lines)-1], "Init Duration: ") {
				t.Errorf("a cold start's REPORT has no Init Duration: %s", lines[len(lines)-1])
			}
			// The second call is warm: same process, no init.
			m2, _, log2 := invoke(t, r, "Echo", `{"n":2}`)
			if m2["pid"] != m["pid"] {
				t.Errorf("second call ran in pid %v, first in %v: the warm instance was not reused", m2["pid"], m["pid"])
			}
			if strings.Contains(log2, "Init Duration") {
				t.Errorf("a warm call's REPORT has an Init Duration:\n%s", log2)
			}
			if strings.Contains(log2, `"hello"`) {
				t.Errorf("the second call's log holds the first call's output:\n%s", log2)
			}
		})
	}
}

// TestNodeEnvironment checks the reserved variables a Node handler sees.
func TestNodeEnvironment(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": nodeEcho})
	r := newRunner(t, Options{Env: map[string]string{"NODE_EXTRA_CA_CERTS": "/x/cert.pem"}},
		Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir, MemoryMB: 256,
			Env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "overridden?"}})
	m, _, _ := invoke(t, r, "Fn", `{}`)
	env := m["env"].(map[string]any)
	for k, v := range map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "Fn", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "_HANDLER": "app.handler", "LAMBDA_TASK_ROOT": dir,
		"AWS_ACCESS_KEY_ID": "AKIAWSWORKBENCHLOCAL", "AWS_REGION": "us-east-1"} {
		if env[k] != v {
			t.Errorf("%s = %v, want %q", k, env[k], v)
		}
	}
	if api, _ := env["AWS_LAMBDA_RUNTIME_API"].(string); !strings.HasPrefix(api, "127.0.0.1:") {
		t.Errorf("AWS_LAMBDA_RUNTIME_API = %q, want a loopback address", api)
	}
}

// TestFunctionErrors checks each way a function fails comes back as Lambda
// reports it.
func TestFunctionErrors(t *testing.T) {
	cases := []struct {
		name, runtime, program, handler string
		files                           map[string]string
		timeout                         time.Duration
		wantType, wantMsg               string
		wantKey                         string // a key the error object must have
		wantLog                         string
		codeDir                         string // relative to the written files, when not the files' directory
	}{
		{name: "node throws", runtime: "nodejs20.x", program: "node", handler: "app.handler",
			files:    map[string]string{"app.js": `exports.handler = async () => { throw new TypeError('bad thing'); };`},
			wantType: "TypeError", wantMsg: "bad thing", wantKey: "trace", wantLog: "Invoke Error"},
		{name: "node callback error", runtime: "nodejs20.x", program: "node", handler: "app.handler",
			files:    map[string]string{"app.js": `exports.handler = (e, c, cb) => cb(new Error('nope'));`},
			wantType: "Error", wantMsg: "nope", wantKey: "trace"},
		{name: "node crash", runtime: "nodejs20.x", program: "node", handler: "app.handler",
			files:    map[string]string{"app.js": `exports.handler = async () => { console.log('before'); process.exit(3); };`},
			wantType: "Runtime.ExitError", wantMsg: "Runtime exited with error: exit status 3", wantLog: "before"},
		{name: "node timeout", runtime: "nodejs20.x", program: "node", handler: "app.handler", timeout: time.Second,
			files:    map[string]string{"app.js": `exports.handler = () => new Promise(() => { console.log('waiting'); setInterval(() => {}, 1000); });`},
			wantType: "Sandbox.Timedout", wantMsg: "Task timed out after 1.00 seconds", wantLog: "Task timed out after 1.00 seconds"},
		{name: "node init error", runtime: "nodejs20.x", program: "node", handler: "app.handler",
			files:    map[string]string{"app.js": `throw new Error('cannot init');`},
			wantType: "Error", wantMsg: "cannot init"},
		{name: "node syntax error", runtime: "nodejs20.x", program: "node", handler: "app.handler",
			files:    map[string]string{"app.js": `exports.handler = async () => {`},
			wantType: "Runtime.UserCodeSyntaxError", wantMsg: "Unexpected end of input"},
		{name: "node missing module", runtime: "nodejs20.x", program: "node", handler: "nothere.handler",
			files:    map[string]string{"app.js": ``},
			wantType: "Runtime.ImportModuleError", wantMsg: "Cannot find module 'nothere'"},
		{name: "node missing handler", runtime: "nodejs20.x", program: "node", handler: "app.nothere",
			files:    map[string]string{"app.js": `exports.handler = 1;`},
			wantType: "Runtime.HandlerNotFound", wantMsg: "app.nothere is undefined or not exported"},
		{name: "python raises", runtime: "python3.11", program: "python3", handler: "app.handler",
			files:    map[string]string{"app.py": "def handler(event, context):\n    raise ValueError('bad value')\n"},
			wantType: "ValueError", wantMsg: "bad value", wantKey: "stackTrace", wantLog: "bad value"},
		{name: "python unserialisable result", runtime: "python3.11", program: "python3", handler: "app.handler",
			files:    map[string]string{"app.py": "def handler(event, context):\n    return {'s': {1, 2}}\n"},
			wantType: "Runtime.MarshalError", wantMsg: "Unable to marshal response: Object of type set is not JSON serializable"},
		{name: "python import error", runtime: "python3.11", program: "python3", handler: "app.handler",
			files:    map[string]string{"app.py": "import no_such_module\n"},
			wantType: "Runtime.ImportModuleError", wantMsg: "Unable to import module 'app'"},
		{name: "ruby raises", runtime: "ruby3.2", program: "ruby", handler: "app.handler",
			files:    map[string]string{"app.rb": "def handler(event:, context:)\n  raise ArgumentError, 'bad arg'\nend\n"},
			wantType: "Function<ArgumentError>", wantMsg: "bad arg", wantKey: "stackTrace"},
		{name: "code directory missing", runtime: "nodejs20.x", handler: "app.handler", files: map[string]string{"x/app.js": ""},
			wantType: "Runtime.InvalidEntrypoint", wantMsg: "code directory", codeDir: "nowhere"},
		{name: "java unsupported", runtime: "java17", handler: "x.Handler::handle", files: map[string]string{"A.java": ""},
			wantType: "Runtime.Unsupported", wantMsg: "runtime java17 is not supported by the workbench"},
		{name: "provided without bootstrap", runtime: "provided.al2023", handler: "x", files: map[string]string{"main.go": ""},
			wantType: "Runtime.InvalidEntrypoint", wantMsg: "needs an executable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.program != "" {
				needProgram(t, c.program)
			}
			dir := filepath.Join(writeCode(t, c.files), c.codeDir)
			r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: c.runtime, Handler: c.handler, CodeDir: dir, Timeout: c.timeout})
			for round := 0; round < 2; round++ { // a failed instance is replaced: the second call fails the same way
				m, fnErr, log := invoke(t, r, "Fn", `{}`)
				if fnErr != "Unhandled" {
					t.Fatalf("round %d: function error = %q, want Unhandled (result %v)", round, fnErr, m)
				}
				if m["errorType"] != c.wantType {
					t.Errorf("round %d: errorType = %v, want %s", round, m["errorType"], c.wantType)
				}
				if msg, _ := m["errorMessage"].(string); !strings.Contains(msg, c.wantMsg) {
					t.Errorf("round %d: errorMessage = %q, want it to contain %q", round, msg, c.wantMsg)
				}
				if _, ok := m[c.wantKey]; c.wantKey != "" && !ok {
					t.Errorf("round %d: error object %v has no %s", round, m, c.wantKey)
				}
				if !strings.Contains(log, c.wantLog) || !strings.HasPrefix(log, "START RequestId: ") || !strings.Contains(log, "\nREPORT RequestId: ") {
					t.Errorf("round %d: log does not hold %q in its frame:\n%s", round, c.wantLog, log)
				}
			}
		})
	}
}

// TestTimeoutKillsProcessGroup checks a timeout kills the instance and the
// processes it started, and the next call gets a fresh instance.
func TestTimeoutKillsProcessGroup(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `
const { spawn } = require('child_process');
exports.handler = async (event) => {
  if (event.hang) {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    require('fs').writeFileSync(event.pidFile, process.pid + ' ' + child.pid);
    await new Promise(() => {});
  }
  return { pid: process.pid };
};`})
	r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir, Timeout: 3 * time.Second})
	pidFile := filepath.Join(t.TempDir(), "pids")
	payload, _ := json.Marshal(map[string]any{"hang": true, "pidFile": pidFile})
	m, fnErr, _ := invoke(t, r, "Fn", string(payload))
	if fnErr == "" || !strings.Contains(m["errorMessage"].(string), "Task timed out after 3.00 seconds") {
		t.Fatalf("got %v (%s), want the timeout error", m, fnErr)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range strings.Fields(string(b)) {
		pid, _ := strconv.Atoi(f)
		waitGone(t, pid)
	}
	m, fnErr, _ = invoke(t, r, "Fn", `{}`)
	if fnErr != "" || m["pid"] == nil {
		t.Fatalf("the call after a timeout got %v (%s), want an answer from a new instance", m, fnErr)
	}
}

// waitGone fails unless process pid is gone (or a zombie) within 5 s.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && strings.Contains(string(st), ") Z ") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("process %d still runs", pid)
}

// TestCloseLeavesNoProcesses checks Close kills busy instances and what they
// started.
func TestCloseLeavesNoProcesses(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `
const { spawn } = require('child_process');
exports.handler = async (event) => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  require('fs').writeFileSync(event.pidFile, process.pid + ' ' + child.pid);
  await new Promise(() => {});
};`})
	r, err := New([]Function{{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir, Timeout: time.Minute}},
		Options{CacheDir: t.TempDir(), ReloadInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(t.TempDir(), "pids")
	payload, _ := json.Marshal(map[string]any{"pidFile": pidFile})
	done := make(chan error, 1)
	go func() {
		_, fe, _, err := r.Invoke(context.Background(), "Fn", payload)
		if err == nil && fe == "" {
			err = errors.New("the call answered")
		}
		done <- nil
	}()
	var b []byte
	for deadline := time.Now().Add(10 * time.Second); len(strings.Fields(string(b))) < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the handler never wrote its pids")
		}
		time.Sleep(10 * time.Millisecond)
		b, _ = os.ReadFile(pidFile)
	}
	r.Close()
	<-done
	for _, f := range strings.Fields(string(b)) {
		pid, _ := strconv.Atoi(f)
		waitGone(t, pid)
	}
	if _, _, _, err := r.Invoke(context.Background(), "Fn", nil); err == nil {
		t.Error("Invoke after Close succeeded")
	}
}

// TestConcurrentInstances sends 20 calls at once to one function: they all
// answer, no instance runs two at a time, and at most 4 instances (or the
// reserved concurrency) start.
func TestConcurrentInstances(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `
let busy = false;
exports.handler = async (event) => {
  if (busy) throw new Error('two invocations at once in one instance');
  busy = true;
  await new Promise((r) => setTimeout(r, 30));
  busy = false;
  return { pid: process.pid, n: event.n };
};`})
	for _, c := range []struct {
		name     string
		reserved int
		want     int
	}{{"default", 0, 4}, {"reserved 2", 2, 2}} {
		t.Run(c.name, func(t *testing.T) {
			r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir,
				ReservedConcurrency: c.reserved})
			var mu sync.Mutex
			pids := map[float64]bool{}
			var wg sync.WaitGroup
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					m, fnErr, log := invoke(t, r, "Fn", `{"n":`+strconv.Itoa(i)+`}`)
					if fnErr != "" || m["n"] != float64(i) {
						t.Errorf("call %d: %v (%s)\n%s", i, m, fnErr, log)
						return
					}
					mu.Lock()
					pids[m["pid"].(float64)] = true
					mu.Unlock()
				}()
			}
			wg.Wait()
			if len(pids) > c.want || len(pids) == 0 {
				t.Errorf("%d instances ran, want 1 to %d", len(pids), c.want)
			}
		})
	}
}

// TestHotReload changes a handler between two calls: the second call runs
// the new code in a new instance, without a new Runner.
func TestHotReload(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `exports.handler = async () => ({ v: 1, pid: process.pid });`})
	reloaded := make(chan string, 1)
	r := newRunner(t, Options{ReloadInterval: 20 * time.Millisecond, OnReload: func(fn string) { reloaded <- fn }},
		Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir})
	m1, _, _ := invoke(t, r, "Fn", `{}`)
	if m1["v"] != float64(1) {
		t.Fatalf("first call: %v", m1)
	}
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte(`exports.handler = async () => ({ v: 2, pid: process.pid });`), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case fn := <-reloaded:
		if fn != "Fn" {
			t.Fatalf("reloaded %q", fn)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the change was not noticed")
	}
	m2, _, log := invoke(t, r, "Fn", `{}`)
	if m2["v"] != float64(2) || m2["pid"] == m1["pid"] {
		t.Fatalf("after the change: %v (before %v), want v 2 from a new process", m2, m1)
	}
	if !strings.Contains(log, "Init Duration") {
		t.Errorf("the call after a reload is not a cold start:\n%s", log)
	}
}

// TestInlineCode runs CloudFormation's Code.ZipFile for Node.js and Python.
func TestInlineCode(t *testing.T) {
	cases := []struct{ runtime, program, code string }{
		{"nodejs20.x", "node", `exports.handler = async (e) => ({ lang: 'node', got: e.x });`},
		{"python3.12", "python3", "def handler(event, context):\n    return {'lang': 'python', 'got': event['x']}\n"},
	}
	for _, c := range cases {
		t.Run(c.runtime, func(t *testing.T) {
			needProgram(t, c.program)
			r := newRunner(t, Options{}, Function{Name: "Inline", Runtime: c.runtime, Handler: "index.handler", InlineCode: c.code})
			m, fnErr, _ := invoke(t, r, "Inline", `{"x":7}`)
			if fnErr != "" || m["got"] != float64(7) {
				t.Fatalf("got %v (%s)", m, fnErr)
			}
		})
	}
}

// TestLogCap checks one invocation's output is capped and says so.
func TestLogCap(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `exports.handler = async () => { process.stdout.write('x'.repeat(5000) + '\n'); return {}; };`})
	r := newRunner(t, Options{LogLimit: 1000}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir})
	_, _, log := invoke(t, r, "Fn", `{}`)
	if !strings.Contains(log, strings.Repeat("x", 1000)+"\n[wsworkbench: 4001 more bytes of output dropped") || strings.Contains(log, strings.Repeat("x", 1001)) {
		t.Fatalf("log not capped at 1000 bytes:\n…%s", log[max(0, len(log)-400):])
	}
}

// TestCallerGivesUp checks a caller whose context ends gets its error at
// once while the function runs on, and the instance is reused afterwards.
func TestCallerGivesUp(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.wait || 0)); return { pid: process.pid }; };`})
	r := newRunner(t, Options{MaxInstances: 1}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir})
	first, _, _ := invoke(t, r, "Fn", `{}`)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, _, err := r.Invoke(ctx, "Fn", []byte(`{"wait":300}`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	m, _, _ := invoke(t, r, "Fn", `{}`)
	if m["pid"] != first["pid"] {
		t.Errorf("pid %v after the abandoned call, want the same instance %v", m["pid"], first["pid"])
	}
}

// TestUnknownFunction checks a name the runner does not have is a call
// error, not a function error.
func TestUnknownFunction(t *testing.T) {
	r := newRunner(t, Options{})
	if r.Has("Nope") {
		t.Fatal("Has(Nope)")
	}
	if _, _, _, err := r.Invoke(context.Background(), "Nope", nil); err == nil {
		t.Fatal("no error for an unknown function")
	}
}

// TestGoCustomRuntime runs a Go program built with aws-lambda-go as a
// provided.al2023 function's bootstrap.
func TestGoCustomRuntime(t *testing.T) {
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bootstrap"), "./testdata/gofn")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	r := newRunner(t, Options{}, Function{Name: "GoFn", Runtime: "provided.al2023", Handler: "bootstrap", CodeDir: dir})
	m, fnErr, log := invoke(t, r, "GoFn", `{"name":"gopher"}`)
	if fnErr != "" || m["greeting"] != "hello gopher" || m["function"] != "GoFn" || m["region"] != "us-east-1" || m["deadline"] != true {
		t.Fatalf("got %v (%s)\n%s", m, fnErr, log)
	}
	if !strings.Contains(log, "hello from go, gopher") {
		t.Errorf("the program's output is not in the log:\n%s", log)
	}
	m, fnErr, _ = invoke(t, r, "GoFn", `{"name":"x","fail":true}`)
	if fnErr != "Unhandled" || m["errorMessage"] != "go says no" || m["errorType"] != "errorString" {
		t.Fatalf("got %v (%s), want aws-lambda-go's error object", m, fnErr)
	}
}

// TestIdleInstanceThatExitedIsReplaced: an idle instance whose process
// died (killed from outside, or a runtime that quits after answering) does
// not fail the next call, which starts a fresh instance.
func TestIdleInstanceThatExitedIsReplaced(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `exports.handler = async () => ({ pid: process.pid });`})
	r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir})
	first, fnErr, _ := invoke(t, r, "Fn", `{}`)
	if fnErr != "" {
		t.Fatalf("first call: %v", first)
	}
	pid := int(first["pid"].(float64))
	f := r.fns["Fn"]
	f.mu.Lock()
	idle := f.idle[0]
	f.mu.Unlock()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-idle.exited // the runner has seen the process end
	second, fnErr, log := invoke(t, r, "Fn", `{}`)
	if fnErr != "" || second["pid"] == first["pid"] {
		t.Fatalf("second call: %v (%s), want an answer from a new instance\n%s", second, fnErr, log)
	}
	if !strings.Contains(log, "Init Duration") {
		t.Errorf("the replacement is not a cold start:\n%s", log)
	}
}

// TestMissingLanguage checks a runtime whose program is not on PATH fails
// its calls with a message naming the program.
func TestMissingLanguage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: "python3.12", Handler: "app.handler", CodeDir: t.TempDir()})
	m, fnErr, log := invoke(t, r, "Fn", `{}`)
	if fnErr != "Unhandled" || m["errorType"] != "Runtime.Unavailable" ||
		!strings.Contains(m["errorMessage"].(string), "runtime python3.12 needs python3 on PATH") {
		t.Fatalf("got %v (%s)", m, fnErr)
	}
	if !strings.Contains(log, "needs python3 on PATH") {
		t.Errorf("the log does not say why:\n%s", log)
	}
}

// TestGo1xRuntime runs an aws-lambda-go program as the go1.x runtime ran
// it: the handler names the executable.
func TestGo1xRuntime(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "main"), "./testdata/gofn").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	r := newRunner(t, Options{}, Function{Name: "GoFn", Runtime: "go1.x", Handler: "main", CodeDir: dir})
	if m, fnErr, log := invoke(t, r, "GoFn", `{"name":"x"}`); fnErr != "" || m["greeting"] != "hello x" {
		t.Fatalf("got %v (%s)\n%s", m, fnErr, log)
	}
}

// TestInitDoesNotCountAgainstTimeout: a slow init (longer than the
// function's timeout) neither times the call out nor eats the handler's
// remaining time, as on Lambda.
func TestInitDoesNotCountAgainstTimeout(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000); // a slow init
exports.handler = async (e, context) => ({ remaining: context.getRemainingTimeInMillis() });`})
	r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir, Timeout: 2 * time.Second})
	m, fnErr, log := invoke(t, r, "Fn", `{}`)
	if fnErr != "" {
		t.Fatalf("got %v (%s)\n%s", m, fnErr, log)
	}
	if rem, _ := m["remaining"].(float64); rem <= 0 {
		t.Errorf("remaining = %v ms after a 3 s init with a 2 s timeout, want what is left of the 2 s", m["remaining"])
	}
}

// writeZip writes a deployment package with files (name → content) and
// returns its path.
func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "app.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// TestZipPackage runs a function whose code is a .zip deployment package,
// and refuses a package whose entries leave it.
func TestZipPackage(t *testing.T) {
	needProgram(t, "node")
	pkg := writeZip(t, map[string]string{"src/app.js": `exports.handler = async () => ({ from: require('./lib/x.js').x });`, "src/lib/x.js": `exports.x = 'zip';`})
	r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "src/app.handler", CodeDir: pkg})
	if m, fnErr, log := invoke(t, r, "Fn", `{}`); fnErr != "" || m["from"] != "zip" {
		t.Fatalf("got %v (%s)\n%s", m, fnErr, log)
	}
	bad := writeZip(t, map[string]string{"../escape.js": "x"})
	r = newRunner(t, Options{}, Function{Name: "Bad", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: bad})
	if m, fnErr, _ := invoke(t, r, "Bad", `{}`); fnErr == "" || !strings.Contains(m["errorMessage"].(string), "leaves the package") {
		t.Fatalf("got %v (%s), want the package refused", m, fnErr)
	}
}
