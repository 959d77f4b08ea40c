package emulator

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

// This file runs the gateway over in-memory connections, so that a test in
// a testing/synctest bubble can use the real gateway with fake time: a
// goroutine blocked on a real socket is never "durably blocked", so the
// bubble's clock would not move. net.Pipe is unbuffered, which deadlocks a
// WebSocket (a pong written while the peer writes); these pipes buffer.

// memHalf is what one side of a memConn reads: bytes the other side wrote.
// With a capacity, a writer waits while that many bytes are unread, as a
// peer that stops reading makes a TCP write block.
type memHalf struct {
	mu     sync.Mutex
	buf    []byte
	cap    int           // 0: unbounded
	eof    bool          // the writer closed
	signal chan struct{} // capacity 1: data arrived or eof
	space  chan struct{} // capacity 1: the reader took data
}

func newMemHalf(capacity int) *memHalf {
	return &memHalf{cap: capacity, signal: make(chan struct{}, 1), space: make(chan struct{}, 1)}
}

func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// memConn is one end of an in-memory connection with read and write
// deadlines.
type memConn struct {
	in, out       *memHalf
	local, remote net.Addr
	closed        atomic.Bool
	done          chan struct{} // closed by Close

	mu            sync.Mutex
	readDeadline  time.Time
	writeDeadline time.Time
	deadlineMoved chan struct{} // closed and replaced when a deadline changes
}

// memPipe returns the two ends of a connection between the addresses a and
// b; each direction buffers up to capacity unread bytes (0: any number).
func memPipe(a, b net.Addr, capacity int) (*memConn, *memConn) {
	ab, ba := newMemHalf(capacity), newMemHalf(capacity)
	x := &memConn{in: ba, out: ab, local: a, remote: b, done: make(chan struct{}), deadlineMoved: make(chan struct{})}
	y := &memConn{in: ab, out: ba, local: b, remote: a, done: make(chan struct{}), deadlineMoved: make(chan struct{})}
	return x, y
}

func (c *memConn) Read(p []byte) (int, error) {
	for {
		if c.closed.Load() {
			return 0, net.ErrClosed
		}
		c.in.mu.Lock()
		if len(c.in.buf) > 0 {
			n := copy(p, c.in.buf)
			c.in.buf = c.in.buf[n:]
			c.in.mu.Unlock()
			wake(c.in.space)
			return n, nil
		}
		eof := c.in.eof
		c.in.mu.Unlock()
		if eof {
			return 0, io.EOF
		}
		c.mu.Lock()
		deadline, moved := c.readDeadline, c.deadlineMoved
		c.mu.Unlock()
		if err := c.wait(c.in.signal, deadline, moved); err != nil {
			return 0, err
		}
	}
}

// wait blocks until ready fires, a deadline moved, the connection closed,
// or deadline passed (an error).
func (c *memConn) wait(ready <-chan struct{}, deadline time.Time, moved <-chan struct{}) error {
	var expired <-chan time.Time
	if !deadline.IsZero() {
		d := time.Until(deadline)
		if d <= 0 {
			return os.ErrDeadlineExceeded
		}
		timer := time.NewTimer(d)
		defer timer.Stop()
		expired = timer.C
	}
	select {
	case <-ready:
	case <-moved:
	case <-c.done:
	case <-expired:
		return os.ErrDeadlineExceeded
	}
	return nil
}

// Write appends p to what the peer reads, once fewer than the capacity's
// bytes are unread there.
func (c *memConn) Write(p []byte) (int, error) {
	for {
		if c.closed.Load() {
			return 0, net.ErrClosed
		}
		c.mu.Lock()
		deadline, moved := c.writeDeadline, c.deadlineMoved
		c.mu.Unlock()
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return 0, os.ErrDeadlineExceeded
		}
		c.out.mu.Lock()
		if c.out.eof {
			c.out.mu.Unlock()
			return 0, errors.New("memConn: the peer closed")
		}
		if c.out.cap == 0 || len(c.out.buf) < c.out.cap {
			c.out.buf = append(c.out.buf, p...)
			c.out.mu.Unlock()
			wake(c.out.signal)
			return len(p), nil
		}
		c.out.mu.Unlock()
		if err := c.wait(c.out.space, deadline, moved); err != nil {
			return 0, err
		}
	}
}

// Close ends both directions: the peer reads what was written, then EOF.
func (c *memConn) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	close(c.done)
	for _, h := range []*memHalf{c.out, c.in} {
		h.mu.Lock()
		h.eof = true
		h.mu.Unlock()
		wake(h.signal)
		wake(h.space)
	}
	return nil
}

func (c *memConn) LocalAddr() net.Addr  { return c.local }
func (c *memConn) RemoteAddr() net.Addr { return c.remote }

func (c *memConn) SetDeadline(t time.Time) error {
	_ = c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

func (c *memConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.readDeadline = t
	close(c.deadlineMoved)
	c.deadlineMoved = make(chan struct{})
	c.mu.Unlock()
	return nil
}

func (c *memConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.writeDeadline = t
	close(c.deadlineMoved)
	c.deadlineMoved = make(chan struct{})
	c.mu.Unlock()
	return nil
}

var _ net.Conn = (*memConn)(nil)

// memListener hands the server ends of dialed memConns to an http.Server.
// capacity bounds each direction's unread bytes (0: unbounded).
type memListener struct {
	conns    chan net.Conn
	done     chan struct{}
	once     sync.Once
	port     atomic.Int32
	capacity int
}

var memServerAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 443}

func newMemListener() *memListener {
	return &memListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *memListener) Addr() net.Addr { return memServerAddr }

// dial connects a new client end, from its own 127.0.0.1 port.
func (l *memListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000 + int(l.port.Add(1))}
	c, s := memPipe(client, memServerAddr, l.capacity)
	select {
	case l.conns <- s:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// memGateway is a gateway served over memListener, with a dialer for it.
type memGateway struct {
	*Gateway
	ln *memListener
}

// startMem serves api's gateway over in-memory connections until the test
// ends; inside a synctest bubble, its timers run on the bubble's clock.
// capacity bounds each direction's unread bytes (0: unbounded).
func startMem(t testing.TB, api *model.API, opts Options, capacity int) *memGateway {
	t.Helper()
	g, err := New(api, opts)
	if err != nil {
		t.Fatal(err)
	}
	ln := newMemListener()
	ln.capacity = capacity
	srv := &http.Server{Handler: g}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		if err := g.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
		_ = srv.Close()
		<-served
	})
	return &memGateway{Gateway: g, ln: ln}
}

// dial connects a gorilla client to the in-memory gateway.
func (m *memGateway) dial(t testing.TB) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{NetDialContext: m.ln.dial, HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial("ws://127.0.0.1/"+m.snap.Load().stage, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}
