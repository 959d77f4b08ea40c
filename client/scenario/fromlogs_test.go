package scenario

import (
	"strings"
	"testing"
	"time"

	"wsworkbench/client"
)

// TestFromLogsMergesTabsByTime: entries from two clients come out in time
// order, entries before Since are left out, a failed send is not a send, a
// close the client made is a close with its code and reason, a server's
// close and a lost connection are expectCloses, and the result loads.
func TestFromLogsMergesTabsByTime(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	a := TabLog{Name: "client 1", ConnectionID: "AbCdEf123=", Since: 1, OpenAtStart: true, Entries: []client.Entry{
		{Seq: 1, Time: at(0), Dir: client.Sent, Text: "before recording"},
		{Seq: 2, Time: at(10), Dir: client.Sent, Text: "hello"},
		{Seq: 3, Time: at(30), Dir: client.Received, Text: `{"from":"AbCdEf123="}`},
		{Seq: 4, Time: at(50), Dir: client.Sent, Text: "lost", Note: "send failed: closed"},
		{Seq: 5, Time: at(55), Dir: client.Event, Note: "a note the window added"},
		{Seq: 6, Time: at(60), Dir: client.Event, Event: client.ClosedEvent, Close: &client.CloseEvent{ByClient: true, Code: 4000, Reason: "done"}},
	}}
	b := TabLog{Name: "client 2", ConnectionID: "ZyXwVu987=", Entries: []client.Entry{
		{Seq: 1, Time: at(5), Dir: client.Event, Event: client.ConnectedEvent},
		{Seq: 2, Time: at(20), Dir: client.Received, Text: "ping"},
		{Seq: 3, Time: at(70), Dir: client.Event, Event: client.ClosedEvent, Close: &client.CloseEvent{Code: 1001, Reason: "Going away"}},
		{Seq: 4, Time: at(80), Dir: client.Event, Event: client.ConnectedEvent},
		{Seq: 5, Time: at(90), Dir: client.Event, Event: client.ClosedEvent, Close: &client.CloseEvent{Lost: true}},
	}}
	out := string(FromLogs("t", []TabLog{a, b}))
	var order []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "- ") {
			order = append(order, strings.TrimPrefix(l, "- "))
		}
	}
	want := []string{"connect: client-1", "connect: client-2", "send: client-1", "expect: client-2", "expect: client-1",
		"close: client-1", "expectClose: client-2", "connect: client-2", "expectClose: client-2"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("steps %q, want %q\n%s", order, want, out)
	}
	for _, bad := range []string{"before recording", "lost", "a note", "AbCdEf123="} {
		if strings.Contains(out, bad) {
			t.Errorf("recording has %q:\n%s", bad, out)
		}
	}
	for _, good := range []string{"code: 4000", "reason: done", "code: 1001", "${connectionId.client-1}"} {
		if !strings.Contains(out, good) {
			t.Errorf("recording lacks %q:\n%s", good, out)
		}
	}
	if _, err := Parse("t.yaml", []byte(out)); err != nil {
		t.Fatalf("does not load: %v\n%s", err, out)
	}
}
