package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wsworkbench/client"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/trace"
)

// TestBridgeCoalescesMarks: however many marks arrive while a refresh is
// queued, the bridge queues no second one, and the refresh sees every mark.
func TestBridgeCoalescesMarks(t *testing.T) {
	var mu sync.Mutex
	var queued []func()
	var got dirt
	b := newBridge(nil, &controller.Tabs{}, trace.NewStore(0), func(f func()) {
		mu.Lock()
		queued = append(queued, f)
		mu.Unlock()
	}, func(d dirt) { got |= d })
	b.Start()
	defer b.Stop()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(queued)
	}

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10000 {
				if i%2 == 0 {
					b.mark(dirtyTabs)
				} else if g == 0 {
					b.mark(dirtyTrace)
				}
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for count() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * frameInterval) // many frames, all while the refresh waits
	if n := count(); n != 1 {
		t.Fatalf("%d refreshes queued while the first had not run, want 1", n)
	}
	queued[0]()
	if got != dirtyTabs|dirtyTrace {
		t.Errorf("the refresh saw %b, want tabs and trace", got)
	}
	time.Sleep(10 * frameInterval)
	if n := count(); n != 1 {
		t.Errorf("%d refreshes queued with nothing marked since the first", n)
	}
	if s := b.stats(); s.Pending != 0 || s.Flushes != 1 || s.MaxPending != 1 {
		t.Errorf("stats %+v", s)
	}
}

// TestBridgeAtMostOneRefreshPerFrame: with marks arriving all the time and
// the UI keeping up, refreshes come at most once a frame. (A bound that a
// slower machine can only stay further under.)
func TestBridgeAtMostOneRefreshPerFrame(t *testing.T) {
	var refreshes atomic.Int64
	b := newBridge(nil, &controller.Tabs{}, trace.NewStore(0), func(f func()) { go f() }, func(dirt) { refreshes.Add(1) })
	start := time.Now()
	b.Start()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				b.mark(dirtyTabs)
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	<-done
	b.Stop()
	elapsed := time.Since(start)
	if max := int64(elapsed/frameInterval) + 1; refreshes.Load() > max {
		t.Errorf("%d refreshes in %v, more than one a frame (%d)", refreshes.Load(), elapsed, max)
	}
	if refreshes.Load() == 0 {
		t.Error("no refresh at all")
	}
}

// TestStatsLines: WSWORKBENCH_STATS writes a line a second with the
// bridge's counters, the probe's wait and each tab.
func TestStatsLines(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	path := filepath.Join(t.TempDir(), "stats.jsonl")
	tb.wb.startStats(path)
	var lines []statsLine
	tb.waitFor("a statistics line", func() bool {
		data, _ := os.ReadFile(path)
		lines = nil
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var s statsLine
			if json.Unmarshal([]byte(l), &s) == nil {
				lines = append(lines, s)
			}
		}
		return len(lines) > 0
	})
	l := lines[0]
	if len(l.Tabs) != 2 || l.Tabs[0].ID == "" || l.HeapLiveMB <= 0 || l.Goroutines == 0 {
		t.Errorf("line %+v", l)
	}
}

// TestNoteFollowsItsTabAcrossReconnect: a route the gateway reported before
// the tab logged the frame waits for the entry on the tab that held the
// connection, even when the tab has reconnected meanwhile (a TLS toggle
// restarts the gateway within the retry interval). It used to be dropped,
// leaving the entry unrouted, and the next answer with the same text then
// had its route written to that older entry instead of its own
// (TestTLSToggle failed 9 runs in 10: "timed out waiting for the answer's
// route").
func TestNoteFollowsItsTabAcrossReconnect(t *testing.T) {
	tabs := &controller.Tabs{}
	tab := controller.NewTab("client 1", client.New(client.Options{URL: "ws://127.0.0.1:1/"}))
	tabs.Add(tab)
	b := newBridge(nil, tabs, trace.NewStore(16), func(f func()) { f() }, func(dirt) {})
	log := tab.Client().Log()
	answer := `{"message": "Hello World"}`

	tab.SetConnect("first-connection", "")
	b.note(pendingNote{connID: "first-connection", dir: client.Received, text: answer, route: "message", reqID: "r1"})
	if len(b.notes) != 1 {
		t.Fatalf("%d notes queued, want the one whose entry is not logged yet", len(b.notes))
	}
	first := log.Append(client.Entry{Dir: client.Received, Text: answer})
	tab.SetConnect("second-connection", "") // reconnected before the retry
	b.dirty.Store(0)
	b.retryNotes(time.Now())
	if b.dirty.Load()&uint32(dirtyTabs) == 0 {
		t.Error("the retried annotation did not mark the tabs to be drawn again")
	}
	if e, _ := log.BySeq(first); e.Route != "message" || len(b.notes) != 0 {
		t.Fatalf("first answer routed %q, %d notes left; want message, none", e.Route, len(b.notes))
	}

	second := log.Append(client.Entry{Dir: client.Received, Text: answer})
	b.dirty.Store(0)
	b.note(pendingNote{connID: "second-connection", dir: client.Received, text: answer, route: "other", reqID: "r2"})
	if b.dirty.Load()&uint32(dirtyTabs) == 0 {
		t.Error("the annotation did not mark the tabs to be drawn again: the newest answer showed without its route until something else changed")
	}
	if e, _ := log.BySeq(second); e.Route != "other" {
		t.Errorf("second answer routed %q, want other (its own note)", e.Route)
	}
	if e, _ := log.BySeq(first); e.Route != "message" {
		t.Errorf("first answer's route became %q", e.Route)
	}
}
