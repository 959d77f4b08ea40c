package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
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
	tb.wb.clients.addTab(tabTarget{}, true)
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
