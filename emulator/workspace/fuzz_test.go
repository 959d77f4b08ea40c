package workspace

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds the loader arbitrary bytes. Whatever it gets, Parse must not
// panic, and a file it accepts must save and load back to the same model.
func FuzzParse(f *testing.F) {
	for _, name := range seedFiles {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	if data, err := os.ReadFile("../../assets/sample.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(errorBase))
	f.Add([]byte(strings.Replace(intrinsicTemplate, "EXPR", `!Sub ["${x}", {x: !Join ["", [!Select [0, !GetAZs ""], !If [IsProd, a, b]]]}]`, 1)))
	f.Add([]byte(slsDoc("  stage: ${opt:stage, 'prod'}\n", "  connect:\n    handler: h.c\n    events:\n      - websocket:\n          route: $connect\n          authorizer: {name: auth, identitySource: [route.request.header.Auth]}\n  auth:\n    handler: h.a\n")))
	f.Add([]byte(`{"Resources": {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Parse("fuzz.yaml", data)
		if err != nil {
			if w != nil {
				t.Fatal("Parse returned a workspace with an error")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T, want *Error: %v", err, err)
			}
			return
		}
		out, err := w.Marshal()
		if err != nil {
			t.Fatalf("a loaded workspace does not marshal: %v", err)
		}
		back, err := Parse("saved.yaml", out)
		if err != nil {
			t.Fatalf("the saved template does not load: %v\n%s", err, out)
		}
		if d := diffAPI(back.API, w.API); d != "" {
			t.Fatalf("round trip: %s\n%s", d, out)
		}
	})
}

// TestFuzzRegressions holds the inputs fuzzing found, each as a named case:
// the load must fail with the given error, or succeed and round-trip.
func TestFuzzRegressions(t *testing.T) {
	tests := []struct {
		name, src, wantErr string
	}{
		{"empty logical ID", "Resources:\n  &0 '':\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: 0}\n",
			`fuzz.yaml:2:3: logical ID "" must be letters and digits only`},
		{"carriage returns in a JSON string", "{\"Resources\":{\"0\":{\"Type\":\"AWS::ApiGatewayV2::Api\",\"Properties\":{\"ProtocolType\":\"WEBSOCKET\",\"RouteSelectionExpression\":\"\r\r\"}}}}", ""},
		{"flow key without value", "Metadata:\n wsworkbench:\n    settings: {timeScale}\nResources:\n 00:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET,RouteSelectionExpression: 0}", ""},
		{"tab at the start of a template line", "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: \"\\ta\\nb\"}\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Parse("fuzz.yaml", []byte(tt.src))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			back, out := reload(t, w)
			if d := diffAPI(back.API, w.API); d != "" {
				t.Errorf("round trip: %s\n%s", d, out)
			}
		})
	}
}
