// Package client is the WebSocket client behind each of the window's client
// tabs: it dials (any ws:// or wss:// URL, with headers, query and
// subprotocols), sends and receives text frames, keeps a bounded message log
// with round-trip times, and closes with a code and reason. It also holds the
// composer's helpers: the sent-message History, JSON checking and
// pretty-printing, and saved messages. It never imports Fyne; everything here
// runs and is tested without a display.
package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults for the zero values of Options.
const (
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultWriteTimeout     = 5 * time.Second
	DefaultCloseTimeout     = time.Second
	DefaultReadLimit        = 16 << 20 // API Gateway's limit is 128 KB; other servers may send more
)

// ErrNotOpen is returned by Send when the client has no open connection.
var ErrNotOpen = errors.New("not connected")

// Options configure a Client. They are copied by New; changing them later has
// no effect.
type Options struct {
	// URL is a ws:// or wss:// URL, e.g. the embedded gateway's
	// ws://127.0.0.1:3001/dev.
	URL string
	// Header holds extra request headers for the opening handshake
	// (Authorization, x-api-key, ...). Headers the WebSocket handshake owns
	// (Upgrade, Connection, Sec-WebSocket-Key, -Version, -Extensions) are
	// refused by the dialer.
	Header http.Header
	// Query is added to the URL's own query string (which is kept as typed).
	Query url.Values
	// Subprotocols are offered in Sec-WebSocket-Protocol; Subprotocol reports
	// the one the server chose.
	Subprotocols []string
	// HandshakeTimeout bounds the TCP, TLS and HTTP upgrade (default 10 s).
	HandshakeTimeout time.Duration
	// InsecureSkipVerify accepts any server certificate on wss://, for local
	// servers with self-signed certificates.
	InsecureSkipVerify bool
	// RootCAs, when set, are the certificates a wss:// server's must chain
	// to instead of the system's (e.g. the workbench's own certificate).
	RootCAs *x509.CertPool
	// LogCapacity is how many entries the message log keeps (default 10 000).
	LogCapacity int
	// HistorySize is how many sent messages the History keeps (default 200).
	HistorySize int
	// ReadLimit is the largest message accepted, in bytes (default 16 MiB); a
	// larger one ends the connection with 1009.
	ReadLimit int64
	// WriteTimeout bounds each frame write (default 5 s).
	WriteTimeout time.Duration
	// CloseTimeout is how long Close waits for the server's close frame before
	// dropping the connection (default 1 s).
	CloseTimeout time.Duration
	// OnChange, when set, is called after every change a window may want to
	// show: a state change, a log entry, a connection ID. It is called from
	// the reader goroutine and from the goroutines that call Connect, Send,
	// Close and SetConnectionID, possibly at the same time, and never with a
	// lock held. It must be cheap and must not block: set a flag or do a
	// non-blocking channel send, and refresh the window at most once a frame.
	OnChange func()
}

// Client is one client tab's WebSocket connection and message log. A Client
// can connect, close and connect again any number of times; its Log and
// History carry across connections.
//
// All methods are safe for concurrent use. Each open connection has exactly
// one reader goroutine, started by Connect, which appends received frames to
// the log and ends when the connection does. Writes of data frames are
// serialised by a mutex (the window sends little, so no writer goroutine or
// queue is needed); Close uses gorilla's WriteControl, which may run
// concurrently with them. Connect and Close block (for at most the handshake
// timeout and the close timeout): call them off the window's goroutine.
//
// Round-trip time: the client remembers the time of the most recent frame it
// sent that no received frame has followed yet. The next frame received gets
// RTT = its arrival time minus that send time, and the send is then
// considered answered: later frames get no RTT until another frame is sent. A
// server that answers out of order or pushes unrelated frames therefore gets
// RTTs that measure "time since my last message", which is what a tab can
// know without understanding the messages.
type Client struct {
	opts    Options
	log     *Log
	history *History

	// writeMu serialises data frame writes and the log entries that record
	// them, so the log's order is the wire's order. Taken before mu.
	writeMu sync.Mutex

	mu          sync.Mutex // guards everything below
	state       State
	sess        *session
	cancelDial  context.CancelFunc // set while Connecting
	dialConn    net.Conn           // the TCP connection being upgraded, while Connecting
	dialAborted bool               // Close was called while Connecting
	url         string             // the URL last dialled, query merged
	localAddr   string
	subprotocol string
	connID      string
	pendingSend time.Time // latest sent frame not yet answered; zero when none
}

// session is one open connection and its reader goroutine.
type session struct {
	conn *websocket.Conn
	done chan struct{} // closed when the reader goroutine has finished

	// Guarded by Client.mu.
	closeSent     bool // the client sent a close frame
	sentCode      int
	sentReason    string
	closeTimedOut bool // the server did not answer the close in time
}

// New returns an idle client for opts. It does not connect.
func New(opts Options) *Client {
	if opts.HandshakeTimeout <= 0 {
		opts.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.CloseTimeout <= 0 {
		opts.CloseTimeout = DefaultCloseTimeout
	}
	if opts.ReadLimit <= 0 {
		opts.ReadLimit = DefaultReadLimit
	}
	opts.Header = opts.Header.Clone()
	opts.Query = cloneValues(opts.Query)
	opts.Subprotocols = append([]string(nil), opts.Subprotocols...)
	return &Client{
		opts:    opts,
		log:     NewLog(opts.LogCapacity),
		history: NewHistory(opts.HistorySize),
	}
}

// Log returns the client's message log.
func (c *Client) Log() *Log { return c.log }

// History returns the composer's sent-message history. Send adds to it.
func (c *Client) History() *History { return c.history }

// State returns the client's current state.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// URL returns the URL the client last dialled (with Options.Query merged), or
// "" before the first Connect.
func (c *Client) URL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.url
}

// LocalAddr returns the client side's address of the connection, such as
// "127.0.0.1:54321": the RemoteAddr a server sees, which lets the window find
// the connection ID the embedded gateway gave this tab. It is known as soon as
// the TCP connection is made, before the handshake completes (OnChange is
// called then), and is kept after the connection ends until the next Connect.
func (c *Client) LocalAddr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.localAddr
}

// Subprotocol returns the subprotocol the server chose, or "" when none.
func (c *Client) Subprotocol() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.subprotocol
}

// ConnectionID returns what SetConnectionID stored for the current connection.
func (c *Client) ConnectionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connID
}

// SetConnectionID stores the connection ID the gateway assigned to this
// client's connection, for the window to show. Connect clears it.
func (c *Client) SetConnectionID(id string) {
	c.mu.Lock()
	c.connID = id
	c.mu.Unlock()
	c.notify()
}

// Connect dials the server and, on success, starts the reader goroutine. It
// fails when the client is already connecting, open or closing. ctx bounds
// the dial only, not the connection's life. Whatever the outcome, the log
// gets an event entry: "connected ..." (with the handshake time as its RTT)
// or "error: ...". When the server refuses the upgrade the error is a
// *HandshakeError with its status and body.
func (c *Client) Connect(ctx context.Context) error {
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()

	c.mu.Lock()
	switch c.state.Phase {
	case Connecting, Open, Closing:
		p := c.state.Phase
		c.mu.Unlock()
		return fmt.Errorf("cannot connect: client is %s", p)
	}
	old := c.sess
	c.sess = nil
	c.state = State{Phase: Connecting}
	c.cancelDial, c.dialAborted = cancel, false
	c.localAddr, c.subprotocol, c.connID = "", "", ""
	c.pendingSend = time.Time{}
	c.mu.Unlock()
	c.notify()

	if old != nil {
		<-old.done // the old reader has set Closed; let it finish its last steps
	}

	u, err := dialURL(c.opts.URL, c.opts.Query)
	if err != nil {
		return c.connectFailed(err)
	}
	c.mu.Lock()
	c.url = u
	c.mu.Unlock()

	start := time.Now()
	conn, resp, err := c.dialer().DialContext(dctx, u, c.opts.Header)
	handshake := time.Since(start)

	c.mu.Lock()
	aborted := c.dialAborted
	c.cancelDial, c.dialConn = nil, nil
	c.mu.Unlock()
	switch {
	case err != nil && aborted:
		return c.connectFailed(errors.New("connect cancelled"))
	case err != nil && resp != nil && resp.StatusCode != http.StatusSwitchingProtocols:
		return c.connectFailed(newHandshakeError(resp))
	case err != nil:
		return c.connectFailed(fmt.Errorf("connect: %w", err))
	case aborted:
		conn.Close()
		return c.connectFailed(errors.New("connect cancelled"))
	}

	conn.SetReadLimit(c.opts.ReadLimit)
	s := &session{conn: conn, done: make(chan struct{})}
	c.mu.Lock()
	c.sess = s
	c.state = State{Phase: Open}
	c.localAddr = conn.LocalAddr().String()
	c.subprotocol = conn.Subprotocol()
	note := "connected to " + u
	if c.subprotocol != "" {
		note += " (subprotocol " + c.subprotocol + ")"
	}
	c.log.Append(Entry{Dir: Event, Event: ConnectedEvent, Note: note, RTT: handshake})
	c.mu.Unlock()
	c.notify()

	go c.read(s)
	return nil
}

// connectFailed records a failed connect and returns err.
func (c *Client) connectFailed(err error) error {
	c.mu.Lock()
	c.state = State{Phase: Closed, Err: err}
	c.cancelDial, c.dialConn = nil, nil
	c.log.Append(Entry{Dir: Event, Note: "error: " + err.Error()})
	c.mu.Unlock()
	c.notify()
	return err
}

// dialer returns a gorilla dialer for the options. It records the local
// address as soon as the TCP connection exists, so the window can match the
// gateway's $connect (which runs during the handshake) to this tab.
func (c *Client) dialer() *websocket.Dialer {
	var nd net.Dialer
	return &websocket.Dialer{
		HandshakeTimeout: c.opts.HandshakeTimeout,
		Subprotocols:     c.opts.Subprotocols,
		TLSClientConfig:  &tls.Config{InsecureSkipVerify: c.opts.InsecureSkipVerify, RootCAs: c.opts.RootCAs},
		// Proxy is nil: a workbench talks to local servers directly, and
		// HTTP_PROXY settings meant for a browser would only get in the way.
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			c.mu.Lock()
			aborted := c.dialAborted
			c.localAddr, c.dialConn = conn.LocalAddr().String(), conn
			c.mu.Unlock()
			if aborted {
				conn.Close()
				return nil, errors.New("connect cancelled")
			}
			c.notify()
			return conn, nil
		},
	}
}

// dialURL checks raw and adds extra to its query.
func dialURL(raw string, extra url.Values) (string, error) {
	lower := strings.ToLower(raw)
	if !strings.HasPrefix(lower, "ws://") && !strings.HasPrefix(lower, "wss://") {
		return "", fmt.Errorf("bad url %q: it must start with ws:// or wss://", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("bad url: %w", err)
	}
	if u.Host == "" {
		return "", fmt.Errorf("bad url %q: no host", raw)
	}
	if q := extra.Encode(); q != "" {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += q
	}
	return u.String(), nil
}

// read is the session's reader goroutine: it logs every frame received until
// the connection ends, then records how it ended.
func (c *Client) read(s *session) {
	defer close(s.done)
	for {
		typ, data, err := s.conn.ReadMessage()
		if err != nil {
			c.ended(s, err)
			return
		}
		e := Entry{Time: time.Now(), Dir: Received, Size: len(data)}
		if typ == websocket.BinaryMessage {
			e.Text, e.Binary = base64.StdEncoding.EncodeToString(data), true
		} else {
			e.Text = string(data)
		}
		c.mu.Lock()
		if !c.pendingSend.IsZero() {
			e.RTT = e.Time.Sub(c.pendingSend)
			c.pendingSend = time.Time{}
		}
		c.log.Append(e)
		c.mu.Unlock()
		c.notify()
	}
}

// ended records the end of session s; err is what ReadMessage returned.
func (c *Client) ended(s *session, err error) {
	s.conn.Close()
	c.mu.Lock()
	if c.sess != s {
		c.mu.Unlock()
		return
	}
	st := State{Phase: Closed, ClosedByClient: s.closeSent}
	var ce *websocket.CloseError
	peerCode, peerReason, peerClosed := 0, "", errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure
	if peerClosed {
		peerCode, peerReason = ce.Code, ce.Text
	}
	var note string
	how := &CloseEvent{ByClient: true, Code: s.sentCode, Reason: s.sentReason}
	switch {
	case s.closeSent && peerClosed:
		st.CloseCode, st.CloseReason = s.sentCode, s.sentReason
		note = "closed by client: " + closeText(s.sentCode, s.sentReason)
		if peerCode != s.sentCode {
			note += "; server answered " + closeText(peerCode, peerReason)
		}
	case s.closeSent && s.closeTimedOut:
		st.CloseCode = websocket.CloseAbnormalClosure
		st.Err = fmt.Errorf("the server did not answer the close within %s", c.opts.CloseTimeout)
		note = "closed by client: " + closeText(s.sentCode, s.sentReason) + "; " + st.Err.Error()
	case errors.Is(err, websocket.ErrReadLimit):
		// gorilla has sent 1009 to the server already.
		st.CloseCode, st.ClosedByClient = websocket.CloseMessageTooBig, true
		how.Code, how.Reason = websocket.CloseMessageTooBig, ""
		st.Err = fmt.Errorf("a message was larger than the read limit of %d bytes", c.opts.ReadLimit)
		note = "closed by client: " + closeText(st.CloseCode, "") + "; " + st.Err.Error()
	case peerClosed:
		st.CloseCode, st.CloseReason = peerCode, peerReason
		how = &CloseEvent{Code: peerCode, Reason: peerReason}
		note = "closed by server: " + closeText(peerCode, peerReason)
	default:
		st.CloseCode = websocket.CloseAbnormalClosure
		st.Err = err
		how = &CloseEvent{Lost: true}
		note = "connection lost: " + err.Error()
	}
	c.state = st
	c.pendingSend = time.Time{}
	c.log.Append(Entry{Dir: Event, Event: ClosedEvent, Close: how, Note: note})
	c.mu.Unlock()
	c.notify()
}

// Send sends text as one text frame and logs it. It also adds text to the
// History, even when the send fails, so the message can be recalled after a
// reconnect. It returns ErrNotOpen when there is no open connection; a write
// that fails is logged with a "send failed" note.
func (c *Client) Send(text string) error {
	c.history.Add(text)

	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.mu.Lock()
	if c.state.Phase != Open {
		c.mu.Unlock()
		return ErrNotOpen
	}
	s := c.sess
	now := time.Now()
	// Log before writing, so a fast answer is never logged before its question.
	seq := c.log.Append(Entry{Time: now, Dir: Sent, Text: text, Size: len(text)})
	c.pendingSend = now
	c.mu.Unlock()
	c.notify()

	if err := s.conn.SetWriteDeadline(time.Now().Add(c.opts.WriteTimeout)); err != nil {
		return c.sendFailed(seq, err)
	}
	if err := s.conn.WriteMessage(websocket.TextMessage, []byte(text)); err != nil {
		return c.sendFailed(seq, err)
	}
	return nil
}

func (c *Client) sendFailed(seq uint64, err error) error {
	c.log.update(seq, func(e *Entry) { e.Note = "send failed: " + err.Error() })
	c.notify()
	return fmt.Errorf("send: %w", err)
}

// Close starts the closing handshake with code (0 means 1000) and reason,
// then waits up to Options.CloseTimeout for the server's close frame before
// dropping the connection. It returns when the reader goroutine has finished.
// The code must be one a peer accepts on the wire (1000-1003, 1007-1013,
// 3000-4999: 1001 is what a browser sends when its tab closes), and the reason
// is at most 123 bytes.
// Closing a client that is not open does nothing; closing one that is
// connecting cancels the dial.
func (c *Client) Close(code int, reason string) error {
	if code == 0 {
		code = websocket.CloseNormalClosure
	}
	if !sendableCloseCode(code) {
		return fmt.Errorf("close code %d cannot be sent: use 1000-1003, 1007-1013 or 3000-4999", code)
	}
	if len(reason) > 123 {
		return fmt.Errorf("close reason is %d bytes; at most 123 fit in a close frame", len(reason))
	}

	c.mu.Lock()
	switch c.state.Phase {
	case Connecting:
		// gorilla honours the context only until the TCP connection exists;
		// closing that connection also stops a handshake in progress.
		c.dialAborted = true
		cancel, conn := c.cancelDial, c.dialConn
		c.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		if conn != nil {
			conn.Close()
		}
		return nil
	case Open:
	default:
		c.mu.Unlock()
		return nil
	}
	s := c.sess
	c.state.Phase = Closing
	s.closeSent, s.sentCode, s.sentReason = true, code, reason
	c.mu.Unlock()
	c.notify()

	msg := websocket.FormatCloseMessage(code, reason)
	if err := s.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.opts.WriteTimeout)); err != nil {
		s.conn.Close()
		<-s.done
		return fmt.Errorf("send close: %w", err)
	}
	timer := time.NewTimer(c.opts.CloseTimeout)
	defer timer.Stop()
	select {
	case <-s.done:
		return nil
	case <-timer.C:
	}
	c.mu.Lock()
	s.closeTimedOut = true
	c.mu.Unlock()
	s.conn.Close() // makes the reader return
	<-s.done
	return nil
}

// sendableCloseCode reports whether a close frame may carry code (RFC 6455
// section 7.4 and the IANA registry, as gorilla/websocket checks it on receipt).
func sendableCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1013, code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// Reconnect closes an open connection normally (1000) and connects again: a
// fresh connection, with a fresh connection ID, in the same log.
func (c *Client) Reconnect(ctx context.Context) error {
	if err := c.Close(websocket.CloseNormalClosure, ""); err != nil {
		return err
	}
	return c.Connect(ctx)
}

func (c *Client) notify() {
	if c.opts.OnChange != nil {
		c.opts.OnChange()
	}
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
