package model

import (
	"errors"
	"strings"
)

// SaveMessage returns a copy of list in which the message named name (after
// trimming blanks) has body: it replaces the message of that name in place or
// is appended. list itself is not modified, so it may belong to a workspace
// snapshot. A blank name is an error.
func SaveMessage(list []SavedMessage, name, body string) ([]SavedMessage, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, errors.New("a saved message needs a name")
	}
	out := append([]SavedMessage(nil), list...)
	for i := range out {
		if out[i].Name == name {
			out[i].Body = body
			return out, nil
		}
	}
	return append(out, SavedMessage{Name: name, Body: body}), nil
}

// DeleteMessage returns a copy of list without the message named name.
func DeleteMessage(list []SavedMessage, name string) []SavedMessage {
	out := make([]SavedMessage, 0, len(list))
	for _, m := range list {
		if m.Name != name {
			out = append(out, m)
		}
	}
	return out
}
