package ui

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"wsworkbench/client"
)

// The window's speed, measured (docs/PERFORMANCE.md, "Window"). These
// benchmarks assert nothing about time; they report what they measure.
//
//	go test -tags ci -run '^$' -bench 'WindowTab' -benchtime 10000x ./ui/
//
// In both, the gateway runs in-process, the messages reach a real client on
// loopback, and the benchmark's goroutine plays the UI goroutine: it runs
// everything the window hands to fyne.Do, as the app's event loop would.
// Fyne's test driver does not paint, so the cost measured is the window's
// own work per refresh (lists, labels, layout), not OpenGL's; the
// real-binary measurement (BenchmarkWindowFloodUnderXvfb) includes that.

// uiLoop runs the test bench's UI queue until stop is closed, measuring
// how many functions wait in it and how long each takes.
type uiLoop struct {
	maxQueued int
	ran       int
	busy      time.Duration
	maxRun    time.Duration
}

func (u *uiLoop) run(tb *testBench, until func() bool) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !until() {
		select {
		case f := <-tb.queue:
			if q := len(tb.queue) + 1; q > u.maxQueued {
				u.maxQueued = q
			}
			t := time.Now()
			f()
			d := time.Since(t)
			u.busy += d
			u.ran++
			u.maxRun = max(u.maxRun, d)
		case <-tick.C:
		}
	}
}

// BenchmarkWindowTab1000MsgPerSec sends b.N messages to one tab at 1 000
// a second (through the gateway's @connections path) and reports how much
// UI work was queued at most, how often the window refreshed, and how busy
// the UI goroutine was.
func BenchmarkWindowTab1000MsgPerSec(b *testing.B) {
	tb := newTestBench(b)
	tb.wb.bridge.frame = frameInterval
	id := tb.waitConnected(0)
	log := tb.tab(0).Model.Client().Log()
	base := lastSeqOf(log)
	var sent atomic.Int64
	var postErrs atomic.Int64
	b.ResetTimer()
	start := time.Now()
	go func() {
		for i := 0; i < b.N; i++ {
			if d := time.Until(start.Add(time.Duration(i) * time.Millisecond)); d > 0 {
				time.Sleep(d)
			}
			msg := fmt.Sprintf(`{"message":"tick","n":%d,"pad":"0123456789abcdef0123456789abcdef"}`, i)
			if err := tb.wb.gw.PostToConnection(id, []byte(msg)); err != nil {
				postErrs.Add(1)
			}
			sent.Add(1)
		}
	}()
	var u uiLoop
	received := func() int { return int(lastSeqOf(log) - base) }
	deadline := time.Now().Add(time.Duration(b.N)*time.Millisecond + 30*time.Second)
	u.run(tb, func() bool {
		return sent.Load() == int64(b.N) && received() >= b.N-int(postErrs.Load()) || time.Now().After(deadline)
	})
	tb.settle(3 * frameInterval)
	elapsed := time.Since(start)
	b.StopTimer()
	st := tb.wb.bridge.stats()
	b.ReportMetric(float64(u.maxQueued), "max-ui-queue")
	b.ReportMetric(float64(st.MaxPending), "max-pending-refreshes")
	b.ReportMetric(float64(st.Flushes)/elapsed.Seconds(), "refreshes/s")
	b.ReportMetric(float64(u.busy)/float64(elapsed)*100, "ui-busy-%")
	b.ReportMetric(float64(u.maxRun)/float64(time.Millisecond), "max-ui-task-ms")
	b.ReportMetric(float64(received()), "received")
	b.ReportMetric(float64(postErrs.Load()), "post-errors")
}

// BenchmarkWindowTabMemory sends b.N messages through one tab as fast as
// the tab takes them and reports the live heap after the first 10 000 and
// after all: with the log's ring buffer (10 000 entries) it stays flat.
// Run it with -benchtime 100000x for the 100 000-message figure.
func BenchmarkWindowTabMemory(b *testing.B) {
	tb := newTestBench(b)
	tb.wb.bridge.frame = frameInterval
	id := tb.waitConnected(0)
	log := tb.tab(0).Model.Client().Log()
	base := lastSeqOf(log)
	pad := fmt.Sprintf("%0200d", 0) // about 250-byte messages
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	var at10k float64
	var u uiLoop
	const burst = 100
	b.ResetTimer()
	for i := 0; i < b.N; i += burst {
		n := min(burst, b.N-i)
		for j := 0; j < n; j++ {
			msg := fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i+j, pad)
			if err := tb.wb.gw.PostToConnection(id, []byte(msg)); err != nil {
				b.Fatalf("post %d: %v", i+j, err)
			}
		}
		want := uint64(i + n)
		u.run(tb, func() bool { return lastSeqOf(log)-base >= want })
		if i+n == 10000 {
			b.StopTimer()
			tb.settle(3 * frameInterval)
			at10k = heap()
			b.StartTimer()
		}
	}
	b.StopTimer()
	tb.settle(3 * frameInterval)
	end := heap()
	if at10k > 0 {
		b.ReportMetric(at10k, "heap-MB-at-10k")
	}
	b.ReportMetric(end, "heap-MB-at-end")
	b.ReportMetric(float64(log.Len()), "log-entries")
	b.ReportMetric(float64(u.maxQueued), "max-ui-queue")
}

// lastSeqOf returns the newest entry's Seq (0 for an empty log).
func lastSeqOf(log *client.Log) uint64 {
	if log.Len() == 0 {
		return 0
	}
	return log.At(log.Len() - 1).Seq
}
