package vtl

import (
	"wsworkbench/emulator/jsonpath"

	"github.com/tidwall/gjson"
)

// A straight template is text and a few references to the body by a
// literal JSONPath, $input.path('...') or $input.json('...'), with nothing
// after them: the shape of most WebSocket request templates, such as
// {"statusCode": 200, "messageId": $input.path('$.messageId')}. It renders
// without a renderer: no statements to run, no arguments to evaluate, no
// step counting, since its work is bounded by its few lookups.
//
// A straight render hands over to the renderer (which then renders from
// the start) wherever the renderer does more than append a value: a body
// that starts like JSON but is not (the payload error), $input.path finding
// an object or an array (built as a map or list), output past MaxOutput.

// maxStraightRefs is the most references a straight template has: a
// lookup in a big body that is not indexed scans it, and a render polls
// its deadline and its connection only in the renderer.
const maxStraightRefs = 8

// straightPiece is a piece of a straight template: text, or a reference.
type straightPiece struct {
	text string
	seg  *segment // $input.path or $input.json with its compiled path; nil for text
}

// straightPlan returns the pieces of a straight template, or nil.
func straightPlan(body []stmt) []straightPiece {
	var plan []straightPiece
	refs := 0
	for _, s := range body {
		switch s := s.(type) {
		case *textStmt:
			plan = append(plan, straightPiece{text: s.s})
		case *refStmt:
			e := s.ref
			if s.escapes != 0 || e.root != rootInput || e.slot >= 0 || len(e.segs) != 1 {
				return nil
			}
			seg := &e.segs[0]
			if seg.kind != segMethod || seg.name != "path" && seg.name != "json" || seg.path == nil || seg.path.err != nil {
				return nil
			}
			if refs++; refs > maxStraightRefs {
				return nil
			}
			plan = append(plan, straightPiece{seg: seg})
		default:
			return nil
		}
	}
	if refs == 0 {
		return nil // text only: Template.text
	}
	return plan
}

// renderStraight appends t's render to out; ok is false when the renderer
// must render this input (out is then as it was).
func (t *Template) renderStraight(out []byte, in *Input) (_ []byte, ok bool) {
	if in == nil {
		in = &emptyInput
	}
	d := in.Doc
	if d == nil {
		d = new(jsonpath.Doc) // on the stack, cleared only when needed
	}
	mode, doc := readBody(in.Body, d)
	if mode == bodyBad {
		return out, false
	}
	base := len(out)
	limit := base + t.limits.MaxOutput
	for i := range t.straight {
		p := &t.straight[i]
		if p.seg == nil {
			out = append(out, p.text...)
			continue
		}
		path := &p.seg.path.path
		if p.seg.name == "json" {
			out = appendJava(out, jsonValueOf(mode, doc, *path, in.Body), true, limit)
			continue
		}
		var v value
		switch {
		case mode == bodyText && path.IsRoot():
			v = strValue(string(in.Body))
		case mode == bodyText:
			v = nullValue
		default:
			if typ, text, ok := path.ScalarIn(doc); ok {
				v = scalarOf(typ, text)
				break
			}
			res := path.GetIn(doc)
			if res.Type == gjson.JSON {
				return out[:base], false
			}
			v = scalarFromJSON(res)
		}
		out = appendJava(out, v, true, limit)
	}
	if len(out)-base > t.limits.MaxOutput {
		return out[:base], false
	}
	return out, true
}
