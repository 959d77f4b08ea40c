package emulator

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/model"
)

// DefaultLambdaEndpoint is the Lambda Invoke API the gateway calls when the
// workspace names none: where `sam local start-lambda` and
// `wsworkbench sample-backend chat` listen by default.
const DefaultLambdaEndpoint = "http://127.0.0.1:3001"

// lambdaIntegration is an AWS_PROXY (Lambda proxy) or AWS (Lambda custom)
// integration: it calls a function through the Lambda Invoke API.
type lambdaIntegration struct {
	proxy    bool
	endpoint string
	mode     lambda.Mode
	function string
	binary   bool // ContentHandlingStrategy CONVERT_TO_BINARY
	// local: the workspace names no endpoint, so the gateway's Functions
	// run the function when they have its code.
	local bool
}

var _ Integration = (*lambdaIntegration)(nil)

func newLambdaProxyIntegration(in *model.Integration, api *model.API) (Integration, error) {
	return newLambdaIntegration(in, api, true)
}

func newLambdaCustomIntegration(in *model.Integration, api *model.API) (Integration, error) {
	return newLambdaIntegration(in, api, false)
}

func newLambdaIntegration(in *model.Integration, api *model.API, proxy bool) (Integration, error) {
	fn := strings.TrimSpace(in.FunctionName)
	if fn == "" {
		var err error
		if fn, err = lambda.FunctionName(in.URI); err != nil {
			if !proxy && !strings.Contains(in.URI, ":lambda:") {
				return nil, fmt.Errorf("AWS integrations other than Lambda are not supported (URI %q)", in.URI)
			}
			return nil, err
		}
	}
	endpoint, mode, err := lambdaTarget(api)
	if err != nil {
		return nil, err
	}
	return &lambdaIntegration{
		proxy:    proxy,
		endpoint: endpoint,
		mode:     mode,
		function: fn,
		binary:   in.ContentHandlingStrategy == "CONVERT_TO_BINARY",
		local:    strings.TrimSpace(api.Settings.LambdaEndpoint) == "",
	}, nil
}

// Invoke calls the function. For AWS_PROXY it sends the proxy event and
// checks the result: a function error or a malformed result is an
// integration failure (502 on $connect, "Internal server error" on a
// message); a result with no statusCode counts as 200. For AWS it sends the
// request template's output (or the message passed through) and hands the
// function's result, or its error message, to integration response
// selection.
func (l *lambdaIntegration) Invoke(ctx context.Context, req *IntegrationRequest) (*IntegrationResult, error) {
	payload := req.Body
	if l.proxy {
		var err error
		if payload, err = l.event(req); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	res, fnErr, log, err := l.call(ctx, req, payload)
	if req.Lambda != nil {
		req.Lambda.record(l.function, payload, res, fnErr, err, time.Since(start))
		req.Lambda.Log = log
	}
	if err != nil {
		return nil, err
	}
	if fnErr != "" {
		msg := lambda.ErrorMessage(res)
		if l.proxy || req.Context.EventType == EventTypeConnect {
			return nil, &Error{Code: CodeIntegrationFailure,
				Detail: fmt.Sprintf("Lambda function %s failed (%s): %s", l.function, fnErr, msg)}
		}
		return &IntegrationResult{StatusCode: http.StatusOK, Body: res, ErrorMessage: msg}, nil
	}
	if !l.proxy {
		return &IntegrationResult{StatusCode: http.StatusOK, Body: res}, nil
	}
	r, err := lambda.ParseResult(res)
	if err != nil {
		return nil, &Error{Code: CodeIntegrationFailure,
			Detail: fmt.Sprintf("Execution failed due to configuration error: Malformed Lambda proxy response from %s", l.function), Err: err}
	}
	status := r.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	if req.Lambda != nil {
		req.Lambda.Status = status
	}
	return &IntegrationResult{StatusCode: status, Headers: r.HTTPHeader(), Body: r.BodyBytes()}, nil
}

// call invokes the function: on this machine when the gateway runs it (see
// Functions), else through the Invoke API. log is the local invocation's
// log ("" through the Invoke API).
func (l *lambdaIntegration) call(ctx context.Context, req *IntegrationRequest, payload []byte) (res []byte, fnErr, log string, err error) {
	if fns := req.Functions; l.local && fns != nil && fns.Has(l.function) {
		res, fnErr, log, err = fns.Invoke(ctx, l.function, payload)
		if err != nil {
			return nil, "", log, fmt.Errorf("running local function %s: %w", l.function, err)
		}
		return res, fnErr, log, nil
	}
	client, err := req.lambda.Client(l.endpoint, l.mode)
	if err != nil {
		return nil, "", "", err
	}
	res, fnErr, err = client.Invoke(ctx, l.function, payload)
	if err != nil {
		return nil, "", "", fmt.Errorf("calling Lambda function %s at %s: %w", l.function, l.endpoint, err)
	}
	return res, fnErr, "", nil
}

// event builds the Lambda proxy event for req.
func (l *lambdaIntegration) event(req *IntegrationRequest) ([]byte, error) {
	rc := req.Context
	conn, r := lambdaConnection(rc, req.StageVariables), lambdaRequest(rc)
	var e lambda.Event
	switch rc.EventType {
	case EventTypeConnect:
		e = lambda.ConnectEvent(conn, r, lambda.ForwardedHeaders(req.Headers, rc.DomainName, rc.SourceIP, rc.scheme()), req.QueryString)
	case EventTypeDisconnect:
		// AWS's own spelling of its fixed set (x-api-key, x-restapi).
		e = lambda.DisconnectEvent(conn, r, lambda.DisconnectHeaders(rc.DomainName), rc.DisconnectStatusCode, rc.DisconnectReason)
	default:
		body := req.RawBody
		if l.binary && len(body) > 0 {
			dec, err := base64.StdEncoding.DecodeString(string(body))
			if err != nil {
				return nil, configError("CONVERT_TO_BINARY: the message is not base64: %v", err)
			}
			body = dec
		}
		e = lambda.MessageEvent(conn, r, body, l.binary)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding the Lambda event: %w", err)
	}
	return b, nil
}

// lambdaConnection returns what every event of rc's connection shares.
func lambdaConnection(rc *RequestContext, stageVars map[string]string) lambda.Connection {
	c := lambda.Connection{
		APIID:          rc.APIID,
		Stage:          rc.Stage,
		DomainName:     rc.DomainName,
		ConnectionID:   rc.ConnectionID,
		ConnectedAt:    rc.ConnectedAt,
		SourceIP:       rc.SourceIP,
		UserAgent:      rc.UserAgent,
		APIKey:         rc.APIKey,
		StageVariables: stageVars,
	}
	if len(rc.Authorizer) > 0 {
		c.Authorizer = make(map[string]any, len(rc.Authorizer))
		for k, v := range rc.Authorizer {
			c.Authorizer[k] = v
		}
	}
	return c
}

func lambdaRequest(rc *RequestContext) lambda.Request {
	return lambda.Request{RouteKey: rc.RouteKey, RequestID: rc.RequestID, MessageID: rc.MessageID, Time: rc.RequestTime}
}
