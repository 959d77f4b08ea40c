package emulator

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// conn is one open WebSocket connection.
//
// Ownership: the read loop goroutine owns the connection's life. It alone
// reads, and it alone ends the connection (finish): it closes the socket,
// removes the connection from the registry and runs $disconnect. Any
// goroutine may queue a frame with send or start a close with closeWith.
// The read loop handles the messages it reads itself, one at a time, until
// a render runs long: then it hands the reading to a new read loop and
// goes on as the connection's worker, which handles the messages read
// meanwhile, in order, and ends when none is left (handover.go). finish
// waits for the worker, so $disconnect comes after the last message.
//
// Writes: one goroutine at a time holds the write turn (writing). The read
// loop writes its own replies directly when nobody holds it (takeTurn,
// writeReply); frames from other goroutines (send) queue under mu, and a
// writer goroutine exists only while the queue is non-empty (writeLoop). An idle connection
// therefore parks one goroutine (the reader) instead of two, which saves a
// goroutine stack per connection, and a reply costs no goroutine hand-off.
// A client that stops reading still blocks only its own writer or read
// loop, never the gateway, a sender or other clients: a sender gets
// ErrLimitExceeded once the queue is full, and the stalled write times out
// after WriteTimeout and drops the client. Close frames go out through
// gorilla's WriteControl, which may run concurrently with a writer.
type conn struct {
	g   *Gateway
	ws  *websocket.Conn
	lim *limitConn // the raw connection under gorilla

	id          string
	tail        [2]byte // the last bytes of id, shared by its message IDs
	ids         idBlock // the counter values its message IDs take
	remoteAddr  string
	sourceIP    string
	userAgent   string
	domainName  string
	connectedAt time.Time
	apiKey      string
	authorizer  map[string]string

	// ctx ends when the connection starts closing or drops (cancel): the
	// renders and integration calls of its messages stop then, as nobody
	// is left to answer. It is a child of the gateway's message context.
	ctx    context.Context
	cancel context.CancelFunc

	// inflight holds a token for each of the connection's messages whose
	// integration runs in a goroutine (MaxInflightPerConnection).
	inflight chan struct{}

	// worker is set while a goroutine other than the read loop handles the
	// connection's messages: one whose render ran long and handed the
	// reading over (handover.go). pending (under mu) holds the messages
	// read meanwhile, at most cap(inflight); turn (on mu) signals that it
	// shrank or that the worker ended. onSlow is c.handOver, made once.
	worker  atomic.Bool
	pending []pendingMessage
	turn    *sync.Cond
	onSlow  func()
	// seq is the number of the message being handled (its framesIn count),
	// which close faults count; whoever handles messages owns it.
	seq uint64

	lastActive atomic.Int64 // unix nanoseconds of the last frame or ping from the client
	framesIn   atomic.Uint64
	framesOut  atomic.Uint64
	bytesIn    atomic.Uint64
	bytesOut   atomic.Uint64

	mu          sync.Mutex
	timer       *time.Timer // idle and maximum-duration timeout
	queue       []outFrame
	queued      int         // bytes in queue
	writing     bool        // a writer goroutine is running
	closing     bool        // a close has started: no new frames are accepted
	closed      atomic.Bool // closing, readable without mu (the read loop checks it per message)
	closeQueued bool        // the writer sends the close frame once the queue is written
	closeCode   int
	closeReason string
	faultTimers []*time.Timer // close faults that fire a time after the connect

	hist        *history // what happened on the connection, bounded (history.go)
	origin      string
	subprotocol string
	query       string
}

type outFrame struct {
	typ  int
	data []byte
}

func newConn(g *Gateway, ws *websocket.Conn, lim *limitConn, req *request, tail [2]byte, remoteAddr string) *conn {
	c := &conn{
		g:           g,
		ws:          ws,
		lim:         lim,
		id:          req.rc.ConnectionID,
		tail:        tail,
		remoteAddr:  remoteAddr,
		sourceIP:    req.rc.SourceIP,
		userAgent:   req.rc.UserAgent,
		domainName:  req.rc.DomainName,
		connectedAt: req.rc.ConnectedAt,
		apiKey:      req.rc.APIKey,
		authorizer:  req.rc.Authorizer,
		inflight:    make(chan struct{}, g.opts.MaxInflightPerConnection),
		hist:        &history{},
		origin:      req.head.Get("Origin"),
		subprotocol: ws.Subprotocol(),
		query:       req.query.Encode(),
	}
	note := "connected"
	if c.subprotocol != "" {
		note += " (subprotocol " + c.subprotocol + ")"
	}
	c.hist.add(HistoryEvent, nil, 0, req.rc.RequestID, note)
	c.ctx, c.cancel = context.WithCancel(g.msgCtx)
	c.onSlow = c.handOver
	c.lastActive.Store(c.connectedAt.UnixNano())
	ws.SetPingHandler(c.onPing)
	ws.SetPongHandler(func(string) error { c.touch(); return nil })
	st := req.snap.settings
	c.mu.Lock()
	c.timer = time.AfterFunc(min(st.Scaled(st.IdleTimeout), st.Scaled(st.MaxConnectionTime)), c.onTimer)
	c.mu.Unlock()
	return c
}

func (c *conn) touch() { c.lastActive.Store(time.Now().UnixNano()) }

// onPing answers a client's ping with a pong. A ping counts as activity for
// the idle timeout.
func (c *conn) onPing(data string) error {
	c.touch()
	err := c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(c.g.opts.WriteTimeout))
	var ne net.Error
	if err == websocket.ErrCloseSent || errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	return err
}

// onTimer closes the connection with 1001 "Going away" when it has been
// idle for IdleTimeout or open for MaxConnectionTime (both divided by the
// time scale), and otherwise re-arms for whichever comes first. Activity
// only stores a time stamp; the timer is re-armed lazily here.
func (c *conn) onTimer() {
	st := c.g.snap.Load().settings
	now := time.Now()
	maxAt := c.connectedAt.Add(st.Scaled(st.MaxConnectionTime))
	idleAt := time.Unix(0, c.lastActive.Load()).Add(st.Scaled(st.IdleTimeout))
	switch {
	case !now.Before(maxAt):
		c.limit(closeGoingAway, reasonGoingAway, "the connection reached the maximum duration ("+st.MaxConnectionTime.String()+scaleNote(st.TimeScale)+")")
	case !now.Before(idleAt):
		c.limit(closeGoingAway, reasonGoingAway, "the connection was idle for "+st.IdleTimeout.String()+scaleNote(st.TimeScale))
	default:
		next := idleAt
		if maxAt.Before(next) {
			next = maxAt
		}
		c.mu.Lock()
		if !c.closing {
			c.timer.Reset(next.Sub(now))
		}
		c.mu.Unlock()
	}
}

func scaleNote(scale float64) string {
	if scale <= 1 {
		return ""
	}
	return ", time scale " + strconv.FormatFloat(scale, 'g', -1, 64)
}

// limit publishes a limit event and closes the connection with code.
func (c *conn) limit(code int, reason, detail string) {
	if c.closeWith(code, reason) {
		c.g.events.publish(Event{Kind: EventLimit, ConnectionID: c.id, Close: &CloseInfo{Code: code, Reason: reason}, Error: detail})
	}
}

// readLoop reads messages until the connection ends, or until it hands the
// reading over to a new read loop (handle).
func (c *conn) readLoop() {
	defer c.g.wg.Done()
	for {
		mt, data, err := c.readMessage()
		if err != nil {
			c.finish(err)
			return
		}
		now := time.Now() // the message's one clock reading: activity, requestTime
		c.lastActive.Store(now.UnixNano())
		n := c.framesIn.Add(1)
		c.bytesIn.Add(uint64(len(data)))
		if c.isClosing() {
			continue // read on only to see the client's closing frame
		}
		switch {
		case mt == websocket.BinaryMessage:
			c.limit(closeUnsupportedData, reasonBinary, "the client sent a binary frame; API Gateway accepts text frames only")
		case !validText(data):
			c.limit(closeInvalidPayload, reasonInvalidUTF8, "the client sent a text frame that is not valid UTF-8")
		default:
			if !c.handle(data, now, n) {
				return
			}
		}
	}
}

// readBufs are the buffers messages are read into before they are copied
// out at their exact size; gorilla's ReadMessage would allocate 512 bytes
// or more for every message, however short.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledRead bounds the buffers kept in readBufs.
const maxPooledRead = 64 << 10

// readMessage is gorilla's ReadMessage with one allocation of the
// message's size (and room for its IDs after it, see messageIDsIn): the
// next message's type and payload, or the error that ended the connection.
func (c *conn) readMessage() (int, []byte, error) {
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return mt, nil, err
	}
	bp := readBufs.Get().(*[]byte)
	b := (*bp)[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow
		}
		var n int
		n, err = r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			break
		}
	}
	if err == io.EOF {
		err = nil
	}
	data := make([]byte, len(b), len(b)+messageSpare)
	copy(data, b)
	if cap(b) <= maxPooledRead {
		*bp = b[:0]
		readBufs.Put(bp)
	}
	return mt, data, err
}

// validText reports whether a text frame's payload is UTF-8, as
// utf8.Valid does: ASCII, the common case, is checked eight bytes at a
// time to its end, and anything else goes to utf8.Valid.
func validText(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			return utf8.Valid(b)
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return utf8.Valid(b)
		}
	}
	return true
}

func (c *conn) isClosing() bool { return c.closed.Load() }

// send queues a frame for the writer goroutine, starting one if none runs.
// Any goroutine may call it. It returns ErrGone once the connection is
// closing and ErrLimitExceeded when the queue is full.
func (c *conn) send(typ int, data []byte) error {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return ErrGone
	}
	return c.enqueueLocked(typ, data)
}

// takeTurn gives the read loop the write turn when no write is in progress
// (so nothing is queued either) and the connection is not closing. The read
// loop then writes its reply itself with writeReply, as an echo server
// does, instead of starting a writer goroutine for it.
func (c *conn) takeTurn() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.writing {
		return false
	}
	c.writing = true
	return true
}

// writeReply writes a frame on the read loop, which holds the write turn
// (takeTurn), and then passes the turn on. The write has the same
// WriteTimeout as the writer's, so a client that stops reading blocks only
// its own read loop, never the gateway or other clients. Frames that other
// goroutines queued meanwhile go out after it, in order, from a writer
// goroutine. now is the time of the write (sendFrame's clock reading, which
// also stamps the frame in the history): the write deadline counts from it.
func (c *conn) writeReply(f outFrame, now time.Time) {
	if !c.writeAt(f, now) {
		return // the connection ends, as when a queued frame fails
	}
	c.mu.Lock()
	if len(c.queue) == 0 {
		c.stopWriting()
		return
	}
	// The read loop holds a WaitGroup count, so this Add is safe.
	c.g.wg.Add(1)
	c.mu.Unlock()
	go c.writeLoop()
}

// enqueueLocked appends a frame to the queue and starts the writer if none
// runs. It is called with mu held on a connection that is not closing, and
// unlocks mu.
func (c *conn) enqueueLocked(typ int, data []byte) error {
	if len(c.queue) >= c.g.opts.SendQueueFrames || c.queued+len(data) > c.g.opts.SendQueueBytes {
		c.mu.Unlock()
		return ErrLimitExceeded
	}
	c.queue = append(c.queue, outFrame{typ: typ, data: data})
	c.queued += len(data)
	start := !c.writing
	if start {
		c.writing = true
		// The read loop holds a count until finish sets closing, which the
		// caller checked under mu, so this Add never races Close's Wait.
		c.g.wg.Add(1)
	}
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	}
	return nil
}

// writeLoop writes queued frames and exits when the queue is empty. When a
// close was requested while it ran, it sends the close frame last.
func (c *conn) writeLoop() {
	defer c.g.wg.Done()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.stopWriting()
			return
		}
		f := c.queue[0]
		c.queue[0] = outFrame{}
		c.queue = c.queue[1:]
		c.queued -= len(f.data)
		c.mu.Unlock()
		if !c.writeAt(f, time.Now()) {
			return
		}
	}
}

// writeAt writes one frame under WriteTimeout counted from now. The frame
// is counted before the write, so a client that has it never sees a
// counter without it; a failed write takes the count back. On failure it
// empties the queue, ends the write turn and drops the connection (the
// read loop then sees the socket close and finishes), and returns false.
// Only the holder of the write turn (writing set) calls it.
func (c *conn) writeAt(f outFrame, now time.Time) bool {
	c.framesOut.Add(1)
	c.bytesOut.Add(uint64(len(f.data)))
	if err := c.lim.writeFrame(f.typ, f.data, now.Add(c.g.opts.WriteTimeout)); err != nil {
		c.framesOut.Add(^uint64(0))
		c.bytesOut.Add(-uint64(len(f.data)))
		c.mu.Lock()
		c.writing = false
		c.closeQueued = false
		c.queue, c.queued = nil, 0
		c.mu.Unlock()
		c.abort()
		return false
	}
	return true
}

// stopWriting ends a write turn once the queue is empty. It is called with
// mu held and unlocks it; a close requested during the turn is sent now.
func (c *conn) stopWriting() {
	c.writing = false
	sendClose := c.closeQueued
	c.closeQueued = false
	code, reason := c.closeCode, c.closeReason
	c.queue = nil // let an idle connection drop the backing array
	c.mu.Unlock()
	if sendClose {
		c.sendClose(code, reason)
	}
}

// closeWith starts closing the connection from the gateway's side with
// code and reason, the cause $disconnect reports. Frames already queued are
// written first. It returns false if the connection was already closing.
func (c *conn) closeWith(code int, reason string) bool {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return false
	}
	c.closing = true
	c.closed.Store(true)
	c.closeCode, c.closeReason = code, reason
	c.cancel() // the answers of messages in flight can no longer be sent
	if c.writing {
		c.closeQueued = true
		c.mu.Unlock()
		return true
	}
	c.mu.Unlock()
	c.sendClose(code, reason)
	return true
}

// sendClose writes the close frame and gives the client CloseTimeout to
// answer with its own before the read loop gives up.
func (c *conn) sendClose(code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	err := c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.g.opts.WriteTimeout))
	_ = c.lim.SetReadDeadline(time.Now().Add(c.g.opts.CloseTimeout))
	if err != nil && err != websocket.ErrCloseSent {
		c.abort()
	}
}

// abort drops the TCP connection and stops the work of its messages; the
// read loop then finishes.
func (c *conn) abort() {
	c.cancel()
	_ = c.lim.Conn.Close()
}

// finish ends the connection: the read loop's last act.
func (c *conn) finish(err error) {
	var le *limitError
	if errors.As(err, &le) {
		c.limit(closeMessageTooBig, reasonTooBig, le.Error())
		c.lim.drainUntilClose(time.Now().Add(c.g.opts.CloseTimeout))
	}
	if err == errShortClose {
		c.limit(closeProtocolError, "", err.Error()) // the client has closed: nothing to wait for
	}
	c.mu.Lock()
	if !c.closing {
		c.closing = true
		c.closed.Store(true)
		c.closeCode, c.closeReason = closeCause(err)
	}
	for _, t := range c.faultTimers {
		t.Stop()
	}
	c.faultTimers = nil
	code, reason := c.closeCode, c.closeReason
	c.queue, c.queued = nil, 0
	c.timer.Stop()
	c.mu.Unlock()
	c.abort()
	c.waitWorker()
	// The history moves to the closed ones, with its close, before the
	// connection leaves the registry, so that History finds it all along.
	c.g.keepHistory(c, closeNote(code, reason))
	c.g.unregister(c)
	c.g.disconnect(c, code, reason)
}

// closeCause returns the close code and reason for a connection the client
// (or the network) ended.
func closeCause(err error) (int, string) {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case closeAbnormal:
			return closeAbnormal, "" // gorilla's "unexpected EOF": the TCP connection dropped
		case websocket.CloseNoStatusReceived:
			return ce.Code, reasonNoStatus // a close frame without a status code
		}
		return ce.Code, ce.Text
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return closeAbnormal, ""
	}
	if msg := err.Error(); strings.HasPrefix(msg, "websocket: ") {
		// gorilla found a protocol error and sent 1002 already.
		return closeProtocolError, strings.TrimPrefix(msg, "websocket: ")
	}
	return closeAbnormal, ""
}

// info returns the connection's public description.
func (c *conn) info() ConnectionInfo {
	return ConnectionInfo{
		ID:           c.id,
		RemoteAddr:   c.remoteAddr,
		SourceIP:     c.sourceIP,
		UserAgent:    c.userAgent,
		ConnectedAt:  c.connectedAt,
		LastActiveAt: time.Unix(0, c.lastActive.Load()),
		FramesIn:     c.framesIn.Load(),
		FramesOut:    c.framesOut.Load(),
		BytesIn:      c.bytesIn.Load(),
		BytesOut:     c.bytesOut.Load(),
		Origin:       c.origin,
		Subprotocol:  c.subprotocol,
		Query:        c.query,
	}
}

// ConnectionInfo describes an open connection.
type ConnectionInfo struct {
	ID           string
	RemoteAddr   string // the client's ip:port, as the client sees its local address
	SourceIP     string
	UserAgent    string
	ConnectedAt  time.Time
	LastActiveAt time.Time // the last frame or ping from the client
	FramesIn     uint64    // data frames received
	FramesOut    uint64    // data frames written (or being written)
	BytesIn      uint64
	BytesOut     uint64
	Origin       string // the upgrade request's Origin header (a browser's page)
	Subprotocol  string // the subprotocol the gateway selected, if any
	Query        string // the upgrade request's query string, encoded
}
