package lambda

import (
	"errors"
	"strings"
	"testing"
)

func TestParseResult(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantStatus int
		wantBody   string
		wantHeader [2]string // name, value via Header
		malformed  string    // substring of the error
	}{
		{name: "chat sample", in: `{"statusCode":200,"body":"Connected."}`, wantStatus: 200, wantBody: "Connected."},
		{name: "subprotocol header", in: `{"statusCode":200,"headers":{"Sec-WebSocket-Protocol":"chat"}}`, wantStatus: 200, wantHeader: [2]string{"sec-websocket-protocol", "chat"}},
		{name: "multi value header", in: `{"statusCode":200,"multiValueHeaders":{"X-A":["1","2"]}}`, wantStatus: 200, wantHeader: [2]string{"x-a", "1"}},
		{name: "numeric header value", in: `{"statusCode":200,"headers":{"X-N":5}}`, wantStatus: 200, wantHeader: [2]string{"X-N", "5"}},
		{name: "null", in: `null`},
		{name: "empty payload", in: ``},
		{name: "empty object", in: `{}`},
		{name: "null fields", in: `{"statusCode":null,"body":null,"headers":null}`},
		{name: "base64 body", in: `{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, wantStatus: 200, wantBody: "aGk="},
		{name: "extra key", in: `{"statusCode":200,"body":"x","message":"hi"}`, malformed: `unexpected key "message"`},
		{name: "lambda error object", in: `{"errorMessage":"boom","errorType":"Error"}`, malformed: `unexpected key "errorMessage", "errorType"`},
		{name: "statusCode string", in: `{"statusCode":"200"}`, malformed: "statusCode must be an integer"},
		{name: "statusCode fraction", in: `{"statusCode":200.5}`, malformed: "statusCode must be an integer"},
		{name: "statusCode out of range", in: `{"statusCode":99}`, malformed: "statusCode must be an integer"},
		{name: "body object", in: `{"statusCode":200,"body":{"a":1}}`, malformed: "body must be a string"},
		{name: "headers array", in: `{"headers":[1]}`, malformed: "headers must be an object"},
		{name: "header object value", in: `{"headers":{"a":{}}}`, malformed: `header "a"`},
		{name: "bad base64", in: `{"body":"%%%","isBase64Encoded":true}`, malformed: "not base64"},
		{name: "isBase64Encoded string", in: `{"isBase64Encoded":"yes"}`, malformed: "isBase64Encoded must be"},
		{name: "a string", in: `"Data sent."`, malformed: "want a JSON object, got a string"},
		{name: "a number", in: `200`, malformed: "want a JSON object, got a number"},
		{name: "not JSON", in: `Task timed out`, malformed: "want a JSON object"},
		{name: "broken JSON", in: `{"statusCode":`, malformed: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseResult([]byte(tt.in))
			if tt.malformed != "" {
				if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.malformed) {
					t.Fatalf("err = %v, want ErrMalformed containing %q", err, tt.malformed)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode != tt.wantStatus || r.Body != tt.wantBody {
				t.Fatalf("got %d %q, want %d %q", r.StatusCode, r.Body, tt.wantStatus, tt.wantBody)
			}
			if tt.wantHeader[0] != "" && r.Header(tt.wantHeader[0]) != tt.wantHeader[1] {
				t.Fatalf("Header(%q) = %q, want %q", tt.wantHeader[0], r.Header(tt.wantHeader[0]), tt.wantHeader[1])
			}
		})
	}
}

func TestResultBodyBytesAndHTTPHeader(t *testing.T) {
	r, err := ParseResult([]byte(`{"body":"aGk=","isBase64Encoded":true,"headers":{"A":"1"},"multiValueHeaders":{"B":["2","3"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(r.BodyBytes()) != "hi" {
		t.Fatalf("BodyBytes = %q", r.BodyBytes())
	}
	h := r.HTTPHeader()
	if h.Get("A") != "1" || strings.Join(h.Values("B"), ",") != "2,3" {
		t.Fatalf("HTTPHeader = %v", h)
	}
}

func FuzzParseResult(f *testing.F) {
	for _, s := range []string{
		`{"statusCode":200,"body":"x"}`, `null`, ``, `{"headers":{"a":1},"multiValueHeaders":{"b":["c",true]}}`,
		`{"body":"aGk=","isBase64Encoded":true}`, `{"statusCode":1e3}`, `[]`, `{"x":1}`, "{\"body\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		r, err := ParseResult(payload)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if r.StatusCode != 0 && (r.StatusCode < 100 || r.StatusCode > 599) {
			t.Fatalf("status %d accepted", r.StatusCode)
		}
		_ = r.BodyBytes()
		_ = r.HTTPHeader()
	})
}
