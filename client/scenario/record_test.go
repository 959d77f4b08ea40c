package scenario

import (
	"context"
	"strings"
	"testing"
)

func TestRecorderWritesVariablesNotLiterals(t *testing.T) {
	r := NewRecorder("recorded")
	r.Connect("tab1", "", map[string]string{"X-Api-Key": "k"}, nil, []string{"chat"}, 101, "AbCdEf123=")
	r.Connect("tab2", "", nil, nil, nil, 101, "ZyXwVu987=")
	r.Send("tab1", `{"action":"whoami"}`)
	r.Receive("tab1", `{"connectionId":"AbCdEf123=","requestId":"req-0001","stage":"production"}`)
	r.Send("tab1", `{"action":"echo","ref":"req-0001"}`)
	r.Receive("tab1", `{"ref":"req-0001"}`)
	r.Receive("tab2", `YOUR ID: ZyXwVu987=`)
	r.Close("tab1", 1000, "done")
	r.Closed("tab2", 1001)
	out := string(r.YAML())

	for _, want := range []string{
		"connect: tab1",
		"X-Api-Key: k",
		"subprotocols: [chat]",
		`subset: '{"connectionId":"${connectionId.tab1}","stage":"production"}'`,
		"requestId1: $.requestId",
		`json: '{"action":"echo","ref":"${requestId1}"}'`,
		`json: '{"ref":"${requestId1}"}'`,
		`text: 'YOUR ID: ${connectionId.tab2}'`,
		"reason: done",
		"expectClose: tab2",
		"code: 1001",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("recording lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "AbCdEf123=") || strings.Contains(out, "req-0001") {
		t.Errorf("recording keeps a literal ID:\n%s", out)
	}
	sc, err := Parse("recorded.yaml", []byte(out))
	if err != nil {
		t.Fatalf("the recording does not load: %v\n%s", err, out)
	}
	if len(sc.Steps) != 9 {
		t.Errorf("%d steps, want 9", len(sc.Steps))
	}
}

// TestRecordedSessionReplays records a conversation with the fake API and
// replays the recording against a new server, whose connection IDs differ.
func TestRecordedSessionReplays(t *testing.T) {
	f := newFakeAPI(t)
	live := f.runner()
	// The conversation, run once by a scenario (as a window's tabs would).
	sc := mustParse(t, `
steps:
  - connect: a
  - send: a
    text: whoami
  - expect: a
    any: true
  - send: a
    text: pair
  - expect: a
    frames: [{any: true}, {any: true}]
`)
	res := live.Run(context.Background(), sc)
	if !res.Passed() {
		t.Fatal(res.Failure().Message)
	}
	// Record what it saw.
	rec := NewRecorder("replay")
	rec.Connect("a", "", nil, nil, nil, 101, "conn-1")
	rec.Send("a", "whoami")
	rec.Receive("a", `{"id":"conn-1","header":"","q":"","proto":""}`)
	rec.Send("a", "pair")
	rec.Receive("a", `{"n":2,"requestId":"r2"}`)
	rec.Receive("a", `{"n":1}`)
	replay, err := Parse("replay.yaml", rec.YAML())
	if err != nil {
		t.Fatal(err)
	}
	f2 := newFakeAPI(t)
	f2.n = 5 // the replay's connection gets another ID
	res = f2.runner().Run(context.Background(), replay)
	if !res.Passed() {
		var b strings.Builder
		WriteText(&b, res)
		t.Fatalf("%s\n%s", b.String(), rec.YAML())
	}
}
