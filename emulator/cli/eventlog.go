package cli

import (
	"encoding/json"
	"io"
	"strconv"
	"sync"
	"time"

	"wsworkbench/emulator"
)

// Defaults of serve's event log.
const (
	logFlushEvery = 50 * time.Millisecond // how long a line waits at most before it is written
	logFlushAt    = 256 << 10             // pending bytes that wake the writer before its time
	logMaxPending = 8 << 20               // pending bytes past which lines are dropped (and counted)
)

// eventLog is serve's log of gateway events. Lines are formatted on the
// goroutine that publishes the event, into a pooled buffer, and appended to
// one pending buffer under a short lock; a writer goroutine writes the
// pending bytes to out every logFlushEvery (sooner once logFlushAt bytes
// wait) and when the log closes. So an event costs no allocation, no
// channel send and no goroutine hand-off, and a burst of events costs one
// write call.
//
// When out is not read (a serve whose stdout nobody reads), the writer
// blocks in Write and the pending bytes stop at maxPending: later lines are
// dropped and counted, and once out takes bytes again the log says how many
// were dropped. Memory stays bounded by two buffers of maxPending.
type eventLog struct {
	out        io.Writer
	json       bool
	maxPending int

	bufs sync.Pool // *[]byte, one line's formatting buffer

	mu      sync.Mutex
	pending []byte
	dropped uint64 // lines dropped since the last report
	total   uint64 // lines dropped in all

	spare []byte        // the buffer the writer last wrote, reused as pending
	kick  chan struct{} // wakes the writer before its time
	stop  chan struct{}
	done  chan struct{}
}

// newEventLog returns a log writing text (or JSON) lines to out; start its
// writer with run and end it with close.
func newEventLog(out io.Writer, asJSON bool, maxPending int) *eventLog {
	return &eventLog{
		out: out, json: asJSON, maxPending: maxPending,
		bufs: sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }},
		kick: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
}

// add formats e and queues its line. It is the gateway's SubscribeFunc
// callback: it never blocks on out.
func (l *eventLog) add(e *emulator.Event) {
	bp := l.bufs.Get().(*[]byte)
	b := l.format((*bp)[:0], e)
	l.mu.Lock()
	full := len(l.pending)+len(b) > l.maxPending
	if full {
		l.dropped++
		l.total++
	} else {
		l.pending = append(l.pending, b...)
	}
	kick := len(l.pending) >= logFlushAt
	l.mu.Unlock()
	if cap(b) <= 64<<10 { // a huge line's buffer is not kept
		*bp = b
		l.bufs.Put(bp)
	}
	if kick {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

// format appends e's line, with its newline, to b.
func (l *eventLog) format(b []byte, e *emulator.Event) []byte {
	if !l.json {
		return append(e.AppendLine(b), '\n')
	}
	j, err := json.Marshal(e)
	if err != nil {
		j = []byte(`{"error":` + strconv.Quote("the event could not be encoded: "+err.Error()) + `}`)
	}
	return append(append(b, j...), '\n')
}

// run writes pending lines until close; run it on its own goroutine.
func (l *eventLog) run() {
	defer close(l.done)
	t := time.NewTicker(logFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-l.kick:
		case <-l.stop:
			l.flush()
			return
		}
		l.flush()
	}
}

// flush writes what is pending, then how many lines were dropped, if any.
func (l *eventLog) flush() {
	l.mu.Lock()
	buf, dropped := l.pending, l.dropped
	l.pending, l.dropped = l.spare[:0], 0
	l.mu.Unlock()
	if len(buf) > 0 {
		_, _ = l.out.Write(buf)
	}
	if dropped > 0 {
		msg := strconv.AppendUint(buf[:0], dropped, 10)
		msg = append(msg, " log lines dropped: the log's reader (stdout) did not keep up\n"...)
		_, _ = l.out.Write(msg)
		buf = msg
	}
	l.spare = buf[:0]
}

// droppedTotal returns how many lines were dropped in all.
func (l *eventLog) droppedTotal() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// close writes what is still pending and stops the writer. Call it once no
// more events come (after the gateway has closed).
func (l *eventLog) close() {
	close(l.stop)
	<-l.done
}
