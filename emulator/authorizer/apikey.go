package authorizer

import (
	"fmt"
	"net/http"
	"strings"

	"wsworkbench/emulator/reqsource"
)

// API key selection expressions, the only two API Gateway accepts.
const (
	KeyFromHeader     = "$request.header.x-api-key"
	KeyFromAuthorizer = "$context.authorizer.usageIdentifierKey"
)

// APIKey checks the API key of a $connect whose route requires one. expr is
// the API's ApiKeySelectionExpression ("" means the header); usageKey is the
// authorizer's usageIdentifierKey. valid lists the keys the workspace accepts;
// when it is empty any non-empty key passes (there are no usage plans
// locally). It returns the key and 0, or 403 and why, as API Gateway answers a
// missing or unknown key.
func APIKey(expr string, h http.Header, usageKey string, valid []string) (key string, status int, reason string) {
	switch strings.TrimSpace(expr) {
	case "", KeyFromHeader:
		key = strings.Join(reqsource.HeaderValues(h, "x-api-key"), ",")
	case KeyFromAuthorizer:
		key = usageKey
	default:
		return "", http.StatusInternalServerError, fmt.Sprintf("API key selection expression %q is not %s or %s", expr, KeyFromHeader, KeyFromAuthorizer)
	}
	if key == "" {
		return "", http.StatusForbidden, "API key required but missing"
	}
	if len(valid) == 0 {
		return key, 0, ""
	}
	for _, v := range valid {
		if v == key {
			return key, 0, ""
		}
	}
	return "", http.StatusForbidden, "API key not accepted"
}
