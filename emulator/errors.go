package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Code is what went wrong while the gateway handled a request or an
// @connections call, in the terms the client sees. Each code maps to the
// wire in one place, codeTable: the HTTP status (an upgrade's answer on
// $connect, the @connections answer), the message of the error frame on a
// message (or of the @connections body), and the name logs, events and the
// @connections x-amzn-ErrorType header show.
type Code int

// The codes of the gateway's request pipeline.
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

// The codes of the @connections management API, named after the exception
// AWS puts in x-amzn-ErrorType.
const (
	// CodeBadRequest: the ID does not have a connection ID's shape, or the
	// body could not be read (400 BadRequestException).
	CodeBadRequest Code = iota + 100
	// CodeGone: no open connection has the ID (410 GoneException).
	CodeGone
	// CodePayloadTooLarge: the data is over the message limit (413
	// PayloadTooLargeException).
	CodePayloadTooLarge
	// CodeLimitExceeded: the connection's send queue is full because the
	// client is not reading (429 LimitExceededException).
	CodeLimitExceeded
	// CodeUnknownOperation: a path or method the API does not have (404
	// UnknownOperationException).
	CodeUnknownOperation
	// CodeManagementInternal: anything else (500
	// InternalServerErrorException).
	CodeManagementInternal
)

// codeWire is how one code reaches the wire.
type codeWire struct {
	name    string // for logs and events; the exception for @connections codes
	status  int    // the upgrade's status on $connect; the @connections status
	message string // the error frame's "message" on a message; the @connections body's
	// detailed: the @connections body says the error itself (Error.Error)
	// rather than message.
	detailed bool
}

// codeTable maps every code to the wire. A code missing here is a bug that
// shows as "Code(n)" and a 500.
var codeTable = map[Code]codeWire{
	CodeForbidden:            {"Forbidden", http.StatusForbidden, "Forbidden", false},
	CodeInternal:             {"InternalServerError", http.StatusInternalServerError, "Internal server error", false},
	CodeIntegrationFailure:   {"IntegrationFailure", http.StatusBadGateway, "Internal server error", false},
	CodeTimeout:              {"Timeout", http.StatusGatewayTimeout, "Endpoint request timed out", false},
	CodeUnsupportedMediaType: {"UnsupportedMediaType", http.StatusUnsupportedMediaType, "Unsupported Media Type", false},
	CodeUnauthorized:         {"Unauthorized", http.StatusUnauthorized, "Unauthorized", false},
	CodeBadPayload:           {"BadPayload", http.StatusBadRequest, "Internal server error", false},
	CodeThrottled:            {"Throttled", http.StatusTooManyRequests, "Too Many Requests", false},
	CodeCanceled:             {"Canceled", http.StatusInternalServerError, "Internal server error", false},

	CodeBadRequest:         {"BadRequestException", http.StatusBadRequest, "Bad request", true},
	CodeGone:               {"GoneException", http.StatusGone, "The connection with the provided id no longer exists.", false},
	CodePayloadTooLarge:    {"PayloadTooLargeException", http.StatusRequestEntityTooLarge, "Request entity too large", true},
	CodeLimitExceeded:      {"LimitExceededException", http.StatusTooManyRequests, "The WebSocket client side buffer is full.", false},
	CodeUnknownOperation:   {"UnknownOperationException", http.StatusNotFound, "Unknown operation", true},
	CodeManagementInternal: {"InternalServerErrorException", http.StatusInternalServerError, "Internal server error", true},
}

// Status returns the HTTP status the code answers with: an upgrade's on
// $connect, the @connections call's.
func (c Code) Status() int {
	if w, ok := codeTable[c]; ok {
		return w.status
	}
	return http.StatusInternalServerError
}

// Message returns the "message" AWS puts in the error frame or body.
func (c Code) Message() string {
	if w, ok := codeTable[c]; ok {
		return w.message
	}
	return "Internal server error"
}

// String returns the code's name, for logs and events; for an @connections
// code, the exception AWS names in x-amzn-ErrorType.
func (c Code) String() string {
	if w, ok := codeTable[c]; ok {
		return w.name
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText encodes the code as its name, so JSON events read
// "errorCode":"Timeout".
func (c Code) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

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

// Is reports whether target is an *Error with the same code, so
// errors.Is(err, ErrGone) holds for every CodeGone error, whatever its
// detail.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// wireMessage is the "message" of an @connections error body.
func (e *Error) wireMessage() string {
	if codeTable[e.Code].detailed {
		return e.Error()
	}
	return e.Code.Message()
}

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

// Errors PostToConnection and DeleteConnection return, one per
// @connections code. errors.Is matches any error of the same code (see
// Error.Is); writeConnectionsError maps them to AWS's exceptions.
var (
	// ErrGone: no open connection has the ID (410 GoneException).
	ErrGone = &Error{Code: CodeGone, Detail: "connection is gone"}
	// ErrPayloadTooLarge: the data is over the message limit (413
	// PayloadTooLargeException).
	ErrPayloadTooLarge = &Error{Code: CodePayloadTooLarge, Detail: "payload too large"}
	// ErrLimitExceeded: the connection's send queue is full because the
	// client is not reading (429 LimitExceededException).
	ErrLimitExceeded = &Error{Code: CodeLimitExceeded, Detail: "send queue full: the client is not reading"}
	// ErrBadConnectionID: the ID does not have a connection ID's shape (400
	// BadRequestException).
	ErrBadConnectionID = &Error{Code: CodeBadRequest, Detail: "invalid connection ID"}
)
