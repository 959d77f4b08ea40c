package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// cachegrindCounts are a cachegrind run's totals by event name (Ir, the
// instructions; D1mr, D1mw, DLmr, DLmw, the simulated cache misses).
type cachegrindCounts map[string]float64

// instructionResult is one server's cost per round trip under cachegrind.
type instructionResult struct {
	name       string
	perMessage cachegrindCounts
}

// measureInstructions runs each server under valgrind's cachegrind twice,
// once with c.trips and once with 2*c.trips closed-loop round trips on each
// of c.tripConns connections, and reports the difference per round trip:
// the server's start and stop cancel out. Instruction counts do not depend
// on what else the machine runs, so a change of a few percent shows, where
// messages per second vary by ten percent between runs on a shared machine.
// (cachegrind runs a program's threads one at a time: the counts include
// the runtime's scheduling and garbage collection, which may differ a
// little from a run on two CPUs; a run whose scheduler spun is seen as an
// outlier, so measure twice.)
func measureInstructions(c config, r *report) error {
	if _, err := exec.LookPath("valgrind"); err != nil {
		return fmt.Errorf("-instructions needs valgrind (Debian: apt-get install valgrind): %w", err)
	}
	dir := c.cachegrindDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "wsworkbench-cachegrind-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range c.servers {
		var runs [2]cachegrindCounts
		for i, trips := range []int{c.trips, 2 * c.trips} {
			out := filepath.Join(dir, fmt.Sprintf("%s-%d.out", name, i))
			p, err := startUnderCachegrind(c, name, out)
			if err != nil {
				return err
			}
			want := c.gatewayAnswer
			if name == "echo" {
				want = c.gatewayMessage
			}
			err = roundTrips(p.URL, c.tripConns, trips, c.gatewayMessage, want)
			p.stop()
			if err != nil {
				return fmt.Errorf("%s under cachegrind: %w", name, err)
			}
			if runs[i], err = readCachegrind(out); err != nil {
				return fmt.Errorf("%s under cachegrind: %w", name, err)
			}
		}
		per := cachegrindCounts{}
		n := float64(c.trips * c.tripConns)
		for ev, v := range runs[1] {
			per[ev] = (v - runs[0][ev]) / n
		}
		fmt.Fprintf(os.Stderr, "load: %-7s %.0f instructions per round trip\n", name, per["Ir"])
		r.instructions = append(r.instructions, instructionResult{name: name, perMessage: per})
	}
	return nil
}

// startUnderCachegrind starts a server of c's under cachegrind, which
// writes its counts to out when the server exits.
func startUnderCachegrind(c config, name, out string) (*process, error) {
	args := []string{"--tool=cachegrind", "--cache-sim=yes", "--fair-sched=yes", "--cachegrind-out-file=" + out}
	switch name {
	case "serve", "serve-b":
		bin := c.bin
		if name == "serve-b" {
			bin = c.binB
		}
		args = append(args, bin, "serve", "--listen", "127.0.0.1:0", "--log", c.serveLog, c.api)
		return startProcess(name+" under cachegrind", false, "valgrind", args...)
	}
	args = append(args, c.self, "-serve", name, "-serve-api", c.api)
	return startProcess(name+" harness under cachegrind", true, "valgrind", args...)
}

// readCachegrind reads the totals of a cachegrind output file: its
// "events:" line names them, its "summary:" line gives them.
func readCachegrind(file string) (cachegrindCounts, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var events, summary []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "events:"); ok {
			events = strings.Fields(v)
		} else if v, ok := strings.CutPrefix(line, "summary:"); ok {
			summary = strings.Fields(v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(events) == 0 || len(events) != len(summary) {
		return nil, fmt.Errorf("%s: no events and summary lines that agree", file)
	}
	counts := cachegrindCounts{}
	for i, ev := range events {
		v, err := strconv.ParseFloat(summary[i], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: summary %q: %w", file, summary[i], err)
		}
		counts[ev] = v
	}
	return counts, nil
}

// roundTrips opens conns connections and has each send msg and read the
// answer, which must equal want, trips times in a closed loop.
func roundTrips(url string, conns, trips int, msg, want string) error {
	ws, err := dialAll(url, conns)
	defer closeEach(ws)
	if err != nil {
		return err
	}
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	fail := func(err error) { errOnce.Do(func() { firstErr = err }) }
	for _, c := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range trips {
				if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
					fail(fmt.Errorf("write: %w", err))
					return
				}
				_, p, err := c.ReadMessage()
				if err != nil {
					fail(fmt.Errorf("read: %w", err))
					return
				}
				if string(p) != want {
					fail(fmt.Errorf("got %q, want %q", p, want))
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}
