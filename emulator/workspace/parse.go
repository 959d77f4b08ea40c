package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxFileSize is the largest workspace file Load and Parse accept: four times
// the largest template CloudFormation itself takes (1 MB, from S3). Loading
// a YAML document allocates about 27 times its size, so the cap keeps a
// mistaken pick (a log file, a data dump) from taking gigabytes.
const MaxFileSize = 4 << 20

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML parses data into a document node with one mapping or scalar
// under it. Whatever is wrong with data, the error names a line, and a
// column where one can be known: bytes that are not text, a JSON syntax
// error, a key given twice in one mapping, a second YAML document.
func parseYAML(name string, data []byte) (doc *yaml.Node, err error) {
	defer func() {
		// yaml.v3 has panicked on malformed input before; a bad file must
		// never take the workbench down.
		if r := recover(); r != nil {
			doc, err = nil, &Error{File: name, Msg: fmt.Sprintf("invalid YAML: %v", r)}
		}
	}()
	if len(data) > MaxFileSize {
		return nil, tooLarge(name, int64(len(data)))
	}
	if err := checkText(name, data); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if err == io.EOF {
			return nil, &Error{File: name, Line: 1, Msg: "empty file"}
		}
		return nil, syntaxError(name, data, err)
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
		return nil, &Error{File: name, Line: 1, Msg: "empty file"}
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
	case err != nil:
		return nil, syntaxError(name, data, err)
	default:
		return nil, &Error{File: name, Line: extra.Line, Col: extra.Column, Msg: "a second YAML document: a workspace file holds one template"}
	}
	if err := checkDuplicateKeys(name, n.Content[0]); err != nil {
		return nil, err
	}
	return &n, nil
}

// tooLarge is the error for a file over MaxFileSize.
func tooLarge(name string, size int64) *Error {
	return &Error{File: name, Msg: fmt.Sprintf("the file is %d bytes (%.1f MiB); workspace files are limited to %d MiB", size, float64(size)/(1<<20), MaxFileSize>>20)}
}

// checkText reports the first byte sequence YAML does not allow in a file:
// invalid UTF-8, NUL and other control characters. It rejects exactly what
// yaml.v3's reader rejects ("control characters are not allowed", without
// saying where), so no file that loaded before is refused. A UTF-16 file
// (it starts with a byte order mark) is left to yaml.v3, which decodes it.
func checkText(name string, data []byte) error {
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return nil
	}
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		var msg string
		switch {
		case r == utf8.RuneError && size <= 1:
			msg = fmt.Sprintf("invalid UTF-8 (byte 0x%02X): workspace files are UTF-8 text", data[off])
		case r == 0:
			msg = "NUL byte (U+0000): workspace files are text"
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r >= 0x7F && r <= 0x9F && r != 0x85,
			r == 0xFFFE || r == 0xFFFF:
			msg = fmt.Sprintf("control character U+%04X is not allowed in YAML", r)
		}
		if msg != "" {
			line, col := offsetPos(data, off)
			return &Error{File: name, Line: line, Col: col, Msg: msg}
		}
		off += size
	}
	return nil
}

// offsetPos returns the 1-based line and column (in characters, a leading
// byte order mark not counted) of byte offset off in data.
func offsetPos(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	} else {
		before = bytes.TrimPrefix(before, []byte("\ufeff")) // editors do not show it
	}
	return line, utf8.RuneCount(before) + 1
}

// syntaxError turns a yaml.v3 parse error into an *Error. When data looks
// like JSON (it starts with {) and is not valid JSON either, the JSON
// decoder's offset gives the exact line and column, which yaml.v3's messages
// often lack (or give as line 1 for a whole flow mapping).
func syntaxError(name string, data []byte, err error) *Error {
	body, bom := data, 0
	if b, ok := bytes.CutPrefix(data, []byte("\ufeff")); ok {
		body, bom = b, len(data)-len(b) // the JSON decoder refuses a byte order mark
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		var v any
		var se *json.SyntaxError
		if jerr := json.Unmarshal(body, &v); errors.As(jerr, &se) {
			line, col := offsetPos(data, bom+int(se.Offset)-1)
			return &Error{File: name, Line: line, Col: col, Msg: "invalid JSON: " + se.Error()}
		}
	}
	return yamlError(name, err)
}

// yamlError turns a yaml.v3 error into an *Error with its line.
func yamlError(name string, err error) *Error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	msg := err.Error()
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if line, err := strconv.Atoi(rest[:i]); err == nil {
				return &Error{File: name, Line: line, Msg: rest[i+2:]}
			}
		}
	}
	return &Error{File: name, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// checkDuplicateKeys reports a mapping key given twice, as CloudFormation,
// SAM and the Serverless Framework's YAML parser do (yaml.v3 keeps both when
// it decodes into nodes). Merge keys (<<) may repeat. An alias is not
// followed (its anchor is checked where it stands), so the walk is a tree.
func checkDuplicateKeys(name string, n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" || k.Value == "<<" && k.Style == 0 {
				continue
			}
			key := k.ShortTag() + "\x00" + k.Value
			if prev, dup := first[key]; dup {
				return &Error{File: name, Line: k.Line, Col: k.Column, Msg: fmt.Sprintf("duplicate key %q (first at line %d, column %d)", k.Value, prev.Line, prev.Column)}
			}
			first[key] = k
		}
	}
	for _, c := range n.Content {
		if err := checkDuplicateKeys(name, c); err != nil {
			return err
		}
	}
	return nil
}
