package client

import "sync"

// DefaultHistorySize is how many sent messages a History keeps by default.
const DefaultHistorySize = 200

// History is a composer's list of sent messages, walked with the up and down
// keys the way a shell walks its command history: Prev steps back from the
// text being typed (the draft, which is kept), Next steps forward and, past the
// newest message, gives the draft back. Add (on send) appends a message and
// ends the walk. It keeps at most its size, dropping the oldest, and never
// stores the same message twice in a row.
//
// History is safe for concurrent use, though a composer only ever touches it
// from the window's goroutine.
type History struct {
	mu    sync.Mutex
	items []string // oldest first
	size  int
	pos   int // index into items while walking; len(items) means "at the draft"
	draft string
}

// NewHistory returns an empty history keeping at most size messages
// (DefaultHistorySize when size <= 0).
func NewHistory(size int) *History {
	if size <= 0 {
		size = DefaultHistorySize
	}
	return &History{size: size}
}

// Add records text as the newest message, unless it is empty or equal to the
// newest one, and ends any walk in progress.
func (h *History) Add(text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if text != "" && (len(h.items) == 0 || h.items[len(h.items)-1] != text) {
		if len(h.items) == h.size {
			copy(h.items, h.items[1:])
			h.items = h.items[:len(h.items)-1]
		}
		h.items = append(h.items, text)
	}
	h.pos, h.draft = len(h.items), ""
}

// Prev steps back one message and returns it. current is what the composer
// holds now: on the first step it is saved as the draft that Next returns to.
// At the oldest message (or with no history) it returns false and the caller
// keeps its text.
func (h *History) Prev(current string) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pos == 0 {
		return "", false
	}
	if h.pos == len(h.items) {
		h.draft = current
	}
	h.pos--
	return h.items[h.pos], true
}

// Next steps forward one message and returns it; stepping past the newest
// returns the draft. When not walking it returns false.
func (h *History) Next() (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pos >= len(h.items) {
		return "", false
	}
	h.pos++
	if h.pos == len(h.items) {
		d := h.draft
		h.draft = ""
		return d, true
	}
	return h.items[h.pos], true
}

// Reset ends a walk without changing the messages; the draft is forgotten.
func (h *History) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pos, h.draft = len(h.items), ""
}

// Len returns the number of messages held.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.items)
}

// Items returns a copy of the messages, oldest first.
func (h *History) Items() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.items...)
}
