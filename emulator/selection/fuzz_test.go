package selection

import (
	"errors"
	"testing"

	"github.com/tidwall/gjson"
)

var fuzzExprs = []string{
	"$request.body.action", "${request.body.action}", "${request.body.service}/${request.body.action}",
	"${request.body.action}-${request.body.invalidPath}", "action", `\$default`, "$default",
	"$request.body.service.do", "${request.body.messageId}", "${integration.response.statuscode}",
	"${integration.response.header.X}", "${integration.response.multivalueheader.X}",
	"$request.header.x-api-key", "$context.authorizer.usageIdentifierKey", "$stageVariables.env",
	"$request.querystring.q", "${request.body['a}b']}", "$request.body.a[-1]", "$request.body.a[*].b",
	"${", "${}", "$", "$foo", "$request.body..a", "${request.body.a[0:1]}",
}

func FuzzParse(f *testing.F) {
	for i, s := range fuzzExprs {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, expr string, k uint8) {
		kind := Kind(int(k) % len(kindNames))
		e, err := Parse(expr, kind)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q, %v) error %v is not *Error", expr, kind, err)
			}
			if se.Col < 1 || se.Col > len(expr)+1 {
				t.Fatalf("Parse(%q, %v) error column %d outside 1..%d", expr, kind, se.Col, len(expr)+1)
			}
			return
		}
		if e.String() != expr || e.Kind() != kind {
			t.Fatalf("String, Kind = %q, %v", e.String(), e.Kind())
		}
		src := &Source{
			Body:            []byte(`{"a":[1,{"b":2}],"action":"join"}`),
			Headers:         map[string][]string{"X-Api-Key": {"k"}},
			StatusCode:      "200",
			ResponseHeaders: map[string][]string{"X": {"1", "2"}},
		}
		v, ok := e.Eval(src)
		if !ok {
			t.Fatalf("Eval(%q) on a JSON body not evaluable", expr)
		}
		if s, static := e.Static(); static && s != v {
			t.Fatalf("static %q evaluated to %q", s, v)
		}
	})
}

func FuzzEval(f *testing.F) {
	bodies := []string{`{"service":"chat","action":"join","data":{"room":"room1234"}}`, `hi`, ``, `[1,2]`, `{"a":null}`, `"s"`, `{"a":{"b":[true,false]}}`}
	for i, s := range fuzzExprs {
		f.Add(s, bodies[i%len(bodies)])
	}
	f.Fuzz(func(t *testing.T, expr, body string) {
		e, err := Parse(expr, ResponseTemplateSelection)
		if err != nil {
			return
		}
		src := &Source{Body: []byte(body), StatusCode: "200"}
		v, ok := e.Eval(src)
		valid := gjson.Valid(body)
		if e.UsesBody() && ok != valid {
			t.Fatalf("Eval(%q) on %q: ok = %v, body valid = %v", expr, body, ok, valid)
		}
		if !e.UsesBody() && !ok {
			t.Fatalf("Eval(%q) without a body variable not evaluable", expr)
		}
		if !ok && v != "" {
			t.Fatalf("not evaluable but value %q", v)
		}
		if v2, ok2 := e.Eval(src); v2 != v || ok2 != ok {
			t.Fatalf("second Eval differs: %q,%v then %q,%v", v, ok, v2, ok2)
		}
	})
}

func FuzzResponseKey(f *testing.F) {
	for _, s := range []string{"$default", "/200/", `/2\d\d/`, "/a)|(b/", "//", "200", `/(a)\1/`} {
		f.Add(s, "200")
	}
	f.Fuzz(func(t *testing.T, key, status string) {
		k, err := ParseResponseKey(key)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Col < 1 || se.Col > len(key)+1 {
				t.Fatalf("ParseResponseKey(%q) error %v", key, err)
			}
			return
		}
		_ = k.Match(status)
		if _, ok := SelectResponse([]*ResponseKey{k}, status); ok != k.Match(status) {
			t.Fatalf("SelectResponse and Match disagree for %q, %q", key, status)
		}
	})
}
