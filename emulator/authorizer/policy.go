package authorizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Response is a Lambda authorizer's answer.
type Response struct {
	PrincipalID        string
	Policy             Policy
	Context            map[string]string // values stringified: 1 → "1", true → "true"
	UsageIdentifierKey string
}

// Policy is an IAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Action and Resource may be a string or
// a list in JSON.
type Statement struct {
	Effect   string     `json:"Effect"`
	Action   stringList `json:"Action"`
	Resource stringList `json:"Resource"`
}

// Decision is what a policy says about an action on a resource.
type Decision int

// Decisions: no statement applies, an Allow applies, a Deny applies (Deny
// wins over Allow).
const (
	NoDecision Decision = iota
	Allow
	Deny
)

// ParseResponse reads an authorizer's answer: principalId (required, a
// string), policyDocument (required, with at least one statement), optional
// context whose values must be strings, numbers or booleans, and optional
// usageIdentifierKey. Any other shape is an error saying what is wrong.
func ParseResponse(payload []byte) (Response, error) {
	var r Response
	var raw struct {
		PrincipalID        json.RawMessage            `json:"principalId"`
		PolicyDocument     json.RawMessage            `json:"policyDocument"`
		Context            map[string]json.RawMessage `json:"context"`
		UsageIdentifierKey *string                    `json:"usageIdentifierKey"`
	}
	t := bytes.TrimSpace(payload)
	if len(t) == 0 || t[0] != '{' {
		return r, errors.New("want a JSON object with principalId and policyDocument")
	}
	if err := json.Unmarshal(t, &raw); err != nil {
		return r, fmt.Errorf("authorizer answer: %w", err)
	}
	if len(raw.PrincipalID) == 0 || json.Unmarshal(raw.PrincipalID, &r.PrincipalID) != nil {
		return r, errors.New("principalId missing or not a string")
	}
	if len(raw.PolicyDocument) == 0 || bytes.Equal(raw.PolicyDocument, []byte("null")) {
		return r, errors.New("policyDocument missing")
	}
	// A policy document may come as an object or as a JSON string of one.
	doc := raw.PolicyDocument
	var s string
	if json.Unmarshal(doc, &s) == nil {
		doc = []byte(s)
	}
	if err := json.Unmarshal(doc, &r.Policy); err != nil {
		return r, fmt.Errorf("policyDocument: %w", err)
	}
	if len(r.Policy.Statement) == 0 {
		return r, errors.New("policyDocument has no Statement")
	}
	for i, st := range r.Policy.Statement {
		if !strings.EqualFold(st.Effect, "Allow") && !strings.EqualFold(st.Effect, "Deny") {
			return r, fmt.Errorf("policyDocument Statement %d: Effect %q is not Allow or Deny", i, st.Effect)
		}
	}
	if len(raw.Context) > 0 {
		r.Context = make(map[string]string, len(raw.Context))
		for k, v := range raw.Context {
			sv, err := stringify(v)
			if err != nil {
				return r, fmt.Errorf("context %q: %w", k, err)
			}
			r.Context[k] = sv
		}
	}
	if raw.UsageIdentifierKey != nil {
		r.UsageIdentifierKey = *raw.UsageIdentifierKey
	}
	return r, nil
}

// stringify writes a context value the way API Gateway passes it on: strings
// as they are, numbers and booleans as their JSON text. Objects and arrays
// are refused, as API Gateway refuses them.
func stringify(v json.RawMessage) (string, error) {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return "", errors.New("empty value")
	}
	switch t[0] {
	case '"':
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return "", err
		}
		return s, nil
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(t, &b); err != nil {
			return "", err
		}
		return strconv.FormatBool(b), nil
	case 'n':
		return "", errors.New("null is not allowed (strings, numbers and booleans only)")
	case '{', '[':
		return "", errors.New("objects and arrays are not allowed (strings, numbers and booleans only)")
	}
	var n json.Number
	if err := json.Unmarshal(t, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// Evaluate returns what the policy says about action on resource: Deny if a
// Deny statement matches, else Allow if an Allow statement matches, else
// NoDecision (which API Gateway treats as a deny). Actions match
// case-insensitively and resources case-sensitively; both may use * and ?
// wildcards.
func (p Policy) Evaluate(action, resource string) Decision {
	d := NoDecision
	for _, st := range p.Statement {
		if !anyMatch(st.Action, action, true) || !anyMatch(st.Resource, resource, false) {
			continue
		}
		if strings.EqualFold(st.Effect, "Deny") {
			return Deny
		}
		if strings.EqualFold(st.Effect, "Allow") {
			d = Allow
		}
	}
	return d
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			if wildcard(strings.ToLower(p), strings.ToLower(s)) {
				return true
			}
		} else if wildcard(p, s) {
			return true
		}
	}
	return false
}

// wildcard matches s against an IAM pattern where * is any run of characters
// and ? any one character. It runs in O(len(p)·len(s)) at worst.
func wildcard(p, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(p) && (p[px] == '?' || p[px] == s[sx]):
			px++
			sx++
		case px < len(p) && p[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(p) && p[px] == '*' {
		px++
	}
	return px == len(p)
}

// stringList is a JSON string or list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = []string{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return errors.New("want a string or a list of strings")
	}
	*l = ss
	return nil
}
