package authorizer

import (
	"fmt"
	"net/http"
	"strings"

	"wsworkbench/emulator/model"
	"wsworkbench/emulator/reqsource"
)

// Mock decides $connect with the built-in mock authorizer: the value of the
// configured header (or, when no header is named, query string parameter)
// must equal m.Value, or be non-empty when m.Value is "". Missing → 401, a
// different value → 403, as a Lambda authorizer's "Unauthorized" and Deny
// would answer. An allowed connection gets m.PrincipalID ("user" when empty)
// and m.Context as its authorizer values.
func Mock(m model.MockAuthorizer, r Request) Outcome {
	var got, where string
	switch {
	case m.Header != "":
		where = "header " + m.Header
		got = strings.Join(reqsource.HeaderValues(r.Header, m.Header), ",")
	case m.QueryString != "":
		where = "query string parameter " + m.QueryString
		got = strings.Join(r.Query[m.QueryString], ",")
	default:
		return Outcome{Status: http.StatusInternalServerError, Reason: "mock authorizer: name a header or a query string parameter"}
	}
	if got == "" {
		return Outcome{Status: http.StatusUnauthorized, Reason: fmt.Sprintf("mock authorizer: %s is missing", where)}
	}
	if m.Value != "" && got != m.Value {
		return Outcome{Status: http.StatusForbidden, Reason: fmt.Sprintf("mock authorizer: %s is %q, not the allowed value", where, got)}
	}
	principal := m.PrincipalID
	if principal == "" {
		principal = "user"
	}
	ctx := make(map[string]string, len(m.Context))
	for k, v := range m.Context {
		ctx[k] = v
	}
	return Outcome{PrincipalID: principal, Context: ctx, Reason: fmt.Sprintf("mock authorizer: %s allowed", where)}
}
