package selection

import (
	"errors"
	"strings"
	"testing"
)

func TestResponseKeyMatch(t *testing.T) {
	tests := []struct {
		name, key, status string
		want              bool
	}{
		{"default matches anything", "$default", "503", true},
		{"exact", "/200/", "200", true},
		{"exact other", "/200/", "201", false},
		{"class 2xx", `/2\d\d/`, "204", true},
		{"class 2xx rejects 4xx", `/2\d\d/`, "404", false},
		{"counted class", `/4\d{2}/`, "429", true},
		{"whole string: no prefix match", "/20/", "200", false},
		{"whole string: no suffix match", `/2\d\d/`, "1200", false},
		{"whole string: no inner match", "/0/", "200", false},
		{"alternation stays whole", "/200|400/", "400", true},
		{"alternation no partial", "/200|400/", "4000", false},
		{"dot star", "/.*/", "", true},
		{"lambda error message style", "/.*Error.*/", "TypeError: boom", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseResponseKey(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Match(tt.status); got != tt.want {
				t.Errorf("%s.Match(%q) = %v, want %v", tt.key, tt.status, got, tt.want)
			}
			if k.String() != tt.key {
				t.Errorf("String() = %q", k.String())
			}
		})
	}
}

func TestParseResponseKeyErrors(t *testing.T) {
	tests := []struct {
		name, key string
		col       int
		msg       string
	}{
		{"empty", "", 1, "empty"},
		{"no slashes", "200", 1, "write /200/"},
		{"one slash", "/200", 1, "between slashes"},
		{"lone slash", "/", 1, "between slashes"},
		{"empty regex", "//", 2, "empty regex"},
		{"bad regex", "/2(/", 2, "bad regex: missing closing )"},
		{"unbalanced group that wrapping would hide", "/a)|(b/", 2, "bad regex"},
		{"escaped default is not a key", `\$default`, 1, "between slashes"},
		{"backreference unsupported", `/(a)\1/`, 2, "bad regex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseResponseKey(tt.key)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseResponseKey(%q) error = %v, want *Error", tt.key, err)
			}
			if e.Col != tt.col || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("ParseResponseKey(%q) = %q, want col %d containing %q", tt.key, err, tt.col, tt.msg)
			}
		})
	}
}

func keys(t *testing.T, ks ...string) []*ResponseKey {
	t.Helper()
	var out []*ResponseKey
	for _, k := range ks {
		rk, err := ParseResponseKey(k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rk)
	}
	return out
}

func TestSelectResponse(t *testing.T) {
	tests := []struct {
		name   string
		keys   []string
		status string
		index  int
		ok     bool
	}{
		{"seed /200/ key", []string{"/200/"}, "200", 0, true},
		{"seed /200/ key, other status", []string{"/200/"}, "500", -1, false},
		{"regex before default even if default listed first", []string{"$default", `/2\d\d/`}, "200", 1, true},
		{"default when no regex matches", []string{`/2\d\d/`, "/4\\d\\d/", "$default"}, "503", 2, true},
		{"first matching regex in order", []string{`/2\d\d/`, "/200/"}, "200", 0, true},
		{"order given decides", []string{"/200/", `/2\d\d/`}, "200", 0, true},
		{"first default wins", []string{"$default", "$default"}, "1", 0, true},
		{"none", nil, "200", -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, ok := SelectResponse(keys(t, tt.keys...), tt.status)
			if i != tt.index || ok != tt.ok {
				t.Errorf("SelectResponse(%v, %q) = %d, %v; want %d, %v", tt.keys, tt.status, i, ok, tt.index, tt.ok)
			}
		})
	}
}

func TestSelectResponseSkipsNil(t *testing.T) {
	ks := append([]*ResponseKey{nil}, keys(t, "/200/")...)
	if i, ok := SelectResponse(ks, "200"); i != 1 || !ok {
		t.Errorf("got %d, %v", i, ok)
	}
}

func TestSelectTemplate(t *testing.T) {
	seed := map[string]string{"1": `{"message": "Hello World"}`, "2": `{"message": "Hi!"}`}
	withDefault := map[string]string{"$default": "d", "application/json": "j"}
	tests := []struct {
		name  string
		keys  map[string]string
		value string
		want  string
		ok    bool
	}{
		{"seed messageId 1", seed, "1", "1", true},
		{"seed messageId 2", seed, "2", "2", true},
		{"seed messageId 3 has no template", seed, "3", "", false},
		{"empty value without default", seed, "", "", false},
		{"value found", withDefault, "application/json", "application/json", true},
		{"fallback to default", withDefault, "text/plain", "$default", true},
		{"empty value selects default", withDefault, "", "$default", true},
		{"static default key", withDefault, "$default", "$default", true},
		{"no templates", nil, "x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := SelectTemplate(tt.keys, tt.value)
			if got != tt.want || ok != tt.ok {
				t.Errorf("SelectTemplate(%q) = %q, %v; want %q, %v", tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestSeedMockIntegration walks the integration response of the seed
// mock-integration.cfn.yaml: key /200/, TemplateSelectionExpression
// ${request.body.messageId}, templates "1" and "2".
func TestSeedMockIntegration(t *testing.T) {
	expr := MustParse("${request.body.messageId}", ResponseTemplateSelection)
	respKeys := keys(t, "/200/")
	templates := map[string]string{"1": `{"message": "Hello World"}`, "2": `{"message": "Hi!"}`}
	tests := []struct {
		name, body, status string
		template           string // "" when none applies
	}{
		{"message 1", `{"action":"message","messageId":1}`, "200", `{"message": "Hello World"}`},
		{"message 2 as a string", `{"action":"message","messageId":"2"}`, "200", `{"message": "Hi!"}`},
		{"unknown message", `{"action":"message","messageId":7}`, "200", ""},
		{"float is not 1", `{"action":"message","messageId":1.0}`, "200", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &Source{Body: []byte(tt.body), StatusCode: tt.status}
			if _, ok := SelectResponse(respKeys, src.StatusCode); !ok {
				t.Fatal("no integration response selected")
			}
			v, ok := expr.Eval(src)
			if !ok {
				t.Fatal("not evaluable")
			}
			key, ok := SelectTemplate(templates, v)
			got := ""
			if ok {
				got = templates[key]
			}
			if got != tt.template {
				t.Errorf("template for %s = %q, want %q", tt.body, got, tt.template)
			}
		})
	}
}
