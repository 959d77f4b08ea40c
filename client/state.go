package client

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gorilla/websocket"
)

// Phase is where a client is in a connection's life.
type Phase uint8

// The phases of a client. A client starts Idle, goes Connecting → Open →
// Closing → Closed, and from Closed (or Idle) can connect again. A failed
// connect goes from Connecting straight to Closed with State.Err set.
const (
	Idle Phase = iota
	Connecting
	Open
	Closing
	Closed
)

// String returns the phase in lower case: "idle", "connecting", ...
func (p Phase) String() string {
	switch p {
	case Idle:
		return "idle"
	case Connecting:
		return "connecting"
	case Open:
		return "open"
	case Closing:
		return "closing"
	case Closed:
		return "closed"
	}
	return fmt.Sprintf("phase(%d)", uint8(p))
}

// State is a client's phase and, once Closed, how the connection ended.
type State struct {
	Phase Phase
	// CloseCode and CloseReason say how the last connection ended: the code
	// and reason of the close frame that ended it, or 1006 (abnormal closure)
	// when it ended without one. When the client closed it, they are the code
	// and reason it sent. Both are zero when no connection has ended, or when
	// a connect failed before a connection existed.
	CloseCode   int
	CloseReason string
	// ClosedByClient is true when this client started the closing handshake.
	ClosedByClient bool
	// Err is why the last connect failed (a *HandshakeError when the server
	// refused the upgrade) or why the connection was lost; nil after a
	// closing handshake that completed.
	Err error
}

// String describes the state in a few words for a tab's status line, e.g.
// "open", "closed 1001 Going away", "error: handshake refused: 403 Forbidden".
func (s State) String() string {
	if s.Phase != Closed {
		return s.Phase.String()
	}
	if s.CloseCode == 0 && s.Err != nil {
		return "error: " + s.Err.Error()
	}
	if s.CloseCode == 0 {
		return "closed"
	}
	return "closed " + closeText(s.CloseCode, s.CloseReason)
}

// closeText returns "1001 Going away": the code and the reason, or the code's
// name when the reason is empty.
func closeText(code int, reason string) string {
	if reason == "" {
		reason = CloseCodeName(code)
	}
	if reason == "" {
		return fmt.Sprint(code)
	}
	return fmt.Sprintf("%d %s", code, reason)
}

// CloseCodeName returns the RFC 6455 name of a close code ("Going away" for
// 1001), or "" for a code without one (such as an application's 4000-4999).
func CloseCodeName(code int) string {
	switch code {
	case websocket.CloseNormalClosure:
		return "Normal closure"
	case websocket.CloseGoingAway:
		return "Going away"
	case websocket.CloseProtocolError:
		return "Protocol error"
	case websocket.CloseUnsupportedData:
		return "Unsupported data"
	case websocket.CloseNoStatusReceived:
		return "No status received"
	case websocket.CloseAbnormalClosure:
		return "Abnormal closure"
	case websocket.CloseInvalidFramePayloadData:
		return "Invalid frame payload data"
	case websocket.ClosePolicyViolation:
		return "Policy violation"
	case websocket.CloseMessageTooBig:
		return "Message too big"
	case websocket.CloseMandatoryExtension:
		return "Mandatory extension"
	case websocket.CloseInternalServerErr:
		return "Internal server error"
	case websocket.CloseServiceRestart:
		return "Service restart"
	case websocket.CloseTryAgainLater:
		return "Try again later"
	case websocket.CloseTLSHandshake:
		return "TLS handshake"
	}
	return ""
}

// HandshakeError is a server's refusal of the opening handshake: the HTTP
// response it sent instead of 101 Switching Protocols. API Gateway answers a
// $connect that fails with such a response (401, 403, 500, ...).
type HandshakeError struct {
	StatusCode int    // e.g. 403
	Status     string // e.g. "403 Forbidden"
	Header     http.Header
	Body       string // the first KB of the body, blanks trimmed
}

func (e *HandshakeError) Error() string {
	msg := "handshake refused: " + e.Status
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// newHandshakeError reads what it can of resp; gorilla has already kept the
// first KB of the body for us.
func newHandshakeError(resp *http.Response) *HandshakeError {
	e := &HandshakeError{StatusCode: resp.StatusCode, Status: resp.Status, Header: resp.Header}
	if e.Status == "" {
		e.Status = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if resp.Body != nil {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		e.Body = strings.TrimSpace(string(body))
	}
	return e
}
