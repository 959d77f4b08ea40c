package selection

import (
	"regexp"
	"strings"
)

// DefaultKey is the catch-all key of routes, route responses, integration
// responses and mapping templates.
const DefaultKey = "$default"

// ResponseKey is an integration response key: "$default" or "/regex/". The
// regex must match the whole selection value (the status code, e.g. "200"),
// as REST API selection patterns do: "/2\d\d/" selects "200" but not "1200",
// and "/20/" does not select "200". See docs/DECISIONS.md, "Selection
// expressions".
type ResponseKey struct {
	key string
	re  *regexp.Regexp // nil for $default
}

// ParseResponseKey parses an integration response key. Anything but
// "$default" must be a regular expression (Go RE2 syntax) between slashes;
// an error is an *Error with the column.
func ParseResponseKey(key string) (*ResponseKey, error) {
	if key == DefaultKey {
		return &ResponseKey{key: key}, nil
	}
	if key == "" {
		return nil, errorAt(0, `empty integration response key (want $default or /regex/)`)
	}
	if len(key) < 2 || key[0] != '/' || key[len(key)-1] != '/' {
		hint := ""
		if !strings.Contains(key, "/") {
			hint = " (write /" + key + "/)"
		}
		return nil, errorAt(0, "an integration response key is $default or a regex between slashes"+hint)
	}
	expr := key[1 : len(key)-1]
	if expr == "" {
		return nil, errorAt(1, "empty regex //")
	}
	// Compile the regex alone first: wrapping an unbalanced one such as
	// "a)|(b" in ^(?:...)$ would make it valid with another meaning.
	if _, err := regexp.Compile(expr); err != nil {
		return nil, errorAt(1, "bad regex: "+strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	re, err := regexp.Compile(`^(?:` + expr + `)$`)
	if err != nil {
		return nil, errorAt(1, "bad regex: "+strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	return &ResponseKey{key: key, re: re}, nil
}

// String returns the key as written.
func (k *ResponseKey) String() string { return k.key }

// IsDefault reports whether k is the $default key.
func (k *ResponseKey) IsDefault() bool { return k.re == nil }

// Match reports whether status (e.g. "200") selects this key. The $default
// key matches every status; SelectResponse tries it only when no regex key
// matches.
func (k *ResponseKey) Match(status string) bool {
	if k.re == nil {
		return true
	}
	return k.re.MatchString(status)
}

// SelectResponse picks among keys for status: the first regex key, in the
// order given, whose regex matches the whole status; else the first $default
// key; else none (ok false). AWS does not say which of several matching
// regexes wins; callers pass the keys in the order of the API definition so
// the choice is stable and visible. Nil entries are skipped.
func SelectResponse(keys []*ResponseKey, status string) (index int, ok bool) {
	def := -1
	for i, k := range keys {
		if k == nil {
			continue
		}
		if k.re == nil {
			if def < 0 {
				def = i
			}
			continue
		}
		if k.re.MatchString(status) {
			return i, true
		}
	}
	if def >= 0 {
		return def, true
	}
	return -1, false
}

// SelectTemplate returns which mapping template key to use for value, the
// result of a template selection expression: value itself if keys has it,
// else "$default" if keys has it; ok is false when neither exists (the
// caller then passes the payload through, or rejects it, by its
// PassthroughBehavior). An empty value selects $default.
func SelectTemplate(keys map[string]string, value string) (key string, ok bool) {
	if value != "" {
		if _, found := keys[value]; found {
			return value, true
		}
	}
	if _, found := keys[DefaultKey]; found {
		return DefaultKey, true
	}
	return "", false
}
