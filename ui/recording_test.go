package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/client/scenario"
)

// TestRecordTwoTabsReplaysGreen: Client > Record Scenario while two tabs
// talk to the sample (one connected before recording started, one opened
// during it, closed by the tab), then the save form writes the file, which
// loads and replays green with scenario.Runner against the window's gateway.
func TestRecordTwoTabsReplaysGreen(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.wb.rec.onToggle()
	if tb.wb.rec.btn.Text != "● Recording" {
		t.Fatalf("while recording the button reads %q", tb.wb.rec.btn.Text)
	}
	tb.wb.clientMenu.OnNewClient()
	tb.waitConnected(1)
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "the answer", receivedAfter(seq, `{"message": "Hello World"}`))
	seq = tb.lastSeq(1)
	tb.send(1, `{"action":"message","messageId":2}`)
	tb.waitEntry(1, "the answer", func(e client.Entry) bool { return e.Seq > seq && e.Dir == client.Received })
	tb.wb.clients.SelectIndex(1)
	tb.wb.clientMenu.OnDisconnect()
	tb.waitEntry(1, "the close", func(e client.Entry) bool {
		return e.Dir == client.Event && strings.HasPrefix(e.Note, "closed by client")
	})
	tb.wb.rec.onToggle()
	if tb.wb.rec.btn.Text != "Record" {
		t.Errorf("after recording the button reads %q", tb.wb.rec.btn.Text)
	}
	dlg := tb.topDialog()
	var fields []*widget.Entry
	for _, o := range objects(dlg) {
		if e, ok := o.(*widget.Entry); ok {
			fields = append(fields, e)
		}
	}
	if len(fields) != 2 {
		t.Fatalf("the save dialog has %d fields, want folder and file name", len(fields))
	}
	dir := t.TempDir()
	fields[0].SetText(dir)
	fields[1].SetText("two-tabs.yaml")
	test.Tap(findButton(t, dlg, "Export"))
	path := filepath.Join(dir, "two-tabs.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the recording was not written: %v", err)
	}
	text := string(data)
	for _, want := range []string{"connect: client-1", "connect: client-2", "connect: client-3", "send: client-1", "expect: client-2", "close: client-2"} {
		if !strings.Contains(text, want) {
			t.Errorf("recording lacks %q:\n%s", want, text)
		}
	}
	sc, err := scenario.Parse(path, data)
	if err != nil {
		t.Fatalf("the recording does not load: %v\n%s", err, text)
	}
	g := tb.wb.gw
	r := scenario.Runner{URL: g.URL(), ConnectionsURL: g.ConnectionsURL(), Timeout: 5 * time.Second,
		ConnectionID: func(ctx context.Context, local string) (string, error) {
			for {
				for _, ci := range g.Connections() {
					if ci.RemoteAddr == local {
						return ci.ID, nil
					}
				}
				select {
				case <-ctx.Done():
					return "", errors.New("no connection from " + local)
				case <-time.After(5 * time.Millisecond):
				}
			}
		}}
	res := r.Run(context.Background(), sc)
	if !res.Passed() {
		t.Fatalf("the recording does not replay: %s\n%s", res.Failure().Message, text)
	}
}

// TestRunScenarioShowsRedStep: Client > Run Scenario… on a scenario whose
// expect is wrong turns exactly that step red with expected against actual
// under it; the steps before it are green, the one after it skipped. The
// same file with the right expect runs all green.
func TestRunScenarioShowsRedStep(t *testing.T) {
	tb := newTestBench(t)
	dir := t.TempDir()
	write := func(name, answer string) string {
		p := filepath.Join(dir, name)
		body := "steps:\n" +
			"  - connect: a\n" +
			"  - send: a\n" +
			"    json: '{\"action\":\"message\",\"messageId\":1}'\n" +
			"  - expect: a\n" +
			"    json: '" + answer + "'\n" +
			"  - close: a\n"
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tb.wb.rec.run(write("wrong.yaml", `{"message":"Goodbye"}`))
	r := tb.wb.rec.replay
	tb.waitFor("the run to finish", r.Done)
	for i, want := range []string{"✓", "✓", "✗", "–"} {
		if !strings.HasPrefix(r.Rows[i].Text, want) {
			t.Errorf("step %d reads %q, want it to start with %s", i+1, r.Rows[i].Text, want)
		}
	}
	if r.Rows[2].Importance != widget.DangerImportance || r.Rows[1].Importance != widget.SuccessImportance {
		t.Errorf("colours: step 2 %v, step 3 %v", r.Rows[1].Importance, r.Rows[2].Importance)
	}
	d := r.Details[2]
	if !d.Visible() || !strings.Contains(d.Text, "Goodbye") || !strings.Contains(d.Text, "Hello World") {
		t.Errorf("the red step's detail (shown %v) lacks expected and actual: %q", d.Visible(), d.Text)
	}
	for i, d := range r.Details {
		if i != 2 && d.Visible() {
			t.Errorf("step %d shows a failure: %q", i+1, d.Text)
		}
	}
	t.Logf("red step: %s\n%s", r.Rows[2].Text, d.Text)
	// The red step links to the trace of the frame that came instead.
	if !r.Traces[2].Visible() {
		t.Fatal("the red step has no link to the trace of the frame that came instead")
	}
	for i, b := range r.Traces {
		if i != 2 && b.Visible() {
			t.Errorf("step %d offers a trace", i+1)
		}
	}
	test.Tap(r.Traces[2])
	tb.waitFor("the trace of the Hello World frame", func() bool {
		shown := strings.Join(labelsIn(tb.wb.tracer.StepsBox()), "\n")
		return strings.Contains(shown, "Hello World") && strings.Contains(shown, "message")
	})
	if !strings.HasPrefix(r.Status.Text, "Failed") {
		t.Errorf("status %q", r.Status.Text)
	}

	tb.wb.rec.run(write("right.yaml", `{"message":"Hello World"}`))
	r = tb.wb.rec.replay
	tb.waitFor("the second run to finish", r.Done)
	for i, row := range r.Rows {
		if !strings.HasPrefix(row.Text, "✓") {
			t.Errorf("step %d reads %q", i+1, row.Text)
		}
	}
	if !strings.HasPrefix(r.Status.Text, "Passed") {
		t.Errorf("status %q", r.Status.Text)
	}
}

// TestRunScenarioColoursStepsAsTheyFinish: a step turns green while later
// steps still run, not only when the whole run ends.
func TestRunScenarioColoursStepsAsTheyFinish(t *testing.T) {
	tb := newTestBench(t)
	p := filepath.Join(t.TempDir(), "slow.yaml")
	body := "steps:\n  - connect: a\n  - send: a\n    text: hello\n  - wait: 3s\n  - close: a\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.wb.rec.run(p)
	r := tb.wb.rec.replay
	tb.waitFor("the first steps green while the wait runs", func() bool {
		return strings.HasPrefix(r.Rows[0].Text, "✓") && strings.HasPrefix(r.Rows[1].Text, "✓")
	})
	if r.Done() {
		t.Fatal("the run had already ended: the rows were not coloured as the steps finished")
	}
	tb.waitFor("the run to finish", r.Done)
	if !strings.HasPrefix(r.Rows[3].Text, "✓") {
		t.Errorf("last step %q", r.Rows[3].Text)
	}
}
