package client

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckJSON(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		wantErr   string // "" for no error
		line, col int
	}{
		{"object", `{"action":"ping"}`, "", 0, 0},
		{"array with blanks", "  \n [1, 2]\n", "", 0, 0},
		{"plain text", "hello", "", 0, 0},
		{"bare number is plain text", "42", "", 0, 0},
		{"empty", "", "", 0, 0},
		{"missing value", `{"a":}`, "line 1, column 6: invalid character '}' looking for beginning of value", 1, 6},
		{"unterminated", `{"a":1`, "line 1, column 7: unexpected end of JSON input", 1, 7},
		{"second line", "{\n  \"a\": tru\n}", "line 2, column 11: invalid character '\\n' in literal true (expecting 'e')", 2, 11},
		{"trailing text", `{"a":1} x`, "line 1, column 9: invalid character 'x' after top-level value", 1, 9},
		{"trailing comma", "[1,\n2,\n]", "line 3, column 1: invalid character ']' looking for beginning of value", 3, 1},
		{"columns count characters", `{"é": ü}`, "line 1, column 7: invalid character 'Ã' looking for beginning of value", 1, 7},
		{"single quotes", `{'a':1}`, "line 1, column 2: invalid character '\\'' looking for beginning of object key string", 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckJSON(tt.text)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckJSON = %v, want nil", err)
				}
				return
			}
			var je *JSONError
			if !errors.As(err, &je) {
				t.Fatalf("CheckJSON = %v, want a *JSONError", err)
			}
			if err.Error() != tt.wantErr || je.Line != tt.line || je.Col != tt.col {
				t.Errorf("CheckJSON = %q (line %d col %d), want %q", err, je.Line, je.Col, tt.wantErr)
			}
			var se *json.SyntaxError
			if !errors.As(err, &se) {
				t.Error("JSONError does not unwrap to encoding/json's error")
			}
		})
	}
}

func TestLooksLikeJSON(t *testing.T) {
	for text, want := range map[string]bool{
		`{}`: true, " \t\r\n[": true, "{oops": true,
		"": false, "   ": false, "hello {": false, `"str"`: false, "1": false,
	} {
		if got := LooksLikeJSON(text); got != want {
			t.Errorf("LooksLikeJSON(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestPrettyAndCompactJSON(t *testing.T) {
	in := "  {\"z\":1,\"a\":[true,null,{\"k\":\"<v>\\u00e9\"}],\"m\":{}}  \n"
	wantPretty := `{
  "z": 1,
  "a": [
    true,
    null,
    {
      "k": "<v>\u00e9"
    }
  ],
  "m": {}
}`
	got, err := PrettyJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	if got != wantPretty {
		t.Errorf("PrettyJSON =\n%s\nwant\n%s", got, wantPretty)
	}
	compact, err := CompactJSON(got)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"z":1,"a":[true,null,{"k":"<v>\u00e9"}],"m":{}}`; compact != want {
		t.Errorf("CompactJSON = %s, want %s", compact, want)
	}
	if got, err := PrettyJSON(`"just a string"`); err != nil || got != `"just a string"` {
		t.Errorf("PrettyJSON of a string = %q, %v", got, err)
	}
	for _, bad := range []string{"hello", `{"a":}`, ""} {
		if _, err := PrettyJSON(bad); err == nil {
			t.Errorf("PrettyJSON(%q) accepted invalid JSON", bad)
		}
		if _, err := CompactJSON(bad); err == nil {
			t.Errorf("CompactJSON(%q) accepted invalid JSON", bad)
		}
	}
	var je *JSONError
	if _, err := PrettyJSON("{\n\"a\" 1}"); !errors.As(err, &je) || je.Line != 2 || je.Col != 5 {
		t.Errorf("PrettyJSON error = %v, want line 2 column 5", err)
	}
}

// FuzzPrettyJSON checks, for any text, that the JSON helpers never panic,
// agree with encoding/json on validity, place errors inside the text, and
// that pretty-printing round-trips through compacting.
func FuzzPrettyJSON(f *testing.F) {
	for _, s := range []string{
		`{"action":"ping","data":{"a":[1,2,3]}}`, `[]`, `{"a":}`, "{\n\"é\": tru\n}", `"x"`,
		`{"a":1} {"b":2}`, "\xff{", `{"k":"\ud800"}`, "  [1e400, -0.0, 1E+2]  ", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		valid := json.Valid([]byte(text))
		pretty, err := PrettyJSON(text)
		if valid != (err == nil) {
			t.Fatalf("PrettyJSON error %v, but json.Valid = %v", err, valid)
		}
		checkErr := CheckJSON(text)
		if (checkErr != nil) != (LooksLikeJSON(text) && !valid) {
			t.Fatalf("CheckJSON = %v for valid=%v looksLike=%v", checkErr, valid, LooksLikeJSON(text))
		}
		if err != nil {
			var je *JSONError
			if !errors.As(err, &je) {
				t.Fatalf("error %v is not a *JSONError", err)
			}
			lines := strings.Split(text, "\n")
			if je.Offset < 0 || je.Offset > len(text) || je.Line < 1 || je.Line > len(lines) ||
				je.Col < 1 || je.Col > utf8.RuneCountInString(lines[je.Line-1])+1 {
				t.Fatalf("error position %d:%d (offset %d) is outside the text", je.Line, je.Col, je.Offset)
			}
			return
		}
		if !json.Valid([]byte(pretty)) {
			t.Fatalf("PrettyJSON produced invalid JSON %q", pretty)
		}
		c1, err1 := CompactJSON(text)
		c2, err2 := CompactJSON(pretty)
		if err1 != nil || err2 != nil || c1 != c2 {
			t.Fatalf("compact(text) = %q, %v; compact(pretty) = %q, %v", c1, err1, c2, err2)
		}
	})
}
