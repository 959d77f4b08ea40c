package ui

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var floodRate = flag.Int("flood-rate", 1000, "BenchmarkWindowFloodUnderXvfb: messages a second")

// BenchmarkWindowFloodUnderXvfb runs the real program (OpenGL driver,
// software-rendered by Mesa under Xvfb) with WSWORKBENCH_STATS on, and sends
// b.N messages to its first tab through the gateway's HTTP @connections
// endpoint at -flood-rate a second, as a backend would. It reports, from
// the window's own once-a-second statistics during the flood: the most
// refreshes the bridge had queued, the most latency probes waiting for the
// UI goroutine (pending UI work), the UI goroutine's worst p99 latency, the
// refresh rate, and the live heap at the end.
//
//	go test -tags ci -run '^$' -bench FloodUnderXvfb -benchtime 10000x ./ui/
//	go test -tags ci -run '^$' -bench FloodUnderXvfb -benchtime 100000x -flood-rate 5000 ./ui/
func BenchmarkWindowFloodUnderXvfb(b *testing.B) {
	for _, tool := range []string{"Xvfb"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Fatalf("%s is missing: run scripts/setup.sh test", tool)
		}
	}
	bin := buildBinary(b)
	display := startXvfb(b)
	home := b.TempDir()
	statsFile := filepath.Join(home, "stats.jsonl")
	app := exec.Command(bin, "--addr", "127.0.0.1:0")
	app.Dir = home
	app.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR="+home, statsEnv+"="+statsFile)
	stderr, _ := app.StderrPipe()
	if err := app.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = app.Process.Kill()
		_ = app.Wait()
	})
	connsURL := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`@connections at (http://\S+)\)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				connsURL <- m[1]
			}
		}
	}()
	var endpoint string
	select {
	case endpoint = <-connsURL:
	case <-time.After(60 * time.Second):
		b.Fatal("the app did not print its @connections URL")
	}
	var id string
	deadline := time.Now().Add(60 * time.Second)
	for id == "" {
		if time.Now().After(deadline) {
			b.Fatal("no tab connected within 60 s")
		}
		time.Sleep(200 * time.Millisecond)
		lines := readStats(b, statsFile)
		if len(lines) > 0 && len(lines[len(lines)-1].Tabs) > 0 {
			id = lines[len(lines)-1].Tabs[0].ID
		}
	}
	before := len(readStats(b, statsFile))

	// The flood: b.N POSTs, paced, from a few workers.
	rate := *floodRate
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 10 * time.Second}
	target := endpoint + "/" + url.PathEscape(id)
	var next, failed atomic.Int64
	start := time.Now()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if d := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); d > 0 {
					time.Sleep(d)
				}
				body := fmt.Sprintf(`{"message":"tick","n":%d,"pad":"0123456789abcdef0123456789abcdef"}`, i)
				resp, err := client.Post(target, "application/json", strings.NewReader(body))
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	time.Sleep(2500 * time.Millisecond) // two more statistics lines
	b.StopTimer()

	lines := readStats(b, statsFile)[before:]
	if len(lines) == 0 {
		b.Fatal("no statistics during the flood")
	}
	var maxProbesPending, maxPending int64
	var worstP99, worstMax, heap float64
	for _, l := range lines {
		maxProbesPending = max(maxProbesPending, l.ProbesPending)
		maxPending = max(maxPending, l.Pending, l.MaxPending)
		worstP99 = max(worstP99, l.ProbeP99ms)
		worstMax = max(worstMax, l.ProbeMaxms)
	}
	last := lines[len(lines)-1]
	heap = last.HeapLiveMB
	refreshes := float64(last.Flushes-lines[0].Flushes) / (last.T - lines[0].T)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "sent/s")
	b.ReportMetric(float64(failed.Load()), "post-errors")
	b.ReportMetric(float64(maxPending), "max-pending-refreshes")
	b.ReportMetric(float64(maxProbesPending), "max-pending-probes")
	b.ReportMetric(worstP99, "ui-latency-p99-ms")
	b.ReportMetric(worstMax, "ui-latency-max-ms")
	b.ReportMetric(refreshes, "refreshes/s")
	b.ReportMetric(heap, "heap-live-MB")
	if len(last.Tabs) > 0 {
		b.ReportMetric(float64(last.Tabs[0].LogLen), "log-entries")
	}
}

func readStats(b *testing.B, path string) []statsLine {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []statsLine
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var l statsLine
		if json.Unmarshal([]byte(line), &l) == nil {
			out = append(out, l)
		}
	}
	return out
}
