package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Goals from the issue.
const (
	goalRateRatio   = 0.80     // gateway messages/s at 50 connections vs echo
	goalIdleBytes   = 16 << 10 // per idle connection
	leakBytesPerCon = 256      // heap+stack left per closed connection that still counts as none
)

// report collects the runs and prints them as Markdown.
type report struct {
	started   time.Time
	loadStart string // /proc/loadavg's 1-minute figure when the run began
	cfg       config
	rates     map[string]map[int]rateResult // best run per server and connection count
	// runs holds every run per server and connection count, in order:
	// run i of each server belongs to the same round, run back to back.
	runs   map[string]map[int][]rateResult
	churns map[string]float64 // best connects/s per server
	memory []memoryResult
	// instructions holds -instructions' results, in c.servers' order.
	instructions []instructionResult
}

func (r *report) addRate(name string, res rateResult) {
	if r.rates == nil {
		r.rates = map[string]map[int]rateResult{}
		r.runs = map[string]map[int][]rateResult{}
	}
	if r.rates[name] == nil {
		r.rates[name] = map[int]rateResult{}
		r.runs[name] = map[int][]rateResult{}
	}
	r.runs[name][res.Conns] = append(r.runs[name][res.Conns], res)
	if best, ok := r.rates[name][res.Conns]; !ok || res.PerSecond() > best.PerSecond() {
		r.rates[name][res.Conns] = res
	}
}

// roundRatios returns name's message rate divided by echo's in the same
// round, for each round at conns connections, sorted. Runs of one round are
// back to back, so a ratio compares runs under the same machine load, and
// the median of the ratios is steadier than the ratio of the bests.
func (r *report) roundRatios(name string, conns int) []float64 {
	echo, other := r.runs["echo"][conns], r.runs[name][conns]
	var out []float64
	for i := range min(len(echo), len(other)) {
		out = append(out, other[i].PerSecond()/echo[i].PerSecond())
	}
	sort.Float64s(out)
	return out
}

// medianCPU returns the median of name's server CPU per message over its
// runs at conns connections.
func (r *report) medianCPU(name string, conns int) time.Duration {
	var cpu []float64
	for _, res := range r.runs[name][conns] {
		cpu = append(cpu, float64(res.CPUPerMessage()))
	}
	sort.Float64s(cpu)
	return time.Duration(median(cpu))
}

// median returns the median of sorted values (0 for none).
func median(sorted []float64) float64 {
	n := len(sorted)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func (r *report) addChurn(name string, rate float64) {
	if r.churns == nil {
		r.churns = map[string]float64{}
	}
	r.churns[name] = max(r.churns[name], rate)
}

func kb(b float64) string { return fmt.Sprintf("%.1f KB", b/1024) }
func mb(b uint64) string  { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**MISSED**"
}

func (r *report) print(w io.Writer) {
	c := r.cfg
	fmt.Fprintf(w, "Load benchmark, %s, %s %s/%s, %d CPUs, took %s; load average at start %s, at end %s (other processes share the CPUs).\n\n",
		r.started.Format("2006-01-02"), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Since(r.started).Round(time.Second),
		r.loadStart, loadAverage())
	if r.rates != nil {
		fmt.Fprintf(w, "Messages: closed loop (one message in flight per connection), %s recorded after %s warm-up, best of %d alternating runs%s. "+
			"Server CPU per message is the server process's user+system time (/proc, 10 ms ticks) over the run divided by its round trips: "+
			"clients and servers share the 2 CPUs, so a server that needs more CPU per message also leaves less to its clients.\n\n", c.duration, c.warmup, c.rounds, restartNote(c))
		fmt.Fprintln(w, "| server | connections | messages/s | p50 | p99 | server CPU per message |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: |")
		for _, conns := range c.conns {
			for _, name := range c.servers {
				res, ok := r.rates[name][conns]
				if !ok {
					continue
				}
				fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s |\n", label(name), conns, res.PerSecond(), dur(res.P50), dur(res.P99), micros(res.CPUPerMessage()))
			}
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Per round (runs back to back), messages/s against echo's in the same round:")
		fmt.Fprintln(w)
		for _, conns := range c.conns {
			for _, name := range c.servers {
				ratios := r.roundRatios(name, conns)
				if name == "echo" || len(ratios) == 0 {
					continue
				}
				var each []string
				for _, x := range ratios {
					each = append(each, fmt.Sprintf("%.3f", x))
				}
				fmt.Fprintf(w, "- %s, %d connections: median %.3fx (rounds, sorted: %s); server CPU per message, median: %s (echo %s)\n",
					label(name), conns, median(ratios), strings.Join(each, " "), micros(r.medianCPU(name, conns)), micros(r.medianCPU("echo", conns)))
			}
		}
		fmt.Fprintln(w)
	}
	if r.churns != nil {
		fmt.Fprintf(w, "Connects: %d connections opened and closed, %d dialers at once, best of %d.\n\n", c.churn, c.workers, c.rounds)
		fmt.Fprintln(w, "| server | connects/s |")
		fmt.Fprintln(w, "| --- | ---: |")
		for _, name := range c.servers {
			fmt.Fprintf(w, "| %s | %.0f |\n", label(name), r.churns[name])
		}
		fmt.Fprintln(w)
	}
	if len(r.memory) > 0 {
		fmt.Fprintf(w, "Idle connections: %d opened (%d dialers) and measured 2 s later; then closed, and opened and closed %d more times. "+
			"\"after\" is after each close; the harness's live heap (HeapAlloc) and stacks after a forced GC.\n\n", c.idle, c.workers, rounds-1)
		fmt.Fprintln(w, "| server | connects/s | RSS before / idle | RSS per idle conn | heap+stack per idle conn | RSS after | goroutines before / idle / after | live heap+stack before / after |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, m := range r.memory {
			heap, gor, live := "n/a", "n/a", "n/a"
			var rssAfter []string
			for _, v := range m.rssAfter {
				rssAfter = append(rssAfter, mb(v))
			}
			if m.harness {
				heap = kb(m.heapPerConn())
				gor = fmt.Sprintf("%d / %d", m.before.Goroutines, m.idle.Goroutines)
				live = mb(m.before.HeapAlloc + m.before.StackInuse)
				for _, a := range m.after {
					gor += fmt.Sprintf(" / %d", a.Goroutines)
					live += " / " + mb(a.HeapAlloc+a.StackInuse)
				}
			}
			fmt.Fprintf(w, "| %s | %.0f | %s / %s | %s | %s | %s | %s | %s |\n", label(m.name), m.connectsPerSec,
				mb(m.rssBefore), mb(m.rssIdle), kb(m.rssPerConn()), heap, strings.Join(rssAfter, " / "), gor, live)
		}
		fmt.Fprintln(w)
	}

	if len(r.instructions) > 0 {
		fmt.Fprintf(w, "Instructions (valgrind cachegrind, %d connections, %d and %d round trips each; the difference per round trip, so the server's start and stop cancel out; misses are cachegrind's simulated caches):\n\n",
			c.tripConns, c.trips, 2*c.trips)
		fmt.Fprintln(w, "| server | instructions per round trip | L1 data misses (read + write) | last-level misses (read + write) |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
		for _, ir := range r.instructions {
			p := ir.perMessage
			fmt.Fprintf(w, "| %s | %.0f | %.1f + %.1f | %.2f + %.2f |\n", label(ir.name), p["Ir"], p["D1mr"], p["D1mw"], p["DLmr"], p["DLmw"])
		}
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintln(w, "Goals:")
	if e, g := r.rates["echo"][50], r.rates["serve"][50]; e.Messages > 0 && g.Messages > 0 {
		ratio := g.PerSecond() / e.PerSecond()
		fmt.Fprintf(w, "- wsworkbench serve at 50 connections >= 80%% of echo: %.0f%% (%.0f vs %.0f messages/s): %s\n", ratio*100, g.PerSecond(), e.PerSecond(), verdict(ratio >= goalRateRatio))
	}
	if e, g := r.rates["echo"][50], r.rates["gateway"][50]; e.Messages > 0 && g.Messages > 0 {
		ratio := g.PerSecond() / e.PerSecond()
		fmt.Fprintf(w, "- gateway library at 50 connections >= 80%% of echo: %.0f%% (%.0f vs %.0f messages/s): %s\n", ratio*100, g.PerSecond(), e.PerSecond(), verdict(ratio >= goalRateRatio))
	}
	for _, m := range r.memory {
		switch m.name {
		case "serve":
			per := m.rssPerConn()
			fmt.Fprintf(w, "- wsworkbench serve <= 16 KB per idle connection (RSS): %s: %s\n", kb(per), verdict(per <= goalIdleBytes))
			fmt.Fprintf(w, "- wsworkbench serve RSS the later rounds added on top of the first: %+.0f bytes per connection (RSS only, informative: the harness line below is the check)\n",
				perConn(m.rssAfter[rounds-1], m.rssAfter[0], m.n*(rounds-1)))
		case "gateway":
			per := m.heapPerConn()
			fmt.Fprintf(w, "- gateway library <= 16 KB per idle connection (heap+stack): %s: %s\n", kb(per), verdict(per <= goalIdleBytes))
			left := m.leakPerConn()
			ok := left <= leakBytesPerCon
			var gor []string
			for _, a := range m.after {
				ok = ok && a.Goroutines <= m.before.Goroutines
				gor = append(gor, fmt.Sprint(a.Goroutines))
			}
			fmt.Fprintf(w, "- gateway library leaves nothing behind once connections close: goroutines %d before, %s after each round (settled %.1f s after the last close); "+
				"live heap+stack the later rounds added on top of the first: %+.0f bytes per connection (<= %d counts as none): %s\n",
				m.before.Goroutines, strings.Join(gor, " / "), m.settled.Seconds(), left, leakBytesPerCon, verdict(ok))
		}
	}
}

func label(name string) string {
	switch name {
	case "echo":
		return "gorilla echo (baseline)"
	case "gateway":
		return "wsworkbench gateway (library harness)"
	case "serve":
		return "wsworkbench serve"
	case "serve-b":
		return "wsworkbench serve (-bin-b)"
	case "minimal":
		return "minimal gateway (gorilla + gjson + the seed's templates by hand)"
	}
	return name
}

func micros(d time.Duration) string {
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	}
}

// loadAverage returns the 1-minute load average, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// restartNote says how the rounds' servers were started.
func restartNote(c config) string {
	if c.restart {
		return " (every round on freshly started servers, in an order that rotates)"
	}
	return " (one process per server for all rounds, in an order that rotates)"
}
