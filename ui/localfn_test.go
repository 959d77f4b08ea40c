package ui

import (
	"os/exec"
	"strings"
	"testing"
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
	tb.waitFor("the answer's trace link", func() bool { _, ok := tb.tab(0).model.request(e.Seq); return ok })
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
