package emulator

import (
	"strconv"
	"strings"
	"time"
)

// Event types, as $context.eventType and requestContext.eventType spell them.
const (
	EventTypeConnect    = "CONNECT"
	EventTypeMessage    = "MESSAGE"
	EventTypeDisconnect = "DISCONNECT"
)

// clfLayout is the Common Log Format time of $context.requestTime,
// e.g. "20/Jan/2024:11:55:08 +0000".
const clfLayout = "02/Jan/2006:15:04:05 -0700"

// RequestContext is everything API Gateway knows about one request: the
// source of $context in mapping templates and of requestContext in a Lambda
// proxy event. Integrations read it; they never change it.
type RequestContext struct {
	APIID        string
	Stage        string
	DomainName   string // the gateway's address (or Options.DomainName), with its port: "127.0.0.1:8080"
	ConnectionID string
	ConnectedAt  time.Time
	EventType    string // CONNECT, MESSAGE or DISCONNECT
	RouteKey     string
	MessageID    string // MESSAGE only
	RequestID    string // also the extended request ID
	RequestTime  time.Time
	SourceIP     string
	UserAgent    string
	APIKey       string
	// Authorizer holds principalId and the authorizer's context values,
	// stringified, when an authorizer ran on $connect.
	Authorizer map[string]string
	// DisconnectStatusCode and DisconnectReason are set on DISCONNECT: the
	// close code and reason that ended the connection.
	DisconnectStatusCode int
	DisconnectReason     string
	// TLS says the client connected over TLS (wss://): the X-Forwarded-Proto a
	// backend sees.
	TLS bool
	// ErrorMessage is $context.error.messageString.
	ErrorMessage string
	// Status is the integration status while a response template renders.
	Status int
}

// ConnectedAtMillis returns connectedAt as API Gateway reports it: epoch milliseconds.
func (rc *RequestContext) ConnectedAtMillis() int64 { return rc.ConnectedAt.UnixMilli() }

// RequestTimeCLF returns requestTime in Common Log Format.
func (rc *RequestContext) RequestTimeCLF() string { return rc.RequestTime.UTC().Format(clfLayout) }

// Map returns $context for a mapping template: every variable of the
// WebSocket mapping template reference. Variables API Gateway leaves empty
// locally (account, Cognito, IAM user) are present and empty, so a template
// that prints them renders as it would for an unauthenticated caller.
// messageId appears on MESSAGE only; disconnectStatusCode and
// disconnectReason on DISCONNECT (a workbench addition: the Lambda event
// carries them, the template reference does not list them).
func (rc *RequestContext) Map() map[string]any {
	authorizer := make(map[string]any, len(rc.Authorizer)+1)
	authorizer["principalId"] = ""
	for k, v := range rc.Authorizer {
		authorizer[k] = v
	}
	m := map[string]any{
		"apiId":             rc.APIID,
		"authorizer":        authorizer,
		"connectedAt":       rc.ConnectedAtMillis(),
		"connectionId":      rc.ConnectionID,
		"domainName":        rc.DomainName,
		"error":             map[string]any{"messageString": rc.ErrorMessage, "validationErrorString": ""},
		"eventType":         rc.EventType,
		"extendedRequestId": rc.RequestID,
		"identity": map[string]any{
			"accountId":                     "",
			"apiKey":                        rc.APIKey,
			"apiKeyId":                      "",
			"caller":                        "",
			"cognitoAuthenticationProvider": "",
			"cognitoAuthenticationType":     "",
			"cognitoIdentityId":             "",
			"cognitoIdentityPoolId":         "",
			"sourceIp":                      rc.SourceIP,
			"user":                          "",
			"userAgent":                     rc.UserAgent,
			"userArn":                       "",
		},
		"messageDirection": "IN",
		"requestId":        rc.RequestID,
		"requestTime":      rc.RequestTimeCLF(),
		"requestTimeEpoch": rc.RequestTime.UnixMilli(),
		"routeKey":         rc.RouteKey,
		"stage":            rc.Stage,
		"status":           "",
	}
	if rc.Status != 0 {
		m["status"] = rc.Status
	}
	if rc.EventType == EventTypeMessage {
		m["messageId"] = rc.MessageID
	}
	if rc.EventType == EventTypeDisconnect {
		m["disconnectStatusCode"] = rc.DisconnectStatusCode
		m["disconnectReason"] = rc.DisconnectReason
	}
	return m
}

// flat returns $context as the dotted names a selection expression uses
// ("connectionId", "identity.sourceIp", "authorizer.principalId").
func (rc *RequestContext) flat() map[string]string {
	m := map[string]string{
		"apiId":              rc.APIID,
		"connectedAt":        itoa64(rc.ConnectedAtMillis()),
		"connectionId":       rc.ConnectionID,
		"domainName":         rc.DomainName,
		"eventType":          rc.EventType,
		"extendedRequestId":  rc.RequestID,
		"identity.apiKey":    rc.APIKey,
		"identity.sourceIp":  rc.SourceIP,
		"identity.userAgent": rc.UserAgent,
		"messageId":          rc.MessageID,
		"requestId":          rc.RequestID,
		"requestTime":        rc.RequestTimeCLF(),
		"requestTimeEpoch":   itoa64(rc.RequestTime.UnixMilli()),
		"routeKey":           rc.RouteKey,
		"stage":              rc.Stage,
	}
	for k, v := range rc.Authorizer {
		m["authorizer."+k] = v
	}
	return m
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// sourceIPOf returns the IP part of a "host:port" remote address.
func sourceIPOf(remoteAddr string) string {
	i := strings.LastIndexByte(remoteAddr, ':')
	if i < 0 {
		return remoteAddr
	}
	return strings.Trim(remoteAddr[:i], "[]")
}

// scheme returns "https" for a connection over TLS, else "http".
func (rc *RequestContext) scheme() string {
	if rc.TLS {
		return "https"
	}
	return "http"
}
