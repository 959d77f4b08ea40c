package ui

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/assets"
	"wsworkbench/client"
	"wsworkbench/emulator/model"
	"wsworkbench/ui/clients"
)

// TestFaultsPanelLatencyMarkerAndSwitch: a latency set in the faults panel
// (opened from the toolbar) delays a tab's answer by at least that much,
// lands in the workspace (unsaved), and the toolbar reads "Faults on";
// "All faults off" turns the latency off and the marker with it.
func TestFaultsPanelLatencyMarkerAndSwitch(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	if tb.wb.faults.btn.Text != "Faults" {
		t.Fatalf("toolbar reads %q before any fault", tb.wb.faults.btn.Text)
	}
	test.Tap(tb.wb.faults.btn)
	if tb.wb.faults.panel == nil {
		t.Fatal("the Faults button opened no panel")
	}
	c := tb.wb.faults.panel.Controls()
	// Long enough that an answer without it is far quicker even on a
	// loaded machine under -race.
	const latency = 1500 * time.Millisecond
	c.Latency.SetText("1500")
	test.Tap(c.Apply)
	if c.Result.Text != "Faults on: the gateway applies them now." {
		t.Fatalf("panel says %q", c.Result.Text)
	}
	if tb.wb.faults.btn.Text != "Faults on" || tb.wb.faults.btn.Importance != widget.DangerImportance {
		t.Errorf("toolbar marker %q (importance %v)", tb.wb.faults.btn.Text, tb.wb.faults.btn.Importance)
	}
	if got := tb.wb.ws.API.Settings.Faults.Messages; len(got) != 1 || got[0].Latency != latency {
		t.Errorf("workspace faults %+v", got)
	}
	if !tb.wb.ctl.Unsaved() {
		t.Error("setting a fault did not mark the workspace unsaved")
	}

	rtt := func(tag string) time.Duration {
		seq := tb.lastSeq(0)
		tb.send(0, `{"action":"whoami","tag":"`+tag+`"}`)
		sent := tb.waitEntry(0, "the sent frame", func(e client.Entry) bool { return e.Seq > seq && e.Dir == client.Sent })
		got := tb.waitEntry(0, "the answer", func(e client.Entry) bool { return e.Seq > sent.Seq && e.Dir == client.Received })
		return got.Time.Sub(sent.Time)
	}
	if d := rtt("slow"); d < latency {
		t.Errorf("answer after %v with a %v latency", d, latency)
	}

	test.Tap(c.Off)
	if !tb.wb.gw.Faults().Disabled || tb.wb.faults.btn.Text != "Faults" {
		t.Errorf("after All faults off: disabled %v, toolbar %q", tb.wb.gw.Faults().Disabled, tb.wb.faults.btn.Text)
	}
	if d := rtt("fast"); d >= latency {
		t.Errorf("answer after %v with every fault off", d)
	}
}

// TestFaultsPanelOneConnection: the panel's connection picker offers the
// open connections; a latency before the answer and "410 while open" set
// for one tab's connection slow only that tab's answers and make
// @connections posts to it answer 410 while the other tab's get 200; the
// faults land in the workspace, and clearing the fields removes them.
func TestFaultsPanelOneConnection(t *testing.T) {
	tb := newTestBench(t)
	idA := tb.waitConnected(0)
	tb.wb.clients.Add(clients.Target{}, true)
	idB := tb.waitConnected(1)
	test.Tap(tb.wb.faults.btn)
	c := tb.wb.faults.panel.Controls()
	if !slices.Contains(c.ConnOptions, idA) || !slices.Contains(c.ConnOptions, idB) {
		t.Fatalf("the picker offers %q, want %s and %s", c.ConnOptions, idA, idB)
	}
	const latency = 1500 * time.Millisecond
	c.Conn.SetText(idA)
	c.ConnAnswerLatency.SetText("1500")
	c.ConnGone.SetChecked(true)
	test.Tap(c.Apply)
	if c.Result.Text != "Faults on: the gateway applies them now." {
		t.Fatalf("panel says %q", c.Result.Text)
	}
	f := tb.wb.ws.API.Settings.Faults
	if len(f.Messages) != 1 || f.Messages[0].Connection != idA || f.Messages[0].AnswerLatency != latency ||
		f.Management == nil || !slices.Equal(f.Management.GoneConnections, []string{idA}) {
		t.Fatalf("workspace faults %+v (management %+v)", f, f.Management)
	}

	rtt := func(i int, tag string) time.Duration {
		seq := tb.lastSeq(i)
		tb.send(i, `{"action":"whoami","tag":"`+tag+`"}`)
		sent := tb.waitEntry(i, "the sent frame", func(e client.Entry) bool { return e.Seq > seq && e.Dir == client.Sent })
		got := tb.waitEntry(i, "the answer", func(e client.Entry) bool { return e.Seq > sent.Seq && e.Dir == client.Received })
		return got.Time.Sub(sent.Time)
	}
	if d := rtt(0, "slow"); d < latency {
		t.Errorf("tab A answered after %v with a %v latency before the answer", d, latency)
	}
	if d := rtt(1, "fast"); d >= latency {
		t.Errorf("tab B answered after %v: the fault for A slowed it", d)
	}
	post := func(id string) int {
		resp, err := http.Post(tb.wb.gw.ConnectionsURL()+"/"+url.PathEscape(id), "application/json", strings.NewReader(`{"n":1}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(idA); got != http.StatusGone {
		t.Errorf("POST @connections/%s answered %d, want 410 while it is open", idA, got)
	}
	if got := post(idB); got != http.StatusOK {
		t.Errorf("POST @connections/%s answered %d, want 200", idB, got)
	}

	// Picking B shows B's (no) faults; picking A again reads A's back.
	c.Conn.SetText(idB)
	if c.ConnAnswerLatency.Text != "" || c.ConnGone.Checked {
		t.Errorf("B shows latency %q, 410 %v", c.ConnAnswerLatency.Text, c.ConnGone.Checked)
	}
	c.Conn.SetText(idA)
	if c.ConnAnswerLatency.Text != "1500" || !c.ConnGone.Checked {
		t.Errorf("A shows latency %q, 410 %v", c.ConnAnswerLatency.Text, c.ConnGone.Checked)
	}
	c.ConnAnswerLatency.SetText("")
	c.ConnGone.SetChecked(false)
	test.Tap(c.Apply)
	if f := tb.wb.gw.Faults(); f.Active() {
		t.Errorf("after clearing A's fields the gateway still runs %+v", f)
	}
	if got := post(idA); got != http.StatusOK {
		t.Errorf("after clearing, POST @connections/%s answered %d", idA, got)
	}
}

// TestFaultsPanelConnectionErrorFrame: an error frame set earlier for one
// tab's connection shows in the panel when that connection is picked;
// changing it there makes that tab's messages answer with the new error
// frame while the other tab's answer normally; "none" removes it and the
// toolbar's marker follows each step.
func TestFaultsPanelConnectionErrorFrame(t *testing.T) {
	tb := newTestBench(t)
	idA := tb.waitConnected(0)
	tb.waitConnected(1)
	if err := tb.wb.ctl.SetFaults(model.Faults{Messages: []model.MessageFault{{Connection: idA, Error: "Forbidden"}}}); err != nil {
		t.Fatal(err)
	}
	test.Tap(tb.wb.faults.btn)
	c := tb.wb.faults.panel.Controls()
	c.Conn.SetText(idA)
	if c.ConnErrorFrame.Selected != "Forbidden" {
		t.Fatalf("the panel shows A's error frame as %q, want Forbidden", c.ConnErrorFrame.Selected)
	}
	if tb.wb.faults.btn.Text != "Faults on" {
		t.Errorf("toolbar reads %q with an error frame set", tb.wb.faults.btn.Text)
	}
	c.ConnErrorFrame.SetSelected("Internal server error")
	test.Tap(c.Apply)
	if c.Result.Text != "Faults on: the gateway applies them now." {
		t.Fatalf("panel says %q", c.Result.Text)
	}
	seqA, seqB := tb.lastSeq(0), tb.lastSeq(1)
	tb.send(0, `{"action":"whoami"}`)
	tb.send(1, `{"action":"whoami"}`)
	tb.waitEntry(0, "the error frame", receivedContaining(seqA, `"Internal server error"`))
	b := tb.waitEntry(1, "the answer", func(e client.Entry) bool { return e.Seq > seqB && e.Dir == client.Received })
	if !strings.Contains(b.Text, `"connectionId"`) {
		t.Errorf("tab B got %q, want whoami's answer", b.Text)
	}
	tb.waitRows(tb.tab(0).Log, "the error frame drawn", func(rows []string) bool { return countContaining(rows, "Internal server error") >= 1 })

	c.ConnErrorFrame.SetSelected("none")
	test.Tap(c.Apply)
	if f := tb.wb.gw.Faults(); f.Active() || tb.wb.faults.btn.Text != "Faults" {
		t.Errorf("after none: the gateway runs %+v, toolbar %q", f, tb.wb.faults.btn.Text)
	}
	seqA = tb.lastSeq(0)
	tb.send(0, `{"action":"whoami"}`)
	a := tb.waitEntry(0, "the answer", func(e client.Entry) bool { return e.Seq > seqA && e.Dir == client.Received })
	if !strings.Contains(a.Text, `"connectionId"`) {
		t.Errorf("after none tab A got %q", a.Text)
	}
}

// TestFaultsPickerFollowsConnections: the faults panel's connection picker
// offers a connection that opened while the panel was open, and drops one
// that closed, without touching what is typed in it.
func TestFaultsPickerFollowsConnections(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	test.Tap(tb.wb.faults.btn)
	c := tb.wb.faults.panel.Controls()
	c.Conn.SetText("typed=")
	o := dialOutside(t, tb, http.Header{"User-Agent": {"late-comer/1"}})
	id := tb.selectOutside("late-comer/1")
	tb.waitFor("the picker to offer the new connection", func() bool {
		return slices.Contains(tb.wb.faults.panel.Controls().ConnOptions, id)
	})
	// What the picker's menu shows when opened.
	test.Tap(c.Conn.ActionItem.(fyne.Tappable))
	menu := strings.Join(textsIn(tb.wb.faults.win.Canvas().Overlays().Top()), "\n")
	if !strings.Contains(menu, id) {
		t.Errorf("the picker's menu shows %q, want %s", menu, id)
	}
	tb.wb.faults.win.Canvas().Overlays().Top().Hide()
	if c.Conn.Text != "typed=" {
		t.Errorf("the refresh changed the typed text to %q", c.Conn.Text)
	}
	o.ws.Close()
	tb.waitFor("the picker to drop the closed connection", func() bool {
		return !slices.Contains(tb.wb.faults.panel.Controls().ConnOptions, id)
	})
}

// textsIn returns every text drawn under o (labels and canvas texts), as
// a menu draws its items.
func textsIn(o fyne.CanvasObject) []string {
	var out []string
	walkRendered(o, func(p placed) {
		switch x := p.obj.(type) {
		case *canvas.Text:
			if x.Text != "" {
				out = append(out, x.Text)
			}
		case *widget.Label:
			if x.Text != "" {
				out = append(out, x.Text)
			}
		}
	})
	return out
}

// TestFaultsMarkerFollowsTheWorkspace: opening a workspace whose Metadata
// sets a fault turns the toolbar's marker on (and the open panel shows
// it); opening one without faults turns it off again.
func TestFaultsMarkerFollowsTheWorkspace(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	test.Tap(tb.wb.faults.btn)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.yaml")
	if err := os.WriteFile(plain, assets.SampleAPI, 0o644); err != nil {
		t.Fatal(err)
	}
	faulty := filepath.Join(dir, "faulty.yaml")
	src := string(assets.SampleAPI) + "\nMetadata:\n  wsworkbench:\n    faults:\n      messages:\n        - error: Forbidden\n          errorRate: 0.5\n"
	if err := os.WriteFile(faulty, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.openFile(faulty)
	tb.waitFor("the marker on", func() bool { return tb.wb.faults.btn.Text == "Faults on" })
	if c := tb.wb.faults.panel.Controls(); c.ErrorFrame.Selected != "Forbidden" || c.ErrorRate.Text != "0.5" {
		t.Errorf("the open panel shows %q at %q", c.ErrorFrame.Selected, c.ErrorRate.Text)
	}
	tb.openFile(plain)
	tb.waitFor("the marker off", func() bool { return tb.wb.faults.btn.Text == "Faults" })
	if c := tb.wb.faults.panel.Controls(); c.ErrorFrame.Selected != "none" {
		t.Errorf("after a workspace without faults the panel shows %q", c.ErrorFrame.Selected)
	}
}

// TestFaultsMarkerOffWhenItsConnectionCloses: a fault set for one outside
// connection turns the toolbar's marker on; when that connection closes
// the fault acts on nothing and the marker goes off, and the open panel
// says why.
func TestFaultsMarkerOffWhenItsConnectionCloses(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	o := dialOutside(t, tb, http.Header{"User-Agent": {"short-lived/1"}})
	id := tb.selectOutside("short-lived/1")
	test.Tap(tb.wb.faults.btn)
	c := tb.wb.faults.panel.Controls()
	c.Conn.SetText(id)
	c.ConnErrorFrame.SetSelected("Forbidden")
	test.Tap(c.Apply)
	if tb.wb.faults.btn.Text != "Faults on" || c.Result.Text != "Faults on: the gateway applies them now." {
		t.Fatalf("with a fault for an open connection: toolbar %q, panel %q", tb.wb.faults.btn.Text, c.Result.Text)
	}
	o.send(t, `{"action":"whoami"}`)
	o.waitFrameMatch(tb, "the Forbidden error frame", func(f string) bool {
		return strings.HasPrefix(f, `{"message": "Forbidden", "connectionId":"`+id+`"`)
	})
	o.ws.Close()
	tb.waitFor("the marker to go off", func() bool { return tb.wb.faults.btn.Text == "Faults" })
	if got := c.Result.Text; got != "Only faults for connections that are not open are set: none acts now." {
		t.Errorf("the panel says %q", got)
	}
	if f := tb.wb.ws.API.Settings.Faults; len(f.Messages) != 1 || f.Messages[0].Connection != id {
		t.Errorf("the workspace lost the fault: %+v", f)
	}
}
