package controller

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type fakeStatsSource struct{}

func (fakeStatsSource) BridgeStats() BridgeStats {
	return BridgeStats{Scheduled: 7, Flushes: 6, MaxPending: 2, Pending: 1}
}

func (fakeStatsSource) TabStats() []TabStats {
	return []TabStats{{Name: "client 1", ID: "abc=", LogLen: 3}}
}

// TestStatsWritesALineASecond: the statistics file gets JSON lines with
// the source's counters, the refresh times it was told and the owner
// goroutine's probe latency (the probe runs through do, here a goroutine
// draining a queue as the UI goroutine would).
func TestStatsWritesALineASecond(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.jsonl")
	q := make(chan func(), 16)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case f := <-q:
				f()
			case <-stop:
				return
			}
		}
	}()
	s, err := StartStats(path, func(f func()) { q <- f }, fakeStatsSource{})
	if err != nil {
		t.Fatal(err)
	}
	s.Refreshed(3 * time.Millisecond)
	var lines []StatsLine
	deadline := time.Now().Add(10 * time.Second)
	for len(lines) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		lines = readStatsLines(t, path)
	}
	s.Close()
	if len(lines) == 0 {
		t.Fatal("no statistics line within 10 s")
	}
	l := lines[0]
	if l.Scheduled != 7 || l.Flushes != 6 || l.MaxPending != 2 || len(l.Tabs) != 1 || l.Tabs[0].LogLen != 3 {
		t.Errorf("line %+v does not carry the source's counters", l)
	}
	if l.RefreshMaxms != 3 || l.Goroutines == 0 || l.HeapLiveMB < 0 {
		t.Errorf("refresh max %v ms, goroutines %d, heap %v MB", l.RefreshMaxms, l.Goroutines, l.HeapLiveMB)
	}
	if l.ProbeMaxms < l.ProbeP50ms {
		t.Errorf("probe max %v < p50 %v", l.ProbeMaxms, l.ProbeP50ms)
	}
}

func readStatsLines(t *testing.T, path string) []StatsLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []StatsLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l StatsLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}
