package ui

import (
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
	if tb.wb.faultsBtn.Text != "Faults" {
		t.Fatalf("toolbar reads %q before any fault", tb.wb.faultsBtn.Text)
	}
	test.Tap(tb.wb.faultsBtn)
	if tb.wb.faults == nil {
		t.Fatal("the Faults button opened no panel")
	}
	c := tb.wb.faults.Controls()
	// Long enough that an answer without it is far quicker even on a
	// loaded machine under -race.
	const latency = 1500 * time.Millisecond
	c.Latency.SetText("1500")
	test.Tap(c.Apply)
	if c.Result.Text != "Faults on: the gateway applies them now." {
		t.Fatalf("panel says %q", c.Result.Text)
	}
	if tb.wb.faultsBtn.Text != "Faults on" || tb.wb.faultsBtn.Importance != widget.DangerImportance {
		t.Errorf("toolbar marker %q (importance %v)", tb.wb.faultsBtn.Text, tb.wb.faultsBtn.Importance)
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
	if !tb.wb.gw.Faults().Disabled || tb.wb.faultsBtn.Text != "Faults" {
		t.Errorf("after All faults off: disabled %v, toolbar %q", tb.wb.gw.Faults().Disabled, tb.wb.faultsBtn.Text)
	}
	if d := rtt("fast"); d >= latency {
		t.Errorf("answer after %v with every fault off", d)
	}
}
