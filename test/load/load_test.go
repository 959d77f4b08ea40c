package main

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name    string
		samples []time.Duration
		q       float64
		want    time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", ms(7), 0.99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"p99 of a hundred is the 99th", ms(seq(100)...), 0.99, 99 * time.Millisecond},
		{"p50 of a hundred is the 50th", ms(seq(100)...), 0.50, 50 * time.Millisecond},
		{"p100 is the largest", ms(1, 2, 3), 1, 3 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.samples, tt.q); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.samples, tt.q, got, tt.want)
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// echoServer serves the baseline on loopback for the harness's own tests.
func echoServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(echoHandler())
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestRunRateCountsRoundTrips(t *testing.T) {
	url := echoServer(t)
	res, err := runRate(url, 2, "ping", "ping", 50*time.Millisecond, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Conns != 2 || res.Messages == 0 || res.P50 <= 0 || res.P99 < res.P50 || res.PerSecond() <= 0 {
		t.Fatalf("runRate = %+v, want round trips counted with p50 <= p99", res)
	}
}

func TestRunRateChecksAnswers(t *testing.T) {
	url := echoServer(t)
	_, err := runRate(url, 1, "ping", "pong", 0, 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), `got "ping", want "pong"`) {
		t.Fatalf("runRate with a wrong answer: err = %v, want the mismatch", err)
	}
}

func TestOpenManyAndStats(t *testing.T) {
	url := echoServer(t)
	stats := httptest.NewServer(statsHandler())
	defer stats.Close()
	conns, elapsed, err := openMany(url, 40, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(conns) != 40 || elapsed <= 0 {
		t.Fatalf("openMany returned %d connections in %v", len(conns), elapsed)
	}
	sources := map[string]bool{}
	for _, c := range conns {
		sources[strings.Split(c.LocalAddr().String(), ":")[0]] = true
	}
	if len(sources) < 2 {
		t.Errorf("connections left from %v, want several loopback source addresses", sources)
	}
	resp, err := http.Get(stats.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st serverStats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	// The echo server runs in this process: one goroutine per connection.
	if st.Goroutines < 40 || st.HeapInuse == 0 || st.StackInuse == 0 || st.RSS == 0 {
		t.Errorf("stats with 40 connections open = %+v", st)
	}
	closeAll(conns, 4)
}

func TestChurn(t *testing.T) {
	rate, err := churn(echoServer(t), 30, 3)
	if err != nil || rate <= 0 {
		t.Fatalf("churn = %v, %v", rate, err)
	}
}

func TestReadRSS(t *testing.T) {
	rss, err := readRSS(os.Getpid())
	if err != nil || rss < 1<<20 {
		t.Fatalf("readRSS(self) = %d, %v; want at least 1 MB", rss, err)
	}
	if _, err := readRSS(-1); err == nil {
		t.Error("readRSS(-1) gave no error")
	}
}

func TestReadCPU(t *testing.T) {
	before, err := readCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(50 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = x * x // burn CPU for a few ticks
	}
	after, err := readCPU(os.Getpid())
	if err != nil || after < before {
		t.Fatalf("readCPU: %v then %v, %v", before, after, err)
	}
	if _, err := readCPU(-1); err == nil {
		t.Error("readCPU(-1) gave no error")
	}
}

func TestParallel(t *testing.T) {
	var calls [100]atomic.Int32
	if err := parallel(len(calls), 4, func(i int) error { calls[i].Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := range calls {
		if n := calls[i].Load(); n != 1 {
			t.Errorf("fn(%d) ran %d times, want once", i, n)
		}
	}

	var ran atomic.Int32
	boom := errors.New("boom")
	err := parallel(1000, 1, func(i int) error {
		ran.Add(1)
		if i == 9 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || ran.Load() != 10 {
		t.Errorf("parallel with fn(9) failing: err %v after %d calls, want boom after 10", err, ran.Load())
	}
}

func TestRoundRatios(t *testing.T) {
	r := &report{}
	run := func(name string, perSec float64) {
		r.addRate(name, rateResult{Conns: 50, Messages: int(perSec), Elapsed: time.Second})
	}
	for _, pair := range [][2]float64{{100, 90}, {200, 190}, {100, 110}} {
		run("echo", pair[0])
		run("serve", pair[1])
	}
	got := r.roundRatios("serve", 50)
	want := []float64{0.9, 0.95, 1.1}
	if len(got) != len(want) {
		t.Fatalf("ratios %v, want %v", got, want)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Fatalf("ratios %v, want %v", got, want)
		}
	}
	if m := median(got); math.Abs(m-0.95) > 1e-9 {
		t.Errorf("median %v, want 0.95", m)
	}
	if m := median([]float64{1, 2}); m != 1.5 {
		t.Errorf("median of two %v, want 1.5", m)
	}
	if best := r.rates["serve"][50].PerSecond(); best != 190 {
		t.Errorf("best serve run %v, want 190", best)
	}
}

func TestParseConns(t *testing.T) {
	got, err := parseConns("1, 50")
	if err != nil || len(got) != 2 || got[0] != 1 || got[1] != 50 {
		t.Fatalf("parseConns = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "x", "1,,2"} {
		if _, err := parseConns(bad); err == nil {
			t.Errorf("parseConns(%q) accepted", bad)
		}
	}
}

func TestParseServers(t *testing.T) {
	got, err := parseServers("echo,serve,minimal", "/bin/other")
	if err != nil || strings.Join(got, ",") != "echo,serve,serve-b,minimal" {
		t.Fatalf("parseServers = %v, %v", got, err)
	}
	got, err = parseServers("echo,gateway", "")
	if err != nil || strings.Join(got, ",") != "echo,gateway" {
		t.Fatalf("parseServers = %v, %v", got, err)
	}
	for _, bad := range []string{"echo,echo", "echo,nginx", "serve-b", ""} {
		if _, err := parseServers(bad, ""); err == nil {
			t.Errorf("parseServers(%q) accepted", bad)
		}
	}
}

func TestReadCachegrind(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cachegrind.out")
	text := "desc: I1 cache: 32768 B, 64 B, 8-way associative\ncmd: x\nevents: Ir D1mr D1mw\nfl=a.go\nfn=main\n1 10 2 3\nsummary: 1234 56 78\n"
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readCachegrind(file)
	if err != nil {
		t.Fatal(err)
	}
	if got["Ir"] != 1234 || got["D1mr"] != 56 || got["D1mw"] != 78 || len(got) != 3 {
		t.Errorf("readCachegrind = %v", got)
	}
	if err := os.WriteFile(file, []byte("events: Ir D1mr\nsummary: 12\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readCachegrind(file); err == nil {
		t.Error("a summary shorter than its events was accepted")
	}
}

func TestRoundTrips(t *testing.T) {
	url := echoServer(t)
	if err := roundTrips(url, 3, 20, "hi", "hi"); err != nil {
		t.Fatal(err)
	}
	if err := roundTrips(url, 2, 5, "hi", "other"); err == nil {
		t.Error("a wrong answer was accepted")
	}
}
