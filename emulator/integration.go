package emulator

import (
	"context"
	"net/http"

	"wsworkbench/emulator/jsonpath"
	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/model"
)

// Integration is a backend a route calls: MOCK here; Lambda and HTTP
// integrations in their own files. Invoke is called concurrently from many
// connections and must honour ctx, which carries the integration timeout.
//
// For a non-proxy integration (MOCK, AWS, HTTP) req.Body is the output of
// the request template (or the message passed through); the gateway then
// selects an integration response by the result. For a proxy integration
// (AWS_PROXY, HTTP_PROXY) req.Body is the message as the client sent it and
// the result's Body is the payload itself. The gateway only reads a
// result, so an integration may return the same one to many calls.
type Integration interface {
	Invoke(ctx context.Context, req *IntegrationRequest) (*IntegrationResult, error)
}

// IntegrationRequest is what the gateway hands an integration.
type IntegrationRequest struct {
	// Body is the integration request body (see Integration).
	Body []byte
	// RawBody is the message exactly as the client sent it (empty on
	// $connect and $disconnect).
	RawBody []byte
	// Templated reports whether a request template produced Body.
	Templated bool
	// Headers and QueryString are the upgrade request's, on $connect; on
	// $disconnect Headers is API Gateway's small fixed set; on messages both
	// are nil.
	Headers     http.Header
	QueryString map[string][]string
	// StageVariables are the stage's variables.
	StageVariables map[string]string
	// Context is the request's $context / requestContext.
	Context *RequestContext
	// Lambda, when not nil, is where a Lambda integration records its
	// call for the trace.
	Lambda *LambdaCall
	// Functions, when not nil, runs Lambda functions with local code (see
	// Functions).
	Functions Functions

	// lambda is the gateway's Lambda Invoke API clients, which the gateway
	// closes when it stops.
	lambda *lambda.Pool
	// doc is where an integration may parse Body: the request's own,
	// kept with the pooled request (nil: parse into a Doc of its own).
	doc *jsonpath.Doc
}

// IntegrationResult is what an integration answered.
type IntegrationResult struct {
	// StatusCode is the integration status: the MOCK template's statusCode,
	// the HTTP status, the Lambda proxy result's statusCode. On $connect a
	// 2xx accepts the connection and anything else refuses the upgrade with
	// that status.
	StatusCode int
	// Headers are the backend's response headers. On $connect a
	// Sec-WebSocket-Protocol header selects the subprotocol.
	Headers http.Header
	// Body is the integration response body (non-proxy) or the payload to
	// send back on a two-way route (proxy).
	Body []byte
	// ErrorMessage is a Lambda function error's message, for AWS (Lambda
	// custom) integrations, whose integration responses are keyed by it.
	ErrorMessage string
}

// integrationType says how the gateway drives one integration type. Adding
// a type is one file with its Integration and one entry in integrationTypes.
type integrationType struct {
	// proxy: no mapping templates; the backend's answer is the payload.
	proxy bool
	// selectByError: integration responses are keyed by the Lambda error
	// message (AWS) rather than the status code (MOCK, HTTP).
	selectByError bool
	// blocking: Invoke waits on the network, so the gateway runs it off the
	// connection's read loop (messages are then answered concurrently, and
	// possibly out of order, as on AWS).
	blocking bool
	// build makes the integration for one model entry; it may reject the
	// entry's configuration with an error.
	build func(in *model.Integration, api *model.API) (Integration, error)
}

// integrationTypes are the implemented integration types: every type
// API Gateway has for WebSocket APIs. Any other type fails Compile.
var integrationTypes = map[string]integrationType{
	model.TypeMock:      {build: newMockIntegration},
	model.TypeAWSProxy:  {proxy: true, blocking: true, build: newLambdaProxyIntegration},
	model.TypeAWS:       {selectByError: true, blocking: true, build: newLambdaCustomIntegration},
	model.TypeHTTPProxy: {proxy: true, blocking: true, build: newHTTPProxyIntegration},
	model.TypeHTTP:      {blocking: true, build: newHTTPCustomIntegration},
}

// PassthroughBehavior values.
const (
	passWhenNoMatch     = "WHEN_NO_MATCH"
	passNever           = "NEVER"
	passWhenNoTemplates = "WHEN_NO_TEMPLATES"
)
