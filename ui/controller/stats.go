package controller

import (
	"encoding/json"
	"os"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// StatsEnv names the environment variable that turns on the window's
// statistics: when it names a file, the window appends one JSON line a
// second with the bridge's counters, the latency of the UI goroutine, the
// live heap and each tab's log. docs/PERFORMANCE.md's window measurements
// read it.
const StatsEnv = "WSWORKBENCH_STATS"

// probeInterval is how often the stats probe asks the UI goroutine to run
// a function, to measure how long it waits. Only one probe waits at a time,
// so a slow UI gets fewer probes, and each reports how long it waited.
const probeInterval = 50 * time.Millisecond

// StatsLine is one second of statistics.
type StatsLine struct {
	T             float64    `json:"t"`          // seconds since the window started
	Scheduled     uint64     `json:"scheduled"`  // bridge refreshes handed to fyne.Do so far
	Flushes       uint64     `json:"flushes"`    // bridge refreshes run so far
	MaxPending    int64      `json:"maxPending"` // most bridge refreshes queued at once
	Pending       int64      `json:"pending"`    // bridge refreshes queued now
	ProbesPending int64      `json:"probesPending"`
	ProbeP50ms    float64    `json:"probeP50ms"` // UI goroutine latency in the last second
	ProbeP99ms    float64    `json:"probeP99ms"`
	ProbeMaxms    float64    `json:"probeMaxMs"`
	RefreshAvgms  float64    `json:"refreshAvgMs"` // time a bridge refresh took, last second
	RefreshMaxms  float64    `json:"refreshMaxMs"`
	HeapLiveMB    float64    `json:"heapLiveMB"` // live heap after the last GC
	Goroutines    int        `json:"goroutines"`
	Tabs          []TabStats `json:"tabs"`
}

// TabStats is a client tab's log in a StatsLine.
type TabStats struct {
	Name    string `json:"name"`
	ID      string `json:"id"`
	LogLen  int    `json:"logLen"`
	Dropped uint64 `json:"dropped"`
}

// BridgeStats are the window's refresh counters.
type BridgeStats struct {
	Scheduled  uint64 // refreshes handed to the UI goroutine
	Flushes    uint64 // refreshes that ran
	MaxPending int64  // the most refreshes queued at once
	Pending    int64  // refreshes queued now
}

// StatsSource is what the statistics read from the window each second. Its
// methods are called from the statistics' goroutine.
type StatsSource interface {
	BridgeStats() BridgeStats
	TabStats() []TabStats
}

// Stats writes a StatsLine a second to a file (see StatsEnv): the
// source's counters, how long the owner goroutine takes to run a probe
// handed to do, how long its refreshes took (Refreshed), the live heap and
// the goroutines. It runs a goroutine of its own until Close.
type Stats struct {
	src   StatsSource
	do    func(func())
	file  *os.File
	start time.Time

	mu        sync.Mutex
	probes    []time.Duration
	refreshes []time.Duration
	pending   atomic.Int64

	stop chan struct{}
	done chan struct{}
}

// StartStats starts writing statistics to the file at path (appending).
func StartStats(path string, do func(func()), src StatsSource) (*Stats, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	s := &Stats{src: src, do: do, file: f, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s, nil
}

// Refreshed records that a refresh of the window took d.
func (s *Stats) Refreshed(d time.Duration) {
	s.mu.Lock()
	s.refreshes = append(s.refreshes, d)
	s.mu.Unlock()
}

func (s *Stats) run() {
	defer close(s.done)
	probe := time.NewTicker(probeInterval)
	defer probe.Stop()
	write := time.NewTicker(time.Second)
	defer write.Stop()
	enc := json.NewEncoder(s.file)
	for {
		select {
		case <-s.stop:
			return
		case <-probe.C:
			if s.pending.Load() > 0 {
				continue // one probe at a time: the probe must not become the load
			}
			t := time.Now()
			s.pending.Add(1)
			s.do(func() {
				s.pending.Add(-1)
				d := time.Since(t)
				s.mu.Lock()
				s.probes = append(s.probes, d)
				s.mu.Unlock()
			})
		case <-write.C:
			_ = enc.Encode(s.line())
		}
	}
}

// line takes the last second's statistics.
func (s *Stats) line() StatsLine {
	s.mu.Lock()
	probes, refreshes := s.probes, s.refreshes
	s.probes, s.refreshes = nil, nil
	s.mu.Unlock()
	st := s.src.BridgeStats()
	l := StatsLine{
		T:             time.Since(s.start).Seconds(),
		Scheduled:     st.Scheduled,
		Flushes:       st.Flushes,
		MaxPending:    st.MaxPending,
		Pending:       st.Pending,
		ProbesPending: s.pending.Load(),
		HeapLiveMB:    liveHeapMB(),
	}
	slices.Sort(probes)
	if n := len(probes); n > 0 {
		l.ProbeP50ms = ms(probes[n/2])
		l.ProbeP99ms = ms(probes[(n*99)/100])
		l.ProbeMaxms = ms(probes[n-1])
	}
	if n := len(refreshes); n > 0 {
		var sum time.Duration
		for _, r := range refreshes {
			sum += r
			l.RefreshMaxms = max(l.RefreshMaxms, ms(r))
		}
		l.RefreshAvgms = ms(sum / time.Duration(n))
	}
	l.Goroutines = goroutines()
	l.Tabs = s.src.TabStats()
	return l
}

// Close writes no more lines, waits for the goroutine and closes the file.
func (s *Stats) Close() {
	close(s.stop)
	<-s.done
	_ = s.file.Close()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// liveHeapMB returns the heap that was live after the last GC, in MB.
func liveHeapMB() float64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(sample[0].Value.Uint64()) / (1 << 20)
}

func goroutines() int {
	sample := []metrics.Sample{{Name: "/sched/goroutines:goroutines"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int(sample[0].Value.Uint64())
}
