package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"wsworkbench/emulator"
	"wsworkbench/emulator/workspace"
)

// echoHandler is the baseline: gorilla's textbook echo server (one
// goroutine per connection that reads a message and writes it back), with
// API Gateway's any-Origin rule so the same clients work against it.
func echoHandler() http.Handler {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, p); err != nil {
				return
			}
		}
	})
}

// minimalHandler is the floor a gateway can reach: gorilla, gjson and
// the seed's templates written out by hand, with nothing else of API
// Gateway (no limits, IDs, history, error frames or events). It selects the
// route by the message's action, renders the seed's request template,
// reads the MOCK status from it and picks the response template by the
// message's messageId, as the seed says.
func minimalHandler() http.Handler {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	responses := map[string][]byte{"1": []byte(`{"message": "Hello World"}`), "2": []byte(`{"message": "Hi!"}`)}
	noRoute := []byte(`{"message": "Forbidden", "connectionId":"x", "requestId":"x"}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		var req []byte
		for {
			_, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			out := noRoute
			if gjson.GetBytes(p, "action").String() == "message" {
				id := gjson.GetBytes(p, "messageId")
				req = append(append(append(req[:0], `{"statusCode": 200, "messageId": `...), id.Raw...), '}')
				if gjson.GetBytes(req, "statusCode").Int() == 200 {
					out = responses[id.String()]
				}
			}
			if err := c.WriteMessage(websocket.TextMessage, out); err != nil {
				return
			}
		}
	})
}

// serverStats is what a harness server reports about itself at /stats,
// measured after a garbage collection.
type serverStats struct {
	Goroutines int    `json:"goroutines"`
	HeapAlloc  uint64 `json:"heapAlloc"` // live objects
	HeapInuse  uint64 `json:"heapInuse"` // spans holding them`
	StackInuse uint64 `json:"stackInuse"`
	RSS        uint64 `json:"rss"`
}

// statsHandler reports the process's goroutines and memory after two
// garbage collections (the second frees what sync.Pools held through the
// first); ?free=1 also returns freed memory to the operating system.
func statsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.GC()
		if r.URL.Query().Get("free") == "1" {
			debug.FreeOSMemory()
		} else {
			runtime.GC()
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		rss, _ := readRSS(os.Getpid())
		_ = json.NewEncoder(w).Encode(serverStats{
			Goroutines: runtime.NumGoroutine(),
			HeapAlloc:  ms.HeapAlloc,
			HeapInuse:  ms.HeapInuse,
			StackInuse: ms.StackInuse,
			RSS:        rss,
		})
	})
}

// runChild is the body of a child process started with "-serve KIND": it
// serves the echo baseline or the gateway library on loopback, prints
// "URL ws://..." and "STATS http://...", and runs until stdin closes (the
// parent exiting ends it too). With -cpuprofile it profiles itself from the
// first /profile/start request until stdin closes.
func runChild(kind, file, cpuprofile string) error {
	var (
		handler http.Handler
		wsPath  = "/"
		stop    = func() {}
	)
	switch kind {
	case "echo":
		handler = echoHandler()
	case "minimal":
		handler = minimalHandler()
	case "gateway":
		ws, err := workspace.Load(file)
		if err != nil {
			return err
		}
		g, err := emulator.New(ws.API, emulator.Options{Addr: "127.0.0.1:0"})
		if err != nil {
			return err
		}
		if err := g.Open(); err != nil {
			return err
		}
		stop = func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = g.Close(ctx)
		}
		fmt.Printf("URL %s\n", g.URL())
	default:
		return fmt.Errorf("unknown server kind %q (echo, minimal or gateway)", kind)
	}
	defer stop()

	mux := http.NewServeMux()
	mux.Handle("/stats", statsHandler())
	var profMu sync.Mutex
	profiling := false
	mux.HandleFunc("/profile/start", func(w http.ResponseWriter, r *http.Request) {
		profMu.Lock()
		defer profMu.Unlock()
		if cpuprofile == "" || profiling {
			return
		}
		f, err := os.Create(cpuprofile)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		profiling = true
	})
	mux.HandleFunc("/profile/stop", func(w http.ResponseWriter, r *http.Request) {
		profMu.Lock()
		defer profMu.Unlock()
		if profiling {
			pprof.StopCPUProfile()
			profiling = false
		}
	})
	if handler != nil {
		mux.Handle(wsPath, handler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	if handler != nil {
		fmt.Printf("URL ws://%s%s\n", ln.Addr(), wsPath)
	}
	fmt.Printf("STATS http://%s/stats\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes stdin or exits
	profMu.Lock()
	if profiling {
		pprof.StopCPUProfile()
	}
	profMu.Unlock()
	return srv.Close()
}

// process is a server running in a child process.
type process struct {
	name  string
	URL   string // WebSocket URL
	Stats string // the harness's /stats URL; "" for wsworkbench serve
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}
	log   *tailBuffer
}

var (
	childURL   = regexp.MustCompile(`^URL (ws://\S+)`)
	childStats = regexp.MustCompile(`^STATS (http://\S+)`)
	serveURL   = regexp.MustCompile(`ws://127\.0\.0\.1:\d+/\S+`)
)

// startProcess starts a server and waits until it has printed its URL (and
// its stats URL when wantStats).
func startProcess(name string, wantStats bool, path string, args ...string) (*process, error) {
	cmd := exec.Command(path, args...)
	p := &process{name: name, cmd: cmd, done: make(chan struct{}), log: &tailBuffer{}}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	p.stdin = stdin
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			line := sc.Bytes()
			p.log.Write(line)
			p.log.Write(newline)
			if m := childURL.FindSubmatch(line); m != nil && p.URL == "" {
				p.URL = string(m[1])
			} else if m := childStats.FindSubmatch(line); m != nil {
				p.Stats = string(m[1])
			} else if u := serveURL.Find(line); u != nil && p.URL == "" {
				p.URL = string(u)
			}
			if !signalled && p.URL != "" && (p.Stats != "" || !wantStats) {
				signalled = true
				close(found)
				if !wantStats {
					break // the rest is serve's event log
				}
			}
		}
		// serve's event log: kept (the tail) for error reports, copied in
		// large reads rather than scanned line by line, so the harness
		// costs the shared CPUs little however much serve logs.
		_, _ = io.Copy(p.log, stdout)
		_ = cmd.Wait()
		close(p.done)
	}()
	select {
	case <-found:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before it printed its URL:\n%s", name, p.log)
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("%s printed no URL within 30 s:\n%s", name, p.log)
	}
}

// pid returns the child's process ID.
func (p *process) pid() int { return p.cmd.Process.Pid }

// stop asks the child to end (stdin closed, SIGINT) and kills it after 15 s.
func (p *process) stop() {
	_ = p.stdin.Close()
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// localHTTP asks the harness's /stats and /profile endpoints; the timeout
// makes a stuck child fail the run instead of hanging it.
var localHTTP = &http.Client{Timeout: 30 * time.Second}

// stats fetches the harness's /stats.
func (p *process) stats(free bool) (serverStats, error) {
	var st serverStats
	if p.Stats == "" {
		return st, errors.New(p.name + " has no stats endpoint")
	}
	u := p.Stats
	if free {
		u += "?free=1"
	}
	resp, err := localHTTP.Get(u)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}

// profile starts or stops the harness's CPU profile.
func (p *process) profile(action string) error {
	if p.Stats == "" {
		return nil
	}
	resp, err := localHTTP.Get(strings.TrimSuffix(p.Stats, "/stats") + "/profile/" + action)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile %s: %s", action, resp.Status)
	}
	return nil
}

// readRSS returns a process's resident set size in bytes (VmRSS).
func readRSS(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseUint(f[0], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// tailBuffer keeps the last 64 KB written to it, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

var newline = []byte("\n")

// tailKeep is how much of a child's output a tailBuffer keeps at least.
const tailKeep = 64 << 10

// Write appends p, keeping at least the last tailKeep bytes: the buffer
// grows to twice that and then drops its older half, so a child that logs
// every event (serve --log text) costs the harness a copy per 64 KB rather
// than per line.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > 2*tailKeep {
		b.buf = append(b.buf[:0], b.buf[len(b.buf)-tailKeep:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// clockTick is the unit of utime and stime in /proc/PID/stat (USER_HZ, 100
// on Linux for every architecture Go supports here).
const clockTick = 10 * time.Millisecond

// readCPU returns the CPU time (user and system) a process has used.
func readCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after it are plain.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the name", pid, len(f))
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseUint(f[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// readIdle returns the time all CPUs together have been idle since boot
// (/proc/stat's idle and iowait), to tell a run that left CPUs unused.
func readIdle() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	idle, err1 := strconv.ParseUint(f[4], 10, 64)
	wait, err2 := strconv.ParseUint(f[5], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/stat: %w", err)
	}
	return time.Duration(idle+wait) * clockTick, nil
}
