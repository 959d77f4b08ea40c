package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// JSONError is a syntax error in a composer's JSON body, placed at a line and
// column (both from 1; the column counts characters, not bytes) so the window
// can point at it.
type JSONError struct {
	Line, Col int
	Offset    int // byte offset of the error in the text
	Msg       string
	err       error
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// Unwrap returns encoding/json's error.
func (e *JSONError) Unwrap() error { return e.err }

// LooksLikeJSON reports whether text is meant as JSON: its first non-blank
// character is { or [. Other JSON values (a bare string or number) are valid
// JSON too, but API Gateway's route selection only looks inside objects, and a
// composer body such as `hello` is plain text, not a typo.
func LooksLikeJSON(text string) bool {
	t := strings.TrimLeft(text, " \t\r\n")
	return t != "" && (t[0] == '{' || t[0] == '[')
}

// CheckJSON returns a *JSONError when text looks like JSON (see LooksLikeJSON)
// but is not valid JSON, and nil otherwise: plain text is not an error.
func CheckJSON(text string) error {
	if !LooksLikeJSON(text) {
		return nil
	}
	return validate(text)
}

// PrettyJSON returns text indented with two spaces, keys in their original
// order and strings exactly as written. Any JSON value is accepted; text that
// is not valid JSON gives a *JSONError.
func PrettyJSON(text string) (string, error) {
	if err := validate(text); err != nil {
		return "", err
	}
	var b bytes.Buffer
	// Indent keeps leading blanks and drops none at the end: trim both.
	if err := json.Indent(&b, []byte(strings.TrimSpace(text)), "", "  "); err != nil {
		return "", fmt.Errorf("indent json: %w", err)
	}
	return b.String(), nil
}

// CompactJSON returns text with every insignificant blank removed, keys in
// their original order. Text that is not valid JSON gives a *JSONError.
func CompactJSON(text string) (string, error) {
	if err := validate(text); err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(text)); err != nil {
		return "", fmt.Errorf("compact json: %w", err)
	}
	return b.String(), nil
}

// validate returns nil for valid JSON and a *JSONError otherwise.
func validate(text string) error {
	if json.Valid([]byte(text)) {
		return nil
	}
	var raw json.RawMessage
	err := json.Unmarshal([]byte(text), &raw)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		// Valid said no, so Unmarshal must have a reason; be safe anyway.
		return &JSONError{Line: 1, Col: 1, Msg: "invalid JSON", err: err}
	}
	off := int(se.Offset)
	// For a bad character, Offset counts it; point at it. At the end of the
	// input, point just past the last character.
	if off > 0 && off <= len(text) && !strings.HasPrefix(se.Error(), "unexpected end") {
		off--
	}
	off = min(max(off, 0), len(text))
	line, col := lineCol(text, off)
	return &JSONError{Line: line, Col: col, Offset: off, Msg: se.Error(), err: err}
}

// lineCol returns the 1-based line and character column of byte offset off.
func lineCol(text string, off int) (line, col int) {
	before := text[:off]
	line = strings.Count(before, "\n") + 1
	start := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[start:]) + 1
}
