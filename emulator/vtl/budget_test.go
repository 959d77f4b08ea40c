package vtl

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// heavyMatches runs String.matches over a 32 KB string a million times:
// minutes of work in steps of a few milliseconds, each a big-string method
// that checks the budget first (from 16 KB). With a 1 MB string one step
// took seconds under -race on a loaded machine, and TestRenderCanceled's
// 10 s ran out (5 runs in 50).
const heavyMatches = `#set($a = "ab")#set($s = $a.repeat(16384))#foreach($j in [1..1000])#foreach($i in [1..1000])#if($s.matches("(a|b)*c"))x#end#end#end done`

// cheapLoop is a million cheap steps: it stops on the clock checked every
// pollEvery steps, not on a big string.
const cheapLoop = `#foreach($i in [1..1000])#foreach($j in [1..1000])#set($x = $j)#end#end`

func mustParse(t *testing.T, src string) *Template {
	t.Helper()
	tp, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// TestRenderTimeBudget: a render that runs past Limits.MaxTime,
// Input.Deadline or Input.Budget stops with ErrTimeout, whether its steps
// are slow (one String.matches over 32 KB) or many.
func TestRenderTimeBudget(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		lim       Limits
		deadline  time.Duration // Input.Deadline from the start, when set
		budget    time.Duration // Input.Budget
	}{
		{"matches/MaxTime", heavyMatches, Limits{MaxTime: 100 * time.Millisecond}, 0, 0},
		{"matches/Deadline", heavyMatches, Limits{}, 100 * time.Millisecond, 0},
		{"matches/Budget", heavyMatches, Limits{}, 0, 100 * time.Millisecond},
		{"steps/MaxTime", cheapLoop, Limits{MaxTime: time.Millisecond}, 0, 0},
		{"steps/Budget", cheapLoop, Limits{}, 0, time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tp := mustParse(t, tt.src).WithLimits(tt.lim)
			start := time.Now()
			in := Input{Budget: tt.budget}
			if tt.deadline > 0 {
				in.Deadline = start.Add(tt.deadline)
			}
			_, err := tp.Render(&in)
			took := time.Since(start)
			var ve *Error
			if !errors.As(err, &ve) || !errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want an *Error wrapping ErrTimeout", err)
			}
			if !strings.Contains(ve.Msg, "time budget") {
				t.Errorf("message %q does not name the time budget", ve.Msg)
			}
			t.Logf("stopped after %v: %v", took, err)
		})
	}
}

// TestRenderCanceled: closing Input.Done stops a running render with
// ErrCanceled (the client left; the gateway closes).
func TestRenderCanceled(t *testing.T) {
	done := make(chan struct{})
	errc := make(chan error, 1)
	tp := mustParse(t, heavyMatches)
	go func() {
		_, err := tp.Render(&Input{Done: done})
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it start; the result is the same if it has not
	close(done)
	select {
	case err := <-errc:
		if !errors.Is(err, ErrCanceled) {
			t.Fatalf("err = %v, want ErrCanceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the render did not stop within 10 s of Done closing")
	}
}

// TestRenderBudgetUnhurried: a render within its budget is not stopped,
// and an open Done does nothing.
func TestRenderBudgetUnhurried(t *testing.T) {
	tp := mustParse(t, `#foreach($i in [1..300])#set($x = $i)#end$x`)
	got, err := tp.Render(&Input{Done: make(chan struct{}), Deadline: time.Now().Add(time.Hour)})
	if err != nil || got != "300" {
		t.Fatalf("got %q, %v", got, err)
	}
}

// TestRenderMemoryBudgetStringMethods: strings built by String methods are
// charged to the memory budget, so a loop that keeps upper-cased copies
// of a big string stops at MaxMemory instead of growing without end.
func TestRenderMemoryBudgetStringMethods(t *testing.T) {
	for _, m := range []string{"toUpperCase", "toLowerCase"} {
		t.Run(m, func(t *testing.T) {
			src := `#set($a = "ab")#set($s = $a.repeat(50000))#set($l = [])#foreach($i in [1..1000])#set($d = $l.add($s.` + m + `()))#end`
			// No time budget: under -race on a loaded machine the 29 s default
			// ran out first (1 run in 50); the memory budget is under test.
			tp := mustParse(t, src).WithLimits(Limits{MaxMemory: 10 << 20, MaxTime: time.Hour})
			_, err := tp.Render(nil)
			if err == nil || !strings.Contains(err.Error(), "bytes of values") {
				t.Fatalf("err = %v, want the memory budget", err)
			}
		})
	}
}

// TestRenderText: a template that is only text renders to its text without
// a renderer (Render and RenderTo agree, nothing else in the buffer
// changes), and still fails past MaxOutput.
func TestRenderText(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		lim       Limits
		want      string
		fail      bool
	}{
		{"empty", "", Limits{}, "", false},
		{"fixed answer", `{"message": "Hello World"}`, Limits{}, `{"message": "Hello World"}`, false},
		{"escaped dollar is not text only", `\$x`, Limits{}, `\$x`, false},
		{"over MaxOutput", "0123456789", Limits{MaxOutput: 5}, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tp := mustParse(t, tt.src).WithLimits(tt.lim)
			got, err := tp.Render(&Input{Done: closedDone()})
			if (err != nil) != tt.fail || got != tt.want {
				t.Fatalf("Render = %q, %v; want %q (fail %v)", got, err, tt.want, tt.fail)
			}
			var buf bytes.Buffer
			buf.WriteString("before:")
			err = tp.RenderTo(&buf, nil)
			if want := "before:" + tt.want; (err != nil) != tt.fail || buf.String() != want {
				t.Fatalf("RenderTo = %q, %v; want %q", buf.String(), err, want)
			}
		})
	}
}

// closedDone is an Input.Done already closed: a render that polls it stops;
// a short one never polls.
func closedDone() <-chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// TestRenderSlow: Input.Slow is called once, on the rendering goroutine,
// when a render runs past SlowAfter (here it cancels the render, which
// otherwise runs for minutes); a short render never calls it, even with
// SlowAfter zero.
func TestRenderSlow(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		slowAfter time.Duration
		calls     int
		err       error
	}{
		{"matches", heavyMatches, time.Millisecond, 1, ErrCanceled},
		{"steps", cheapLoop, time.Millisecond, 1, ErrCanceled},
		{"short", `#foreach($i in [1..100])#set($x = $i)#end$x`, 0, 0, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			calls := 0
			in := &Input{Done: done, SlowAfter: tt.slowAfter, Slow: func() {
				calls++ // the rendering goroutine: no lock needed, -race checks it
				if calls == 1 {
					close(done)
				}
			}}
			_, err := mustParse(t, tt.src).WithLimits(Limits{MaxTime: time.Hour}).Render(in)
			if !errors.Is(err, tt.err) || tt.err == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if calls != tt.calls {
				t.Fatalf("Slow called %d times, want %d", calls, tt.calls)
			}
		})
	}
}
