package localfn

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestStatus: a function is cold before its first call, warm after it with
// its invocations newest first (the first a cold start with its log), busy
// while a call runs, cold again after Restart (the next call a cold start),
// and crashed when its process died with the last call.
func TestStatus(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `
exports.handler = async (event) => {
  console.log('called with', event.n);
  if (event.crash) process.exit(2);
  if (event.wait) await new Promise((r) => setTimeout(r, event.wait));
  return { n: event.n };
};`})
	r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir, Timeout: 10 * time.Second})
	state := func() FunctionStatus {
		st := r.Status()
		if len(st) != 1 || st[0].Name != "Fn" || st[0].Runtime != "nodejs20.x" || st[0].Handler != "app.handler" {
			t.Fatalf("status %+v", st)
		}
		return st[0]
	}
	if st := state(); st.State != StateCold || len(st.Recent) != 0 {
		t.Fatalf("before any call: %s with %d invocations", st.State, len(st.Recent))
	}
	invoke(t, r, "Fn", `{"n":1}`)
	invoke(t, r, "Fn", `{"n":2}`)
	st := state()
	if st.State != StateWarm || st.Instances != 1 || len(st.Recent) != 2 {
		t.Fatalf("after two calls: %s, %d instances, %d invocations", st.State, st.Instances, len(st.Recent))
	}
	newest, first := st.Recent[0], st.Recent[1]
	if !first.Cold || newest.Cold {
		t.Errorf("cold marks: first %v, second %v", first.Cold, newest.Cold)
	}
	if !strings.Contains(first.Log, "called with 1") || !strings.Contains(newest.Log, "called with 2") {
		t.Errorf("logs out of order:\n%s\n%s", newest.Log, first.Log)
	}
	if first.Start.IsZero() || newest.Start.Before(first.Start) || newest.Duration <= 0 {
		t.Errorf("times: first %v, second %v (%v)", first.Start, newest.Start, newest.Duration)
	}

	// Busy while a call runs.
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _, _, _ = r.Invoke(context.Background(), "Fn", []byte(`{"n":3,"wait":300}`))
	}()
	deadline := time.Now().Add(5 * time.Second)
	for state().State != StateBusy {
		if time.Now().After(deadline) {
			t.Fatal("never busy")
		}
		time.Sleep(time.Millisecond)
	}
	<-done

	if err := r.Restart("Fn"); err != nil {
		t.Fatal(err)
	}
	if st := state(); st.State != StateCold || st.Instances != 0 {
		t.Errorf("after Restart: %s, %d instances", st.State, st.Instances)
	}
	invoke(t, r, "Fn", `{"n":4}`)
	if st := state(); !st.Recent[0].Cold {
		t.Error("the call after Restart is not a cold start")
	}

	res, fnErr, _, err := r.Invoke(context.Background(), "Fn", []byte(`{"crash":true}`))
	if err != nil || fnErr == "" {
		t.Fatalf("crash: %s %q %v", res, fnErr, err)
	}
	if st := state(); st.State != StateCrashed || !strings.Contains(string(st.Recent[0].Payload), "Runtime.ExitError") {
		t.Errorf("after a crash: %s, last payload %s", st.State, st.Recent[0].Payload)
	}
	_ = r.Restart("Fn")
	if st := state(); st.State != StateCold {
		t.Errorf("a crash before Restart still shows: %s", st.State)
	}
}

// TestStatusKeepsRecentBounded: only the last MaxRecent invocations are
// kept.
func TestStatusKeepsRecentBounded(t *testing.T) {
	needProgram(t, "node")
	dir := writeCode(t, map[string]string{"app.js": `exports.handler = async (e) => ({ n: e.n });`})
	r := newRunner(t, Options{}, Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir})
	for i := 0; i < MaxRecent+5; i++ {
		invoke(t, r, "Fn", `{"n":"`+strings.Repeat("x", i+1)+`"}`)
	}
	st := r.Status()[0]
	if len(st.Recent) != MaxRecent {
		t.Fatalf("%d invocations kept, want %d", len(st.Recent), MaxRecent)
	}
	if got := string(st.Recent[0].Payload); got != `{"n":"`+strings.Repeat("x", MaxRecent+5)+`"}` {
		t.Errorf("newest %s", got)
	}
}
