package httpinteg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxResponse bounds a backend answer the gateway reads.
const maxResponse = 10 << 20

// Request is one backend call.
type Request struct {
	Method string // the integration method; "" means POST
	URI    string // the integration URI, possibly with {name} path parameters
	// Header is sent as is (HTTP_PROXY forwards the client's headers on
	// $connect; see ProxyHeaders); mapped headers are added on top.
	Header http.Header
	Mapped Mapped
	Body   []byte
	// ContentType is the body's type; "" means application/json when Body is
	// JSON and text/plain otherwise.
	ContentType string
}

// Response is what the backend answered.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Duration time.Duration
}

// NewHTTPRequest builds the backend request: the URI with path parameters
// filled and mapped query parameters added, the method, the headers and the
// body.
func NewHTTPRequest(ctx context.Context, r Request) (*http.Request, error) {
	target, err := expandURI(r.URI, r.Mapped.Path)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("integration URI %q: %w", r.URI, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("integration URI %q: want an http:// or https:// URL", r.URI)
	}
	if len(r.Mapped.Query) > 0 {
		q := u.Query()
		for k, vs := range r.Mapped.Query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	method := strings.ToUpper(strings.TrimSpace(r.Method))
	if method == "" || method == "ANY" {
		method = http.MethodPost
	}
	var body io.Reader
	if len(r.Body) > 0 {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("integration request: %w", err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for k, vs := range r.Mapped.Header {
		for hk := range req.Header {
			if strings.EqualFold(hk, k) {
				delete(req.Header, hk)
			}
		}
		req.Header[k] = append([]string(nil), vs...)
	}
	if len(r.Body) > 0 && req.Header.Get("Content-Type") == "" {
		ct := r.ContentType
		if ct == "" {
			ct = "text/plain; charset=utf-8"
			if json.Valid(r.Body) {
				ct = "application/json"
			}
		}
		req.Header.Set("Content-Type", ct)
	}
	return req, nil
}

// Do sends r with client (nil: http.DefaultClient) and reads the answer. A
// transport failure or a cancelled ctx is an error; ctx's error is wrapped,
// so errors.Is finds context.DeadlineExceeded on an integration timeout. Any
// HTTP status is an answer.
func Do(ctx context.Context, client *http.Client, r Request) (Response, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := NewHTTPRequest(ctx, r)
	if err != nil {
		return Response{}, err
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Response{Duration: time.Since(start)}, fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), ctx.Err())
		}
		return Response{Duration: time.Since(start)}, fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	out := Response{Status: resp.StatusCode, Header: resp.Header, Duration: time.Since(start)}
	if err != nil {
		if ctx.Err() != nil {
			return out, fmt.Errorf("%s %s: reading the answer: %w", req.Method, req.URL.Redacted(), ctx.Err())
		}
		return out, fmt.Errorf("%s %s: reading the answer: %w", req.Method, req.URL.Redacted(), err)
	}
	if len(body) > maxResponse {
		return out, fmt.Errorf("%s %s: answer larger than %d bytes", req.Method, req.URL.Redacted(), maxResponse)
	}
	out.Body = body
	return out, nil
}

// expandURI fills {name} and {name+} path parameters.
func expandURI(uri string, path map[string]string) (string, error) {
	var b strings.Builder
	rest := uri
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		name := rest[i+1 : i+j]
		greedy := strings.HasSuffix(name, "+")
		name = strings.TrimSuffix(name, "+")
		v, ok := path[name]
		if !ok {
			return "", fmt.Errorf("integration URI %q: path parameter {%s} has no mapped value (integration.request.path.%s)", uri, name, name)
		}
		b.WriteString(rest[:i])
		if greedy {
			b.WriteString((&url.URL{Path: v}).EscapedPath())
		} else {
			b.WriteString(url.PathEscape(v))
		}
		rest = rest[i+j+1:]
	}
}

// hopByHop are headers that belong to one connection, never forwarded; the
// WebSocket handshake headers go too, since the backend call is not an
// upgrade.
var hopByHop = map[string]bool{
	"Connection":               true,
	"Keep-Alive":               true,
	"Proxy-Authenticate":       true,
	"Proxy-Authorization":      true,
	"Te":                       true,
	"Trailer":                  true,
	"Transfer-Encoding":        true,
	"Upgrade":                  true,
	"Host":                     true,
	"Content-Length":           true,
	"Sec-Websocket-Key":        true,
	"Sec-Websocket-Version":    true,
	"Sec-Websocket-Extensions": true,
	"Sec-Websocket-Accept":     true,
}

// ProxyHeaders returns the headers an HTTP_PROXY integration forwards from a
// $connect upgrade: all of the client's except hop-by-hop and WebSocket
// handshake headers (Sec-WebSocket-Protocol stays, so the backend can choose
// a subprotocol).
func ProxyHeaders(client http.Header) http.Header {
	h := http.Header{}
	for k, vs := range client {
		if hopByHop[http.CanonicalHeaderKey(k)] {
			continue
		}
		h[k] = append([]string(nil), vs...)
	}
	return h
}
