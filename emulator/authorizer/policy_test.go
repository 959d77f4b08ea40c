package authorizer

import (
	"strings"
	"testing"
)

const arn = "arn:aws:execute-api:us-east-1:123456789012:abc/Prod/$connect"

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		want   Decision
	}{
		{"allow exact", `{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + arn + `"}]}`, Allow},
		{"allow list", `{"Statement":[{"Effect":"Allow","Action":["s3:Get","execute-api:Invoke"],"Resource":["x","` + arn + `"]}]}`, Allow},
		{"action wildcard", `{"Statement":[{"Effect":"Allow","Action":"execute-api:*","Resource":"*"}]}`, Allow},
		{"action case-insensitive", `{"Statement":[{"Effect":"allow","Action":"Execute-API:invoke","Resource":"*"}]}`, Allow},
		{"resource ? wildcard", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:us-east-1:123456789012:ab?/Prod/*"}]}`, Allow},
		{"resource case-sensitive", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:us-east-1:123456789012:ABC/Prod/*"}]}`, NoDecision},
		{"other stage", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:*:*:abc/Dev/*"}]}`, NoDecision},
		{"deny wins", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"*"}]}`, Deny},
		{"other action", `{"Statement":[{"Effect":"Allow","Action":"execute-api:ManageConnections","Resource":"*"}]}`, NoDecision},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseResponse([]byte(`{"principalId":"p","policyDocument":` + tt.policy + `}`))
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Policy.Evaluate("execute-api:Invoke", arn); got != tt.want {
				t.Fatalf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseResponseErrors(t *testing.T) {
	ok := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	tests := []struct{ name, in, want string }{
		{"not an object", `"allow"`, "JSON object"},
		{"no principal", `{"policyDocument":` + ok + `}`, "principalId"},
		{"numeric principal", `{"principalId":1,"policyDocument":` + ok + `}`, "principalId"},
		{"no policy", `{"principalId":"p"}`, "policyDocument missing"},
		{"no statements", `{"principalId":"p","policyDocument":{"Version":"2012-10-17"}}`, "no Statement"},
		{"bad effect", `{"principalId":"p","policyDocument":{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}}`, "Effect"},
		{"bad action type", `{"principalId":"p","policyDocument":{"Statement":[{"Effect":"Allow","Action":1,"Resource":"*"}]}}`, "policyDocument"},
		{"null context value", `{"principalId":"p","policyDocument":` + ok + `,"context":{"a":null}}`, `context "a"`},
		{"array context value", `{"principalId":"p","policyDocument":` + ok + `,"context":{"a":[1]}}`, `context "a"`},
		{"broken JSON", `{"principalId":`, "authorizer answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseResponse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestParseResponsePolicyAsString(t *testing.T) {
	r, err := ParseResponse([]byte(`{"principalId":"p","policyDocument":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}","context":{"big":12345678901234567890,"f":1.5}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Policy.Evaluate("execute-api:Invoke", arn) != Allow {
		t.Fatal("policy given as a JSON string not read")
	}
	if r.Context["big"] != "12345678901234567890" || r.Context["f"] != "1.5" {
		t.Fatalf("numbers not kept as written: %v", r.Context)
	}
}

func TestWildcard(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"", "", true}, {"", "a", false}, {"a*c", "abbbc", true}, {"a*c", "abbb", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"**", "x", true}, {"*a*b*", "xxaxxbxx", true},
		{"*a*b*", "xxbxxaxx", false}, {strings.Repeat("*a", 20), strings.Repeat("a", 40), true},
	}
	for _, tt := range tests {
		if got := wildcard(tt.p, tt.s); got != tt.want {
			t.Errorf("wildcard(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}

func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		`{"principalId":"p","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]},"context":{"a":1,"b":"x","c":false}}`,
		`{"principalId":"p","policyDocument":"{\"Statement\":[]}"}`,
		`{"principalId":"p","policyDocument":{"Statement":[{"Effect":"Deny","Action":["*"],"Resource":["arn:*:?"]}]}}`,
		`null`, `{}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		r, err := ParseResponse(payload)
		if err != nil {
			return
		}
		_ = r.Policy.Evaluate("execute-api:Invoke", arn)
	})
}
