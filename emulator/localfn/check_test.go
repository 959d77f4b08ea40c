package localfn

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestCheck: the editor's check of a function before it runs names what is
// wrong, and passes what would start.
func TestCheck(t *testing.T) {
	dir := writeCode(t, map[string]string{
		"index.js":          "exports.handler = async () => 1",
		"src/app.mjs":       "export const handler = async () => 1",
		"app.py":            "def lambda_handler(e, c): return 1",
		"pkg/mod.py":        "def handler(e, c): return 1",
		"function.rb":       "def handler(event:, context:) = 1",
		"custom/bootstrap":  "#!/bin/sh\n",
		"notexec/bootstrap": "#!/bin/sh\n",
	})
	if err := os.Chmod(filepath.Join(dir, "custom/bootstrap"), 0o755); err != nil {
		t.Fatal(err)
	}
	fn := func(runtime, handler, sub string) Function {
		return Function{Name: "Fn", Runtime: runtime, Handler: handler, CodeDir: filepath.Join(dir, sub)}
	}
	tests := []struct {
		name string
		fn   Function
		want string // "" passes; else a part of the message
	}{
		{"node", fn("nodejs20.x", "index.handler", ""), ""},
		{"node in a folder, .mjs", fn("nodejs22.x", "src/app.handler", ""), ""},
		{"node file missing", fn("nodejs20.x", "main.handler", ""), "handler main.handler: no main.js or main.mjs or main.cjs in " + dir},
		{"node no dot", fn("nodejs20.x", "index", ""), `handler "index" is not file.function (e.g. index.handler)`},
		{"python", fn("python3.12", "app.lambda_handler", ""), ""},
		{"python module path", fn("python3.12", "pkg.mod.handler", ""), ""},
		{"python missing", fn("python3.12", "lambda_function.lambda_handler", ""), "no lambda_function.py or lambda_function/__init__.py"},
		{"ruby", fn("ruby3.3", "function.handler", ""), ""},
		{"ruby missing", fn("ruby3.3", "app.handler", ""), "no app.rb in"},
		{"custom runtime", fn("provided.al2023", "bootstrap", "custom"), ""},
		{"custom not executable", fn("provided.al2", "bootstrap", "notexec"), "needs an executable " + filepath.Join(dir, "notexec", "bootstrap")},
		{"java", fn("java21", "example.Handler::handleRequest", ""), "runtime java21 is not supported by the workbench"},
		{"no runtime", fn("", "index.handler", ""), "has no runtime"},
		{"no folder", fn("nodejs20.x", "index.handler", "nowhere"), "code folder " + filepath.Join(dir, "nowhere") + " does not exist"},
		{"timeout", Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir, Timeout: 901 * time.Second}, "timeout 15m1s is out of Lambda's range"},
		{"memory", Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir, MemoryMB: 64}, "memory 64 MB is out of Lambda's range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.fn)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Check = %v, want %q", err, tt.want)
			}
		})
	}
	for _, rt := range Runtimes {
		err := checkRuntime(Function{Name: "Fn", Runtime: rt.ID}, rt.ID)
		if (err == nil) != rt.Supported {
			t.Errorf("runtime %s listed as supported=%v, checkRuntime = %v", rt.ID, rt.Supported, err)
		}
	}
}

// TestReplaceKeepsUnchangedFunctionsWarm: Replace restarts only the
// functions whose configuration changed; the others keep their warm
// instance, a removed one is gone, and the changed one's next call sees the
// new variable.
func TestReplaceKeepsUnchangedFunctionsWarm(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"index.js": nodeEcho})
	a := Function{Name: "A", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir, Timeout: testTimeout}
	b := Function{Name: "B", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir, Timeout: testTimeout, Env: map[string]string{"TABLE_NAME": "one"}}
	c := Function{Name: "C", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir, Timeout: testTimeout}
	r := newRunner(t, Options{}, a, b, c)
	pids := map[string]any{}
	for _, name := range []string{"A", "B"} {
		m, _, _ := invoke(t, r, name, `{}`)
		pids[name] = m["pid"]
	}
	b.Env = map[string]string{"TABLE_NAME": "two"}
	changed, err := r.Replace([]Function{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"B", "C"}; !reflect.DeepEqual(changed, want) {
		t.Errorf("Replace changed %v, want %v", changed, want)
	}
	m, _, log := invoke(t, r, "A", `{}`)
	if m["pid"] != pids["A"] || strings.Contains(log, "Init Duration") {
		t.Errorf("A was restarted by a change of B (pid %v, was %v):\n%s", m["pid"], pids["A"], log)
	}
	m, _, log = invoke(t, r, "B", `{}`)
	if m["pid"] == pids["B"] || !strings.Contains(log, "Init Duration") {
		t.Errorf("B kept its old instance (pid %v):\n%s", m["pid"], log)
	}
	if env, _ := m["env"].(map[string]any); env["TABLE_NAME"] != "two" {
		t.Errorf("B's TABLE_NAME = %v, want two", env["TABLE_NAME"])
	}
	if r.Has("C") {
		t.Error("C is still there after Replace left it out")
	}
	if _, err := r.Replace([]Function{a, a}); err == nil {
		t.Error("Replace took a duplicate name")
	}
	if !r.Has("B") {
		t.Error("a bad Replace changed the functions")
	}
}

// FuzzCheck: any handler and runtime text is checked without a panic, and a
// handler Check passes names a file that is in the code folder.
func FuzzCheck(f *testing.F) {
	for _, s := range [][2]string{
		{"nodejs20.x", "index.handler"}, {"nodejs20.x", "src/app.handler"}, {"python3.12", "pkg.mod.handler"},
		{"python3.12", "app."}, {"ruby3.3", ".x"}, {"provided.al2023", "bootstrap"}, {"go1.x", "../../etc/passwd"},
		{"nodejs20.x", "/"}, {"python3.12", "..handler"}, {"java21", ""},
	} {
		f.Add(s[0], s[1])
	}
	dir := f.TempDir()
	for _, name := range []string{"index.js", "app.py", "app.rb", "src/app.mjs", "pkg/mod.py"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, runtime, handler string) {
		fn := Function{Name: "Fn", Runtime: runtime, Handler: handler, CodeDir: dir}
		if err := Check(fn); err != nil {
			return
		}
		rt := strings.ToLower(strings.TrimSpace(runtime))
		if !strings.HasPrefix(rt, "nodejs") && !strings.HasPrefix(rt, "python3") && !strings.HasPrefix(rt, "ruby") {
			return
		}
		if strings.TrimSpace(handler) == "" {
			t.Errorf("Check passed an empty handler for %s", runtime)
		}
	})
}
