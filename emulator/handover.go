package emulator

import (
	"sync"
	"time"
)

// slowRender is how long a template may render on a connection's read loop
// before the reading is handed over to a new goroutine (handOver), so that
// the client's close, or a dropped TCP connection, is seen while the render
// goes on, and stops it. Cheap renders, the common case, finish long before
// and cost no goroutine.
const slowRender = time.Millisecond

// pendingMessage is a message read while the connection's worker is busy.
type pendingMessage struct {
	data []byte
	at   time.Time // when it arrived: its requestTime
	n    uint64    // its number (conn.seq)
}

// handle handles message number n (its framesIn count) that the read loop
// read at now, in order with the connection's earlier messages. It returns
// false when this goroutine is no longer the read loop: a render of the
// message ran long and handed the reading over, and this goroutine has
// since worked off the messages the new read loop queued meanwhile (work).
// The caller then ends.
//
// Messages are handled one at a time, in the order they came, by the read
// loop itself or, while a worker runs, by the worker; cheap messages never
// leave the read loop.
func (c *conn) handle(data []byte, now time.Time, n uint64) bool {
	if c.worker.Load() && c.queueMessage(pendingMessage{data, now, n}) {
		return true
	}
	c.seq = n
	c.g.handleMessageAt(c, data, now)
	if !c.worker.Load() {
		return true
	}
	c.work()
	return false
}

// handOver is called (as c.onSlow, through vtl.Input.Slow) by a render that
// has run for slowRender on the goroutine handling c's messages. On the read
// loop it makes that goroutine the connection's worker and starts a new read
// loop, which reads on: it answers pings, sees the client's close (which
// stops the render through c.ctx) and queues the messages that come
// meanwhile for the worker. On the worker, the reading goes on already.
func (c *conn) handOver() {
	c.mu.Lock()
	if c.worker.Load() {
		c.mu.Unlock()
		return
	}
	if c.turn == nil {
		c.turn = sync.NewCond(&c.mu)
	}
	c.worker.Store(true)
	c.mu.Unlock()
	// This goroutine is the read loop, which holds a WaitGroup count, so
	// this Add is safe.
	c.g.wg.Add(1)
	go c.readLoop()
}

// queueMessage queues a message for the worker. While
// MaxInflightPerConnection messages already wait, the read loop waits too
// (TCP back-pressure on this client only). It returns false when the
// worker has ended meanwhile: the read loop handles the message itself.
func (c *conn) queueMessage(m pendingMessage) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.worker.Load() && !c.closing && len(c.pending) >= cap(c.inflight) {
		c.turn.Wait()
	}
	switch {
	case !c.worker.Load():
		return false
	case c.closing:
		return true // nobody would get the answer
	}
	c.pending = append(c.pending, m)
	return true
}

// work handles the messages queued while a render ran long, in order, and
// ends the worker when none is left, or drops them when the connection is
// closing.
func (c *conn) work() {
	for {
		c.mu.Lock()
		if len(c.pending) == 0 || c.closing {
			c.pending = nil
			c.worker.Store(false)
			c.turn.Broadcast()
			c.mu.Unlock()
			return
		}
		m := c.pending[0]
		c.pending[0] = pendingMessage{}
		c.pending = c.pending[1:]
		c.turn.Broadcast()
		c.mu.Unlock()
		c.seq = m.n
		c.g.handleMessageAt(c, m.data, m.at)
	}
}

// waitWorker waits until the connection's worker has ended. The read loop
// calls it when the connection ends, after canceling c.ctx, so a render
// still running stops and reports it before $disconnect runs.
func (c *conn) waitWorker() {
	c.mu.Lock()
	for c.worker.Load() {
		c.turn.Wait()
	}
	c.mu.Unlock()
}
