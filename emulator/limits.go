package emulator

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Close codes and reasons for the limits API Gateway enforces.
const (
	closeMessageTooBig   = 1009
	closeUnsupportedData = 1003
	closeInvalidPayload  = 1007
	closeGoingAway       = 1001
	closeNormal          = 1000
	closeAbnormal        = 1006
	closeProtocolError   = 1002

	reasonTooBig       = "Message too big"
	reasonBinary       = "Binary frames are not supported"
	reasonInvalidUTF8  = "Invalid frame payload data"
	reasonDeleted      = "Connection Closed Normally"
	reasonGoingAway    = "Going away"
	reasonQueueOverrun = ""
	reasonNoStatus     = "Client-side close frame status not set" // AWS's words for a close frame without a code
)

// limitError is a frame or message over API Gateway's size limits.
type limitError struct {
	what  string // "frame" or "message"
	size  uint64
	limit int
}

func (e *limitError) Error() string {
	return fmt.Sprintf("%s of %d bytes is over the %d-byte limit", e.what, e.size, e.limit)
}

// errShortClose is a close frame whose payload is one byte. RFC 6455
// section 5.5.1: a close frame's body, when present, starts with a 2-byte
// status code, so one byte is a protocol error (1002). gorilla reads it as
// a close without a status and would answer with an empty close frame.
var errShortClose = errors.New("the client sent a close frame with a 1-byte payload; RFC 6455 requires none or a 2-byte status code first")

// limitConn watches the WebSocket frame headers in the bytes a client sends,
// before gorilla parses them, because gorilla can limit a message but not a
// single frame. When a frame is over MaxFrameBytes, or the frames of one
// message add up to more than MaxMessageBytes, Read returns the bytes before
// that frame's header together with a *limitError, so every earlier message
// is still delivered and the oversized frame is never buffered. The limits
// are read from the gateway's current snapshot at each frame header.
//
// Only the connection's read loop calls Read.
type limitConn struct {
	net.Conn
	g   *Gateway
	err error

	// held collects what gorilla writes during the upgrade (the 101
	// response, and a close frame if the connection is closed at once)
	// until release, so the connection is registered before the client can
	// know it is connected. holdMu guards both: a close may be written from
	// another goroutine as soon as the connection is registered.
	holdMu   sync.Mutex
	holding  bool
	released atomic.Bool // holding is over: Write goes straight to the socket
	held     []byte

	writeMu   sync.Mutex // serialises writes once released
	closeSent bool       // a close frame was written; guarded by holdMu while holding, then by writeMu

	// writeDeadline is the write deadline last set through
	// SetWriteDeadline, in unix nanoseconds; 0 means none or unknown, and
	// the next SetWriteDeadline then sets the socket's for certain.
	writeDeadline atomic.Int64

	rest      []byte // bytes read after a violation, not yet scanned
	lingering bool   // after a violation: only look for the client's close frame
	closeSeen bool

	hdr       [14]byte
	hn        int    // header bytes collected
	need      int    // header length once known (after 2 bytes)
	remaining uint64 // payload bytes left in the current frame
	msgLen    uint64 // payload bytes of the current message so far
}

func newLimitConn(nc net.Conn, g *Gateway) *limitConn {
	return &limitConn{Conn: nc, g: g, holding: true}
}

// Write writes p, or holds it while the upgrade is not released. Once
// released, every write is one whole frame (the gateway's data frames, by
// writeFrame, and gorilla's control frames, each one Write), and writes are
// serialised here: the gateway writes its data frames itself, outside
// gorilla's write lock, which still covers gorilla's pongs and closes.
// After a close frame nothing more is written (websocket.ErrCloseSent, as
// gorilla answers a write after its close).
func (l *limitConn) Write(p []byte) (int, error) {
	if l.released.Load() {
		l.writeMu.Lock()
		defer l.writeMu.Unlock()
		if l.closeSent {
			return 0, websocket.ErrCloseSent
		}
		l.closeSent = isCloseFrame(p)
		return l.Conn.Write(p)
	}
	l.holdMu.Lock()
	if l.holding {
		defer l.holdMu.Unlock()
		if l.closeSent { // a close at once
			return 0, websocket.ErrCloseSent
		}
		l.held = append(l.held, p...)
		l.closeSent = isCloseFrame(p)
		return len(p), nil
	}
	l.holdMu.Unlock()
	return l.Write(p)
}

// finalBit marks a frame as its message's last.
const finalBit = 0x80

// isCloseFrame reports whether a write, one whole frame, is a close frame.
func isCloseFrame(p []byte) bool { return len(p) > 0 && p[0] == finalBit|websocket.CloseMessage }

// frameBufs holds the buffers writeFrame builds frames in.
var frameBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooledFrame bounds the buffers kept in frameBufs.
const maxPooledFrame = 64 << 10

// writeFrame writes a server's data frame of type typ (text or binary)
// with the payload data, unfragmented and unmasked (RFC 6455, 5.2), as one
// write under the given deadline. It is what gorilla's WriteMessage writes,
// without its per-message writer, write-buffer pool and lock; the caller
// holds the connection's write turn, so data frames never interleave.
func (l *limitConn) writeFrame(typ int, data []byte, deadline time.Time) error {
	bp := frameBufs.Get().(*[]byte)
	b := appendFrameHeader((*bp)[:0], typ, len(data))
	b = append(b, data...)
	_ = l.SetWriteDeadline(deadline)
	_, err := l.Write(b)
	if cap(b) <= maxPooledFrame {
		*bp = b[:0]
		frameBufs.Put(bp)
	}
	return err
}

// appendFrameHeader appends the header of an unmasked final frame of type
// typ with an n-byte payload: the length in 7 bits, or 126 and 16 bits, or
// 127 and 64 bits.
func appendFrameHeader(b []byte, typ, n int) []byte {
	b = append(b, finalBit|byte(typ))
	switch {
	case n <= 125:
		return append(b, byte(n))
	case n <= 0xFFFF:
		return append(b, 126, byte(n>>8), byte(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 127), uint64(n))
}

// release writes what the upgrade wrote and stops holding. It is called
// once, by the upgrade handler, before the connection's goroutines start.
// Writes wait while it flushes, so nothing overtakes the 101.
func (l *limitConn) release(deadline time.Time) error {
	l.holdMu.Lock()
	defer l.holdMu.Unlock()
	l.holding = false
	held := l.held
	l.held = nil
	_ = l.Conn.SetWriteDeadline(deadline)
	_, err := l.Conn.Write(held)
	_ = l.Conn.SetWriteDeadline(time.Time{})
	l.writeDeadline.Store(0)
	l.released.Store(true) // only now, so that no write overtakes the held bytes
	return err
}

// deadlineSlack is how much later than asked a write deadline may fall.
// gorilla sets a new write deadline before every frame, each a runtime
// timer update; with the slack, the socket's deadline moves only every
// deadlineSlack while frames flow. A stalled write therefore times out
// between WriteTimeout and WriteTimeout+deadlineSlack after it started.
const deadlineSlack = 50 * time.Millisecond

// SetWriteDeadline sets the socket's write deadline to t, or leaves a
// deadline already set between t and t+deadlineSlack in place. The zero
// time clears the deadline.
func (l *limitConn) SetWriteDeadline(t time.Time) error {
	if t.IsZero() {
		l.writeDeadline.Store(0)
		return l.Conn.SetWriteDeadline(t)
	}
	want := t.UnixNano()
	if cur := l.writeDeadline.Load(); cur != 0 && cur >= want && cur <= want+int64(deadlineSlack) {
		return nil
	}
	t = t.Add(deadlineSlack)
	l.writeDeadline.Store(t.UnixNano())
	return l.Conn.SetWriteDeadline(t)
}

// Read reads from the connection and checks every complete frame header.
func (l *limitConn) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.Conn.Read(p)
	if n > 0 {
		if off, end, lerr := l.scan(p[:n]); lerr != nil {
			l.err = lerr
			l.rest = append(l.rest[:0], p[end:n]...)
			return off, lerr
		}
	}
	return n, err
}

// drainUntilClose reads and discards what the client sends after a limit
// error until its closing frame has arrived, it closes, or the deadline
// passes. Closing a socket with unread data resets it, and the client would
// lose the close frame just written; a client that answers our close frame
// at once is let go at once.
func (l *limitConn) drainUntilClose(deadline time.Time) {
	l.lingering = true
	if _, _, _ = l.scan(l.rest); l.closeSeen && l.remaining == 0 {
		return
	}
	_ = l.Conn.SetReadDeadline(deadline)
	buf := make([]byte, 4096)
	for {
		n, err := l.Conn.Read(buf)
		l.scan(buf[:n])
		if err != nil || l.closeSeen && l.remaining == 0 {
			return
		}
	}
}

// scan follows frame boundaries through p. On a violation it returns the
// offset in p where the offending frame's header starts (0 when the header
// began in an earlier read), the offset where scanning stopped, and the
// error.
func (l *limitConn) scan(p []byte) (off, end int, err error) {
	start := 0
	for i := 0; i < len(p); {
		if l.remaining > 0 {
			n := uint64(len(p) - i)
			if n > l.remaining {
				n = l.remaining
			}
			i += int(n)
			l.remaining -= n
			continue
		}
		if l.hn == 0 {
			start = i
		}
		if l.hn < 2 { // the two bytes that give the header's length
			k := copy(l.hdr[l.hn:2], p[i:])
			l.hn += k
			i += k
			if l.hn < 2 {
				continue // p ends within them
			}
			l.need = 2
			switch l.hdr[1] & 0x7f {
			case 126:
				l.need += 2
			case 127:
				l.need += 8
			}
			if l.hdr[1]&0x80 != 0 {
				l.need += 4 // the client's mask key
			}
		}
		k := copy(l.hdr[l.hn:l.need], p[i:])
		l.hn += k
		i += k
		if l.hn < l.need {
			continue // p ends within the header
		}
		// A complete header.
		l.hn = 0
		var size uint64
		switch b := l.hdr[1] & 0x7f; b {
		case 126:
			size = uint64(binary.BigEndian.Uint16(l.hdr[2:4]))
		case 127:
			size = binary.BigEndian.Uint64(l.hdr[2:10])
		default:
			size = uint64(b)
		}
		l.remaining = size
		opcode := l.hdr[0] & 0x0f
		if opcode == 8 {
			l.closeSeen = true
			if size == 1 && !l.lingering {
				return start, i, errShortClose
			}
		}
		if opcode >= 8 || l.lingering {
			continue // control frames: gorilla checks them
		}
		if opcode == 0 {
			l.msgLen += size
		} else {
			l.msgLen = size
		}
		st := &l.g.snap.Load().settings
		if size > uint64(st.MaxFrameBytes) {
			return start, i, &limitError{what: "frame", size: size, limit: st.MaxFrameBytes}
		}
		if l.msgLen > uint64(st.MaxMessageBytes) || l.msgLen < size {
			return start, i, &limitError{what: "message", size: l.msgLen, limit: st.MaxMessageBytes}
		}
	}
	return len(p), len(p), nil
}
