// Package authorizer decides $connect authorization the way API Gateway does
// for a WebSocket API: REQUEST Lambda authorizers (identity sources, the
// authorizer event, the IAM policy it returns, result caching by TTL), API
// keys, and a built-in mock authorizer for exploring without a Lambda.
//
// It calls functions through an Invoker, so it runs against any Lambda Invoke
// API (lambda.Client) or a function in a test.
package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/reqsource"
)

// Invoker calls a Lambda function; *lambda.Client implements it.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) (result []byte, functionError string, err error)
}

var _ Invoker = (*lambda.Client)(nil)

// Request is what a $connect upgrade offers an authorizer.
type Request struct {
	Header http.Header
	Query  url.Values
	// StageVariables and Context feed stageVariables.X and context.X identity
	// sources.
	StageVariables map[string]string
	Context        map[string]string
	// Event fills the authorizer event's requestContext.
	Connection lambda.Connection
	Request    lambda.Request
	Region     string // for methodArn; "" means us-east-1
	AccountID  string // for methodArn; "" means 123456789012
}

// Config is one REQUEST authorizer.
type Config struct {
	ID             string   // distinguishes cache entries of different authorizers
	Function       string   // the function name to invoke
	IdentitySource []string // route.request.header.X, route.request.querystring.Y, stageVariables.Z, context.W
	TTL            time.Duration
}

// Outcome is an authorization decision.
type Outcome struct {
	// Status is 0 when the connection may proceed, else the upgrade's HTTP
	// status: 401 (identity missing, or the authorizer said "Unauthorized"),
	// 403 (the policy denies), 500 (the authorizer failed or answered
	// something API Gateway cannot use).
	Status int
	// PrincipalID and Context go to requestContext.authorizer and
	// $context.authorizer.*; Context values are stringified.
	PrincipalID        string
	Context            map[string]string
	UsageIdentifierKey string
	// Called says whether the authorizer function ran (false when the
	// identity was missing or the decision came from the cache); Cached
	// whether the cache answered.
	Called bool
	Cached bool
	// Reason says why, for the trace; Err is the underlying error, if any.
	Reason string
	Err    error
}

// Allowed reports whether the connection may proceed.
func (o Outcome) Allowed() bool { return o.Status == 0 }

// AuthorizerMap returns requestContext.authorizer: principalId and the
// context values.
func (o Outcome) AuthorizerMap() map[string]string {
	m := make(map[string]string, len(o.Context)+1)
	for k, v := range o.Context {
		m[k] = v
	}
	m["principalId"] = o.PrincipalID
	return m
}

// MethodArn returns the resource a WebSocket $connect authorizer is asked
// about: arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect.
func MethodArn(region, account, apiID, stage string) string {
	if region == "" {
		region = "us-east-1"
	}
	if account == "" {
		account = "123456789012"
	}
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/$connect", region, account, apiID, stage)
}

// Event is the REQUEST authorizer event for a WebSocket $connect.
type Event struct {
	Type                            string                `json:"type"`
	MethodArn                       string                `json:"methodArn"`
	Headers                         map[string]string     `json:"headers"`
	MultiValueHeaders               map[string][]string   `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string     `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string   `json:"multiValueQueryStringParameters"`
	StageVariables                  map[string]string     `json:"stageVariables"`
	RequestContext                  lambda.RequestContext `json:"requestContext"`
}

// NewEvent builds the authorizer event for r.
func NewEvent(r Request) Event {
	ce := lambda.ConnectEvent(r.Connection, r.Request, r.Header, r.Query)
	rc := ce.RequestContext
	rc.Authorizer = nil
	e := Event{
		Type:                            "REQUEST",
		MethodArn:                       MethodArn(r.Region, r.AccountID, r.Connection.APIID, r.Connection.Stage),
		Headers:                         ce.Headers,
		MultiValueHeaders:               ce.MultiValueHeaders,
		QueryStringParameters:           ce.QueryStringParameters,
		MultiValueQueryStringParameters: ce.MultiValueQueryStringParameters,
		StageVariables:                  r.StageVariables,
		RequestContext:                  rc,
	}
	return e
}

// IdentityValues returns the values of the identity sources in order. A
// source that is missing or empty is an error naming it: API Gateway then
// answers 401 without calling the authorizer. An identity source it does not
// know is a configuration error (ErrBadSource).
func IdentityValues(sources []string, r Request) ([]string, error) {
	vals := make([]string, 0, len(sources))
	for _, src := range sources {
		v, err := identityValue(strings.TrimSpace(src), r)
		if err != nil {
			return nil, err
		}
		if v == "" {
			return nil, fmt.Errorf("identity source %s is missing", src)
		}
		vals = append(vals, v)
	}
	return vals, nil
}

// CheckIdentitySources reports the first identity source that is not one of
// the forms API Gateway accepts, so a bad authorizer is caught when the API is
// loaded rather than on the first $connect.
func CheckIdentitySources(sources []string) error {
	for _, src := range sources {
		if _, err := identityValue(strings.TrimSpace(src), Request{}); err != nil {
			return err
		}
	}
	return nil
}

// ErrBadSource is wrapped by IdentityValues for an identity source that is
// not one of the four forms API Gateway accepts.
var ErrBadSource = errors.New("unsupported identity source")

// identityKinds are the sources API Gateway accepts as identity sources.
var identityKinds = map[reqsource.Kind]bool{
	reqsource.Header:        true,
	reqsource.QueryString:   true,
	reqsource.StageVariable: true,
	reqsource.Context:       true,
}

// identityValue returns every value of the identity source src joined with
// commas.
func identityValue(src string, r Request) (string, error) {
	source, err := reqsource.Parse(src)
	if err != nil || !identityKinds[source.Kind] {
		return "", fmt.Errorf("%w %q (want route.request.header.NAME, route.request.querystring.NAME, stageVariables.NAME or context.NAME)", ErrBadSource, src)
	}
	return source.Joined(reqsource.Request{Header: r.Header, Query: r.Query, StageVariables: r.StageVariables, Context: r.Context}), nil
}

// Authorize runs the REQUEST authorizer cfg for r: a missing identity source
// → 401 without a call; a cached decision for the same identity values within
// the TTL → that decision; otherwise the function is invoked and its answer
// evaluated. cache may be nil (no caching).
func Authorize(ctx context.Context, inv Invoker, cfg Config, r Request, cache *Cache) Outcome {
	vals, err := IdentityValues(cfg.IdentitySource, r)
	if errors.Is(err, ErrBadSource) {
		return Outcome{Status: http.StatusInternalServerError, Reason: "authorizer configuration error", Err: err}
	}
	if err != nil {
		// The error is the whole reason; as Err too it would print twice.
		return Outcome{Status: http.StatusUnauthorized, Reason: err.Error()}
	}
	key := ""
	useCache := cache != nil && cfg.TTL > 0 && len(vals) > 0
	if useCache {
		key = cacheKey(cfg, vals)
		if o, ok := cache.get(key); ok {
			o.Cached = true
			o.Called = false
			return o
		}
	}
	o := call(ctx, inv, cfg, r)
	// Only a decision the authorizer made is cached; a failed call is not.
	if useCache && o.Called && (o.Status == 0 || o.Status == http.StatusForbidden) {
		cache.put(key, o, cfg.TTL)
	}
	return o
}

func call(ctx context.Context, inv Invoker, cfg Config, r Request) Outcome {
	if inv == nil {
		return Outcome{Status: http.StatusInternalServerError, Reason: "no Lambda endpoint for the authorizer"}
	}
	payload, err := json.Marshal(NewEvent(r))
	if err != nil {
		return Outcome{Status: http.StatusInternalServerError, Reason: "building the authorizer event", Err: err}
	}
	res, fnErr, err := inv.Invoke(ctx, cfg.Function, payload)
	if err != nil {
		return Outcome{Status: http.StatusInternalServerError, Reason: "calling the authorizer failed", Err: err}
	}
	if fnErr != "" {
		msg := lambda.ErrorMessage(res)
		if msg == "Unauthorized" {
			return Outcome{Status: http.StatusUnauthorized, Called: true, Reason: `the authorizer answered "Unauthorized"`}
		}
		return Outcome{Status: http.StatusInternalServerError, Called: true, Reason: "the authorizer failed: " + msg}
	}
	resp, err := ParseResponse(res)
	if err != nil {
		return Outcome{Status: http.StatusInternalServerError, Called: true, Reason: "the authorizer's answer is not a policy", Err: err}
	}
	arn := MethodArn(r.Region, r.AccountID, r.Connection.APIID, r.Connection.Stage)
	o := Outcome{Called: true, PrincipalID: resp.PrincipalID, Context: resp.Context, UsageIdentifierKey: resp.UsageIdentifierKey}
	switch resp.Policy.Evaluate("execute-api:Invoke", arn) {
	case Allow:
		o.Reason = "the policy allows " + arn
	case Deny:
		o.Status = http.StatusForbidden
		o.Reason = "the policy denies " + arn
	default:
		o.Status = http.StatusForbidden
		o.Reason = "the policy does not allow " + arn
	}
	return o
}
