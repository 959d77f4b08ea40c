package cli

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator"
)

// sampleEvent is a typical message event: a rendered request template.
func sampleEvent() *emulator.Event {
	return &emulator.Event{
		Time: time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC), Kind: emulator.EventTemplate,
		ConnectionID: "R1kmxc2VNjMCFIA=", RequestID: "R1knPH17NjMFftw=", MessageID: "R1knPH17NjMFftx=", RouteKey: "message",
		Duration: 21 * time.Microsecond,
		Template: &emulator.TemplateRender{Side: emulator.TemplateRequest, Key: "$default", Value: "application/json",
			Input: `{"action":"message","messageId":1}`, Output: `{"statusCode": 200, "messageId": 1}`},
	}
}

// blockedWriter blocks every Write until released, like a pipe nobody
// reads, then records what it is given.
type blockedWriter struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *blockedWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *blockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestEventLogBoundedWhenNotRead: when stdout is not read, the log keeps at
// most its pending bound (it never blocks the caller), counts the lines it
// drops, and says how many once stdout takes bytes again (issue 9, item 10).
func TestEventLogBoundedWhenNotRead(t *testing.T) {
	w := &blockedWriter{release: make(chan struct{})}
	line := len(sampleEvent().AppendLine(nil)) + 1
	l := newEventLog(w, logSteps, 10*line)
	go l.run()
	const n = 1000
	done := make(chan struct{})
	go func() {
		for range n {
			l.add(sampleEvent()) // must never wait for the writer
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("add blocked on a writer nobody reads")
	}
	pending := 0
	for i := range l.shards {
		l.shards[i].mu.Lock()
		pending += len(l.shards[i].pending)
		l.shards[i].mu.Unlock()
	}
	if pending > 10*line {
		t.Errorf("%d bytes pending, the bound is %d", pending, 10*line)
	}
	close(w.release)
	l.close()
	out := w.String()
	lines := strings.Count(out, "\n")
	written := strings.Count(out, " template ")
	dropped := l.droppedTotal()
	if written+int(dropped) != n || dropped == 0 || written > 20 {
		t.Errorf("%d lines written, %d dropped, of %d", written, dropped, n)
	}
	// Every drop is reported once out takes bytes again (in one report or,
	// when the writer flushed while lines were being added, several).
	reported := 0
	for _, m := range regexp.MustCompile(`(?m)^(\d+) log lines dropped: the log's reader \(stdout\) did not keep up$`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		reported += n
	}
	if reported != int(dropped) || lines != written+strings.Count(out, " log lines dropped") {
		t.Errorf("reports say %d dropped of %d, in %d lines:\n%s", reported, dropped, lines, out)
	}
}

// TestEventLogWritesAllWhenRead: a log that is read loses nothing and
// writes everything by close, in time order across connections (which go
// to different pending buffers) and in publishing order within one.
func TestEventLogWritesAllWhenRead(t *testing.T) {
	var buf bytes.Buffer
	l := newEventLog(&buf, logSteps, logMaxPending)
	go l.run()
	t0 := sampleEvent().Time
	const n = 200
	for i := range n {
		e := sampleEvent()
		e.ConnectionID = strconv.Itoa(i % 7)
		e.Time = t0.Add(time.Duration(i/2) * time.Millisecond) // pairs share a time
		e.Size = i + 1
		l.add(e)
	}
	l.close()
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(got) != n || l.droppedTotal() != 0 {
		t.Fatalf("%d lines, %d dropped", len(got), l.droppedTotal())
	}
	last := map[string]int{}
	prev := ""
	for i, g := range got {
		ts := g[:len("15:04:05.000")]
		if ts < prev {
			t.Errorf("line %d out of time order: %s after %s", i, ts, prev)
		}
		prev = ts
		m := regexp.MustCompile(` conn=(\d+) .* size=(\d+) `).FindStringSubmatch(g)
		size, _ := strconv.Atoi(m[2])
		if size <= last[m[1]] {
			t.Errorf("connection %s: size %d after %d", m[1], size, last[m[1]])
		}
		last[m[1]] = size
	}
}

// BenchmarkEventLogAdd measures logging one event as serve's text logs
// do: formatting into a pooled buffer and appending under the lock.
func BenchmarkEventLogAdd(b *testing.B) {
	l := newEventLog(io.Discard, logSteps, logMaxPending)
	e := sampleEvent()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.add(e)
		if i%4096 == 0 {
			l.flush()
		}
	}
}

// BenchmarkServeLogRoundTrip measures messages through a real gateway on
// loopback from many clients at once, with serve's log in each --log format
// writing to a pipe that a goroutine drains: the difference from none is
// what a log costs a message. allocs/op counts the clients' allocations
// too (about 3 a round trip for gorilla's client).
func BenchmarkServeLogRoundTrip(b *testing.B) {
	for _, name := range []string{"none", "text", "steps", "json"} {
		b.Run(name, func(b *testing.B) {
			ws, err := loadWorkspace("sample")
			if err != nil {
				b.Fatal(err)
			}
			g, err := emulator.New(ws.API, emulator.Options{Addr: "127.0.0.1:0"})
			if err != nil {
				b.Fatal(err)
			}
			if f, ok, _ := parseLogFormat(name); ok {
				r, w := io.Pipe()
				go io.Copy(io.Discard, r)
				l := newEventLog(w, f, logMaxPending)
				g.SubscribeFuncFilter(f.filter(), l.add)
				go l.run()
				defer func() { l.close(); w.Close() }()
			}
			if err := g.Open(); err != nil {
				b.Fatal(err)
			}
			defer g.Close(b.Context())
			b.SetParallelism(25)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				c, _, err := websocket.DefaultDialer.Dial(g.URL(), nil)
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				msg := []byte(`{"action":"message","messageId":1}`)
				for pb.Next() {
					if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
						b.Error(err)
						return
					}
					if _, _, err := c.ReadMessage(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// TestEventLogFunctionLog: a local function's log goes under its event's
// line in the text log, indented, and inside the event in JSON.
func TestEventLogFunctionLog(t *testing.T) {
	e := &emulator.Event{Time: sampleEvent().Time, Kind: emulator.EventIntegration, ConnectionID: "c", Status: 200,
		Lambda: &emulator.LambdaCall{Function: "f", Log: "START\nhello\nEND\n"}}
	for _, tc := range []struct {
		format logFormat
		want   string
	}{
		{logSteps, "21:00:00.000 integration conn=c status=200 function=f\n    START\n    hello\n    END\n"},
		{logJSON, `"log":"START\nhello\nEND\n"`},
	} {
		var buf bytes.Buffer
		l := newEventLog(&buf, tc.format, logMaxPending)
		go l.run()
		l.add(e)
		l.close()
		if got := buf.String(); !strings.Contains(got, tc.want) {
			t.Errorf("format %d: %q, want %q in it", tc.format, got, tc.want)
		}
	}
}

// BenchmarkEventLogAddParallel is BenchmarkEventLogAdd from 50 goroutines,
// each its own connection, as serve's read loops log: what the pending
// buffers' locks cost when connections log at once.
func BenchmarkEventLogAddParallel(b *testing.B) {
	l := newEventLog(io.Discard, logText, logMaxPending)
	go l.run()
	defer l.close()
	var next atomic.Int32
	b.SetParallelism(25)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		e := sampleEvent()
		e.ConnectionID = strconv.Itoa(int(next.Add(1)))
		for pb.Next() {
			l.add(e)
		}
	})
}
