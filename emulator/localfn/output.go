package localfn

import (
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// output collects one instance's stdout and stderr (one pipe, as on Lambda,
// where both go to the same log stream). The reader goroutine reads the pipe
// whenever it is readable; take, called by the invoker once the runtime has
// answered, reads whatever is still in the pipe itself. Both read the
// (non-blocking) pipe and append while holding mu, so nothing the runtime
// wrote before answering can be in flight between the pipe and the buffer
// when take looks.
type output struct {
	pipe  *os.File
	raw   syscall.RawConn
	limit int

	mu      sync.Mutex
	buf     []byte
	dropped int
	scratch []byte
	eof     chan struct{}
}

func newOutput(pipe *os.File, limit int) *output {
	o := &output{pipe: pipe, limit: limit, eof: make(chan struct{}), scratch: make([]byte, 32<<10)}
	o.raw, _ = pipe.SyscallConn()
	return o
}

// read copies the pipe into the buffer until the process and its children
// have closed it.
func (o *output) read() {
	defer close(o.eof)
	defer o.pipe.Close()
	if o.raw == nil {
		return
	}
	done := false
	for !done {
		err := o.raw.Read(func(fd uintptr) bool {
			o.mu.Lock()
			defer o.mu.Unlock()
			n, err := o.readLocked(fd)
			if err == syscall.EAGAIN {
				return false // wait until the pipe is readable
			}
			if err != nil || n == 0 {
				done = true // EOF: every writer has closed the pipe
			}
			return true
		})
		if err != nil {
			return
		}
	}
}

// readLocked reads once from the pipe into the buffer, keeping at most
// limit bytes per invocation.
func (o *output) readLocked(fd uintptr) (int, error) {
	n, err := readFD(fd, o.scratch)
	if n <= 0 {
		return 0, err
	}
	keep := n
	if room := o.limit - len(o.buf); keep > room {
		keep = max(room, 0)
		o.dropped += n - keep
	}
	o.buf = append(o.buf, o.scratch[:keep]...)
	return n, nil
}

// take returns the output since the last take. The runtime wrote it before
// it posted its answer, so it is in the pipe or the buffer by now.
func (o *output) take() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.raw != nil {
		_ = o.raw.Control(func(fd uintptr) {
			for {
				if n, err := o.readLocked(fd); n == 0 || err != nil {
					return
				}
			}
		})
	}
	return o.takeLocked()
}

// takeAfterExit returns the output once the pipe is closed (the process
// group is gone), or after a short wait when a stray child holds it open.
func (o *output) takeAfterExit() string {
	select {
	case <-o.eof:
	case <-time.After(200 * time.Millisecond):
	}
	return o.take()
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
	if res.MemoryMB > 0 {
		fmt.Fprintf(&b, "\tMemory Size: %d MB", res.MemoryMB)
	}
	if res.MaxMemoryMB > 0 {
		fmt.Fprintf(&b, "\tMax Memory Used: %d MB", res.MaxMemoryMB)
	}
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
