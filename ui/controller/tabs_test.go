package controller

import (
	"strings"
	"testing"
	"time"

	"wsworkbench/client"
)

// TestTabsRegistry: the registry finds a tab by its connection ID, forgets
// a removed tab, and keeps each tab's requests by log entry, across a new
// client that carries the log over.
func TestTabsRegistry(t *testing.T) {
	newClient := func() *client.Client { return client.New(client.Options{URL: "ws://127.0.0.1:1/x", LogCapacity: 100}) }
	var tabs Tabs
	a, b := NewTab("client 1", newClient()), NewTab("client 2", newClient())
	tabs.Add(a)
	tabs.Add(b)
	a.SetConnect("AAA=", "req-connect-a")
	b.SetConnect("BBB=", "req-connect-b")
	if got := tabs.ByConnID("BBB="); got != b {
		t.Fatalf("ByConnID(BBB=) = %v, want client 2", got)
	}
	if tabs.ByConnID("") != nil || tabs.ByConnID("CCC=") != nil || tabs.ByAddr("") != nil {
		t.Error("an empty or unknown ID found a tab")
	}
	if a.ConnectRequest() != "req-connect-a" {
		t.Errorf("ConnectRequest = %q", a.ConnectRequest())
	}

	log := a.Client().Log()
	seq := log.Append(client.Entry{Time: time.Now(), Dir: client.Sent, Text: `{"action":"message"}`})
	if !a.Annotate(client.Sent, `{"action":"message"}`, "message", "req-1") {
		t.Fatal("Annotate found no entry to route")
	}
	if id, ok := a.Request(seq); !ok || id != "req-1" {
		t.Errorf("Request(%d) = %q, %v", seq, id, ok)
	}
	if a.Annotate(client.Sent, "not sent", "message", "req-2") {
		t.Error("Annotate routed a frame the tab never sent")
	}

	// A new client (another URL) carries the log over under new numbers.
	nc := newClient()
	newSeq := nc.Log().Append(log.At(0))
	a.Swap(nc, map[uint64]uint64{seq: newSeq})
	if a.Client() != nc {
		t.Fatal("Swap kept the old client")
	}
	if id, ok := a.Request(newSeq); !ok || id != "req-1" {
		t.Errorf("after Swap, Request(%d) = %q, %v", newSeq, id, ok)
	}
	if a.ConnectRequest() != "" {
		t.Errorf("after Swap the new client has the old $connect %q", a.ConnectRequest())
	}

	a.SetCloseWhy(1001, "Going away", "idle for 10 minutes")
	if a.CloseReason() != "idle for 10 minutes" {
		t.Errorf("CloseReason = %q", a.CloseReason())
	}
	if e := nc.Log().At(nc.Log().Len() - 1); !strings.Contains(e.Note, "1001 Going away: idle for 10 minutes") {
		t.Errorf("the log says %q", e.Note)
	}

	tabs.Remove(b)
	if tabs.ByConnID("BBB=") != nil || len(tabs.List()) != 1 || tabs.List()[0] != a {
		t.Errorf("after Remove: %d tabs", len(tabs.List()))
	}
}
