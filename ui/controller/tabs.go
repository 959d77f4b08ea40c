package controller

import (
	"fmt"
	"sync"
	"sync/atomic"

	"wsworkbench/client"
)

// Tab is the model of a client tab: its name, its client, and which
// gateway request each log entry belongs to. The window's bridge fills it
// from the gateway's events; the tab's widgets live in ui/clients.
// Everything here is safe for concurrent use.
type Tab struct {
	Name   string
	client atomic.Pointer[client.Client]

	mu        sync.Mutex
	reqBySeq  map[uint64]string // log entry → gateway request ID, for the trace panel
	connectID string            // the $connect request of the current connection
	closeWhy  string            // why the gateway closed the current connection, when it said
}

// NewTab returns the model of a tab named name, with client c.
func NewTab(name string, c *client.Client) *Tab {
	m := &Tab{Name: name, reqBySeq: map[uint64]string{}}
	m.client.Store(c)
	return m
}

// Client returns the tab's current client.
func (m *Tab) Client() *client.Client { return m.client.Load() }

// SetConnect records the connection ID and $connect request the gateway
// gave this tab's connection.
func (m *Tab) SetConnect(connID, reqID string) {
	m.mu.Lock()
	m.connectID = reqID
	m.closeWhy = ""
	m.mu.Unlock()
	m.Client().SetConnectionID(connID)
}

// SetCloseWhy records why the gateway closed the tab's connection (the
// idle timeout, say: its close frame only says "Going away") and logs it.
func (m *Tab) SetCloseWhy(code int, reason, why string) {
	m.mu.Lock()
	m.closeWhy = why
	m.mu.Unlock()
	m.Client().Log().Append(client.Entry{Dir: client.Event, Note: fmt.Sprintf("the gateway closed the connection with %d %s: %s", code, reason, why)})
}

// CloseReason returns why the gateway closed the current connection, or "".
func (m *Tab) CloseReason() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closeWhy
}

// ConnectRequest returns the $connect request of the current connection.
func (m *Tab) ConnectRequest() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.connectID
}

// Annotate writes route into the oldest unrouted log entry of direction dir
// with text, and remembers its request. It reports whether an entry matched.
func (m *Tab) Annotate(dir client.Dir, text, route, reqID string) bool {
	log := m.Client().Log()
	seq, ok := log.AnnotateMatch(dir, text, route)
	if !ok {
		return false
	}
	if reqID == "" {
		return true
	}
	m.mu.Lock()
	m.reqBySeq[seq] = reqID
	if len(m.reqBySeq) > 2*log.Capacity() {
		m.pruneLocked(log)
	}
	m.mu.Unlock()
	return true
}

// pruneLocked forgets the requests of entries the log no longer holds.
func (m *Tab) pruneLocked(log *client.Log) {
	if log.Len() == 0 {
		clear(m.reqBySeq)
		return
	}
	oldest := log.At(0).Seq
	for seq := range m.reqBySeq {
		if seq < oldest {
			delete(m.reqBySeq, seq)
		}
	}
}

// Request returns the gateway request of log entry seq.
func (m *Tab) Request(seq uint64) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.reqBySeq[seq]
	return id, ok
}

// Tabs is the window's client tabs, for the bridge to find a tab by its
// connection ID or local address. Tabs are added and removed on the UI
// goroutine and looked up from the bridge's.
type Tabs struct {
	mu   sync.RWMutex
	tabs []*Tab
}

// Add registers a tab.
func (r *Tabs) Add(m *Tab) {
	r.mu.Lock()
	r.tabs = append(r.tabs, m)
	r.mu.Unlock()
}

// Remove forgets a tab (it closed).
func (r *Tabs) Remove(m *Tab) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, t := range r.tabs {
		if t == m {
			r.tabs = append(r.tabs[:i:i], r.tabs[i+1:]...)
			return
		}
	}
}

// List returns the tabs, in the order they were added.
func (r *Tabs) List() []*Tab {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Tab(nil), r.tabs...)
}

// ByConnID returns the tab whose current connection has the ID, or nil.
func (r *Tabs) ByConnID(id string) *Tab { return r.find(id, (*client.Client).ConnectionID) }

// ByAddr returns the tab whose client's local address is addr, or nil.
func (r *Tabs) ByAddr(addr string) *Tab { return r.find(addr, (*client.Client).LocalAddr) }

// find returns the tab whose client's key is want ("" finds none).
func (r *Tabs) find(want string, key func(*client.Client) string) *Tab {
	if want == "" {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, t := range r.tabs {
		if key(t.Client()) == want {
			return t
		}
	}
	return nil
}

// Swap makes c the tab's client. remap maps the old log's sequence numbers
// to the new log's, for entries carried over.
func (m *Tab) Swap(c *client.Client, remap map[uint64]uint64) {
	m.mu.Lock()
	next := make(map[uint64]string, len(m.reqBySeq))
	for seq, id := range m.reqBySeq {
		if ns, ok := remap[seq]; ok {
			next[ns] = id
		}
	}
	m.reqBySeq = next
	m.connectID = ""
	m.mu.Unlock()
	m.client.Store(c)
}
