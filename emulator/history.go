package emulator

import (
	"encoding/json"
	"io"
	"strconv"
	"sync"
	"time"
)

// The bounds of a connection's history: what a watch view or a transcript
// can show of a connection that is not one of the window's tabs. A busy
// connection keeps its newest frames; each bound drops the oldest first.
const (
	historyMaxBytes   = 32 << 10 // payload bytes kept per connection
	historyMaxEntries = 1000
	// historyClosedKept is how many closed connections' histories stay
	// readable after their $disconnect, newest first.
	historyClosedKept = 64
)

// An entry's data is at most historyMaxBytes, so its size fits the uint16
// that history.sizes keeps (this does not compile otherwise).
const _ = uint16(historyMaxBytes)

// HistoryDir says which way a history entry went.
type HistoryDir uint8

// The directions of a HistoryEntry.
const (
	HistoryIn    HistoryDir = iota + 1 // a frame from the client
	HistoryOut                         // a frame to the client: an answer, an error frame or an @connections post
	HistoryEvent                       // the connect, the close, a fault
)

var historyDirNames = [...]string{HistoryIn: "in", HistoryOut: "out", HistoryEvent: "event"}

func (d HistoryDir) String() string               { return enumName(historyDirNames[:], int(d)) }
func (d HistoryDir) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
func (d *HistoryDir) UnmarshalText(b []byte) error {
	return unmarshalEnum(historyDirNames[:], b, "history direction", func(i int) { *d = HistoryDir(i) })
}

// HistoryEntry is one thing that happened on a connection.
type HistoryEntry struct {
	Seq  uint64     `json:"seq"` // from 1, never reused
	Time time.Time  `json:"time"`
	Dir  HistoryDir `json:"dir"`
	// Data is the frame's text (base64 for a binary frame, which only an
	// @connections post of non-UTF-8 data sends); Size its length on the
	// wire. Events have no Data.
	Data string `json:"data,omitempty"`
	Size int    `json:"size,omitempty"`
	// RequestID ties a frame to its trace: the message's request, or the
	// request being answered.
	RequestID string `json:"requestId,omitempty"`
	// Note says what an event was ("connected", "closed 1001 Going away")
	// or where an outgoing frame came from ("@connections").
	Note string `json:"note,omitempty"`
}

// history is a connection's bounded record: a ring of entries that grows
// up to historyMaxEntries and then reuses its slots. Any goroutine may add
// to it and read it.
type history struct {
	mu      sync.Mutex
	ring    []historyEntry
	sizes   []uint16 // len(ring[i].data), kept apart (see put)
	head    int      // index of the oldest entry
	n       int      // entries in use
	bytes   int      // payload bytes in use
	seq     uint64   // the newest entry's; the oldest's is seq-n+1
	dropped uint64
	closed  bool
	lastOut string // the last outgoing frame's data, shared by an equal next one
}

// historyEntry is a HistoryEntry as the ring keeps it: 64 bytes, one cache
// line, where a HistoryEntry takes 96. A busy connection's ring is a
// thousand of them and adding one evicts the oldest, which is never in the
// cache; its sequence number follows from its place.
type historyEntry struct {
	data      string
	requestID string
	note      string
	at        int64 // unix nanoseconds
	size      int32
	dir       HistoryDir
}

// add records an entry now; data is copied.
func (h *history) add(dir HistoryDir, data []byte, size int, requestID, note string) {
	h.addAt(time.Now(), dir, data, size, requestID, note)
}

// addAt records an entry that happened at at; data is copied, except that
// an outgoing frame equal to the last one shares its copy (a MOCK route
// often answers the same frame every time).
func (h *history) addAt(at time.Time, dir HistoryDir, data []byte, size int, requestID, note string) {
	if h == nil { // a conn built by a test or benchmark without one
		return
	}
	e := historyEntry{at: at.UnixNano(), dir: dir, size: int32(size), requestID: requestID, note: note}
	if len(data) > historyMaxBytes {
		data = data[:historyMaxBytes]
		e.note += " (cut to the history's size)"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case dir == HistoryOut && h.lastOut != "" && string(data) == h.lastOut:
		e.data = h.lastOut
	case dir == HistoryOut:
		e.data = string(data)
		h.lastOut = e.data
	default:
		e.data = string(data)
	}
	h.put(e)
}

// keep records a message from the client that arrived at at. data is the
// message's own memory, which nothing changes, so it is kept as it is.
func (h *history) keep(at time.Time, data string, requestID string) {
	if h == nil {
		return
	}
	if len(data) > historyMaxBytes {
		h.addAt(at, HistoryIn, []byte(data), len(data), requestID, "")
		return
	}
	h.mu.Lock()
	h.put(historyEntry{at: at.UnixNano(), dir: HistoryIn, data: data, size: int32(len(data)), requestID: requestID})
	h.mu.Unlock()
}

// put adds e, dropping the oldest entries to stay within the bounds. It is
// called with mu held.
//
// Under load across many connections a ring's slots are out of the cache,
// and a write to one waited for its cache line (at the next lock
// operation, so it showed as Unlock). put therefore avoids single writes
// to cold slots: the oldest entry's size comes from sizes (2 KB where the
// entries take 64), a dropped entry's slot is left as it is (but for big
// data, so the ring does not hold it), and a block of historyBlock free
// slots is cleared at once when the newest entry reaches it, which lets
// the processor fetch its lines together; the entries that follow are
// written into lines already in the cache. A dropped small entry thus
// stays referenced until its block is cleared, at most one turn of the
// ring.
func (h *history) put(e historyEntry) {
	h.seq++
	for h.n > 0 && (h.bytes+len(e.data) > historyMaxBytes || h.n == historyMaxEntries) {
		if h.sizes[h.head] > historyKeepDropped {
			h.ring[h.head] = historyEntry{}
		}
		h.bytes -= int(h.sizes[h.head])
		h.head++
		if h.head == len(h.ring) {
			h.head = 0
		}
		h.n--
		h.dropped++
	}
	if len(h.ring)-h.n < historyBlock { // grow, oldest first
		size := min(max(2*len(h.ring), historyBlock), historyRing)
		ring, sizes := make([]historyEntry, size), make([]uint16, size)
		for i := range h.n {
			j := h.slot(i)
			ring[i], sizes[i] = h.ring[j], h.sizes[j]
		}
		h.ring, h.sizes, h.head = ring, sizes, 0
	}
	i := h.slot(h.n)
	if i%historyBlock == 0 {
		// The block is free: at least historyBlock slots are, from i on.
		clear(h.ring[i : i+historyBlock])
	}
	h.ring[i], h.sizes[i] = e, uint16(len(e.data))
	h.n++
	h.bytes += len(e.data)
}

// The history ring's shape (see put): slots are cleared historyBlock at a
// time, and a full ring has historyRing slots, a multiple of historyBlock
// with at least historyBlock free beside historyMaxEntries entries.
const (
	historyBlock = 16
	historyRing  = 1024
	// historyKeepDropped is the largest entry whose data a dropped slot
	// keeps referenced until its block is cleared.
	historyKeepDropped = 64
)

// A full ring has a free block beside historyMaxEntries entries, and its
// size is a multiple of historyBlock, as every smaller size is (16, 32, ...
// doubling): neither compiles otherwise.
const (
	_ = uint(historyRing - historyMaxEntries - historyBlock)
	_ = uint(-(historyRing % historyBlock))
)

// slot returns the ring index of the i-th oldest entry.
func (h *history) slot(i int) int {
	if j := h.head + i; j < len(h.ring) {
		return j
	}
	return h.head + i - len(h.ring)
}

// after returns the entries with Seq > seq, oldest first.
func (h *history) after(seq uint64) (out []HistoryEntry, dropped uint64, closed bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	first := h.seq - uint64(h.n) + 1 // the oldest entry's
	for i := range h.n {
		if s := first + uint64(i); s > seq {
			e := &h.ring[h.slot(i)]
			out = append(out, HistoryEntry{Seq: s, Time: time.Unix(0, e.at), Dir: e.dir, Data: e.data,
				Size: int(e.size), RequestID: e.requestID, Note: e.note})
		}
	}
	return out, h.dropped, h.closed
}

// History is what History returns: a connection's entries after a sequence
// number, how many older ones the bounds dropped, and whether it is closed.
type History struct {
	Entries []HistoryEntry
	Dropped uint64
	Closed  bool
}

// WriteJSONL writes h as a transcript: JSON lines, one HistoryEntry each,
// after a first line {"dropped": N} when older entries were let go. The
// gateway's transcript endpoint and the window's watch export both write it.
func (h History) WriteJSONL(w io.Writer) error {
	enc := json.NewEncoder(w)
	if h.Dropped > 0 {
		if err := enc.Encode(map[string]uint64{"dropped": h.Dropped}); err != nil {
			return err
		}
	}
	for _, e := range h.Entries {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

// History returns the history of connection id, open or among the last
// closed ones, from after Seq on (0 for all it keeps). ok is false for an
// unknown connection.
func (g *Gateway) History(id string, after uint64) (History, bool) {
	var h *history
	if c := g.lookup(id); c != nil {
		h = c.hist
	} else {
		g.histMu.Lock()
		for _, ch := range g.closedHist {
			if ch.id == id {
				h = ch.h
			}
		}
		g.histMu.Unlock()
	}
	if h == nil {
		return History{}, false
	}
	entries, dropped, closed := h.after(after)
	return History{Entries: entries, Dropped: dropped, Closed: closed}, true
}

// closedHistory is a closed connection's history, kept a while.
type closedHistory struct {
	id string
	h  *history
}

// keepHistory keeps a closed connection's history among the last ones.
func (g *Gateway) keepHistory(c *conn, note string) {
	c.hist.add(HistoryEvent, nil, 0, "", note)
	c.hist.mu.Lock()
	c.hist.closed = true
	c.hist.mu.Unlock()
	g.histMu.Lock()
	defer g.histMu.Unlock()
	g.closedHist = append(g.closedHist, closedHistory{id: c.id, h: c.hist})
	if n := len(g.closedHist); n > historyClosedKept {
		copy(g.closedHist, g.closedHist[n-historyClosedKept:])
		clear(g.closedHist[historyClosedKept:])
		g.closedHist = g.closedHist[:historyClosedKept]
	}
}

// closeNote describes a close for the history: "closed 1001 Going away".
func closeNote(code int, reason string) string {
	s := "closed " + strconv.Itoa(code)
	if reason != "" {
		s += " " + reason
	}
	return s
}
