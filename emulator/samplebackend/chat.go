// Package samplebackend is a built-in backend for demos that need no cloud
// account: the functions of the AWS simple-websockets-chat-app sample served
// through the Lambda Invoke API, so the gateway calls them exactly as it calls
// `sam local start-lambda`.
//
// The chat keeps its connections table in memory instead of DynamoDB. Like
// the sample, sendmessage posts the message's data to every connection
// (the sender included) through the gateway's @connections API, at
// {scheme}://{domainName}/{stage}/@connections/{id} built from the event, and
// drops connections that answer 410 Gone.
package samplebackend

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Function kinds of the chat sample.
const (
	fnConnect    = "connect"
	fnDisconnect = "disconnect"
	fnSend       = "sendmessage"
)

// chatFunctions maps every name the seed projects give the chat's functions
// to what the function does: the SAM template's logical IDs (how
// `sam local` names them), the serverless.yml function names, and the logical
// IDs the Serverless Framework compiles those to.
var chatFunctions = map[string]string{
	"OnConnectFunction":         fnConnect,
	"OnDisconnectFunction":      fnDisconnect,
	"SendMessageFunction":       fnSend,
	"connect":                   fnConnect,
	"disconnect":                fnDisconnect,
	"sendMessage":               fnSend,
	"ConnectLambdaFunction":     fnConnect,
	"DisconnectLambdaFunction":  fnDisconnect,
	"SendMessageLambdaFunction": fnSend,
}

// FunctionNames returns the function names the chat answers to, sorted.
func FunctionNames() []string {
	names := make([]string, 0, len(chatFunctions))
	for n := range chatFunctions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// maxPosts bounds how many @connections posts one sendmessage makes at once.
const maxPosts = 16

// Options configure a Chat.
type Options struct {
	// HTTPClient posts to @connections. Nil means a client with a 10 s
	// timeout that trusts the system's roots.
	HTTPClient *http.Client
	// Logf, when set, gets one line per function call.
	Logf func(format string, args ...any)
}

// Chat is the chat sample's functions behind the Lambda Invoke API. It is an
// http.Handler and safe for concurrent use.
type Chat struct {
	client *http.Client
	logf   func(string, ...any)

	mu    sync.Mutex
	conns map[string]connection // the connections table
}

type connection struct {
	scheme string // http or https, from the $connect event's X-Forwarded-Proto
}

// NewChat returns a chat with an empty connections table.
func NewChat(opts Options) *Chat {
	c := &Chat{client: opts.HTTPClient, logf: opts.Logf, conns: map[string]connection{}}
	if c.client == nil {
		c.client = &http.Client{Timeout: 10 * time.Second}
	}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	return c
}

// Connections returns the connection IDs in the table, sorted.
func (c *Chat) Connections() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := make([]string, 0, len(c.conns))
	for id := range c.conns {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// event is the part of a proxy event the chat reads.
type event struct {
	Headers        map[string]string `json:"headers"`
	Body           *string           `json:"body"`
	RequestContext struct {
		ConnectionID string `json:"connectionId"`
		DomainName   string `json:"domainName"`
		Stage        string `json:"stage"`
		RouteKey     string `json:"routeKey"`
	} `json:"requestContext"`
}

// result is a Lambda proxy result.
type result struct {
	StatusCode int    `json:"statusCode"`
	Body       string `json:"body"`
}

// functionError is a Lambda function error, as a Node runtime reports one.
type functionError struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

// ServeHTTP serves POST /2015-03-31/functions/{name}/invocations.
func (c *Chat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
	name, ok2 := strings.CutSuffix(name, "/invocations")
	if !ok || !ok2 {
		serviceError(w, http.StatusNotFound, "ResourceNotFoundException", "no such resource: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		serviceError(w, http.StatusMethodNotAllowed, "InvalidRequestContentException", "invoke with POST")
		return
	}
	kind, ok := chatFunctions[name]
	if !ok {
		serviceError(w, http.StatusNotFound, "ResourceNotFoundException",
			fmt.Sprintf("Function not found: %s (the chat sample serves %s)", name, strings.Join(FunctionNames(), ", ")))
		return
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, 6<<20))
	if err != nil {
		serviceError(w, http.StatusBadRequest, "InvalidRequestContentException", err.Error())
		return
	}
	var e event
	if err := json.Unmarshal(payload, &e); err != nil {
		serviceError(w, http.StatusBadRequest, "InvalidRequestContentException", "could not parse request body into json: "+err.Error())
		return
	}
	var res any
	switch kind {
	case fnConnect:
		res = c.connect(e)
	case fnDisconnect:
		res = c.disconnect(e)
	case fnSend:
		res = c.sendMessage(r.Context(), e)
	}
	w.Header().Set("Content-Type", "application/json")
	if _, failed := res.(functionError); failed {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	}
	json.NewEncoder(w).Encode(res)
}

func (c *Chat) connect(e event) any {
	id := e.RequestContext.ConnectionID
	if id == "" {
		return functionError{"ValidationException", "requestContext.connectionId is missing"}
	}
	scheme := "http"
	for k, v := range e.Headers {
		if strings.EqualFold(k, "X-Forwarded-Proto") && v == "https" {
			scheme = "https"
		}
	}
	c.mu.Lock()
	c.conns[id] = connection{scheme: scheme}
	n := len(c.conns)
	c.mu.Unlock()
	c.logf("connect %s (%d connected)", id, n)
	return result{StatusCode: 200, Body: "Connected."}
}

func (c *Chat) disconnect(e event) any {
	id := e.RequestContext.ConnectionID
	c.mu.Lock()
	delete(c.conns, id)
	n := len(c.conns)
	c.mu.Unlock()
	c.logf("disconnect %s (%d connected)", id, n)
	return result{StatusCode: 200, Body: "Disconnected."}
}

// sendMessage is the sample's sendmessage handler: post JSON.parse(body).data
// to every connection; a 410 removes the connection; any other failure
// answers 500 with the error, as the sample returns e.stack.
func (c *Chat) sendMessage(ctx context.Context, e event) any {
	if e.Body == nil {
		return functionError{"TypeError", "event.body is undefined"}
	}
	var msg map[string]json.RawMessage
	if err := json.Unmarshal([]byte(*e.Body), &msg); err != nil {
		return functionError{"SyntaxError", fmt.Sprintf("Unexpected token in JSON: %v", err)}
	}
	data := postData(msg["data"])
	rc := e.RequestContext
	c.mu.Lock()
	scheme := c.conns[rc.ConnectionID].scheme
	targets := make([]string, 0, len(c.conns))
	for id := range c.conns {
		targets = append(targets, id)
	}
	c.mu.Unlock()
	if scheme == "" {
		scheme = "http"
	}
	base := scheme + "://" + rc.DomainName + "/" + rc.Stage
	sort.Strings(targets)

	var (
		wg   sync.WaitGroup
		sem  = make(chan struct{}, maxPosts)
		mu   sync.Mutex
		gone []string
		errs []string
	)
	for _, id := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			status, err := c.post(ctx, base, id, data)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err.Error())
			case status == http.StatusGone:
				gone = append(gone, id)
			case status < 200 || status > 299:
				errs = append(errs, fmt.Sprintf("PostToConnection %s: HTTP %d", id, status))
			}
		}()
	}
	wg.Wait()
	if len(gone) > 0 {
		c.mu.Lock()
		for _, id := range gone {
			delete(c.conns, id)
		}
		c.mu.Unlock()
	}
	c.logf("sendmessage from %s: posted to %d, %d gone, %d failed", rc.ConnectionID, len(targets)-len(gone)-len(errs), len(gone), len(errs))
	if len(errs) > 0 {
		sort.Strings(errs)
		return result{StatusCode: 500, Body: strings.Join(errs, "\n")}
	}
	return result{StatusCode: 200, Body: "Data sent."}
}

// postData is what the sample hands PostToConnection as Data: a string's
// text, or any other JSON value as written.
func postData(v json.RawMessage) []byte {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return []byte(s)
	}
	return bytes.TrimSpace(v)
}

// post sends data to one connection, as PostToConnection does, and returns
// the HTTP status.
func (c *Chat) post(ctx context.Context, base, id string, data []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/@connections/"+encodeURIComponent(id), bytes.NewReader(data))
	if err != nil {
		return 0, fmt.Errorf("PostToConnection %s: %w", id, err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("PostToConnection %s: %w", id, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// encodeURIComponent escapes an ID as the AWS SDK for JavaScript does
// (extendedEncodeURIComponent): everything but A-Z a-z 0-9 - _ . ~, so the
// "=" of a connection ID travels as %3D.
func encodeURIComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

func serviceError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": msg})
}
