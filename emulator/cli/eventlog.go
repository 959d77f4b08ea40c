package cli

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/maphash"
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
	logShards     = 8                     // pending buffers, each with its own lock
)

// logFormat is how serve's log writes events (--log).
type logFormat uint8

const (
	logText  logFormat = iota // one line per message (EventMessage), per connect, close, error, limit, fault...
	logSteps                  // one line per event: every step of every request
	logJSON                   // one JSON object per event, every event
)

// parseLogFormat reads --log; none is reported by ok false with no error.
func parseLogFormat(s string) (f logFormat, ok bool, err error) {
	switch s {
	case "text":
		return logText, true, nil
	case "steps":
		return logSteps, true, nil
	case "json":
		return logJSON, true, nil
	case "none":
		return 0, false, nil
	}
	return 0, false, fmt.Errorf("--log %q: want text, steps, json or none", s)
}

// filter is what a log of format f takes of the gateway's events: text
// takes a message's summary instead of its steps, so the gateway builds
// and times no steps.
func (f logFormat) filter() emulator.Filter {
	if f == logText {
		return emulator.MessageSummaries
	}
	return emulator.EveryEvent
}

// eventLog is serve's log of gateway events. Lines are formatted on the
// goroutine that publishes the event, into a pooled buffer, and appended to
// a pending buffer under a short lock; a writer goroutine writes the pending
// lines to out every logFlushEvery (sooner once logFlushAt bytes wait) and
// when the log closes. So an event costs no allocation, no channel send and
// no goroutine hand-off, and a burst of events costs one write call.
//
// The pending lines are split over logShards buffers by connection, so the
// connections' goroutines rarely wait for one another's lock; the writer
// merges the buffers by event time, so the log reads in time order and
// each connection's lines keep the order they were published in.
//
// When out is not read (a serve whose stdout nobody reads), the writer
// blocks in Write and the pending bytes stop at maxPending: later lines are
// dropped and counted, and once out takes bytes again the log says how many
// were dropped. Memory stays bounded by about three times maxPending.
type eventLog struct {
	out        io.Writer
	json       bool
	maxPending int // over all shards

	bufs   sync.Pool // *[]byte, one line's formatting buffer
	seed   maphash.Seed
	shards [logShards]logShard

	// The writer's own: what it last wrote, reused, and the merge buffer.
	spares [logShards][]byte
	merged []byte
	kick   chan struct{} // wakes the writer before its time
	stop   chan struct{}
	done   chan struct{}
}

// logShard is one pending buffer: records of an 8-byte event time, a 4-byte
// length and the line.
type logShard struct {
	mu      sync.Mutex
	pending []byte
	dropped uint64 // lines dropped since the last report
	total   uint64 // lines dropped in all
	_       [64]byte
}

const recordHeader = 12

// newEventLog returns a log writing lines of format f to out; start its
// writer with run and end it with close. The text formats write what
// they are given one line per event: what events they get is the
// subscription's filter (logFormat.filter).
func newEventLog(out io.Writer, f logFormat, maxPending int) *eventLog {
	return &eventLog{
		out: out, json: f == logJSON, maxPending: maxPending,
		bufs: sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }},
		seed: maphash.MakeSeed(),
		kick: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
}

// add formats e and queues its line. It is the gateway's SubscribeFunc
// callback: it never blocks on out.
func (l *eventLog) add(e *emulator.Event) {
	bp := l.bufs.Get().(*[]byte)
	b := append((*bp)[:0], make([]byte, recordHeader)...)
	b = l.format(b, e)
	binary.LittleEndian.PutUint64(b, uint64(e.Time.UnixNano()))
	binary.LittleEndian.PutUint32(b[8:], uint32(len(b)-recordHeader))
	s := &l.shards[maphash.String(l.seed, e.ConnectionID)%logShards]
	s.mu.Lock()
	if len(s.pending)+len(b) > l.maxPending/logShards {
		s.dropped++
		s.total++
	} else {
		s.pending = append(s.pending, b...)
	}
	kick := len(s.pending) >= logFlushAt/logShards
	s.mu.Unlock()
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
		b = append(e.AppendLine(b), '\n')
		if e.Lambda != nil && e.Lambda.Log != "" {
			b = appendFunctionLog(b, e.Lambda.Log)
		}
		return b
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

// flush writes what is pending, in time order, then how many lines were
// dropped, if any.
func (l *eventLog) flush() {
	var bufs [logShards][]byte
	var dropped uint64
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		bufs[i], s.pending = s.pending, l.spares[i][:0]
		dropped += s.dropped
		s.dropped = 0
		s.mu.Unlock()
	}
	l.merged = mergeRecords(l.merged[:0], &bufs)
	if dropped > 0 {
		l.merged = strconv.AppendUint(l.merged, dropped, 10)
		l.merged = append(l.merged, " log lines dropped: the log's reader (stdout) did not keep up\n"...)
	}
	if len(l.merged) > 0 {
		_, _ = l.out.Write(l.merged)
	}
	for i := range bufs {
		l.spares[i] = bufs[i][:0]
	}
}

// mergeRecords appends the lines of the shards' records to out, the
// earliest event first; each shard's records are in the order they were
// added.
func mergeRecords(out []byte, bufs *[logShards][]byte) []byte {
	var at [logShards]int
	for {
		best, bestTime := -1, uint64(0)
		for i, b := range bufs {
			if at[i] >= len(b) {
				continue
			}
			if t := binary.LittleEndian.Uint64(b[at[i]:]); best < 0 || t < bestTime {
				best, bestTime = i, t
			}
		}
		if best < 0 {
			return out
		}
		b, i := bufs[best], at[best]
		n := int(binary.LittleEndian.Uint32(b[i+8:]))
		out = append(out, b[i+recordHeader:i+recordHeader+n]...)
		at[best] = i + recordHeader + n
	}
}

// droppedTotal returns how many lines were dropped in all.
func (l *eventLog) droppedTotal() uint64 {
	var n uint64
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += s.total
		s.mu.Unlock()
	}
	return n
}

// close writes what is still pending and stops the writer. Call it once no
// more events come (after the gateway has closed).
func (l *eventLog) close() {
	close(l.stop)
	<-l.done
}
