package emulator

import (
	"crypto/rand"
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
	c, err := g.find(id)
	if err != nil {
		return err
	}
	if max := g.snap.Load().settings.MaxMessageBytes; len(data) > max {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrPayloadTooLarge, len(data), max)
	}
	typ := websocket.TextMessage
	if !utf8.Valid(data) {
		typ = websocket.BinaryMessage
	}
	data = append([]byte(nil), data...) // the caller may reuse its buffer
	if err := c.send(typ, data); err != nil {
		if err == ErrLimitExceeded {
			g.events.publish(Event{Kind: EventLimit, ConnectionID: id, Error: "PostToConnection: send queue full", Size: len(data)})
		}
		return err
	}
	if g.events.active() {
		g.events.publish(Event{Kind: EventFrameOut, ConnectionID: id, Outcome: "@connections", Data: string(data), Size: len(data)})
	}
	return nil
}

// DeleteConnection closes the connection with 1000 "Connection Closed
// Normally", the code and reason its $disconnect sees, as on AWS.
func (g *Gateway) DeleteConnection(id string) error {
	c, err := g.find(id)
	if err != nil {
		return err
	}
	if !c.closeWith(closeNormal, reasonDeleted) {
		return ErrGone
	}
	return nil
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
		return nil, fmt.Errorf("%w: %s", ErrBadConnectionID, id)
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
	w.Header()["x-amzn-RequestId"] = []string{newUUID()}
	if len(rest) != 1 || rest[0] == "" {
		noMethod(w, r)
		return
	}
	id := rest[0]
	switch r.Method {
	case http.MethodPost:
		max := g.snap.Load().settings.MaxMessageBytes
		data, err := io.ReadAll(io.LimitReader(r.Body, int64(max)+1))
		if err != nil {
			writeAWSError(w, http.StatusBadRequest, "BadRequestException", "could not read the request body: "+err.Error())
			return
		}
		if len(data) > max {
			g.writeConnectionsError(w, r, id, fmt.Errorf("%w: the limit is %d bytes", ErrPayloadTooLarge, max))
			return
		}
		if err := g.PostToConnection(id, data); err != nil {
			g.writeConnectionsError(w, r, id, err)
			return
		}
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		if _, err := g.find(id); err != nil {
			g.writeConnectionsError(w, r, id, err)
			return
		}
		info, ok := g.Connection(id)
		if !ok {
			g.writeConnectionsError(w, r, id, ErrGone)
			return
		}
		writeJSON(w, http.StatusOK, newGetConnectionOutput(info))
	case http.MethodDelete:
		if err := g.DeleteConnection(id); err != nil {
			g.writeConnectionsError(w, r, id, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		noMethod(w, r)
	}
}

// refuseWithoutStage answers an @connections path that lacks the stage
// (/@connections/{id}) as AWS does: 403 {"message":"Forbidden"}. A backend
// that builds its endpoint without the stage has this bug; the log says so,
// since the 403 alone does not.
func (g *Gateway) refuseWithoutStage(w http.ResponseWriter, r *http.Request) {
	writeMessage(w, http.StatusForbidden, "Forbidden")
	g.events.publish(Event{
		Kind: EventError, Status: http.StatusForbidden, Outcome: "@connections",
		Error: r.Method + " " + r.URL.Path + " has no stage, so AWS answers 403 Forbidden: the endpoint is " +
			g.ConnectionsURL() + " (an SDK's endpoint ends with the stage)",
	})
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

// writeConnectionsError maps the management API's errors to AWS's wire
// format: the status, the error code in x-amzn-ErrorType (where SDKs look
// first) and a small JSON body. A 410 has an empty body, as on AWS, so it
// is explained in the log instead.
func (g *Gateway) writeConnectionsError(w http.ResponseWriter, r *http.Request, id string, err error) {
	switch {
	case errors.Is(err, ErrBadConnectionID):
		writeAWSError(w, http.StatusBadRequest, "BadRequestException", "Invalid connectionId: "+strings.TrimPrefix(err.Error(), ErrBadConnectionID.Error()+": "))
	case errors.Is(err, ErrGone):
		w.Header()["x-amzn-ErrorType"] = []string{"GoneException"}
		w.WriteHeader(http.StatusGone)
		g.events.publish(Event{
			Kind: EventError, ConnectionID: id, Status: http.StatusGone, Outcome: "@connections",
			Error: r.Method + " @connections: GoneException, no open connection has this ID (it closed, or never connected); AWS sends the 410 with an empty body",
		})
	case errors.Is(err, ErrPayloadTooLarge):
		writeAWSError(w, http.StatusRequestEntityTooLarge, "PayloadTooLargeException", "Request entity too large: "+err.Error())
	case errors.Is(err, ErrLimitExceeded):
		writeAWSError(w, http.StatusTooManyRequests, "LimitExceededException", "The WebSocket client side buffer is full.")
	default:
		writeAWSError(w, http.StatusInternalServerError, "InternalServerErrorException", err.Error())
	}
}

func writeAWSError(w http.ResponseWriter, status int, code, message string) {
	w.Header()["x-amzn-ErrorType"] = []string{code}
	writeMessage(w, status, message)
}

// noMethod answers a path or method the management API does not have, in
// the words API Gateway uses.
func noMethod(w http.ResponseWriter, r *http.Request) {
	route := strings.TrimPrefix(r.URL.Path, "/")
	writeAWSError(w, http.StatusNotFound, "UnknownOperationException",
		fmt.Sprintf("No method found matching route %s for http method %s.", route, r.Method))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeAWSError(w, http.StatusInternalServerError, "InternalServerErrorException", err.Error())
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
