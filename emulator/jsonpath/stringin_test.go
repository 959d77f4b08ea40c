package jsonpath_test

import (
	"testing"

	"wsworkbench/emulator/jsonpath"
	"wsworkbench/emulator/selection"
)

// FuzzStringIn checks Path.StringIn against what it stands in for,
// selection.Stringify of GetIn: wherever StringIn answers, the two agree.
func FuzzStringIn(f *testing.F) {
	for _, seed := range []struct{ text, key string }{
		{`{"action":"message","messageId":1}`, "action"},
		{`{"action":"message","messageId":1}`, "messageId"},
		{`{"action":"message","messageId":1}`, "missing"},
		{`{"a":true,"b":false,"c":null}`, "b"},
		{`{"a":"x\"y"}`, "a"},
		{`{"a":{"b":1}}`, "a"},
		{`{"a":[1,2]}`, "a"},
		{`{"a":-1.5e3}`, "a"},
		{`[1,2]`, "a"},
		{`{"a":1,"a":2}`, "a"},
		{`{"a" : "b" }`, "a"},
		{`not json`, "a"},
	} {
		f.Add(seed.text, seed.key)
	}
	f.Fuzz(func(t *testing.T, text, key string) {
		p, err := jsonpath.Compile("$." + key)
		if err != nil {
			return
		}
		var d jsonpath.Doc
		d.Parse(text)
		if !d.Valid() {
			return // callers ask valid documents only
		}
		got, ok := p.StringIn(&d)
		if !ok {
			return
		}
		if want := selection.Stringify(p.GetIn(&d)); got != want {
			t.Fatalf("StringIn(%q) in %q = %q, Stringify(GetIn) = %q", key, text, got, want)
		}
	})
}

// TestStringInAnswersScalars checks that StringIn answers (rather than
// leaving every lookup to GetIn) for the scalars and a missing member.
func TestStringInAnswersScalars(t *testing.T) {
	var d jsonpath.Doc
	d.Parse(`{"s":"text","n":12.5,"t":true,"f":false,"z":null,"o":{"a":1},"e":"a\nb"}`)
	for _, c := range []struct {
		key, want string
		ok        bool
	}{
		{"s", "text", true}, {"n", "12.5", true}, {"t", "true", true}, {"f", "false", true},
		{"z", "", true}, {"missing", "", true}, {"o", "", false}, {"e", "", false},
	} {
		p := jsonpath.MustCompile("$." + c.key)
		got, ok := p.StringIn(&d)
		if got != c.want || ok != c.ok {
			t.Errorf("StringIn(%s) = %q, %v; want %q, %v", c.key, got, ok, c.want, c.ok)
		}
	}
}
