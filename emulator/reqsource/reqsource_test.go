package reqsource

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func testRequest() Request {
	return Request{
		Context:        map[string]string{"connectionId": "R1kmxc2VNjMCFIA=", "authorizer.principalId": "alice", "empty": ""},
		Header:         http.Header{"Authorization": {"Bearer t"}, "X-Multi": {"a", "b"}, "X-Blank": {"a", ""}, "lower-only": {"l"}},
		Query:          url.Values{"room": {"lobby", "kitchen"}},
		StageVariables: map[string]string{"backend": "v2"},
		Body:           []byte(`{"action":"send","data":{"to":"bob","n":3},"list":[1,2]}`),
	}
}

func TestSources(t *testing.T) {
	tests := []struct {
		name   string
		expr   string
		kind   Kind
		values []string
		joined string
	}{
		{name: "static", expr: "'hello world'", kind: Static, values: []string{"hello world"}, joined: "hello world"},
		{name: "static with spaces around", expr: "  'x'  ", kind: Static, values: []string{"x"}, joined: "x"},
		{name: "context", expr: "context.connectionId", kind: Context, values: []string{"R1kmxc2VNjMCFIA="}, joined: "R1kmxc2VNjMCFIA="},
		{name: "dotted context", expr: "context.authorizer.principalId", kind: Context, values: []string{"alice"}, joined: "alice"},
		{name: "empty context", expr: "context.empty", kind: Context},
		{name: "missing context", expr: "context.nope", kind: Context},
		{name: "stage variable", expr: "stageVariables.backend", kind: StageVariable, values: []string{"v2"}, joined: "v2"},
		{name: "header any case", expr: "route.request.header.authorization", kind: Header, values: []string{"Bearer t"}, joined: "Bearer t"},
		{name: "header not canonically spelled", expr: "route.request.header.Lower-Only", kind: Header, values: []string{"l"}, joined: "l"},
		{name: "header last value, joined all", expr: "route.request.header.X-Multi", kind: Header, values: []string{"b"}, joined: "a,b"},
		{name: "header last value empty", expr: "route.request.header.X-Blank", kind: Header, joined: "a,"},
		{name: "missing header", expr: "route.request.header.Nope", kind: Header},
		{name: "multivalue header", expr: "route.request.multivalueheader.x-multi", kind: MultiValueHeader, values: []string{"a", "b"}, joined: "a,b"},
		{name: "querystring last value", expr: "route.request.querystring.room", kind: QueryString, values: []string{"kitchen"}, joined: "lobby,kitchen"},
		{name: "querystring is case-sensitive", expr: "route.request.querystring.Room", kind: QueryString},
		{name: "multivalue querystring", expr: "route.request.multivaluequerystring.room", kind: MultiValueQueryString, values: []string{"lobby", "kitchen"}, joined: "lobby,kitchen"},
		{name: "body string", expr: "route.request.body.data.to", kind: Body, values: []string{"bob"}, joined: "bob"},
		{name: "body JSONPath with $", expr: "route.request.body.$.action", kind: Body, values: []string{"send"}, joined: "send"},
		{name: "body object", expr: "route.request.body.data", kind: Body, values: []string{`{"to":"bob","n":3}`}, joined: `{"to":"bob","n":3}`},
		{name: "body index", expr: "route.request.body.list[1]", kind: Body, values: []string{"2"}, joined: "2"},
		{name: "missing body member", expr: "route.request.body.nope", kind: Body},
	}
	r := testRequest()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if s.Kind != tt.kind {
				t.Errorf("kind = %d, want %d", s.Kind, tt.kind)
			}
			if got := s.Values(r); !reflect.DeepEqual(got, tt.values) {
				t.Errorf("Values = %q, want %q", got, tt.values)
			}
			if got := s.Joined(r); got != tt.joined {
				t.Errorf("Joined = %q, want %q", got, tt.joined)
			}
		})
	}
}

func TestBodyNotJSON(t *testing.T) {
	s, err := Parse("route.request.body.a")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"", "a=1", `{"a":`} {
		if got := s.Values(Request{Body: []byte(body)}); got != nil {
			t.Errorf("body %q: Values = %q, want none", body, got)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		expr string
		want string
	}{
		{name: "unknown prefix", expr: "request.header.X", want: "must be 'static'"},
		{name: "empty", expr: "", want: "must be 'static'"},
		{name: "lone quote", expr: "'", want: "must be 'static'"},
		{name: "context without name", expr: "context.", want: "must be 'static'"},
		{name: "stage variable without name", expr: "stageVariables", want: "must be 'static'"},
		{name: "route without request", expr: "route.header.X", want: "want route.request."},
		{name: "route without name", expr: "route.request.header.", want: "names no parameter"},
		{name: "route without kind", expr: "route.request.header", want: "names no parameter"},
		{name: "route kind", expr: "route.request.path.X", want: "is not header"},
		{name: "bad JSONPath", expr: "route.request.body.a..b", want: "col"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.expr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestHeaderValues(t *testing.T) {
	h := map[string][]string{"Content-Type": {"c"}, "x-lower": {"l"}, "X-Both": {"canonical"}, "x-both": {"exact"}}
	tests := []struct {
		name, header string
		want         []string
	}{
		{name: "canonical", header: "content-type", want: []string{"c"}},
		{name: "exact", header: "Content-Type", want: []string{"c"}},
		{name: "neither", header: "X-LOWER", want: []string{"l"}},
		{name: "exact spelling wins", header: "x-both", want: []string{"exact"}},
		{name: "then canonical", header: "X-BOTH", want: []string{"canonical"}},
		{name: "missing", header: "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HeaderValues(h, tt.header); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("HeaderValues(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

// FuzzParse checks that no source expression makes Parse, Values or Joined
// panic, and that an accepted expression has a kind.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"'static'", "context.connectionId", "stageVariables.v", "route.request.header.Auth",
		"route.request.multivalueheader.X", "route.request.querystring.q", "route.request.multivaluequerystring.q",
		"route.request.body.$.a[0]", "route.request.body.a..b", "route.request.", "route", "''", "'",
	} {
		f.Add(s, []byte(`{"a":[1,"x",{"b":null}]}`))
	}
	f.Fuzz(func(t *testing.T, expr string, body []byte) {
		s, err := Parse(expr)
		if err != nil {
			return
		}
		if s.Kind < Static || s.Kind > Body {
			t.Fatalf("Parse(%q) kind %d", expr, s.Kind)
		}
		r := testRequest()
		r.Body = body
		s.Values(r)
		s.Joined(r)
	})
}
