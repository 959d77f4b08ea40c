package jsonpath

import (
	"math"
	"testing"

	"github.com/tidwall/gjson"
)

// docCases are texts a Doc must judge and index as gjson does: the shapes
// messages take, and the corners of the JSON grammar.
var docCases = []string{
	`{"action":"message","messageId":1}`,
	` { "action" : "sendmessage" , "data" : "hello" } `,
	`{"statusCode": 200, "messageId": 1}`,
	`{"a":{"b":[1,2,{"c":null}]},"d":true,"e":false,"f":null,"g":-0.5e+3}`,
	`{"esc":"a\"b\\c\u00e9\n","k\u0065y":1,"key":2}`,
	`{"dup":1,"dup":2}`,
	`{"n":-0,"big":12345678901234567890,"f":1.5,"e":1E3,"z":0}`,
	`{"1":"one","-":"dash","_x":"u"}`,
	`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17}`,
	`[1,2,3]`, `"text"`, `12`, `true`, `null`, `{}`, `[]`, ``, ` `,
	`{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1 "b":2}`, `{a:1}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`,
	`{"a":1e}`, `{"a":-}`, `{"a":"\x"}`, `{"a":"\u12G4"}`, `{"a":"` + "\x01" + `"}`, `{"a":tru}`,
	`{"a":1}x`, `{"a":1}}`, `[1,]`, `[,1]`, `{"a":[1,2}`, `{"a":{"b":1]}`, "{\"a\":\"\t\"}",
}

// TestDocMatchesGjson: a Doc says what gjson.Valid says of each text, and
// for each member a valid text has (and some it has not), Get returns what
// gjson.Get returns, field by field.
func TestDocMatchesGjson(t *testing.T) {
	for _, text := range docCases {
		checkDoc(t, text)
	}
}

// TestDocAnswersFromItsIndex: the lookups a message needs do not go back to
// gjson when the member is in the index (a Doc whose text changed behind
// its back still answers from what Parse found).
func TestDocAnswersFromItsIndex(t *testing.T) {
	var d Doc
	b := []byte(`{"action":"message","messageId":1}`)
	d.Parse(string(b)) // shares b's memory on purpose: changed below
	if !d.Valid() || !d.indexed {
		t.Fatalf("valid %v, indexed %v", d.Valid(), d.indexed)
	}
	copy(b[2:], "xxxxxx") // "action" is no longer in the text
	if got := d.Get("action"); got.Str != "message" {
		t.Errorf(`Get("action") = %q, want "message" from the index`, got.Str)
	}
}

func FuzzDoc(f *testing.F) {
	for _, text := range docCases {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkDoc(t, text)
	})
}

func checkDoc(t *testing.T, text string) {
	t.Helper()
	var d Doc
	d.Parse(text)
	if want := gjson.Valid(text); d.Valid() != want {
		t.Fatalf("%q: Valid() = %v, gjson.Valid %v", text, d.Valid(), want)
	}
	if !d.Valid() {
		return
	}
	keys := []string{"action", "messageId", "a", "missing", "1", "", "a.b", "a*", "#", "@this"}
	gjson.Parse(text).ForEach(func(k, _ gjson.Result) bool {
		keys = append(keys, k.Str)
		return true
	})
	for _, k := range keys {
		got, want := d.Get(k), gjson.Get(text, k)
		if got.Type != want.Type || got.Raw != want.Raw || got.Str != want.Str || got.Index != want.Index ||
			math.Float64bits(got.Num) != math.Float64bits(want.Num) || len(got.Indexes) != len(want.Indexes) {
			t.Fatalf("%q: Get(%q) = %#v, gjson.Get %#v", text, k, got, want)
		}
	}
}

// TestParseNumber: the integer shortcut gives ParseFloat's value.
func TestParseNumber(t *testing.T) {
	for _, raw := range []string{"0", "-0", "7", "-7", "123456789012345", "-123456789012345",
		"1234567890123456", "99999999999999999999", "1.5", "1e3", "-2E-2"} {
		got, want := parseNumber(raw), gjson.Parse(raw).Num
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("parseNumber(%q) = %v, want %v", raw, got, want)
		}
	}
}

// BenchmarkDocMessage is what one seed message needs: a validity check and
// three lookups, by a Doc (Parse, Get x3) and by gjson (Valid, Get x3).
func BenchmarkDocMessage(b *testing.B) {
	text := `{"action":"message","messageId":1}`
	b.Run("doc", func(b *testing.B) {
		var d Doc
		for b.Loop() {
			d.Parse(text)
			_, _, _ = d.Get("action"), d.Get("messageId"), d.Get("messageId")
		}
	})
	b.Run("gjson", func(b *testing.B) {
		for b.Loop() {
			_ = gjson.Valid(text)
			_, _, _ = gjson.Get(text, "action"), gjson.Get(text, "messageId"), gjson.Get(text, "messageId")
		}
	})
}

func BenchmarkDocParse(b *testing.B) {
	text := `{"action":"message","messageId":1}`
	var d Doc
	for b.Loop() {
		d.Parse(text)
	}
}

// TestDocKeysSharingAPrefix checks lookups of keys that share their first
// bytes or differ only in length.
func TestDocKeysSharingAPrefix(t *testing.T) {
	var d Doc
	text := `{"abcdefgh":1,"abcdefghi":2,"abcdefghij":3,"abcdefgx":4,"abc":5,"ab":6,"":7}`
	d.Parse(text)
	if !d.indexed {
		t.Fatal("the object is not indexed")
	}
	for _, key := range []string{"abcdefgh", "abcdefghi", "abcdefghij", "abcdefgx", "abc", "ab", "abcdefghk", "abcd", "a"} {
		got, want := d.Get(key), gjson.Get(text, key)
		if got.Raw != want.Raw || got.Type != want.Type {
			t.Errorf("Get(%q) = %s, gjson says %s", key, got.Raw, want.Raw)
		}
		p := MustCompile("$." + key)
		if typ, raw, ok := p.ScalarIn(&d); ok && (raw != want.Raw && typ == gjson.Number || typ != want.Type) {
			t.Errorf("ScalarIn(%q) = %v %q, gjson says %v %q", key, typ, raw, want.Type, want.Raw)
		}
	}
}
