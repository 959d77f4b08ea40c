package watch

import (
	"strings"

	"wsworkbench/emulator"
)

// transcript is what the view has read of one connection's history: the
// entries (bounded like the gateway's own history), how many were let go,
// the close, and what a person has seen. It knows nothing of widgets.
type transcript struct {
	all       []emulator.HistoryEntry // everything read so far, oldest first
	lastSeq   uint64
	seenSeq   uint64 // the newest entry a person has seen (MarkSeen)
	dropped   uint64 // entries the view itself let go
	gwDropped uint64 // entries the gateway's bound dropped
	closed    bool
	closeNote string // the close as the history tells it ("closed 1011 boom")
}

// maxEntries bounds what the view keeps of a long-lived connection.
const maxEntries = 10000

// add takes what the gateway's history gave since lastSeq; it reports
// whether anything changed (new entries, the close).
func (t *transcript) add(h emulator.History) bool {
	t.gwDropped = h.Dropped // the gateway counts all it dropped
	if len(h.Entries) == 0 && !h.Closed {
		return false
	}
	for _, e := range h.Entries {
		t.all = append(t.all, e)
		t.lastSeq = e.Seq
		if e.Dir == emulator.HistoryEvent && strings.HasPrefix(e.Note, "closed") {
			t.closeNote = e.Note
		}
	}
	// The gateway bounds its history; the view keeps the same bound.
	if n := len(t.all) - maxEntries; n > 0 {
		t.dropped += uint64(n)
		t.all = append(t.all[:0:0], t.all[n:]...)
	}
	if h.Closed {
		t.closed = true
	}
	return true
}

// closedText says the connection closed, and how when the history says.
func (t *transcript) closedText() string {
	if t.closeNote == "" {
		return "closed"
	}
	return t.closeNote // "closed 1011 boom"
}

// unread counts the frames in and out after seenSeq, up to 100.
func (t *transcript) unread() int {
	n := 0
	for i := len(t.all) - 1; i >= 0 && n < 100; i-- {
		e := t.all[i]
		if e.Seq <= t.seenSeq {
			break
		}
		if e.Dir != emulator.HistoryEvent {
			n++
		}
	}
	return n
}

// matching appends to out the entries whose text or note holds query
// (case folded); an empty query keeps them all.
func (t *transcript) matching(query string, out []emulator.HistoryEntry) []emulator.HistoryEntry {
	q := strings.ToLower(strings.TrimSpace(query))
	for _, e := range t.all {
		if q == "" || strings.Contains(strings.ToLower(e.Data), q) || strings.Contains(strings.ToLower(e.Note), q) {
			out = append(out, e)
		}
	}
	return out
}

// history is everything read, as the gateway's transcript gives it.
func (t *transcript) history() emulator.History {
	return emulator.History{Entries: t.all, Dropped: t.dropped + t.gwDropped, Closed: t.closed}
}
