// Command load is wsworkbench's load benchmark (make bench). On loopback
// only, bounded in count and time, it measures the gateway serving the seed
// MOCK API against a minimal gorilla echo server driven by the same clients:
// messages per second and round-trip p50/p99 at 1 and 50 connections,
// connects per second, and memory per idle connection at 10 000
// connections, and it checks that no goroutine or memory is left behind once
// the connections close.
//
// Servers run in child processes, so their memory is theirs alone: the real
// binary (wsworkbench serve, measured by RSS), the echo baseline, and the
// gateway library in a harness that reports its heap and goroutines.
//
//	go run ./test/load [-duration 5s] [-idle 10000] [-cpuprofile gateway.pprof]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type config struct {
	bin, api         string
	warmup, duration time.Duration
	rounds           int
	idle, churn      int
	workers          int
	cpuprofile       string
	echoprofile      string
	serveLog         string
	self             string // this program's executable, for child processes
	closeWait        time.Duration
	skipMemory       bool
	skipRate         bool
	skipConnects     bool
	restart          bool
	conns            []int
	servers          []string
	instructions     bool
	trips, tripConns int
	cachegrindDir    string
	binB             string
	gatewayMessage   string
	gatewayAnswer    string
}

func main() {
	var (
		c          config
		childKind  string
		childAPI   string
		childCPU   string
		defaultAPI = filepath.Join("emulator", "workspace", "testdata", "mock-integration.cfn.yaml") // a byte-for-byte copy of the seed
	)
	flag.StringVar(&c.bin, "bin", "", "the wsworkbench binary to run with serve (default: go build it into a temporary directory)")
	flag.StringVar(&c.api, "api", defaultAPI, "the workspace the gateway serves: the seed MOCK API")
	flag.DurationVar(&c.warmup, "warmup", time.Second, "unrecorded warm-up before each message run")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "recorded length of each message run")
	flag.IntVar(&c.rounds, "rounds", 2, "message runs per server and connection count (the best is reported, alternating servers)")
	flag.IntVar(&c.idle, "idle", 10000, "idle connections for the memory measurement")
	flag.IntVar(&c.churn, "churn", 2000, "connections opened and closed for connects/s")
	flag.IntVar(&c.workers, "workers", 16, "concurrent dialers for connects/s and the idle connections")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the gateway (library harness) under a 50-connection message run to this file")
	flag.StringVar(&c.echoprofile, "echo-cpuprofile", "", "write a CPU profile of the echo baseline under the same run to this file, to compare with -cpuprofile's")
	flag.StringVar(&c.serveLog, "serve-log", "none", "wsworkbench serve's --log while measured (none measures the gateway, text adds its log)")
	flag.BoolVar(&c.skipMemory, "skip-memory", false, "skip the idle-connection memory measurement")
	flag.BoolVar(&c.skipRate, "skip-rate", false, "skip the message and connect rates")
	serversFlag := flag.String("servers", "echo,serve,gateway,minimal", "the servers measured, in the order of each round: echo, serve, gateway, minimal, serve-b (-bin-b)")
	flag.StringVar(&c.binB, "bin-b", "", "a second wsworkbench binary, measured as serve-b in the same rounds (an A/B comparison); adds serve-b to -servers")
	flag.BoolVar(&c.instructions, "instructions", false, "instead of the rates and memory: run each of -servers under valgrind's cachegrind and report instructions and cache misses per round trip")
	flag.IntVar(&c.trips, "trips", 1000, "with -instructions: round trips per connection in the shorter of the two runs")
	flag.IntVar(&c.tripConns, "trip-conns", 50, "with -instructions: connections")
	flag.StringVar(&c.cachegrindDir, "cachegrind-dir", "", "with -instructions: keep cachegrind's output files (SERVER-0.out, SERVER-1.out: the shorter and the longer run) in this directory, for cg_annotate --diff")
	connsFlag := flag.String("conns", "1,50", "the connection counts of the message runs, comma-separated")
	flag.BoolVar(&c.skipConnects, "skip-connects", false, "skip the connects/s runs")
	flag.BoolVar(&c.restart, "restart", true, "start every server afresh for each round of message runs, so that a process's luck (where its memory and threads land) averages out over the rounds instead of favouring one server in all of them; -restart=false keeps one process per server")
	flag.StringVar(&childKind, "serve", "", "internal: run as a child server (echo or gateway)")
	flag.StringVar(&childAPI, "serve-api", "", "internal: the child gateway's workspace")
	flag.StringVar(&childCPU, "serve-cpuprofile", "", "internal: the child's CPU profile file")
	flag.Parse()

	conns, err := parseConns(*connsFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: -conns:", err)
		os.Exit(2)
	}
	c.conns = conns
	c.servers, err = parseServers(*serversFlag, c.binB)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: -servers:", err)
		os.Exit(2)
	}
	if childKind != "" {
		if err := runChild(childKind, childAPI, childCPU); err != nil {
			fmt.Fprintln(os.Stderr, "load child:", err)
			os.Exit(1)
		}
		return
	}
	c.gatewayMessage = `{"action":"message","messageId":1}`
	c.gatewayAnswer = `{"message": "Hello World"}`
	c.closeWait = 10 * time.Second
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if err := raiseFileLimit(); err != nil {
		return err
	}
	if _, err := os.Stat(c.api); err != nil {
		return fmt.Errorf("the seed API: %w (run from the repository root, or pass -api)", err)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	c.self = self
	if c.bin == "" {
		dir, err := os.MkdirTemp("", "wsworkbench-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.bin = filepath.Join(dir, "wsworkbench")
		fmt.Fprintln(os.Stderr, "load: go build -o", c.bin, "wsworkbench")
		build := exec.Command("go", "build", "-o", c.bin, "wsworkbench")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build wsworkbench: %w", err)
		}
	}

	r := &report{started: time.Now(), loadStart: loadAverage(), cfg: c}
	if c.instructions {
		if err := measureInstructions(c, r); err != nil {
			return err
		}
		r.print(os.Stdout)
		return nil
	}
	if !c.skipRate {
		if err := measureRates(c, r); err != nil {
			return err
		}
	}
	if !c.skipMemory {
		if err := measureMemory(c, r); err != nil {
			return err
		}
	}
	for _, pr := range []struct{ kind, file string }{{"gateway", c.cpuprofile}, {"echo", c.echoprofile}} {
		if pr.file == "" {
			continue
		}
		if err := profileServer(c, pr.kind, pr.file); err != nil {
			return err
		}
	}
	r.print(os.Stdout)
	return nil
}

// raiseFileLimit lifts the soft limit on open files to the hard limit: the
// clients hold 10 000 sockets at once.
func raiseFileLimit() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("getrlimit: %w", err)
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("setrlimit: %w", err)
	}
	return nil
}

// startServe runs "wsworkbench serve" on the seed API.
func startServe(c config, bin string) (*process, error) {
	return startProcess("wsworkbench serve", false, bin, "serve", "--listen", "127.0.0.1:0", "--log", c.serveLog, c.api)
}

// startHarness runs this program as a child server of the given kind.
func startHarness(c config, kind, cpuprofile string) (*process, error) {
	args := []string{"-serve", kind, "-serve-api", c.api}
	if cpuprofile != "" {
		args = append(args, "-serve-cpuprofile", cpuprofile)
	}
	return startProcess(kind+" harness", true, c.self, args...)
}

// measureRates runs the message and connect rates against the echo
// baseline, wsworkbench serve, the gateway library harness (the gateway
// without the serve command's event log) and the minimal gateway (the
// floor: minimalHandler), alternating, c.rounds times each: each round on
// fresh processes (c.restart) and starting one server further along.
func measureRates(c config, r *report) error {
	type target struct {
		name      string
		p         *process
		msg, want string
	}
	start := func(name string) (target, error) {
		var (
			p   *process
			err error
		)
		switch name {
		case "serve":
			p, err = startServe(c, c.bin)
		case "serve-b":
			p, err = startServe(c, c.binB)
		default:
			p, err = startHarness(c, name, "")
		}
		want := c.gatewayAnswer
		if name == "echo" {
			want = c.gatewayMessage
		}
		return target{name, p, c.gatewayMessage, want}, err
	}
	var targets []target // the servers' processes; with -restart, this round's
	stopAll := func() {
		for _, tg := range targets {
			tg.p.stop()
		}
		targets = nil
	}
	defer stopAll()
	startAll := func() error {
		for _, name := range c.servers {
			tg, err := start(name)
			if err != nil {
				return err
			}
			targets = append(targets, tg)
		}
		return nil
	}
	if !c.restart {
		if err := startAll(); err != nil {
			return err
		}
	}
	for _, conns := range c.conns {
		for round := 0; round < c.rounds; round++ {
			if c.restart {
				stopAll()
				if err := startAll(); err != nil {
					return err
				}
			}
			// Each round starts one server further along, so no server
			// always runs right after the same other one.
			for i := range targets {
				tg := targets[(i+round)%len(targets)]
				cpu0, err := readCPU(tg.p.pid())
				if err != nil {
					return err
				}
				self0, _ := readCPU(os.Getpid())
				idle0, _ := readIdle()
				res, err := runRate(tg.p.URL, conns, tg.msg, tg.want, c.warmup, c.duration)
				if err != nil {
					return fmt.Errorf("%s, %d connections: %w", tg.name, conns, err)
				}
				cpu1, err := readCPU(tg.p.pid())
				if err != nil {
					return err
				}
				res.ServerCPU = cpu1 - cpu0
				self1, _ := readCPU(os.Getpid())
				idle1, _ := readIdle()
				client := (self1 - self0) / time.Duration(max(res.Total, 1))
				fmt.Fprintf(os.Stderr, "load: %-7s %2d conns: %8.0f msg/s  p50 %v  p99 %v  server CPU %v/msg  client CPU %v/msg  machine idle %v\n",
					tg.name, conns, res.PerSecond(), res.P50, res.P99, res.CPUPerMessage(), client, (idle1 - idle0).Round(10*time.Millisecond))
				r.addRate(tg.name, res)
			}
		}
	}
	if c.skipConnects {
		return nil
	}
	if len(targets) == 0 {
		if err := startAll(); err != nil {
			return err
		}
	}
	for round := 0; round < c.rounds; round++ {
		for _, tg := range targets {
			rate, err := churn(tg.p.URL, c.churn, c.workers)
			if err != nil {
				return fmt.Errorf("%s, connects: %w", tg.name, err)
			}
			fmt.Fprintf(os.Stderr, "load: %-7s connects: %6.0f/s\n", tg.name, rate)
			r.addChurn(tg.name, rate)
		}
	}
	return nil
}

// memoryResult is one idle-connection measurement: N connections opened,
// measured, closed, and then opened and closed twice more, so that what a
// closed connection leaves behind (a leak grows with every round) can be
// told from what the process keeps for reuse after the first round (maps
// and pools that do not shrink, freed stacks), which does not grow.
type memoryResult struct {
	name           string
	n              int
	connectsPerSec float64
	// RSS before the first round, with N idle, and after each round.
	rssBefore, rssIdle uint64
	rssAfter           [rounds]uint64
	// From the harness only (zero for wsworkbench serve).
	harness      bool
	before, idle serverStats
	after        [rounds]serverStats
	settled      time.Duration // how long goroutines took to return to before, after the last close
}

func (m memoryResult) rssPerConn() float64 { return perConn(m.rssIdle, m.rssBefore, m.n) }

func (m memoryResult) heapPerConn() float64 {
	return perConn(m.idle.HeapInuse+m.idle.StackInuse, m.before.HeapInuse+m.before.StackInuse, m.n)
}

// rounds is how many times the idle connections are opened and closed.
const rounds = 3

// leakPerConn is the live heap and the stacks that the rounds after the
// first left on top of it, per connection opened and closed in them.
func (m memoryResult) leakPerConn() float64 {
	first, last := m.after[0], m.after[rounds-1]
	return perConn(last.HeapAlloc+last.StackInuse, first.HeapAlloc+first.StackInuse, m.n*(rounds-1))
}

func perConn(after, before uint64, n int) float64 {
	return float64(int64(after)-int64(before)) / float64(n)
}

// measureMemory opens c.idle connections to each server in a fresh process
// and measures what they cost, then closes them and measures what is left.
func measureMemory(c config, r *report) error {
	for _, kind := range []string{"serve", "gateway", "echo"} {
		var (
			p   *process
			err error
		)
		if kind == "serve" {
			p, err = startServe(c, c.bin)
		} else {
			p, err = startHarness(c, kind, "")
		}
		if err != nil {
			return err
		}
		m, err := measureIdle(c, p, kind)
		p.stop()
		if err != nil {
			return fmt.Errorf("%s, idle connections: %w", kind, err)
		}
		r.memory = append(r.memory, m)
	}
	return nil
}

func measureIdle(c config, p *process, kind string) (memoryResult, error) {
	m := memoryResult{name: kind, n: c.idle, harness: p.Stats != ""}
	// Warm up: the first connections allocate what every later one reuses
	// (buffers, pools, the HTTP server's state).
	warm, _, err := openMany(p.URL, 100, c.workers)
	if err != nil {
		return m, err
	}
	closeAll(warm, c.workers)
	time.Sleep(time.Second)
	if m.harness {
		if m.before, err = p.stats(true); err != nil {
			return m, err
		}
	}
	if m.rssBefore, err = readRSS(p.pid()); err != nil {
		return m, err
	}

	for round := 1; round <= rounds; round++ {
		conns, elapsed, err := openMany(p.URL, c.idle, c.workers)
		if err != nil {
			return m, err
		}
		if round == 1 {
			m.connectsPerSec = float64(c.idle) / elapsed.Seconds()
			fmt.Fprintf(os.Stderr, "load: %-7s %d idle connections opened at %.0f/s\n", kind, c.idle, m.connectsPerSec)
			time.Sleep(2 * time.Second) // let every connection settle into idle
			if m.harness {
				if m.idle, err = p.stats(false); err != nil {
					closeAll(conns, c.workers)
					return m, err
				}
			}
			if m.rssIdle, err = readRSS(p.pid()); err != nil {
				closeAll(conns, c.workers)
				return m, err
			}
		}
		closeAll(conns, c.workers)
		after, settled, err := waitSettled(c, p, m.before.Goroutines)
		if err != nil {
			return m, err
		}
		rss, err := readRSS(p.pid())
		if err != nil {
			return m, err
		}
		m.after[round-1], m.rssAfter[round-1], m.settled = after, rss, settled
	}
	return m, nil
}

// waitSettled waits until a harness is back to its goroutine count from
// before (or c.closeWait passes) and returns its stats then; for wsworkbench
// serve, which reports nothing, it waits 3 s.
func waitSettled(c config, p *process, goroutines int) (serverStats, time.Duration, error) {
	start := time.Now()
	if p.Stats == "" {
		time.Sleep(3 * time.Second)
		return serverStats{}, time.Since(start), nil
	}
	for {
		st, err := p.stats(true)
		if err != nil || st.Goroutines <= goroutines || time.Since(start) > c.closeWait {
			return st, time.Since(start), err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// profileServer runs a 50-connection message run against a harness of the
// given kind (gateway or echo) while it profiles itself into file.
func profileServer(c config, kind, file string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	p, err := startHarness(c, kind, abs)
	if err != nil {
		return err
	}
	defer p.stop()
	if err := p.profile("start"); err != nil {
		return err
	}
	want := c.gatewayAnswer
	if kind == "echo" {
		want = c.gatewayMessage
	}
	res, err := runRate(p.URL, 50, c.gatewayMessage, want, c.warmup, c.duration)
	if err != nil {
		return err
	}
	if err := p.profile("stop"); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "load: CPU profile of the %s at %.0f msg/s (50 connections, p50 %v, p99 %v) in %s: go tool pprof -top %s\n", kind, res.PerSecond(), res.P50, res.P99, abs, abs)
	return nil
}

// parseConns parses -conns: positive connection counts, comma-separated.
func parseConns(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive connection count", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseServers parses -servers; with a -bin-b binary, serve-b is added
// after serve when not named.
func parseServers(s, binB string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		name := strings.TrimSpace(f)
		switch {
		case seen[name]:
			return nil, fmt.Errorf("%q named twice", name)
		case name == "serve-b" && binB == "":
			return nil, fmt.Errorf("serve-b needs -bin-b")
		case name != "echo" && name != "serve" && name != "gateway" && name != "minimal" && name != "serve-b":
			return nil, fmt.Errorf("unknown server %q (echo, serve, gateway, minimal or serve-b)", name)
		}
		seen[name] = true
		out = append(out, name)
	}
	if binB != "" && !seen["serve-b"] {
		i := slices.Index(out, "serve") + 1 // 0 when serve is not named
		out = slices.Insert(out, i, "serve-b")
	}
	return out, nil
}
