package scenario

import (
	"strings"
	"testing"
	"time"

	"wsworkbench/client"
	cs "wsworkbench/client/scenario"
)

// TestBuildMergesTabsByTime: entries from two tabs come out in time order,
// entries before Since are left out, a failed send is not a send, a close the
// tab made is a close with its code and reason, a server's close an
// expectClose, and the result loads.
func TestBuildMergesTabsByTime(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	a := Tab{Name: "client 1", ConnectionID: "AbCdEf123=", Since: 1, Entries: []client.Entry{
		{Seq: 1, Time: at(0), Dir: client.Sent, Text: "before recording"},
		{Seq: 2, Time: at(10), Dir: client.Sent, Text: "hello"},
		{Seq: 3, Time: at(30), Dir: client.Received, Text: `{"from":"AbCdEf123="}`},
		{Seq: 4, Time: at(50), Dir: client.Sent, Text: "lost", Note: "send failed: closed"},
		{Seq: 5, Time: at(60), Dir: client.Event, Note: "closed by client: 4000 done; server answered 4000 done"},
	}}
	b := Tab{Name: "client 2", ConnectionID: "ZyXwVu987=", Entries: []client.Entry{
		{Seq: 1, Time: at(5), Dir: client.Event, Note: "connected to ws://127.0.0.1:1/production"},
		{Seq: 2, Time: at(20), Dir: client.Received, Text: "ping"},
		{Seq: 3, Time: at(70), Dir: client.Event, Note: "closed by server: 1001 Going away"},
	}}
	a.OpenAtStart = true
	out := string(Build("t", []Tab{a, b}))
	var order []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "- ") {
			order = append(order, strings.TrimPrefix(l, "- "))
		}
	}
	want := []string{"connect: client-1", "connect: client-2", "send: client-1", "expect: client-2", "expect: client-1", "close: client-1", "expectClose: client-2"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("steps %q, want %q\n%s", order, want, out)
	}
	for _, bad := range []string{"before recording", "lost", "AbCdEf123="} {
		if strings.Contains(out, bad) {
			t.Errorf("recording has %q:\n%s", bad, out)
		}
	}
	for _, good := range []string{"code: 4000", "reason: done", "code: 1001", "${connectionId.client-1}"} {
		if !strings.Contains(out, good) {
			t.Errorf("recording lacks %q:\n%s", good, out)
		}
	}
	if _, err := cs.Parse("t.yaml", []byte(out)); err != nil {
		t.Fatalf("does not load: %v\n%s", err, out)
	}
}
