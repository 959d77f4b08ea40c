package lambda

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
)

// ErrMalformed is wrapped by every error ParseResult returns: the function
// answered, but not with a proxy result API Gateway accepts. On a message
// route that is the "Internal server error" frame; on $connect a 502.
var ErrMalformed = errors.New("malformed Lambda proxy response")

// Result is a Lambda proxy integration's result.
type Result struct {
	// StatusCode is 0 when the function returned no result at all (null, or
	// an empty payload); see ParseResult.
	StatusCode        int
	Headers           map[string]string
	MultiValueHeaders map[string][]string
	Body              string
	IsBase64Encoded   bool
}

// resultKeys are the keys a proxy result may have; any other key makes it
// malformed.
var resultKeys = map[string]bool{
	"statusCode":        true,
	"headers":           true,
	"multiValueHeaders": true,
	"body":              true,
	"isBase64Encoded":   true,
}

// ParseResult checks a function's result payload. A JSON object with only
// statusCode, headers, multiValueHeaders, body and isBase64Encoded, each of
// the right type, is a result; null or an empty payload is an empty result
// (StatusCode 0: the function returned nothing); anything else wraps
// ErrMalformed with the reason.
func ParseResult(payload []byte) (Result, error) {
	var r Result
	t := bytes.TrimSpace(payload)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return r, nil
	}
	if t[0] != '{' {
		return r, fmt.Errorf("%w: want a JSON object, got %s", ErrMalformed, describe(t))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(t, &raw); err != nil {
		return r, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var extra []string
	for k := range raw {
		if !resultKeys[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return r, fmt.Errorf("%w: unexpected key %s (allowed: statusCode, headers, multiValueHeaders, body, isBase64Encoded)", ErrMalformed, strings.Join(quoteAll(extra), ", "))
	}
	if v, ok := raw["statusCode"]; ok && !isNull(v) {
		var f float64
		if err := json.Unmarshal(v, &f); err != nil || f != math.Trunc(f) || f < 100 || f > 599 {
			return r, fmt.Errorf("%w: statusCode must be an integer from 100 to 599, got %s", ErrMalformed, describe(v))
		}
		r.StatusCode = int(f)
	}
	if v, ok := raw["body"]; ok && !isNull(v) {
		if err := json.Unmarshal(v, &r.Body); err != nil {
			return r, fmt.Errorf("%w: body must be a string, got %s", ErrMalformed, describe(v))
		}
	}
	if v, ok := raw["isBase64Encoded"]; ok && !isNull(v) {
		if err := json.Unmarshal(v, &r.IsBase64Encoded); err != nil {
			return r, fmt.Errorf("%w: isBase64Encoded must be true or false, got %s", ErrMalformed, describe(v))
		}
	}
	if v, ok := raw["headers"]; ok && !isNull(v) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return r, fmt.Errorf("%w: headers must be an object, got %s", ErrMalformed, describe(v))
		}
		r.Headers = make(map[string]string, len(m))
		for k, hv := range m {
			s, err := scalar(hv)
			if err != nil {
				return r, fmt.Errorf("%w: header %q: %v", ErrMalformed, k, err)
			}
			r.Headers[k] = s
		}
	}
	if v, ok := raw["multiValueHeaders"]; ok && !isNull(v) {
		var m map[string][]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return r, fmt.Errorf("%w: multiValueHeaders must be an object of arrays, got %s", ErrMalformed, describe(v))
		}
		r.MultiValueHeaders = make(map[string][]string, len(m))
		for k, vals := range m {
			for _, hv := range vals {
				s, err := scalar(hv)
				if err != nil {
					return r, fmt.Errorf("%w: multiValueHeaders %q: %v", ErrMalformed, k, err)
				}
				r.MultiValueHeaders[k] = append(r.MultiValueHeaders[k], s)
			}
		}
	}
	if r.IsBase64Encoded {
		if _, err := base64.StdEncoding.DecodeString(r.Body); err != nil {
			return r, fmt.Errorf("%w: isBase64Encoded is true but body is not base64: %v", ErrMalformed, err)
		}
	}
	return r, nil
}

// BodyBytes returns the body, base64-decoded when IsBase64Encoded.
func (r Result) BodyBytes() []byte {
	if r.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(r.Body)
		if err == nil {
			return b
		}
	}
	return []byte(r.Body)
}

// Header returns the value of the named header from headers, else the first
// from multiValueHeaders, matching names case-insensitively.
func (r Result) Header(name string) string {
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	for k, v := range r.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// HTTPHeader returns headers and multiValueHeaders merged into one
// http.Header.
func (r Result) HTTPHeader() http.Header {
	h := http.Header{}
	for k, vals := range r.MultiValueHeaders {
		for _, v := range vals {
			h.Add(k, v)
		}
	}
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	return h
}

// scalar returns a header value: a string, or a number or boolean written as
// JSON writes it.
func scalar(v json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, nil
	}
	var f float64
	if json.Unmarshal(v, &f) == nil {
		return strings.TrimSpace(string(v)), nil
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		return fmt.Sprint(b), nil
	}
	return "", fmt.Errorf("want a string, got %s", describe(v))
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// describe names a JSON value's kind for an error message, with a short
// excerpt.
func describe(v []byte) string {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return "nothing"
	}
	kind := "text"
	switch {
	case t[0] == '"':
		kind = "a string"
	case t[0] == '{':
		kind = "an object"
	case t[0] == '[':
		kind = "an array"
	case t[0] == 't' || t[0] == 'f':
		kind = "a boolean"
	case t[0] == '-' || (t[0] >= '0' && t[0] <= '9'):
		kind = "a number"
	}
	ex := []rune(string(t))
	if len(ex) > 40 {
		ex = append(ex[:40], '…')
	}
	return fmt.Sprintf("%s (%s)", kind, string(ex))
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
