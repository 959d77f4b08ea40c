package emulator

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"wsworkbench/emulator/authorizer"
	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/model"
)

// maxAuthorizerTTL is API Gateway's limit on AuthorizerResultTtlInSeconds.
const maxAuthorizerTTL = 3600

// lambdaAuthorizer is a compiled $connect REQUEST authorizer. Its cache
// belongs to the snapshot: a changed API starts with an empty cache, as a
// redeployed one does.
type lambdaAuthorizer struct {
	cfg      authorizer.Config
	endpoint string
	mode     lambda.Mode
	local    bool // no endpoint configured: the gateway's Functions run local code
	cache    *authorizer.Cache
}

// newLambdaAuthorizer checks au and prepares it for calls.
func newLambdaAuthorizer(au *model.Authorizer, api *model.API) (*lambdaAuthorizer, error) {
	if au.Type != "" && !strings.EqualFold(au.Type, "REQUEST") {
		return nil, fmt.Errorf("authorizer type %q: WebSocket APIs have REQUEST authorizers only", au.Type)
	}
	fn := strings.TrimSpace(au.FunctionName)
	if fn == "" {
		var err error
		if fn, err = lambda.FunctionName(au.URI); err != nil {
			return nil, fmt.Errorf("AuthorizerUri: %w", err)
		}
	}
	if err := authorizer.CheckIdentitySources(au.IdentitySource); err != nil {
		return nil, err
	}
	if au.TTLSeconds < 0 || au.TTLSeconds > maxAuthorizerTTL {
		return nil, fmt.Errorf("AuthorizerResultTtlInSeconds %d is outside 0-%d", au.TTLSeconds, maxAuthorizerTTL)
	}
	endpoint, mode, err := lambdaTarget(api)
	if err != nil {
		return nil, err
	}
	return &lambdaAuthorizer{
		cfg: authorizer.Config{
			ID:             au.ID,
			Function:       fn,
			IdentitySource: au.IdentitySource,
			TTL:            time.Duration(au.TTLSeconds) * time.Second,
		},
		endpoint: endpoint,
		mode:     mode,
		local:    strings.TrimSpace(api.Settings.LambdaEndpoint) == "",
		cache:    authorizer.NewCache(nil),
	}, nil
}

// authorize runs the authorizer for a $connect. When call is not nil it
// records the Lambda call, if one is made.
func (a *lambdaAuthorizer) authorize(ctx context.Context, req *request, call *LambdaCall) authorizer.Outcome {
	var inv authorizer.Invoker
	if fns := req.g.opts.Functions; a.local && fns != nil && fns.Has(a.cfg.Function) {
		inv = localInvoker{fns: fns, call: call}
	} else {
		client, err := req.g.lambda.Client(a.endpoint, a.mode)
		if err != nil {
			return authorizer.Outcome{Status: http.StatusInternalServerError, Reason: "no Lambda client for the authorizer", Err: err}
		}
		inv = client
	}
	rc := &req.rc
	ar := authorizer.Request{
		Header:         lambda.ForwardedHeaders(req.head, rc.DomainName, rc.SourceIP, rc.scheme()),
		Query:          req.query,
		StageVariables: req.snap.api.Stage.Variables,
		Context:        rc.flat(),
		Connection:     lambdaConnection(rc, req.snap.api.Stage.Variables),
		Request:        lambdaRequest(rc),
	}
	if call != nil {
		inv = recordingInvoker{inv: inv, call: call}
	}
	return authorizer.Authorize(ctx, inv, a.cfg, ar, a.cache)
}

// recordingInvoker records the call it makes in call, for the trace.
type recordingInvoker struct {
	inv  authorizer.Invoker
	call *LambdaCall
}

// Invoke calls the function and records what was sent and received.
func (r recordingInvoker) Invoke(ctx context.Context, function string, payload []byte) ([]byte, string, error) {
	start := time.Now()
	res, fnErr, err := r.inv.Invoke(ctx, function, payload)
	r.call.record(function, payload, res, fnErr, err, time.Since(start))
	return res, fnErr, err
}

// lambdaTarget returns the Lambda endpoint and call mode the API's settings
// name (DefaultLambdaEndpoint when none).
func lambdaTarget(api *model.API) (string, lambda.Mode, error) {
	mode, err := lambda.ParseMode(api.Settings.LambdaMode)
	if err != nil {
		return "", 0, err
	}
	endpoint := strings.TrimSpace(api.Settings.LambdaEndpoint)
	if endpoint == "" {
		endpoint = DefaultLambdaEndpoint
	}
	if _, err := lambda.ParseEndpoint(endpoint); err != nil {
		return "", 0, err
	}
	return endpoint, mode, nil
}
