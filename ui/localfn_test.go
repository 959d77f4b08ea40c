package ui

import (
	"os/exec"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/assets"
)

// localFnWorkspace is the controller's test workspace: a Node.js function
// behind $default and a Python one behind the route "py", with their code.
const localFnWorkspace = "controller/testdata/localfn/template.yaml"

// TestTabGetsLocalFunctionsAnswerAndTraceShowsItsLog: in the window, a
// message from a tab reaches the workspace's own Node.js function (no
// Lambda endpoint, nothing else running); the tab gets its answer, and the
// trace of that message shows the function's print inside its framed log.
func TestTabGetsLocalFunctionsAnswerAndTraceShowsItsLog(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is needed (scripts/setup.sh installs it): %v", err)
	}
	certDir := t.TempDir()
	tb := newTestBench(t, withFile(localFnWorkspace), func(o *options) { o.certDir = certDir })
	tb.waitConnected(0)
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"hi"}`)
	e := tb.waitEntry(0, "the function's answer", receivedAfter(seq, `node: {"action":"hi"} no-ca`))
	tb.waitFor("the answer's trace link", func() bool { _, ok := tb.tab(0).Model.Request(e.Seq); return ok })
	tb.selectEntry(0, e.Seq)
	var shown string
	tb.waitFor("the function's log in the trace", func() bool {
		shown = strings.Join(labelsIn(tb.wb.tracer.StepsBox()), "\n")
		return strings.Contains(shown, `node got {"action":"hi"}`)
	})
	for _, want := range []string{"EchoFunction", "function log (", "START RequestId:", "REPORT RequestId:"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the trace does not show %q; it shows:\n%s", want, shown)
		}
	}
}

// TestFunctionsPanelInWindow: at 1024x768 a workspace with local functions
// has a Functions tab beside the trace; after a tab's message it lists the
// Node.js function as warm with its call, a cold start, and the call's log;
// the sample has no such tab.
func TestFunctionsPanelInWindow(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is needed (scripts/setup.sh installs it): %v", err)
	}
	certDir := t.TempDir()
	tb := newTestBench(t, withFile(localFnWorkspace), func(o *options) { o.certDir = certDir })
	tb.win.Resize(fyne.NewSize(1024, 768))
	tb.waitConnected(0)
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"hi"}`)
	tb.waitEntry(0, "the function's answer", receivedAfter(seq, `node: {"action":"hi"} no-ca`))
	tb.wb.functions.onShow()
	if tb.wb.panes.body.side == nil || tb.wb.panes.body.side.Selected() == nil || tb.wb.panes.body.side.Selected().Text != sideFunctions {
		t.Fatal("View > Functions does not show the Functions tab at 1024x768")
	}
	var shown string
	tb.waitFor("the call in the Functions panel", func() bool {
		tb.wb.functions.panel.Update()
		shown = strings.Join(labelsIn(tb.wb.functions.panel.Object()), "\n")
		walkRendered(tb.wb.functions.panel.Object(), func(p placed) { // the log
			if g, ok := p.obj.(*widget.TextGrid); ok {
				shown += "\n" + g.Text()
			}
		})
		return strings.Contains(shown, `node got {"action":"hi"}`)
	})
	for _, want := range []string{"EchoFunction", "nodejs20.x · app.handler · warm (1 instance)", "PyFunction", "python3.11 · app.handler · cold", " ms  cold"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the Functions panel does not show %q; it shows:\n%s", want, shown)
		}
	}
	if err := tb.wb.ctl.Files.OpenSample("sample.yaml", assets.SampleAPI, true); err != nil {
		t.Fatal(err)
	}
	tb.drain()
	for _, it := range tb.wb.panes.body.side.Items {
		if it.Text == sideFunctions {
			t.Error("the sample still has a Functions tab")
		}
	}
}
