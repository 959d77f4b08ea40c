package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Code is what went wrong while the gateway handled a request, in the terms
// the client sees. Each code maps to the wire in one place: its upgrade
// status on $connect (Status) and its error frame on a message (Frame).
type Code int

// The codes the gateway answers with.
const (
	// CodeForbidden: no route matched and there is no $default route (a
	// frame), or a $connect refused for a missing API key (403).
	CodeForbidden Code = iota + 1
	// CodeInternal: a configuration error (a template that does not render,
	// a MOCK template without an integer statusCode, no matching integration
	// response): 500 on $connect, "Internal server error" on a message.
	CodeInternal
	// CodeIntegrationFailure: the backend failed (a Lambda that throws, an
	// unreachable endpoint, a malformed proxy response): 502 on $connect,
	// "Internal server error" on a message.
	CodeIntegrationFailure
	// CodeTimeout: the integration did not answer within its timeout: 504
	// on $connect, "Endpoint request timed out" on a message.
	CodeTimeout
	// CodeUnsupportedMediaType: PassthroughBehavior NEVER or
	// WHEN_NO_TEMPLATES found no request template: 415 on $connect,
	// "Unsupported Media Type" on a message.
	CodeUnsupportedMediaType
	// CodeUnauthorized: the $connect authorizer refused the identity (401).
	CodeUnauthorized
	// CodeBadPayload: a request template read a message that starts with
	// '{' or '[' but is not valid JSON. AWS REST answers 400 "Could not
	// process payload"; a WebSocket client gets the "Internal server error"
	// frame, like other failures (docs/DECISIONS.md, Gateway).
	CodeBadPayload
	// CodeThrottled: the gateway already runs MaxConcurrentRequests
	// integration calls: 429 on $connect, "Too Many Requests" on a message
	// (docs/DECISIONS.md, Gateway).
	CodeThrottled
	// CodeCanceled: the work stopped because its connection closed or the
	// gateway is closing; nobody is left to answer (500 if it ever reaches
	// an upgrade).
	CodeCanceled
)

// Status returns the HTTP status an upgrade answers with for the code.
func (c Code) Status() int {
	switch c {
	case CodeForbidden:
		return http.StatusForbidden
	case CodeIntegrationFailure:
		return http.StatusBadGateway
	case CodeTimeout:
		return http.StatusGatewayTimeout
	case CodeUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeBadPayload:
		return http.StatusBadRequest
	case CodeThrottled:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// Message returns the "message" AWS puts in the error frame or body.
func (c Code) Message() string {
	switch c {
	case CodeForbidden:
		return "Forbidden"
	case CodeTimeout:
		return "Endpoint request timed out"
	case CodeUnsupportedMediaType:
		return "Unsupported Media Type"
	case CodeUnauthorized:
		return "Unauthorized"
	case CodeThrottled:
		return "Too Many Requests"
	default:
		return "Internal server error"
	}
}

// String returns the code's name, for logs and events.
func (c Code) String() string {
	switch c {
	case CodeForbidden:
		return "Forbidden"
	case CodeInternal:
		return "InternalServerError"
	case CodeIntegrationFailure:
		return "IntegrationFailure"
	case CodeTimeout:
		return "Timeout"
	case CodeUnsupportedMediaType:
		return "UnsupportedMediaType"
	case CodeUnauthorized:
		return "Unauthorized"
	case CodeBadPayload:
		return "BadPayload"
	case CodeThrottled:
		return "Throttled"
	case CodeCanceled:
		return "Canceled"
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Error is a failure with the code the client sees and a detail for the
// person at the workbench (the client never sees Detail).
type Error struct {
	Code   Code
	Detail string // e.g. AWS's execution-log line "Execution failed due to configuration error: ..."
	Err    error
}

// Error returns the detail, or the code's message.
func (e *Error) Error() string {
	msg := e.Detail
	if msg == "" {
		msg = e.Code.Message()
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// configError returns a CodeInternal error with AWS's execution-log wording.
func configError(format string, args ...any) *Error {
	return &Error{Code: CodeInternal, Detail: "Execution failed due to configuration error: " + fmt.Sprintf(format, args...)}
}

// classify turns any error from the request pipeline into an *Error: a
// deadline is a timeout, an *Error keeps its code, anything else is an
// integration failure.
func classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeTimeout, Detail: "Execution failed due to a timeout error", Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Code: CodeCanceled, Detail: "the integration call was stopped: the connection closed or the gateway is closing", Err: err}
	}
	return &Error{Code: CodeIntegrationFailure, Detail: "Execution failed due to an integration error", Err: err}
}

// errorFrame returns the frame AWS sends for an error on a message, byte for
// byte: a space after "message": and after each comma, none after
// "connectionId": and "requestId":, e.g.
//
//	{"message": "Forbidden", "connectionId":"XDmENcnwIE0CFEQ=", "requestId":"XDmGEE2RoE0FRdQ="}
func errorFrame(message, connectionID, requestID string) []byte {
	var b strings.Builder
	b.Grow(len(message) + len(connectionID) + len(requestID) + 48)
	b.WriteString(`{"message": "`)
	b.WriteString(message)
	b.WriteString(`", "connectionId":"`)
	b.WriteString(connectionID)
	b.WriteString(`", "requestId":"`)
	b.WriteString(requestID)
	b.WriteString(`"}`)
	return []byte(b.String())
}

// Errors PostToConnection and DeleteConnection return; the @connections
// endpoint maps them to AWS's exceptions.
var (
	// ErrGone: no open connection has the ID (410 GoneException).
	ErrGone = errors.New("connection is gone")
	// ErrPayloadTooLarge: the data is over the message limit (413
	// PayloadTooLargeException).
	ErrPayloadTooLarge = errors.New("payload too large")
	// ErrLimitExceeded: the connection's send queue is full because the
	// client is not reading (429 LimitExceededException).
	ErrLimitExceeded = errors.New("send queue full: the client is not reading")
	// ErrBadConnectionID: the ID does not have a connection ID's shape (400
	// BadRequestException).
	ErrBadConnectionID = errors.New("invalid connection ID")
)
