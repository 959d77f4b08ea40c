package vtl

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"wsworkbench/emulator/jsonpath"
)

// straightTemplates are straight templates (the renderer is not needed for
// them); straightBodies are the bodies they are rendered against.
var straightTemplates = []string{
	`{"statusCode": 200, "messageId": $input.path('$.messageId')}`,
	`$input.path('$.a')|$input.json('$.a')|$input.path('$')|$input.json('$')`,
	`[$input.path('$.s')][$input.json('$.s')][$input.path('$.n')][$input.path('$.f')][$input.path('$.e')]`,
	`$input.path('$.t') $input.path('$.no') $input.path('$.missing') $input.json('$.missing')`,
	`{"first": $input.json('$.list[0]'), "all": $input.json('$.list[*]'), "last": $input.path('$.list[-1]')}`,
	`$input.path('$.obj.k')$input.json('$.obj')$input.path("$['a b']")$input.path('$.esc')`,
	`$!input.path('$.missing')-$input.path('$.big')`,
}

var straightBodies = []string{
	`{"messageId": 1, "a": "x", "s": "str", "n": 12, "f": 1.50, "e": 1e3, "t": true, "no": false, "big": 123456789012345678901234567890,
	  "list": [1, "two", {"three": 3}], "obj": {"k": "v", "m": [1]}, "a b": "spaced", "esc": "q\"uote\u00e9"}`,
	`{"messageId": "abc", "a": null, "s": {"nested": [1, 2]}, "list": []}`,
	`{"a": [1, 2], "obj": []}`,
	`[1, 2, 3]`, `"just a string"`, `12.5e3`, `true`, `hello there`, ` `, ``, `{"a": `, `[1,`, "{\"a\": 1}\n",
}

// renderGeneral renders with the renderer, never straight.
func renderGeneral(t *Template, in *Input) (string, error) {
	r := t.newRenderer(in, nil)
	defer r.release()
	if err := r.run(); err != nil {
		return "", err
	}
	return string(r.out), nil
}

// TestStraightRendersAsTheRenderer: every straight template renders what
// the renderer renders from each body, with and without the caller's Doc,
// or hands over to the renderer.
func TestStraightRendersAsTheRenderer(t *testing.T) {
	for _, src := range straightTemplates {
		tp, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if tp.straight == nil {
			t.Fatalf("%s is not straight", src)
		}
		for _, body := range straightBodies {
			checkStraight(t, tp, []byte(body))
		}
	}
	for _, src := range []string{`plain text`, `#set($x = 1)$x`, `$input.path('$.a').length()`, `\$input.path('$.a')`,
		`$input.body`, `$context.requestId`, `$input.path($x)`, strings.Repeat(`$input.path('$.a')`, maxStraightRefs+1)} {
		if tp, err := Parse(src); err != nil || tp.straight != nil {
			t.Errorf("%s: straight %v, err %v; want the renderer", src, tp != nil && tp.straight != nil, err)
		}
	}
}

func checkStraight(t *testing.T, tp *Template, body []byte) {
	t.Helper()
	want, wantErr := renderGeneral(tp, &Input{Body: body})
	var doc jsonpath.Doc
	for _, in := range []*Input{{Body: body}, {Body: body, Doc: &doc}} {
		out, ok := tp.renderStraight([]byte("prefix"), in)
		if !ok {
			if string(out) != "prefix" {
				t.Fatalf("%s on %q: handed over but left %q", tp.src, body, out)
			}
			continue
		}
		if wantErr != nil || string(out) != "prefix"+want {
			t.Fatalf("%s on %q: straight %q, renderer %q, %v", tp.src, body, out[len("prefix"):], want, wantErr)
		}
		var buf bytes.Buffer
		if err := tp.RenderTo(&buf, in); err != nil || buf.String() != want {
			t.Fatalf("%s on %q: RenderTo %q, %v; want %q", tp.src, body, buf.String(), err, want)
		}
		if got, err := tp.Render(in); err != nil || got != want {
			t.Fatalf("%s on %q: Render %q, %v; want %q", tp.src, body, got, err, want)
		}
	}
	if wantErr != nil {
		if _, err := tp.Render(&Input{Body: body}); !errors.Is(err, ErrPayload) && err.Error() != wantErr.Error() {
			t.Fatalf("%s on %q: Render error %v, renderer's %v", tp.src, body, err, wantErr)
		}
	}
}

func FuzzStraight(f *testing.F) {
	for i, body := range straightBodies {
		f.Add(`$.a`, `$.list[0]`, body)
		f.Add(`$`, `$.obj.k`, straightBodies[(i+1)%len(straightBodies)])
	}
	f.Fuzz(func(t *testing.T, path1, path2 string, body string) {
		if strings.ContainsAny(path1+path2, `'\`) {
			return
		}
		tp, err := Parse(`{"x": $input.path('` + path1 + `'), "y": $input.json('` + path2 + `')}`)
		if err != nil || tp.straight == nil {
			return // a bad JSONPath is the renderer's error to report
		}
		checkStraight(t, tp, []byte(body))
	})
}
