package localfn

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// output collects one instance's stdout and stderr (one pipe, as on Lambda,
// where both go to the same log stream). The reader goroutine owns the pipe;
// take hands the invoker what arrived since the last take.
type output struct {
	pipe  *os.File
	limit int

	mu      sync.Mutex
	buf     []byte
	dropped int
	reading bool // the reader is waiting in Read with everything before appended
	eof     chan struct{}
}

func newOutput(pipe *os.File, limit int) *output {
	return &output{pipe: pipe, limit: limit, eof: make(chan struct{})}
}

// read copies the pipe into the buffer until the process and its children
// have closed it.
func (o *output) read() {
	defer close(o.eof)
	defer o.pipe.Close()
	b := make([]byte, 32<<10)
	for {
		o.mu.Lock()
		o.reading = true
		o.mu.Unlock()
		n, err := o.pipe.Read(b)
		o.mu.Lock()
		o.reading = false
		if room := o.limit - len(o.buf); n > room {
			o.dropped += n - max(room, 0)
			n = max(room, 0)
		}
		o.buf = append(o.buf, b[:n]...)
		o.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// drainWait bounds how long take waits for output still in the pipe.
const drainWait = 20 * time.Millisecond

// take returns the output since the last take. The runtime wrote it before
// it posted its answer, so it is in the pipe by now: take waits until the
// pipe is empty and the reader has appended what it read.
func (o *output) take() string {
	deadline := time.Now().Add(drainWait)
	for {
		o.mu.Lock()
		if o.reading && pipePending(o.pipe) == 0 {
			s := o.takeLocked()
			o.mu.Unlock()
			return s
		}
		o.mu.Unlock()
		if time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.takeLocked()
}

// takeAfterExit returns the output once the pipe is closed (the process
// group is gone), or after a short wait when a stray child holds it open.
func (o *output) takeAfterExit() string {
	select {
	case <-o.eof:
	case <-time.After(200 * time.Millisecond):
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.takeLocked()
}

func (o *output) takeLocked() string {
	s := string(o.buf)
	if o.dropped > 0 {
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += fmt.Sprintf("[wsworkbench: %d more bytes of output dropped; the log keeps %d bytes per invocation]\n", o.dropped, o.limit)
	}
	o.buf = o.buf[:0]
	o.dropped = 0
	return s
}

// frameLog frames an invocation's output as CloudWatch Logs shows it.
func frameLog(res Invocation, out string, d time.Duration) string {
	var b strings.Builder
	b.Grow(len(out) + 256)
	fmt.Fprintf(&b, "START RequestId: %s Version: $LATEST\n", res.RequestID)
	b.WriteString(out)
	if out != "" && !strings.HasSuffix(out, "\n") {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "END RequestId: %s\n", res.RequestID)
	ms := float64(d) / float64(time.Millisecond)
	fmt.Fprintf(&b, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms", res.RequestID, ms, int(math.Ceil(ms)))
	if res.Cold && res.InitDuration > 0 {
		fmt.Fprintf(&b, "\tInit Duration: %.2f ms", float64(res.InitDuration)/float64(time.Millisecond))
	}
	b.WriteByte('\n')
	return b.String()
}

// timeoutLine is the line Lambda logs when it stops a function at its
// timeout.
func timeoutLine(id string, timeout time.Duration) string {
	return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") + " " + id + " Task timed out after " + fmt.Sprintf("%.2f", timeout.Seconds()) + " seconds\n"
}
