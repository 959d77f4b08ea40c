package jsonpath

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

func TestTranslate(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{"root", "$", "@this"},
		{"member", "$.a", "a"},
		{"nested", "$.a.b", "a.b"},
		{"index then member", "$.a[0].b", "a.0.b"},
		{"root index", "$[2]", "2"},
		{"leading zeros", "$.a[007]", "a.7"},
		{"single quoted with space", "$['a b']", "a b"},
		{"double quoted", `$["x"]`, "x"},
		{"dot before bracket", "$.['x'].y", "x.y"},
		{"spaces inside brackets", "$[ 'x' ][ 1 ]", "x.1"},
		{"quoted dot", "$['a.b']", `a\.b`},
		{"quoted escapes", `$['it\'s']["say \"hi\""]['back\\slash']`, `it\'s.say \"hi\".back\\slash`},
		{"gjson specials escaped", "$['*?|#@!=<>%(){}[],']", `\*\?\|\#\@\!\=\<\>\%\(\)\{\}\[\]\,`},
		{"star inside a dot name is a name", "$.a*", `a\*`},
		{"hash dot name", "$.#", `\#`},
		{"at dot name", "$.@this", `\@this`},
		{"non-ascii name", "$.größe", "größe"},
		{"hyphen and colon names", "$.x-api-key.a:b", "x-api-key.a:b"},
		{"relative name", "action", "action"},
		{"relative nested", "service.do", "service.do"},
		{"relative index", "data[0].x", "data.0.x"},
		{"relative bracket", "['a b'].c", "a b.c"},
		{"relative index only", "[1]", "1"},
		{"wildcard last", "$.a[*]", "a|@values"},
		{"wildcard dot", "$.*", "@values"},
		{"wildcard root bracket", "$[*]", "@values"},
		{"wildcard then member", "$.a[*].b", "a|@values|#.b"},
		{"wildcard then index and member", "$.a.*[0].c", "a|@values|#.0.c"},
		{"negative index", "$.a[-1]", "a|@reverse|0"},
		{"negative index then member", "$.a[-2].b", "a|@reverse|1.b"},
		{"root negative index", "$[-1]", "@reverse|0"},
		{"negative index then wildcard", "$.a[-1][*].b", "a|@reverse|0|@values|#.b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Translate(tt.path)
			if err != nil {
				t.Fatalf("Translate(%q): %v", tt.path, err)
			}
			if got != tt.want {
				t.Errorf("Translate(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, path string
		col        int
		msg        string // a part of the message
	}{
		{"empty", "", 1, "empty path"},
		{"dollar then name", "$a", 2, "expected '.' or '[' after '$'"},
		{"trailing dot", "$.a.", 4, "missing member name after '.'"},
		{"lone dot", "$.", 2, "missing member name"},
		{"recursive descent", "$..a", 2, "recursive descent"},
		{"relative leading dot", ".a", 1, "cannot start with '.'"},
		{"unclosed bracket", "$[0", 2, "unclosed '['"},
		{"unclosed bracket at end", "$[", 2, "unclosed '['"},
		{"unclosed quote", "$['abc", 3, "unclosed quote"},
		{"empty brackets", "$.a[]", 4, "empty brackets"},
		{"empty quoted name", "$['']", 2, "empty member name"},
		{"union of names", "$['a','b']", 6, "unions"},
		{"union of indexes", "$[0,1]", 4, "unions"},
		{"slice", "$[0:2]", 4, "slices"},
		{"slice open start", "$[:2]", 3, "slices"},
		{"filter", "$[?(@.a==1)]", 3, "filter"},
		{"script", "$[(@.length-1)]", 3, "script"},
		{"two wildcards", "$.a[*].b[*]", 9, "only one wildcard"},
		{"negative after wildcard", "$.*[-1]", 4, "negative index after a wildcard"},
		{"minus without digits", "$[-]", 3, "expected digits"},
		{"huge index", "$[99999999999999999999]", 3, "out of range"},
		{"stray close bracket", "$.a]", 4, "unexpected ']'"},
		{"whitespace in dot name", "$.a b", 4, "whitespace"},
		{"garbage after bracket", "$[0]x", 5, "expected '.' or '['"},
		{"bad char in bracket", "$[x]", 3, "expected an index"},
		{"missing close after index", "$[0 x]", 5, "expected ']'"},
		{"bad escape", `$['a\nb']`, 5, "unknown escape"},
		{"escape at end", `$['a\`, 5, "unfinished escape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.path)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%q) error = %v, want *Error", tt.path, err)
			}
			if e.Col != tt.col || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("Compile(%q) = col %d %q, want col %d containing %q", tt.path, e.Col, e.Msg, tt.col, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "col ") {
				t.Errorf("Error() = %q, want it to start with \"col \"", err.Error())
			}
		})
	}
}

const doc = `{
  "service": "chat", "action": "join", "data": {"room": "room1234"},
  "n": 5, "f": 1.5, "t": true, "nul": null,
  "list": [{"b": 1}, {"c": 2}, {"b": "x"}],
  "obj": {"p": {"b": 10}, "q": {"b": 20}, "r": 3},
  "a b": 1, "a.b": 2, "x*": 3, "#": 4, "@this": 5, "0": "zero",
  "s": "str", "nums": [10, 20, 30]
}`

func TestGet(t *testing.T) {
	tests := []struct {
		name, path string
		exists     bool
		raw        string // Raw of the result when exists
	}{
		{"member", "$.action", true, `"join"`},
		{"relative member", "action", true, `"join"`},
		{"nested", "$.data.room", true, `"room1234"`},
		{"missing", "$.invalidPath", false, ""},
		{"missing nested", "$.data.nope.deeper", false, ""},
		{"number", "$.n", true, "5"},
		{"float", "$.f", true, "1.5"},
		{"bool", "$.t", true, "true"},
		{"null", "$.nul", true, "null"},
		{"index", "$.nums[1]", true, "20"},
		{"index out of range", "$.nums[3]", false, ""},
		{"index on object finds nothing", "$.data[0]", false, ""},
		{"numeric member on object", "$['0']", true, `"zero"`},
		{"index on object with that numeric member", "$[0]", true, `"zero"`},
		{"quoted numeric member on array is an index", "$.nums['1']", true, "20"},
		{"negative index", "$.nums[-1]", true, "30"},
		{"negative index third from end", "$.nums[-3]", true, "10"},
		{"negative index out of range", "$.nums[-4]", false, ""},
		{"negative index on object finds nothing", "$.obj[-1]", false, ""},
		{"negative index on scalar finds nothing", "$.s[-1]", false, ""},
		{"negative index on missing finds nothing", "$.nope[-1]", false, ""},
		{"quoted space", "$['a b']", true, "1"},
		{"quoted dot", "$['a.b']", true, "2"},
		{"star name", "$['x*']", true, "3"},
		{"hash name", "$['#']", true, "4"},
		{"at name", "$.@this", true, "5"},
		{"wildcard over array", "$.list[*].b", true, `[1,"x"]`},
		{"wildcard over object", "$.obj.*.b", true, `[10,20]`},
		{"wildcard values", "$.nums[*]", true, `[10, 20, 30]`},
		{"wildcard on scalar finds nothing", "$.s[*]", false, ""},
		{"wildcard on missing finds nothing", "$.nope[*]", false, ""},
		{"wildcard nothing matches", "$.list[*].zzz", true, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			r := p.Get([]byte(doc))
			if r.Exists() != tt.exists {
				t.Fatalf("Get(%q).Exists() = %v (raw %q), want %v", tt.path, r.Exists(), r.Raw, tt.exists)
			}
			if tt.exists && r.Raw != tt.raw {
				t.Errorf("Get(%q).Raw = %q, want %q", tt.path, r.Raw, tt.raw)
			}
		})
	}
}

func TestGetRoot(t *testing.T) {
	p := MustCompile("$")
	if !p.IsRoot() {
		t.Error("IsRoot() = false for $")
	}
	r := p.Get([]byte(` [1, 2] `))
	if !r.IsArray() || len(r.Array()) != 2 {
		t.Errorf("Get($) = %q, want the whole array", r.Raw)
	}
	if p.String() != "$" || p.GJSON() != "@this" {
		t.Errorf("String, GJSON = %q, %q", p.String(), p.GJSON())
	}
}

func TestZeroPathFindsNothing(t *testing.T) {
	var p Path
	if r := p.Get([]byte(doc)); r.Exists() {
		t.Errorf("zero Path found %q", r.Raw)
	}
}

// TestEscapedMemberRoundTrip checks that every member name, however odd,
// finds its own value: gjson must read back what Compile escaped.
func TestEscapedMemberRoundTrip(t *testing.T) {
	names := []string{"a", "a.b", "a*b", "?", "|", "#", "@reverse", "!", "=", "<", ">", "%",
		"(", ")", "[", "]", "{", "}", ",", ":", "~", "\\", `"`, "'", "a b", "tab\there", "ünï", "..", "-1", "#(a==1)", "x|y.z"}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			checkRoundTrip(t, n)
		})
	}
}

func checkRoundTrip(t *testing.T, name string) {
	t.Helper()
	key, _ := jsonString(name)
	d := []byte(`{"other":0,` + key + `:{"v":42}}`)
	if !gjson.ValidBytes(d) {
		t.Fatalf("test document invalid: %s", d)
	}
	path := "$['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name) + "'].v"
	p, err := Compile(path)
	if err != nil {
		t.Fatalf("Compile(%q): %v", path, err)
	}
	if r := p.Get(d); r.Raw != "42" {
		t.Errorf("Get(%q) on %s = %q (gjson path %q), want 42", path, d, r.Raw, p.GJSON())
	}
}

func jsonString(s string) (string, bool) {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < ' ':
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String(), utf8.ValidString(s)
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{"$", "$.a", "$.a[0].b", "$['a b']", `$["x"]`, "$.a[*].b", "$.*", "$.a[-1]",
		"action", "service.do", "data[0].x", "$..a", "$[0:1]", "$[?(@.a)]", `$['it\'s']`, "$.a.b.c.d[3][4]"} {
		f.Add(s)
	}
	d := []byte(doc)
	f.Fuzz(func(t *testing.T, path string) {
		p, err := Compile(path)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%q) error %v is not *Error", path, err)
			}
			if e.Col < 1 || e.Col > len(path)+1 {
				t.Fatalf("Compile(%q) error column %d outside 1..%d", path, e.Col, len(path)+1)
			}
			return
		}
		if p.String() != path {
			t.Fatalf("String() = %q, want %q", p.String(), path)
		}
		if p.GJSON() == "" {
			t.Fatalf("Compile(%q) gave an empty gjson path", path)
		}
		_ = p.Get(d) // must not panic
	})
}

func FuzzMemberRoundTrip(f *testing.F) {
	for _, s := range []string{"a", "a.b", "#", "@this", `\`, "x|y", "a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" || !utf8.ValidString(name) {
			return
		}
		checkRoundTrip(t, name)
	})
}
