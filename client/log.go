package client

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultLogCapacity is how many entries a Log keeps when no capacity is given.
const DefaultLogCapacity = 10000

// DefaultLogBytes bounds the memory of a Log's entries (their texts and
// notes, plus entryOverhead each), whatever their count: 10 000 entries of
// 128 KB frames would otherwise hold 1.3 GB.
const DefaultLogBytes = 32 << 20

// entryOverhead is what an Entry costs beside its strings.
const entryOverhead = 128

// Dir says what an Entry records: a frame this client sent, a frame it
// received, or an event of the connection (connected, closed, an error).
type Dir uint8

// The directions of an Entry.
const (
	Sent Dir = iota + 1
	Received
	Event
)

// String returns "sent", "received" or "event": the words ExportJSONL writes.
func (d Dir) String() string {
	switch d {
	case Sent:
		return "sent"
	case Received:
		return "received"
	case Event:
		return "event"
	}
	return "unknown"
}

// Entry is one line of a tab's message log.
type Entry struct {
	// Seq numbers entries from 1 in the order they were appended. Numbers are
	// never reused, not even after Clear, so a Seq names one entry for good.
	Seq  uint64
	Time time.Time
	Dir  Dir
	// Text is the frame's payload. For a binary frame (which API Gateway never
	// sends, but another server may) it is the payload in standard base64 and
	// Binary is true. Events have no Text.
	Text   string
	Binary bool
	// Size is the payload's length in bytes as it went over the wire (for a
	// binary frame, before base64).
	Size int
	// Route is the route key the gateway chose for this frame, filled in later
	// by Annotate; "" when unknown.
	Route string
	// RTT applies to a received frame: the time from the most recent sent
	// frame to this one, if no other frame was received in between (see
	// Client for the exact rule). It is zero when it does not apply. On the
	// "connected" event it is the time the opening handshake took.
	RTT time.Duration
	// Note says what happened for events ("connected", "closed 1001 Going
	// away", "error: ...") and why a sent frame failed ("send failed: ...").
	Note string
	// Event says which event an Event entry records; Close, on a
	// ClosedEvent, who closed and how. Readers use these, never Note's words.
	Event EventKind
	Close *CloseEvent
}

// EventKind says which event an Event entry records.
type EventKind uint8

// The kinds of events. OtherEvent is any event the client does not name:
// an error, a note the window adds.
const (
	OtherEvent     EventKind = iota
	ConnectedEvent           // the opening handshake succeeded
	ClosedEvent              // the connection ended (Entry.Close says how)
)

// CloseEvent is how a connection ended.
type CloseEvent struct {
	// ByClient says this client started the close: Code and Reason are
	// what it sent. Otherwise the server closed with Code and Reason, or,
	// when Lost, the connection broke without a close frame (Code 0).
	ByClient bool
	Lost     bool
	Code     int
	Reason   string
}

// Log is a bounded ring buffer of entries, oldest first. When it holds its
// capacity in entries, or more than its byte bound (DefaultLogBytes), each
// new entry drops the oldest ones and Dropped counts them. The newest entry
// is always kept, however large.
//
// Log is safe for concurrent use: a client's reader goroutine appends while the
// window reads. Len and At are O(1), so a widget.List can show a Log directly.
// Every change (append, annotate, clear) increments Generation; a window that
// remembers the generation it last drew can skip redundant refreshes.
//
// Because the entries on hand are always a contiguous run of sequence numbers,
// BySeq is O(1) as well: a filtered view can hold sequence numbers, which stay
// valid while the ring wraps, instead of indices, which shift.
type Log struct {
	mu       sync.RWMutex
	buf      []Entry // grows up to cap, then wraps
	cap      int
	maxBytes int
	bytes    int // entrySize of the entries held
	head     int // index in buf of the oldest entry
	n        int // entries held
	nextSeq  uint64
	dropped  uint64
	gen      atomic.Uint64
	// matchFrom[dir] is where AnnotateMatch starts looking for entries of
	// that direction: every earlier one is routed or older than
	// MatchWindow. It only moves forward, so a flood costs O(1) per match
	// instead of a scan from the oldest entry.
	matchFrom [4]uint64 // indexed by Dir
}

// MatchWindow is how long after it was logged an entry can still be matched
// by AnnotateMatch: the gateway's events for a frame arrive within
// milliseconds, so an entry this old that has no route never gets one (a
// frame pushed by a backend, say) and must not slow every later match.
const MatchWindow = 10 * time.Second

// NewLog returns an empty log that keeps at most capacity entries
// (DefaultLogCapacity when capacity <= 0).
func NewLog(capacity int) *Log {
	if capacity <= 0 {
		capacity = DefaultLogCapacity
	}
	return &Log{cap: capacity, maxBytes: DefaultLogBytes, nextSeq: 1}
}

// entrySize is what an entry counts against the byte bound.
func entrySize(e *Entry) int { return len(e.Text) + len(e.Note) + entryOverhead }

// Capacity returns the most entries the log keeps.
func (l *Log) Capacity() int { return l.cap }

// Append adds e as the newest entry, setting its Seq (and its Time, when zero),
// and returns the Seq. When the log is full the oldest entry is dropped.
func (l *Log) Append(e Entry) uint64 {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	l.mu.Lock()
	e.Seq = l.nextSeq
	l.nextSeq++
	l.bytes += entrySize(&e)
	switch {
	case l.n < len(l.buf):
		// Room left after a Clear or a drop for size.
		l.buf[(l.head+l.n)%len(l.buf)] = e
		l.n++
	case len(l.buf) < l.cap:
		// Still growing: the entries are buf[0:n] in order, head is 0
		// (after drops for size, rotated to be so again).
		if l.head != 0 {
			l.buf = slices.Concat(l.buf[l.head:], l.buf[:l.head])
			l.head = 0
		}
		l.buf = append(l.buf, e)
		l.n++
	default:
		l.bytes -= entrySize(&l.buf[l.head])
		l.buf[l.head] = e
		l.head = (l.head + 1) % len(l.buf)
		l.dropped++
	}
	for l.bytes > l.maxBytes && l.n > 1 {
		l.bytes -= entrySize(&l.buf[l.head])
		l.buf[l.head] = Entry{} // let its text be collected
		l.head = (l.head + 1) % len(l.buf)
		l.n--
		l.dropped++
	}
	l.mu.Unlock()
	l.gen.Add(1)
	return e.Seq
}

// Len returns the number of entries held.
func (l *Log) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.n
}

// At returns the i-th entry, oldest first. It returns the zero Entry (Seq 0)
// when i is out of range, which can happen when a window reads an index it
// computed before a Clear.
func (l *Log) At(i int) Entry {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if i < 0 || i >= l.n {
		return Entry{}
	}
	return l.buf[(l.head+i)%len(l.buf)]
}

// BySeq returns the entry numbered seq, or false when it was dropped, cleared
// or never existed.
func (l *Log) BySeq(seq uint64) (Entry, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	i, ok := l.indexOf(seq)
	if !ok {
		return Entry{}, false
	}
	return l.buf[i], true
}

// indexOf returns the buf index of entry seq; l.mu must be held.
func (l *Log) indexOf(seq uint64) (int, bool) {
	if l.n == 0 {
		return 0, false
	}
	first := l.buf[l.head].Seq
	if seq < first || seq-first >= uint64(l.n) {
		return 0, false
	}
	return (l.head + int(seq-first)) % len(l.buf), true
}

// Generation returns a number that changes whenever the log does. It starts
// at 0 and only grows.
func (l *Log) Generation() uint64 { return l.gen.Load() }

// Dropped returns how many entries were pushed out because the log was full
// since it was made or last cleared.
func (l *Log) Dropped() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.dropped
}

// Clear removes every entry and resets Dropped. Sequence numbers continue
// where they were.
func (l *Log) Clear() {
	l.mu.Lock()
	clear(l.buf) // let the texts be collected
	l.head, l.n, l.dropped, l.bytes = 0, 0, 0, 0
	l.mu.Unlock()
	l.gen.Add(1)
}

// Annotate sets the route of entry seq. It reports false when the entry is no
// longer held.
func (l *Log) Annotate(seq uint64, route string) bool {
	return l.update(seq, func(e *Entry) { e.Route = route })
}

// AnnotateMatch sets the route of the oldest entry of direction dir whose text
// is text and whose route is still unknown, and returns its Seq. It is how the
// window fills in routes from the gateway's event stream, which reports each
// frame's body and route but not the client's sequence number: the gateway
// handles a connection's frames in order, so the oldest unrouted match is the
// frame the event is about. Entries logged more than MatchWindow before the
// newest one are not considered.
func (l *Log) AnnotateMatch(dir Dir, text, route string) (uint64, bool) {
	if int(dir) >= len(l.matchFrom) {
		return 0, false
	}
	l.mu.Lock()
	var seq uint64
	if l.n > 0 {
		oldest := l.buf[l.head].Seq
		start := max(l.matchFrom[dir], oldest)
		cutoff := l.buf[(l.head+l.n-1)%len(l.buf)].Time.Add(-MatchWindow)
		behind := true // every entry of dir seen so far is routed or too old
		for i := int(start - oldest); i < l.n; i++ {
			e := &l.buf[(l.head+i)%len(l.buf)]
			if e.Dir != dir {
				continue
			}
			done := e.Route != "" || e.Time.Before(cutoff)
			if !done && e.Text == text {
				e.Route = route
				seq = e.Seq
				done = true
			}
			if behind && done {
				l.matchFrom[dir] = e.Seq + 1
			} else {
				behind = false
			}
			if seq != 0 {
				break
			}
		}
	}
	l.mu.Unlock()
	if seq == 0 {
		return 0, false
	}
	l.gen.Add(1)
	return seq, true
}

// update applies f to entry seq under the lock.
func (l *Log) update(seq uint64, f func(*Entry)) bool {
	l.mu.Lock()
	i, ok := l.indexOf(seq)
	if ok {
		f(&l.buf[i])
	}
	l.mu.Unlock()
	if ok {
		l.gen.Add(1)
	}
	return ok
}

// Entries returns a copy of the entries held, oldest first.
func (l *Log) Entries() []Entry {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]Entry, l.n)
	for i := range out {
		out[i] = l.buf[(l.head+i)%len(l.buf)]
	}
	return out
}
