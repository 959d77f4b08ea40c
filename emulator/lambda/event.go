package lambda

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Event types, as requestContext.eventType spells them.
const (
	EventConnect    = "CONNECT"
	EventMessage    = "MESSAGE"
	EventDisconnect = "DISCONNECT"
)

// RequestTimeLayout is requestContext.requestTime's format
// (20/Jan/2024:11:55:08 +0000).
const RequestTimeLayout = "02/Jan/2006:15:04:05 -0700"

// Event is the AWS_PROXY event API Gateway sends a WebSocket route's Lambda
// function. Field order and names follow AWS captures; a field AWS leaves out
// of an event type is left out here too (headers only on CONNECT and
// DISCONNECT, body only on MESSAGE, query strings only when the upgrade URL
// had one).
type Event struct {
	Headers                         map[string]string   `json:"headers,omitempty"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders,omitempty"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters,omitempty"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters,omitempty"`
	StageVariables                  map[string]string   `json:"stageVariables,omitempty"`
	RequestContext                  RequestContext      `json:"requestContext"`
	Body                            *string             `json:"body,omitempty"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

// RequestContext is an event's requestContext.
type RequestContext struct {
	RouteKey             string         `json:"routeKey"`
	DisconnectStatusCode *int           `json:"disconnectStatusCode,omitempty"`
	MessageID            string         `json:"messageId,omitempty"`
	EventType            string         `json:"eventType"`
	ExtendedRequestID    string         `json:"extendedRequestId"`
	RequestTime          string         `json:"requestTime"`
	MessageDirection     string         `json:"messageDirection"`
	DisconnectReason     *string        `json:"disconnectReason,omitempty"`
	Stage                string         `json:"stage"`
	ConnectedAt          int64          `json:"connectedAt"`
	RequestTimeEpoch     int64          `json:"requestTimeEpoch"`
	Identity             Identity       `json:"identity"`
	RequestID            string         `json:"requestId"`
	DomainName           string         `json:"domainName"`
	ConnectionID         string         `json:"connectionId"`
	APIID                string         `json:"apiId"`
	Authorizer           map[string]any `json:"authorizer,omitempty"`
}

// Identity is requestContext.identity.
type Identity struct {
	APIKey    string `json:"apiKey,omitempty"`
	APIKeyID  string `json:"apiKeyId,omitempty"`
	UserAgent string `json:"userAgent,omitempty"` // absent when the client sent none, as on AWS
	SourceIP  string `json:"sourceIp"`
}

// Connection is what every event of one connection shares.
type Connection struct {
	APIID        string
	Stage        string
	DomainName   string // the gateway's host and port, e.g. 127.0.0.1:8080 (never the client's Host header)
	ConnectionID string
	ConnectedAt  time.Time
	SourceIP     string
	UserAgent    string
	APIKey       string
	// Authorizer is requestContext.authorizer: principalId and the
	// authorizer's context, already stringified. Nil when no authorizer ran.
	Authorizer     map[string]any
	StageVariables map[string]string
}

// Request identifies one event: the route it goes to and its IDs.
type Request struct {
	RouteKey  string
	RequestID string
	MessageID string // MESSAGE events only
	Time      time.Time
}

// Context returns the requestContext for an event of eventType.
func (c Connection) Context(eventType string, r Request) RequestContext {
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	rc := RequestContext{
		RouteKey:          r.RouteKey,
		EventType:         eventType,
		ExtendedRequestID: r.RequestID,
		RequestTime:       t.UTC().Format(RequestTimeLayout),
		MessageDirection:  "IN",
		Stage:             c.Stage,
		ConnectedAt:       c.ConnectedAt.UnixMilli(),
		RequestTimeEpoch:  t.UnixMilli(),
		Identity:          Identity{UserAgent: c.UserAgent, SourceIP: c.SourceIP, APIKey: c.APIKey},
		RequestID:         r.RequestID,
		DomainName:        c.DomainName,
		ConnectionID:      c.ConnectionID,
		APIID:             c.APIID,
		Authorizer:        c.Authorizer,
	}
	if eventType == EventMessage {
		rc.MessageID = r.MessageID
	}
	return rc
}

// ConnectEvent returns the $connect event for an upgrade request with the
// given headers (see ForwardedHeaders) and query string.
func ConnectEvent(c Connection, r Request, header http.Header, query url.Values) Event {
	e := Event{RequestContext: c.Context(EventConnect, r), StageVariables: nonEmpty(c.StageVariables)}
	e.Headers, e.MultiValueHeaders = headerMaps(header)
	if len(query) > 0 {
		e.QueryStringParameters, e.MultiValueQueryStringParameters = valueMaps(query)
	}
	return e
}

// MessageEvent returns the event for a message. A binary body (after
// CONVERT_TO_BINARY) goes base64-encoded with isBase64Encoded set, as does a
// body that is not valid UTF-8.
func MessageEvent(c Connection, r Request, body []byte, binary bool) Event {
	e := Event{RequestContext: c.Context(EventMessage, r), StageVariables: nonEmpty(c.StageVariables)}
	var s string
	if binary || !utf8.Valid(body) {
		s = base64.StdEncoding.EncodeToString(body)
		e.IsBase64Encoded = true
	} else {
		s = string(body)
	}
	e.Body = &s
	return e
}

// DisconnectEvent returns the $disconnect event for a connection closed with
// code and reason. header is the fixed small set AWS sends (see
// DisconnectHeaders).
func DisconnectEvent(c Connection, r Request, header http.Header, code int, reason string) Event {
	e := Event{RequestContext: c.Context(EventDisconnect, r), StageVariables: nonEmpty(c.StageVariables)}
	e.Headers, e.MultiValueHeaders = headerMaps(header)
	e.RequestContext.DisconnectStatusCode = &code
	e.RequestContext.DisconnectReason = &reason
	return e
}

// DisconnectHeaders returns the headers AWS puts in every $disconnect event:
// Host, and x-api-key, X-Forwarded-For and x-restapi, all three empty (every
// capture on AWS shows X-Forwarded-For empty there).
func DisconnectHeaders(host string) http.Header {
	h := http.Header{}
	h["Host"] = []string{host}
	h["x-api-key"] = []string{""}
	h["X-Forwarded-For"] = []string{""}
	h["x-restapi"] = []string{""}
	return h
}

// conventional spells the headers Lambda code looks up by their usual
// spelling; Go's HTTP server hands them over canonicalized
// (Sec-Websocket-Key), and code such as event.headers['Sec-WebSocket-Protocol']
// would miss them.
var conventional = map[string]string{
	"Sec-Websocket-Key":        "Sec-WebSocket-Key",
	"Sec-Websocket-Version":    "Sec-WebSocket-Version",
	"Sec-Websocket-Extensions": "Sec-WebSocket-Extensions",
	"Sec-Websocket-Protocol":   "Sec-WebSocket-Protocol",
	"X-Amzn-Trace-Id":          "X-Amzn-Trace-Id",
}

// ForwardedHeaders returns the headers of a $connect event: the client's
// upgrade request headers, with the ones API Gateway adds (Host set to host,
// X-Amzn-Trace-Id, X-Forwarded-For, X-Forwarded-Port, X-Forwarded-Proto)
// and the WebSocket headers spelled as browsers send them. proto is "http" or
// "https".
func ForwardedHeaders(client http.Header, host, sourceIP, proto string) http.Header {
	h := http.Header{}
	for k, v := range client {
		switch http.CanonicalHeaderKey(k) {
		case "Connection", "Upgrade", "Host", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto":
			continue
		}
		name := k
		if c, ok := conventional[http.CanonicalHeaderKey(k)]; ok {
			name = c
		}
		h[name] = append(h[name], v...)
	}
	h["Host"] = []string{host}
	if _, ok := h["X-Amzn-Trace-Id"]; !ok {
		h["X-Amzn-Trace-Id"] = []string{NewTraceID(time.Now())}
	}
	h["X-Forwarded-For"] = []string{sourceIP}
	port := ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		port = host[i+1:]
	} else if proto == "https" {
		port = "443"
	} else {
		port = "80"
	}
	h["X-Forwarded-Port"] = []string{port}
	h["X-Forwarded-Proto"] = []string{proto}
	return h
}

// NewTraceID returns an X-Ray trace header value, Root=1-{time}-{random}.
func NewTraceID(t time.Time) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("Root=1-%08x-%s", t.Unix(), hex.EncodeToString(b[:]))
}

// headerMaps returns the headers and multiValueHeaders maps: the single-value
// map holds each header's last value, as API Gateway's does.
func headerMaps(h http.Header) (map[string]string, map[string][]string) {
	if len(h) == 0 {
		return nil, nil
	}
	single := make(map[string]string, len(h))
	multi := make(map[string][]string, len(h))
	for k, v := range h {
		if len(v) == 0 {
			continue
		}
		single[k] = v[len(v)-1]
		multi[k] = append([]string(nil), v...)
	}
	return single, multi
}

func valueMaps(v url.Values) (map[string]string, map[string][]string) {
	single := make(map[string]string, len(v))
	multi := make(map[string][]string, len(v))
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vals := v[k]
		if len(vals) == 0 {
			continue
		}
		single[k] = vals[len(vals)-1]
		multi[k] = append([]string(nil), vals...)
	}
	return single, multi
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
