package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// PostToConnection sends data to the connection as one frame: a text frame
// when data is valid UTF-8, a binary frame otherwise (a text frame must be
// UTF-8, and browsers drop a connection that breaks that rule). It returns
// ErrBadConnectionID, ErrGone, ErrPayloadTooLarge (over MaxMessageBytes) or
// ErrLimitExceeded (the client is not reading and its queue is full).
func (g *Gateway) PostToConnection(id string, data []byte) error {
	err := g.postToConnection(id, data)
	g.publishCall(callInfo{method: http.MethodPost, target: id, data: data}, err)
	return err
}

func (g *Gateway) postToConnection(id string, data []byte) error {
	c, err := g.find(id)
	if err != nil {
		return err
	}
	if max := g.snap.Load().settings.MaxMessageBytes; len(data) > max {
		return &Error{Code: CodePayloadTooLarge, Detail: fmt.Sprintf("Request entity too large: %d bytes, the limit is %d", len(data), max)}
	}
	typ := websocket.TextMessage
	if !utf8.Valid(data) {
		typ = websocket.BinaryMessage
	}
	data = append([]byte(nil), data...) // the caller may reuse its buffer
	if err := c.send(typ, data); err != nil {
		return err
	}
	if typ == websocket.BinaryMessage {
		c.hist.add(HistoryOut, []byte(base64.StdEncoding.EncodeToString(data)), len(data), "", "@connections (binary, base64)")
	} else {
		c.hist.add(HistoryOut, data, len(data), "", "@connections")
	}
	return nil
}

// DeleteConnection closes the connection with 1000 "Connection Closed
// Normally", the code and reason its $disconnect sees, as on AWS.
func (g *Gateway) DeleteConnection(id string) error {
	err := g.deleteConnection(id)
	g.publishCall(callInfo{method: http.MethodDelete, target: id}, err)
	return err
}

func (g *Gateway) deleteConnection(id string) error {
	c, err := g.find(id)
	if err != nil {
		return err
	}
	if !c.closeWith(closeNormal, reasonDeleted) {
		return ErrGone
	}
	return nil
}

// callInfo describes one @connections call for its event.
type callInfo struct {
	method, target string
	data           []byte // what a POST sent
	apiRequestID   string // x-amzn-RequestId; "" for a call through the Go API
}

// publishCall publishes an @connections call and its result. A call over
// HTTP made while exactly one integration call was in flight is attributed
// to that request (see inFlight); a call through the Go API never is: it
// comes from the program, not a backend.
func (g *Gateway) publishCall(ci callInfo, err error) {
	if !g.events.active() {
		return
	}
	call := &ConnectionsCall{Method: ci.method, Target: ci.target, APIRequestID: ci.apiRequestID}
	if ci.apiRequestID != "" {
		call.DuringRequest, call.DuringConnection = g.calls.during()
	}
	e := Event{Kind: EventConnections, ConnectionID: ci.target, RequestID: call.DuringRequest, Connections: call, Status: http.StatusOK, Size: len(ci.data)}
	if e.RequestID == "" {
		e.RequestID = ci.apiRequestID
	}
	if ci.method == http.MethodPost {
		e.Data = string(ci.data)
	}
	if ci.method == http.MethodDelete {
		e.Status = http.StatusNoContent
	}
	if err != nil {
		ce := connectionsError(err)
		e.Status, e.Code, e.Error = ce.Code.Status(), ce.Code, ce.Error()
		if ce.Code == CodeGone {
			e.Error += ": no open connection has this ID (it closed, or never connected); AWS sends the 410 with an empty body"
		}
	}
	g.events.publish(e)
}

// Connection returns an open connection's description.
func (g *Gateway) Connection(id string) (ConnectionInfo, bool) {
	c := g.lookup(id)
	if c == nil || c.isClosing() {
		return ConnectionInfo{}, false
	}
	return c.info(), true
}

// Connections returns every open connection, oldest first.
func (g *Gateway) Connections() []ConnectionInfo {
	list := g.connList()
	infos := make([]ConnectionInfo, 0, len(list))
	for _, c := range list {
		if !c.isClosing() {
			infos = append(infos, c.info())
		}
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].ConnectedAt.Before(infos[j].ConnectedAt) })
	return infos
}

func (g *Gateway) find(id string) (*conn, error) {
	if !validConnectionID(id) {
		return nil, &Error{Code: CodeBadRequest, Detail: "Invalid connectionId: " + id}
	}
	c := g.lookup(id)
	if c == nil {
		return nil, ErrGone
	}
	return c, nil
}

// serveConnections serves the @connections management API
// (apigatewaymanagementapi 2018-11-29): POST, GET and DELETE on
// @connections/{connectionId}. rest is the path after "@connections".
// Requests are not authenticated: SigV4 headers are accepted unchecked.
func (g *Gateway) serveConnections(w http.ResponseWriter, r *http.Request, rest []string) {
	// AWS spells these headers this way; assigning the map keeps the
	// spelling (Set would canonicalise it to X-Amzn-Requestid).
	ci := callInfo{method: r.Method, apiRequestID: newUUID()}
	w.Header()["x-amzn-RequestId"] = []string{ci.apiRequestID}
	if len(rest) != 1 || rest[0] == "" {
		g.failCall(w, ci, noMethod(r))
		return
	}
	ci.target = rest[0]
	if f := g.snap.Load().faults.managementFault(ci.target); f != nil {
		g.events.publish(Event{Kind: EventFault, ConnectionID: ci.target, Fault: &FaultApplied{Kind: FaultManagement, Detail: fmt.Sprintf("%s @connections: %s", r.Method, f.Detail)}})
		g.failCall(w, ci, f)
		return
	}
	switch r.Method {
	case http.MethodPost:
		max := g.snap.Load().settings.MaxMessageBytes
		data, err := io.ReadAll(io.LimitReader(r.Body, int64(max)+1))
		ci.data = data
		if err != nil {
			g.failCall(w, ci, &Error{Code: CodeBadRequest, Detail: "could not read the request body", Err: err})
			return
		}
		if len(data) > max {
			g.failCall(w, ci, &Error{Code: CodePayloadTooLarge, Detail: fmt.Sprintf("Request entity too large: the limit is %d bytes", max)})
			return
		}
		if err := g.postToConnection(ci.target, data); err != nil {
			g.failCall(w, ci, err)
			return
		}
		g.publishCall(ci, nil)
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		info, err := g.getConnection(ci.target)
		if err != nil {
			g.failCall(w, ci, err)
			return
		}
		g.publishCall(ci, nil)
		writeJSON(w, http.StatusOK, newGetConnectionOutput(info))
	case http.MethodDelete:
		if err := g.deleteConnection(ci.target); err != nil {
			g.failCall(w, ci, err)
			return
		}
		g.publishCall(ci, nil)
		w.WriteHeader(http.StatusNoContent)
	default:
		g.failCall(w, ci, noMethod(r))
	}
}

// getConnection is GET @connections/{id}.
func (g *Gateway) getConnection(id string) (ConnectionInfo, error) {
	if _, err := g.find(id); err != nil {
		return ConnectionInfo{}, err
	}
	info, ok := g.Connection(id)
	if !ok {
		return ConnectionInfo{}, ErrGone
	}
	return info, nil
}

// failCall answers a failed @connections call and publishes it.
func (g *Gateway) failCall(w http.ResponseWriter, ci callInfo, err error) {
	g.publishCall(ci, err)
	writeConnectionsError(w, err)
}

// getConnectionOutput is GetConnection's JSON body.
type getConnectionOutput struct {
	ConnectedAt  string      `json:"connectedAt"`
	Identity     getIdentity `json:"identity"`
	LastActiveAt string      `json:"lastActiveAt"`
}

type getIdentity struct {
	SourceIP  string  `json:"sourceIp"`
	UserAgent *string `json:"userAgent,omitempty"` // absent when the client sent none, as in the client's events
}

// iso8601 is the timestamp format of GetConnection, with milliseconds.
const iso8601 = "2006-01-02T15:04:05.000Z"

func newGetConnectionOutput(info ConnectionInfo) getConnectionOutput {
	out := getConnectionOutput{
		ConnectedAt:  info.ConnectedAt.UTC().Format(iso8601),
		LastActiveAt: info.LastActiveAt.UTC().Format(iso8601),
		Identity:     getIdentity{SourceIP: info.SourceIP},
	}
	if info.UserAgent != "" {
		ua := info.UserAgent
		out.Identity.UserAgent = &ua
	}
	return out
}

// connectionsError returns err as an @connections error: an *Error with
// one of the management API's codes, or CodeManagementInternal.
func connectionsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) && e.Code >= CodeBadRequest {
		return e
	}
	return &Error{Code: CodeManagementInternal, Detail: err.Error()}
}

// writeConnectionsError writes err in AWS's wire format: the code's status,
// its exception in x-amzn-ErrorType (where SDKs look first) and a small JSON
// body (see codeTable), except for 410 GoneException, whose body is empty on
// AWS (its event explains it; see publishCall).
func writeConnectionsError(w http.ResponseWriter, err error) {
	e := connectionsError(err)
	w.Header()["x-amzn-ErrorType"] = []string{e.Code.String()}
	if e.Code == CodeGone {
		w.WriteHeader(e.Code.Status())
		return
	}
	writeMessage(w, e.Code.Status(), e.wireMessage())
}

// refuseWithoutStage answers an @connections path without the stage
// (/@connections/{id}) as AWS does: 403 {"message":"Forbidden"}. A backend
// that builds its endpoint without the stage has this bug; the event says
// so, since the 403 alone does not. rest is the path after "@connections".
func (g *Gateway) refuseWithoutStage(w http.ResponseWriter, r *http.Request, rest []string) {
	writeMessage(w, http.StatusForbidden, "Forbidden")
	if !g.events.active() {
		return
	}
	call := &ConnectionsCall{Method: r.Method}
	if len(rest) > 0 {
		call.Target = rest[0]
	}
	g.events.publish(Event{
		Kind: EventConnections, ConnectionID: call.Target, Connections: call, Status: http.StatusForbidden,
		Error: r.URL.Path + " has no stage, so AWS answers 403 Forbidden: the endpoint is " +
			g.ConnectionsURL() + " (an SDK's endpoint ends with the stage)",
	})
}

// noMethod is the error for a path or method the management API does not
// have, in the words API Gateway uses.
func noMethod(r *http.Request) *Error {
	route := strings.TrimPrefix(r.URL.Path, "/")
	return &Error{Code: CodeUnknownOperation, Detail: fmt.Sprintf("No method found matching route %s for http method %s.", route, r.Method)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeConnectionsError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// newUUID returns a random (version 4) UUID for x-amzn-RequestId.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
