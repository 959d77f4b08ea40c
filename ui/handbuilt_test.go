package ui

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
	"wsworkbench/ui/editor"
)

// Handlers the hand-built API's routes run: each answers with its GREETING
// variable, its language and the message's data.
const (
	handBuiltNode   = "exports.handler = async (event) => ({statusCode: 200, body: `${process.env.GREETING} from node: ${JSON.parse(event.body).data}`});\n"
	handBuiltPython = "import json, os\n\ndef lambda_handler(event, context):\n    return {'statusCode': 200, 'body': os.environ['GREETING'] + ' from python: ' + json.loads(event['body'])['data']}\n"
)

// writeHandBuiltCode writes the two functions' folders under dir.
func writeHandBuiltCode(t *testing.T, dir string) (nodeDir, pyDir string) {
	t.Helper()
	for _, prog := range []string{"node", "python3"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Fatalf("%s is needed (scripts/setup.sh installs it): %v", prog, err)
		}
	}
	nodeDir, pyDir = filepath.Join(dir, "greeter"), filepath.Join(dir, "pygreeter")
	for p, code := range map[string]string{filepath.Join(nodeDir, "index.js"): handBuiltNode, filepath.Join(pyDir, "app.py"): handBuiltPython} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return nodeDir, pyDir
}

// addLambdaRoute adds a route, makes its integration a Lambda proxy and
// creates its local function from dir, as a person does in the editor; it
// sets the function's variables and returns its form.
func addLambdaRoute(t *testing.T, tb *testBench, key, dir, vars string) *editor.Editor {
	t.Helper()
	ed := tb.wb.editor
	if err := ed.Routes.AddRoute(key); err != nil {
		t.Fatal(err)
	}
	setIntegrationType(t, ed, model.TypeAWSProxy)
	ff := ed.Function()
	if ff == nil {
		t.Fatal("a Lambda proxy integration shows no local function form")
	}
	if err := ff.Create(dir); err != nil {
		t.Fatal(err)
	}
	ff = ed.Function()
	if ff == nil || ff.Folder == nil {
		t.Fatal("after New… the form does not show the function")
	}
	if ff.Folder.Text != dir {
		t.Errorf("code folder %q, want %q", ff.Folder.Text, dir)
	}
	retype(ff.Env.Entry(), vars)
	tb.waitFor("the "+key+" function to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	return ed
}

// ask sends msg from tab 0 and waits for the answer want.
func (tb *testBench) ask(msg, want string) {
	tb.t.Helper()
	seq := tb.lastSeq(0)
	tb.send(0, msg)
	tb.waitEntry(0, "the answer "+want, receivedAfter(seq, want))
}

// TestAPIBuiltByHandRunsItsOwnFunctions builds an API in the window the
// way seed 002's was built in the AWS console: a new workspace, a route,
// Lambda proxy, a local function made from a folder (Node.js, then Python),
// and a tab gets each function's answer at once, without saving. A handler
// whose file is missing is a problem under the editor and the last valid
// function keeps answering; a changed variable answers on the same
// connection. Saved and reopened, the workspace answers the same, and so
// does `wsworkbench serve` on the saved file.
func TestAPIBuiltByHandRunsItsOwnFunctions(t *testing.T) {
	dir := t.TempDir()
	nodeDir, pyDir := writeHandBuiltCode(t, dir)
	tb := newTestBench(t)
	tb.wb.files.onNew()
	tb.drain()
	if !strings.Contains(tb.wb.ctl.Name(), "untitled") && tb.wb.ctl.Workspace().Path != "" {
		t.Fatalf("File > New did not start an untitled workspace: %q", tb.wb.ctl.Name())
	}

	ed := addLambdaRoute(t, tb, "greet", nodeDir, "GREETING=hello")
	if ff := ed.Function(); ff.Handler.Text != "index.handler" || ff.Runtime.Selected != "nodejs20.x" {
		t.Errorf("guessed handler %q runtime %q for a folder with index.js", ff.Handler.Text, ff.Runtime.Selected)
	}
	id := tb.waitConnected(0)
	tb.ask(`{"action":"greet","data":"one"}`, "hello from node: one")
	if !tb.wb.functions.shown() {
		t.Error("the window has no Functions panel for the function made in the editor")
	}
	tb.wb.functions.onShow()
	tb.wb.functions.panel.Update()
	if shown := strings.Join(labelsIn(tb.wb.functions.panel.Object()), "\n"); !strings.Contains(shown, "GreeterFunction") {
		t.Errorf("the Functions panel does not list GreeterFunction:\n%s", shown)
	}

	ed = addLambdaRoute(t, tb, "pygreet", pyDir, "GREETING=hi")
	ff := ed.Function()
	if ff.Handler.Text != "app.lambda_handler" || ff.Runtime.Selected != "python3.12" {
		t.Errorf("guessed handler %q runtime %q for a folder with app.py", ff.Handler.Text, ff.Runtime.Selected)
	}
	tb.ask(`{"action":"pygreet","data":"two"}`, "hi from python: two")

	// A handler whose file is not there: a problem, and the function that
	// worked keeps answering.
	retype(ff.Handler, "main.lambda_handler")
	want := "route pygreet: function PygreeterFunction: handler main.lambda_handler: no main.py or main/__init__.py in " + pyDir
	tb.waitFor("the handler problem", func() bool {
		return strings.Contains(strings.Join(labelsIn(ed.Problems()), "\n"), want)
	})
	tb.ask(`{"action":"pygreet","data":"three"}`, "hi from python: three")
	retype(ff.Handler, "app.lambda_handler")
	tb.waitFor("the fixed handler to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	if shown := labelsIn(ed.Problems()); len(shown) > 0 {
		t.Errorf("problems still shown after the fix: %q", shown)
	}

	// A changed variable: the next answer, same connection.
	retype(ff.Env.Entry(), "GREETING=bonjour")
	tb.waitFor("the variable to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	tb.ask(`{"action":"pygreet","data":"four"}`, "bonjour from python: four")
	tb.ask(`{"action":"greet","data":"four"}`, "hello from node: four")
	if got := tb.tab(0).Model.Client().ConnectionID(); got != id {
		t.Errorf("the tab reconnected: %s, was %s", got, id)
	}

	path := filepath.Join(dir, "hand-built.yaml")
	if err := tb.wb.ctl.Files.SaveTo(path); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Type: AWS::Serverless::Function", "CodeUri: greeter\n", "CodeUri: pygreeter\n", "GREETING: bonjour", "${PygreeterFunction.Arn}"} {
		if !strings.Contains(string(saved), s) {
			t.Errorf("the saved file lacks %q:\n%s", s, saved)
		}
	}
	tb.close()

	// Reopened in a new window.
	tb = newTestBench(t, withFile(path))
	tb.waitConnected(0)
	tb.ask(`{"action":"greet","data":"five"}`, "hello from node: five")
	tb.ask(`{"action":"pygreet","data":"five"}`, "bonjour from python: five")
	tb.close()

	// Served headless from the saved file.
	wsURL := startServeBinary(t, path)
	for msg, want := range map[string]string{
		`{"action":"greet","data":"six"}`:   "hello from node: six",
		`{"action":"pygreet","data":"six"}`: "bonjour from python: six",
	} {
		if got := askOnce(t, wsURL, msg); got != want {
			t.Errorf("serve answered %q to %s, want %q", got, msg, want)
		}
	}
}

// startServeBinary runs the real binary's `serve` on path and returns the
// WebSocket URL it prints; the server stops when the test ends.
func startServeBinary(t *testing.T, path string) string {
	t.Helper()
	cmd := exec.Command(buildBinary(t), "serve", "--listen", "127.0.0.1:0", path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	urls := make(chan string, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		first := regexp.MustCompile(`^WebSocket: (ws://127\.0\.0\.1:\d+/\S+)$`)
		for sc.Scan() {
			if m := first.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		_ = cmd.Wait()
	}()
	select {
	case u := <-urls:
		return u
	case <-done:
		t.Fatalf("serve ended: %s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve printed no URL: %s", stderr.String())
	}
	return ""
}

// askOnce connects to wsURL, sends msg and returns the first frame.
func askOnce(t *testing.T, wsURL, msg string) string {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("answer to %s: %v", msg, err)
	}
	return string(data)
}

// TestFunctionFormInsideWindowAt1024: at 1024x768 (and 1280x720) the local
// function form of a Lambda route fits the editor: every control of the
// window is inside it, and the code folder and handler entries are wide
// enough to read a handler such as app.lambda_handler.
func TestFunctionFormInsideWindowAt1024(t *testing.T) {
	nodeDir, _ := writeHandBuiltCode(t, t.TempDir())
	for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1280, Height: 720}} {
		t.Run(sizeName(size), func(t *testing.T) {
			tb := newTestBench(t)
			tb.waitConnected(0)
			tb.win.Resize(size)
			ed := tb.wb.editor
			ed.Routes.SelectRoute("message")
			setIntegrationType(t, ed, model.TypeAWSProxy)
			if err := ed.Function().Create(nodeDir); err != nil {
				t.Fatal(err)
			}
			tb.drain()
			bad, checked := clippedControls(tb.win)
			if checked < 20 {
				t.Fatalf("only %d controls found: the walk is broken", checked)
			}
			if len(bad) > 0 {
				t.Errorf("at %s, %d controls are not reachable:\n%s", sizeName(size), len(bad), strings.Join(bad, "\n"))
			}
			ff := ed.Function()
			need := fyne.MeasureText("app.lambda_handler", theme.TextSize(), fyne.TextStyle{Monospace: true}).Width
			found := map[fyne.CanvasObject]bool{}
			walkRendered(tb.win.Canvas().Content(), func(p placed) {
				switch p.obj {
				case ff.Folder, ff.Handler, ff.Runtime, ff.Pick:
					found[p.obj] = true
					if p.size.Width < need {
						t.Errorf("at %s %s is %.0f px wide, under the %.0f a handler needs", sizeName(size), describe(p.obj), p.size.Width, need)
					}
				}
			})
			if len(found) != 4 {
				t.Errorf("at %s only %d of the form's 4 main controls are drawn", sizeName(size), len(found))
			}
		})
	}
}

// TestDeleteFunctionInEditor: deleting a function made in the editor
// leaves its route calling nothing (a problem until it calls something
// again); once the API applies without it, its processes stop, and a save
// leaves it out of the file. Its code folder stays.
func TestDeleteFunctionInEditor(t *testing.T) {
	dir := t.TempDir()
	nodeDir, _ := writeHandBuiltCode(t, dir)
	tb := newTestBench(t)
	tb.wb.files.onNew()
	tb.drain()
	ed := addLambdaRoute(t, tb, "greet", nodeDir, "GREETING=hello")
	tb.waitConnected(0)
	tb.ask(`{"action":"greet","data":"one"}`, "hello from node: one")
	if tb.wb.ctl.Server.Functions() == nil {
		t.Fatal("no runner for the function made in the editor")
	}
	ff := ed.Function()
	if ff.Delete == nil {
		t.Fatal("the form has no Delete for the function shown")
	}
	ff.Remove()
	if len(tb.wb.ctl.Workspace().API.Functions) != 0 {
		t.Fatalf("the function is still in the workspace: %+v", tb.wb.ctl.Workspace().API.Functions)
	}
	tb.waitFor("the route's problem", func() bool {
		return strings.Contains(strings.Join(labelsIn(ed.Problems()), "\n"), "route greet")
	})
	tb.ask(`{"action":"greet","data":"two"}`, "hello from node: two") // the last valid API
	setIntegrationType(t, ed, model.TypeMock)
	tb.waitFor("the API without the function to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	if tb.wb.ctl.Server.Functions() != nil {
		t.Error("the runner still runs after the last function was deleted")
	}
	path := filepath.Join(dir, "api.yaml")
	if err := tb.wb.ctl.Files.SaveTo(path); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); strings.Contains(string(data), "AWS::Serverless::Function") {
		t.Errorf("the saved file still has the function:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(nodeDir, "index.js")); err != nil {
		t.Errorf("the code folder was touched: %v", err)
	}
}
