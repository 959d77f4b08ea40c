package editor

import (
	"strings"
	"testing"

	"wsworkbench/emulator"
)

// TestRequestParameterErrors: the request parameters field says where a
// line is wrong, and the model keeps the last good value.
func TestRequestParameterErrors(t *testing.T) {
	tests := []struct {
		name, text, wantErr string
		want                map[string]string
	}{
		{"empty", "", "", nil},
		{"two", "integration.request.header.a = context.connectionId\n\nintegration.request.querystring.b = 'x'", "",
			map[string]string{"integration.request.header.a": "context.connectionId", "integration.request.querystring.b": "'x'"}},
		{"no equals", "integration.request.header.a", "1:1", nil},
		{"not a target", "header.a = 'x'", "1:1 the target starts with integration.request.", nil},
		{"twice", "integration.request.header.a = 'x'\nintegration.request.header.a = 'y'", "2:1", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseParams(tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("parseParams error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			if back, _ := parseParams(formatParams(got)); len(back) != len(got) {
				t.Errorf("format/parse round trip: %v", back)
			}
		})
	}
}

// TestProblemText: how problems name their place.
func TestProblemText(t *testing.T) {
	api := NewAPI()
	api.Routes[0].Key = "sendmessage"
	tests := []struct {
		e    emulator.CompileError
		want string
	}{
		{emulator.CompileError{Integration: "DefaultIntegration", Template: `request template "$default"`, Line: 3, Col: 7, Msg: "unexpected #end"},
			`route sendmessage: request template "$default" line 3:7: unexpected #end`},
		{emulator.CompileError{Integration: "Gone", Msg: "bad"}, "integration Gone (no route uses it): bad"},
		{emulator.CompileError{Route: "$connect", Msg: "no\nintegration"}, "route $connect: no integration"},
		{emulator.CompileError{Template: "RouteSelectionExpression", Line: 1, Col: 2, Msg: "x"}, "RouteSelectionExpression line 1:2: x"},
	}
	for _, tc := range tests {
		if got := problemText(api, &tc.e); got != tc.want {
			t.Errorf("problemText(%+v) = %q, want %q", tc.e, got, tc.want)
		}
	}
}
