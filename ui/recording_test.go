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
	tb.wb.onToggleRecord()
	if tb.wb.rec.btn.Text != "● Recording" {
		t.Fatalf("while recording the button reads %q", tb.wb.rec.btn.Text)
	}
	tb.wb.onNewClient()
	tb.waitConnected(1)
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "the answer", receivedAfter(seq, `{"message": "Hello World"}`))
	seq = tb.lastSeq(1)
	tb.send(1, `{"action":"message","messageId":2}`)
	tb.waitEntry(1, "the answer", func(e client.Entry) bool { return e.Seq > seq && e.Dir == client.Received })
	tb.wb.clients.selectIndex(1)
	tb.wb.onDisconnect()
	tb.waitEntry(1, "the close", func(e client.Entry) bool {
		return e.Dir == client.Event && strings.HasPrefix(e.Note, "closed by client")
	})
	tb.wb.onToggleRecord()
	if tb.wb.rec.btn.Text != "Record" {
		t.Errorf("after recording the button reads %q", tb.wb.rec.btn.Text)
	}
	form := tb.wb.rec.form
	if form == nil {
		t.Fatal("stopping did not ask where to save")
	}
	dir := t.TempDir()
	form.Folder.SetText(dir)
	form.File.SetText("two-tabs")
	test.Tap(form.SaveButton)
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
