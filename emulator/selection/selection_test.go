package selection

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// chatBody is the body of the worked example in the API Gateway developer
// guide's "Route selection expressions".
const chatBody = `{"service":"chat","action":"join","data":{"room":"room1234"}}`

func TestRouteSelectionWorkedExample(t *testing.T) {
	tests := []struct {
		name, expr, want string
		static           bool
	}{
		{"plain variable", "$request.body.action", "join", false},
		{"braced variable", "${request.body.action}", "join", false},
		{"two variables and static text", "${request.body.service}/${request.body.action}", "chat/join", false},
		{"invalid path evaluates to empty", "${request.body.action}-${request.body.invalidPath}", "join-", false},
		{"static value", "action", "action", true},
		{"escaped default", `\$default`, "$default", true},
		{"nested object member", "$request.body.data.room", "room1234", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr, RouteSelection)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := e.Eval(&Source{Body: []byte(chatBody)})
			if !ok || got != tt.want {
				t.Errorf("Eval(%q) = %q, %v; want %q, true", tt.expr, got, ok, tt.want)
			}
			if _, static := e.Static(); static != tt.static {
				t.Errorf("Static() ok = %v, want %v", static, tt.static)
			}
			if e.String() != tt.expr {
				t.Errorf("String() = %q, want %q", e.String(), tt.expr)
			}
		})
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name, expr string
		kind       Kind
		body       string
		src        Source // Body is replaced by body
		want       string
		ok         bool
	}{
		// serverless-offline's AWS-deployed manual test: $request.body.service.do.
		{name: "nested path on AWS", expr: "$request.body.service.do", body: `{"service":{"do":"echo"}}`, want: "echo", ok: true},
		{name: "array index", expr: "$request.body.items[1].id", body: `{"items":[{"id":"a"},{"id":"b"}]}`, want: "b", ok: true},
		{name: "braced array index", expr: "${request.body.data[0].x}", body: `{"data":[{"x":"y"}]}`, want: "y", ok: true},
		{name: "bracket member with space", expr: "$request.body['the action']", body: `{"the action":"go"}`, want: "go", ok: true},
		{name: "braced bracket member with brace", expr: "${request.body['a}b']}", body: `{"a}b":"z"}`, want: "z", ok: true},
		{name: "negative index", expr: "$request.body.list[-1]", body: `{"list":["a","b","c"]}`, want: "c", ok: true},
		{name: "member with dot is escaped", expr: "$request.body['a.b']", body: `{"a.b":"dot","a":{"b":"nested"}}`, want: "dot", ok: true},
		{name: "integer", expr: "$request.body.n", body: `{"n":5}`, want: "5", ok: true},
		{name: "float", expr: "$request.body.n", body: `{"n":1.50}`, want: "1.50", ok: true},
		{name: "exponent", expr: "$request.body.n", body: `{"n":-1e3}`, want: "-1e3", ok: true},
		{name: "true", expr: "$request.body.b", body: `{"b":true}`, want: "true", ok: true},
		{name: "false", expr: "$request.body.b", body: `{"b":false}`, want: "false", ok: true},
		{name: "null", expr: "$request.body.b", body: `{"b":null}`, want: "", ok: true},
		{name: "escaped string", expr: "$request.body.s", body: `{"s":"a\"b\u00e9\n"}`, want: "a\"bé\n", ok: true},
		{name: "array of two", expr: "$request.body.a", body: `{"a":["item1","item2"]}`, want: "[item1, item2]", ok: true},
		{name: "mixed array", expr: "$request.body.a", body: `{"a":[1,"x",true,null,[2,3],{"k":"v"}]}`, want: "[1, x, true, null, [2, 3], {k=v}]", ok: true},
		{name: "empty array", expr: "$request.body.a", body: `{"a":[]}`, want: "[]", ok: true},
		{name: "object", expr: "$request.body.o", body: `{"o":{"k":"v","n":1}}`, want: "{k=v, n=1}", ok: true},
		{name: "wildcard", expr: "$request.body.a[*].id", body: `{"a":[{"id":1},{"id":2}]}`, want: "[1, 2]", ok: true},
		{name: "whole body", expr: "$request.body", body: `"just a string"`, want: "just a string", ok: true},
		{name: "whole body object", expr: "${request.body}", body: `{"a":1}`, want: "{a=1}", ok: true},
		{name: "missing member", expr: "$request.body.nope", body: `{"a":1}`, want: "", ok: true},
		{name: "member of a scalar", expr: "$request.body.a.b", body: `{"a":1}`, want: "", ok: true},
		{name: "body is an array", expr: "$request.body[0]", body: `["first"]`, want: "first", ok: true},
		{name: "not JSON", expr: "$request.body.action", body: `hi`, ok: false},
		{name: "truncated JSON", expr: "$request.body.action", body: `{"action":"join"`, ok: false},
		{name: "empty body", expr: "$request.body.action", body: ``, ok: false},
		{name: "not JSON in interpolation", expr: "x-${request.body.action}", body: `My name is John`, ok: false},
		{name: "static ignores a bad body", expr: "join", body: `not json`, want: "join", ok: true},
		{name: "whole-expression $default", expr: "$default", body: `not json`, want: "$default", ok: true},
		{name: "escaped dollar inside text", expr: `a\$b`, body: `{}`, want: "a$b", ok: true},
		{name: "backslash not before dollar is literal", expr: `a\b`, body: `{}`, want: `a\b`, ok: true},
		{name: "unbraced variable ends at slash", expr: "$request.body.service/$request.body.action", body: chatBody, want: "chat/join", ok: true},
		{name: "unbraced variable ends at space", expr: "$request.body.action now", body: chatBody, want: "join now", ok: true},
		{name: "body version suffix", expr: "${request.body.version}-beta", body: `{"version":"v2"}`, want: "v2-beta", ok: true},

		// Template selection (the seed mock-integration.cfn.yaml uses ${request.body.messageId}).
		{name: "response template by messageId", expr: "${request.body.messageId}", kind: ResponseTemplateSelection, body: `{"action":"message","messageId":1}`, want: "1", ok: true},
		{name: "status code", expr: "${integration.response.statuscode}", kind: ResponseTemplateSelection, body: `x`, src: Source{StatusCode: "404"}, want: "404", ok: true},
		{name: "status code unbraced", expr: "$integration.response.statuscode", kind: ResponseTemplateSelection, src: Source{StatusCode: "200"}, want: "200", ok: true},
		{name: "response header case-insensitive", expr: "${integration.response.header.x-kind}", kind: ResponseTemplateSelection, src: Source{ResponseHeaders: map[string][]string{"X-Kind": {"a", "b"}}}, want: "b", ok: true},
		{name: "response multivalue header", expr: "${integration.response.multivalueheader.X-Kind}", kind: ResponseTemplateSelection, src: Source{ResponseHeaders: map[string][]string{"x-kind": {"a", "b"}}}, want: "a,b", ok: true},
		{name: "missing response header", expr: "${integration.response.header.Nope}", kind: ResponseTemplateSelection, src: Source{}, want: "", ok: true},
		{name: "status and body mixed", expr: "${integration.response.statuscode}-${request.body.t}", kind: ResponseTemplateSelection, body: `{"t":"x"}`, src: Source{StatusCode: "201"}, want: "201-x", ok: true},
		{name: "request header case-insensitive", expr: "$request.header.content-type", kind: RequestTemplateSelection, src: Source{Headers: map[string][]string{"Content-Type": {"application/json"}}}, want: "application/json", ok: true},
		{name: "query string", expr: "$request.querystring.v", kind: RequestTemplateSelection, src: Source{QueryString: map[string][]string{"v": {"1", "2"}}}, want: "2", ok: true},
		{name: "query string is case-sensitive", expr: "$request.querystring.V", kind: RequestTemplateSelection, src: Source{QueryString: map[string][]string{"v": {"1"}}}, want: "", ok: true},
		{name: "context", expr: "$context.routeKey", kind: RequestTemplateSelection, src: Source{Context: map[string]string{"routeKey": "join"}}, want: "join", ok: true},
		{name: "stage variable", expr: "${stageVariables.env}-tpl", kind: RequestTemplateSelection, src: Source{StageVariables: map[string]string{"env": "dev"}}, want: "dev-tpl", ok: true},
		{name: "request template static default", expr: `\$default`, kind: RequestTemplateSelection, want: "$default", ok: true},
		{name: "api key header", expr: "$request.header.x-api-key", kind: APIKeySelection, src: Source{Headers: map[string][]string{"X-Api-Key": {"k1"}}}, want: "k1", ok: true},
		{name: "api key from authorizer", expr: "$context.authorizer.usageIdentifierKey", kind: APIKeySelection, src: Source{Context: map[string]string{"authorizer.usageIdentifierKey": "k2"}}, want: "k2", ok: true},
		{name: "route response default", expr: "$default", kind: RouteResponseSelection, want: "$default", ok: true},
		{name: "route response escaped default", expr: `\$default`, kind: RouteResponseSelection, want: "$default", ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr, tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			src := tt.src
			src.Body = []byte(tt.body)
			got, ok := e.Eval(&src)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Eval(%q) on %q = %q, %v; want %q, %v", tt.expr, tt.body, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, expr string
		kind       Kind
		col        int
		msg        string
	}{
		{"empty", "", RouteSelection, 1, "empty expression"},
		{"unclosed brace", "${request.body.action", RouteSelection, 1, "unclosed '${'"},
		{"unclosed brace after text", "ab-${request.body.action", RouteSelection, 4, "unclosed '${'"},
		{"empty braces", "x${}", RouteSelection, 2, "empty variable ${}"},
		{"brace inside braces", "${request.body.{a}}", RouteSelection, 16, "'{' inside"},
		{"dollar at end", "abc$", RouteSelection, 4, "at the end"},
		{"dollar before space", "$ x", RouteSelection, 1, "not followed by a variable name"},
		{"unknown root", "$foo.bar", RouteSelection, 2, "unknown variable $foo.bar"},
		{"unknown braced root", "a${body.x}", RouteSelection, 4, "unknown variable $body.x"},
		{"unknown request part", "$request.path.x", RouteSelection, 2, "unknown variable $request.path.x"},
		{"unknown integration part", "${integration.response.body.x}", ResponseTemplateSelection, 3, "unknown variable"},
		{"case matters", "$Request.body.action", RouteSelection, 2, "unknown variable"},
		{"bad JSONPath", "$request.body.a..b", RouteSelection, 16, "JSONPath: recursive descent"},
		{"bad JSONPath in braces", "x-${request.body.a[0:1]}", RouteSelection, 21, "JSONPath: array slices"},
		{"unclosed bracket", "$request.body.a['b", RouteSelection, 17, "JSONPath: unclosed quote"},
		{"missing JSONPath", "$request.body.", RouteSelection, 14, "missing JSONPath"},
		{"missing header name", "$request.header.", RequestTemplateSelection, 17, "missing header name"},
		{"missing context name", "${context.}", RequestTemplateSelection, 11, "missing context variable name"},
		{"header in route selection", "x/$request.header.Auth", RouteSelection, 3, "$request.header is not allowed in a route selection expression"},
		{"context in route selection", "${context.connectionId}", RouteSelection, 1, "$context is not allowed"},
		{"status in request template", "${integration.response.statuscode}", RequestTemplateSelection, 1, "not allowed in an integration template selection expression"},
		{"header in response template", "$request.header.Accept", ResponseTemplateSelection, 1, "not allowed"},
		{"route response other than default", "ok", RouteResponseSelection, 1, "can only be $default"},
		{"route response variable", "$request.body.x", RouteResponseSelection, 1, "can only be $default"},
		{"api key other header", "$request.header.Authorization", APIKeySelection, 1, "can only be"},
		{"api key with text", "key-$request.header.x-api-key", APIKeySelection, 1, "can only be"},
		{"api key other context", "$context.authorizer.principalId", APIKeySelection, 1, "can only be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.expr, tt.kind)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error = %v, want *Error", tt.expr, err)
			}
			if e.Col != tt.col || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("Parse(%q) = %q, want col %d containing %q", tt.expr, err, tt.col, tt.msg)
			}
		})
	}
}

func TestParseUnknownKind(t *testing.T) {
	if _, err := Parse("x", Kind(99)); err == nil {
		t.Error("Parse with an unknown kind succeeded")
	}
}

func TestKindNames(t *testing.T) {
	for k := RouteSelection; k <= APIKeySelection; k++ {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseKind("nope"); err == nil {
		t.Error("ParseKind(nope) succeeded")
	}
}

func TestUsesBody(t *testing.T) {
	if !MustParse("a-${request.body.x}", RouteSelection).UsesBody() {
		t.Error("UsesBody false for a body variable")
	}
	if MustParse("$integration.response.statuscode", ResponseTemplateSelection).UsesBody() {
		t.Error("UsesBody true for a status variable")
	}
}

// TestBodyValidatedOnce checks that a Source parses its body once, not
// once per expression: after the first Eval the parsed body is used even
// if its bytes would now read differently; a Body in other memory is
// parsed again.
func TestBodyValidatedOnce(t *testing.T) {
	src := &Source{Body: []byte(`{"action":"join"}`)}
	e := MustParse("$request.body.action", RouteSelection)
	if v, ok := e.Eval(src); !ok || v != "join" {
		t.Fatalf("first Eval = %q, %v", v, ok)
	}
	src.Body[0] = 'x' // no longer JSON, in the same memory
	if v, ok := e.Eval(src); !ok || v != "join" {
		t.Errorf("second Eval = %q, %v: parsed the body again instead of using what the first found", v, ok)
	}
	src.Body = []byte(`{"action":"leave"}`)
	if v, ok := e.Eval(src); !ok || v != "leave" {
		t.Errorf("Eval of a new Body = %q, %v, want leave", v, ok)
	}
}

func TestStringify(t *testing.T) {
	tests := []struct{ name, json, path, want string }{
		{"missing", `{}`, "a", ""},
		{"nested arrays", `{"a":[[1,[2]],[]]}`, "a", "[[1, [2]], []]"},
		{"object in array", `{"a":[{"x":null}]}`, "a", "[{x=null}]"},
		{"big number text kept", `{"a":12345678901234567890}`, "a", "12345678901234567890"},
		{"string with quotes", `{"a":"\"q\""}`, "a", `"q"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Stringify(gjson.Get(tt.json, tt.path)); got != tt.want {
				t.Errorf("Stringify = %q, want %q", got, tt.want)
			}
		})
	}
}
