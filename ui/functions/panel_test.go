package functions

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator/localfn"
)

// runnerSource is the panel's Source over a real runner, as the window's
// adapter over the controller is.
type runnerSource struct{ r *localfn.Runner }

func (s runnerSource) Status() []localfn.FunctionStatus { return s.r.Status() }
func (s runnerSource) Restart(fn string) error          { return s.r.Restart(fn) }
func (s runnerSource) Note() string                     { return "" }

// newRunner runs a Node.js function that prints its event's n.
func newRunner(t *testing.T) *localfn.Runner {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is needed (scripts/setup.sh installs it): %v", err)
	}
	dir := t.TempDir()
	code := `exports.handler = async (e) => { console.log('hello number ' + e.n); if (e.fail) throw new TypeError('bad ' + e.n); return { n: e.n }; };`
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := localfn.New([]localfn.Function{{Name: "Greeter", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir, Timeout: 10 * time.Second}},
		localfn.Options{CacheDir: t.TempDir(), ReloadInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

func call(t *testing.T, r *localfn.Runner, payload string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, _, _, err := r.Invoke(ctx, "Greeter", []byte(payload)); err != nil {
		t.Fatal(err)
	}
}

// shown returns the text of every visible label the panel draws, top to
// bottom, and its buttons.
func shown(p *Panel) (labels []string, buttons []*widget.Button) {
	type at struct {
		y    float32
		text string
	}
	var rows []at
	var walk func(o fyne.CanvasObject, pos fyne.Position)
	walk = func(o fyne.CanvasObject, pos fyne.Position) {
		if o == nil || !o.Visible() {
			return
		}
		var kids []fyne.CanvasObject
		switch x := o.(type) {
		case *widget.Label:
			if x.Text != "" {
				rows = append(rows, at{pos.Y, x.Text})
			}
		case *widget.Button:
			buttons = append(buttons, x)
		case *widget.TextGrid:
			for _, line := range strings.Split(x.Text(), "\n") {
				rows = append(rows, at{pos.Y, line})
			}
			return
		}
		switch x := o.(type) {
		case fyne.Widget:
			kids = test.WidgetRenderer(x).Objects()
		case *fyne.Container:
			kids = x.Objects
		}
		for _, k := range kids {
			walk(k, pos.Add(k.Position()))
		}
	}
	walk(p.Object(), fyne.NewPos(0, 0))
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].y < rows[j].y })
	for _, r := range rows {
		labels = append(labels, r.text)
	}
	return labels, buttons
}

func containing(rows []string, s string) []string {
	var out []string
	for _, r := range rows {
		if strings.Contains(r, s) {
			out = append(out, r)
		}
	}
	return out
}

// TestPanelShowsInvocationsAndRestart: after two calls the panel draws the
// function with its runtime and state, two invocation rows (the first
// marked cold, newest on top) and the newest call's log; picking the older
// row shows its log; Restart makes the function cold and the next call a
// cold start; a thrown error shows on its row.
func TestPanelShowsInvocationsAndRestart(t *testing.T) {
	test.NewTempApp(t)
	r := newRunner(t)
	p := New(runnerSource{r})
	w := test.NewTempWindow(t, p.Object())
	w.Resize(fyne.NewSize(420, 700)) // the side column at 1024x768

	call(t, r, `{"n":1}`)
	p.Update() // the panel follows the newest call until a person picks one
	call(t, r, `{"n":2}`)
	p.Update()
	labels, buttons := shown(p)
	if len(containing(labels, "Greeter")) != 1 || len(containing(labels, "nodejs20.x · app.handler · warm (1 instance)")) != 1 {
		t.Errorf("the function's row is not drawn:\n%s", strings.Join(labels, "\n"))
	}
	var invRows []string
	for _, l := range labels {
		if len(l) > 12 && l[2] == ':' && l[5] == ':' && strings.Contains(l, " ms") {
			invRows = append(invRows, l)
		}
	}
	if len(invRows) != 2 || strings.Contains(invRows[0], "cold") || !strings.HasSuffix(invRows[1], "  cold") {
		t.Errorf("invocation rows (newest first, the older cold):\n%s", strings.Join(invRows, "\n"))
	}
	if len(containing(labels, "hello number 2")) != 1 || len(containing(labels, "hello number 1")) != 0 {
		t.Errorf("the newest call's log is not the one shown:\n%s", strings.Join(labels, "\n"))
	}
	if len(containing(labels, "REPORT RequestId:")) != 1 {
		t.Errorf("the log lacks its REPORT line:\n%s", strings.Join(labels, "\n"))
	}

	p.invList.Select(1)
	if labels, _ = shown(p); len(containing(labels, "hello number 1")) != 1 {
		t.Errorf("picking the older call does not show its log:\n%s", strings.Join(labels, "\n"))
	}
	p.Update() // a picked call stays picked
	if labels, _ = shown(p); len(containing(labels, "hello number 1")) != 1 {
		t.Errorf("an update lost the picked call:\n%s", strings.Join(labels, "\n"))
	}

	var restart *widget.Button
	for _, b := range buttons {
		if b.Text == "Restart" {
			restart = b
		}
	}
	if restart == nil {
		t.Fatal("no Restart button")
	}
	test.Tap(restart)
	if labels, _ = shown(p); len(containing(labels, "nodejs20.x · app.handler · cold")) != 1 {
		t.Errorf("after Restart the function is not cold:\n%s", strings.Join(labels, "\n"))
	}
	call(t, r, `{"n":3,"fail":true}`)
	p.Update()
	labels, _ = shown(p)
	newest := containing(labels, "error: TypeError: bad 3")
	if len(newest) != 1 || !strings.Contains(newest[0], "  cold  error:") {
		t.Errorf("the call after Restart is not a cold start with its error:\n%s", strings.Join(labels, "\n"))
	}
}

// TestPanelWithoutFunctions says why nothing is listed.
func TestPanelWithoutFunctions(t *testing.T) {
	test.NewTempApp(t)
	p := New(noFunctions{})
	test.NewTempWindow(t, p.Object()).Resize(fyne.NewSize(420, 700))
	p.Update()
	labels, _ := shown(p)
	if len(containing(labels, "no Lambda function with local code")) != 1 {
		t.Errorf("no explanation:\n%s", strings.Join(labels, "\n"))
	}
}

type noFunctions struct{}

func (noFunctions) Status() []localfn.FunctionStatus { return nil }
func (noFunctions) Restart(string) error             { return nil }
func (noFunctions) Note() string                     { return "" }
