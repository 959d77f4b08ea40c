package vtl

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/tidwall/gjson"
)

// fuzzLimits keep each fuzz input fast; the caps themselves are what is
// being exercised.
var fuzzLimits = Limits{MaxForeach: 50, MaxOutput: 64 << 10, MaxSteps: 20_000, MaxMemory: 4 << 20}

var fuzzSeeds = []string{
	seedTemplate,
	`#set($inputRoot = $input.path('$'))[#foreach($e in $inputRoot.tags)"$e"#if($foreach.hasNext),#end#end]`,
	"#if($input.path('$.n') > 2)big#elseif($input.path('$.n') == 2)two#{else}small#end",
	`#set($m = {"a": [1, 2.5, true, null], "b": {"c": 'x'}})$m $m.a.size() $m.b.c.toUpperCase()`,
	`$util.escapeJavaScript($input.body).replaceAll("\\'","'") $util.base64Encode($input.json('$'))`,
	`\$x \\$x \#set($a = 1) $!{a} ${a}b $a.b[0]('x')`,
	"## comment\n#* block *# #[[raw $x]]# #foreach($i in [3..1])$i#break#end#stop tail",
	`$input.params() $input.params('q') $context.identity.sourceIp $stageVariables['env']`,
	`#set($s = "a,b,,c")$s.split(",") $s.matches("a.*") $s.replaceAll("(\w)", "$1$1") $s.substring(1, 3)`,
	"#set($x = 7 / 2 * 3 % 4 - -1 + 0.5)$x #if(!($x < 1 || $x >= 9) && $x != 3)y#end",
	"#macro(row $k $v)\n  \"$k\": \"$v\"#end\n#row('a' 1)\\#row() \\\\#row('b', [1..2]) #nope($x)",
}

func checkErr(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s returned %T %v, want an *Error", what, err, err)
	}
	if e.Line < 1 || e.Col < 1 || e.Msg == "" {
		t.Fatalf("%s returned a malformed error %+v", what, e)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tp, err := Parse(src)
		checkErr(t, "Parse", err)
		if err != nil {
			return
		}
		_, err = tp.WithLimits(fuzzLimits).Render(testInput(testBody))
		checkErr(t, "Render", err)
	})
}

func FuzzRender(f *testing.F) {
	bodies := []string{testBody, "", "a=b", `{"a": `, `[1, {"x": "y"}]`, `"str"`, "12.5e3"}
	for i, s := range fuzzSeeds {
		f.Add(s, []byte(bodies[i%len(bodies)]))
	}
	f.Fuzz(func(t *testing.T, src string, body []byte) {
		tp, err := Parse(src)
		if err != nil {
			return
		}
		tp = tp.WithLimits(fuzzLimits)
		in := testInput("")
		in.Body = body
		out1, err1 := tp.Render(in)
		checkErr(t, "Render", err1)
		// Rendering is deterministic, and RenderTo agrees with Render: a
		// difference would mean state leaking between pooled renders.
		out2, err2 := tp.Render(in)
		if out1 != out2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("two renders differ: %q, %v and %q, %v", out1, err1, out2, err2)
		}
		var buf bytes.Buffer
		buf.WriteString("prefix")
		err3 := tp.RenderTo(&buf, in)
		if (err1 == nil) != (err3 == nil) {
			t.Fatalf("Render error %v, RenderTo error %v", err1, err3)
		}
		want := "prefix"
		if err3 == nil {
			want += out1
		}
		if buf.String() != want {
			t.Fatalf("RenderTo wrote %q, want %q", buf.String(), want)
		}
	})
}

// FuzzDecodeJSON feeds the one-pass JSON decoder anything at all: it must
// never panic or loop, and on valid JSON it must agree with gjson.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{testBody, `[1e999, -1e999]`, `[1, {"a": "b\"c"}, -1.5e3, true, null]`, `{"k": {}}`, `"\ud83d"`, `{"a`, `[1,,]`, `tru`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := &renderer{t: &Template{src: ""}, lim: DefaultLimits()}
		v, err := r.decodeJSON(s, 0)
		if err != nil || !gjson.Valid(s) {
			return
		}
		res := gjson.Parse(s)
		if !res.IsArray() && !res.IsObject() {
			return
		}
		// Re-encoding the decoded value and decoding that with gjson
		// gives the same JSON as gjson's own reading of s.
		got := gjson.Parse(string(appendJSON(nil, v, 1<<30)))
		if !sameJSON(got, res) {
			t.Fatalf("decoded %q as %s", s, appendJSON(nil, v, 1<<30))
		}
	})
}

// sameJSON compares two JSON values; objects compare by the last value of
// each key, numbers by value.
func sameJSON(a, b gjson.Result) bool {
	if b.Type == gjson.Number && math.IsInf(b.Num, 0) {
		return true // too large for a double: written back as null
	}
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case gjson.Number:
		return a.Num == b.Num || a.Raw == b.Raw
	case gjson.String:
		return validUTF8(a.Str) == validUTF8(b.Str)
	case gjson.JSON:
		if a.IsArray() != b.IsArray() {
			return false
		}
		if a.IsArray() {
			x, y := a.Array(), b.Array()
			if len(x) != len(y) {
				return false
			}
			for i := range x {
				if !sameJSON(x[i], y[i]) {
					return false
				}
			}
			return true
		}
		x, y := members(a), members(b)
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !sameJSON(v, y[k]) {
				return false
			}
		}
		return true
	}
	return true
}

// validUTF8 replaces each invalid byte with U+FFFD, as appendJSONString
// does when it writes a string back out.
func validUTF8(s string) string { return string([]rune(s)) }

// members returns an object's members with the last value of a repeated
// key winning, as json-smart (a HashMap) and the decoder keep it.
func members(obj gjson.Result) map[string]gjson.Result {
	out := map[string]gjson.Result{}
	obj.ForEach(func(k, v gjson.Result) bool {
		out[validUTF8(k.Str)] = v
		return true
	})
	return out
}
