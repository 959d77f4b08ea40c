package workspace

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The values CloudFormation's pseudo parameters take in the workbench: a
// plausible account in us-east-1, as sam local does.
const (
	pseudoRegion    = "us-east-1"
	pseudoAccountID = "123456789012"
	pseudoStackName = "wsworkbench"
	pseudoPartition = "aws"
	pseudoURLSuffix = "amazonaws.com"
)

// Limits that keep a hostile template (alias bombs, self-feeding joins) from
// taking the loader's time or memory.
const (
	maxEvalSteps  = 200_000
	maxEvalDepth  = 64
	maxEvalString = 1 << 20
)

// evaluator resolves CloudFormation intrinsic functions over yaml nodes.
// Values are string, []any, map[string]any, or nil for "absent"
// (AWS::NoValue, null).
type evaluator struct {
	ctx        context.Context // a cancelled load stops at its next check
	src        *source
	params     map[string]*yaml.Node // name → the parameter's definition
	resources  map[string]*resource
	conditions map[string]*yaml.Node
	condState  map[string]int // 1 evaluating, 2 true, 3 false
	mappings   *yaml.Node
	steps      int
	warn       func(n *yaml.Node, msg string)
	// funcRefs collects the logical IDs of function resources whose Arn or
	// name a value used; the loader reads it after evaluating a URI.
	funcRefs []string
	// naming holds the tables whose TableName is being resolved, so a name
	// that refers back to its own table stops (see tableName).
	naming map[string]bool
}

// resource is one entry of the template's Resources.
type resource struct {
	id    string
	typ   string
	key   *yaml.Node // the logical ID's key node
	node  *yaml.Node // the resource mapping
	props *yaml.Node // Properties, or nil
	index int        // position in Resources
}

func isFunctionType(typ string) bool {
	return typ == "AWS::Lambda::Function" || typ == "AWS::Serverless::Function"
}

// functionArn is the ARN a function resource's Arn resolves to: the logical ID
// is the function name, as sam local names functions.
func functionArn(id string) string {
	return "arn:" + pseudoPartition + ":lambda:" + pseudoRegion + ":" + pseudoAccountID + ":function:" + id
}

// intrinsicName returns the function a node calls ("Ref", "Sub", ...) and the
// node holding its argument, or "" when n is plain data.
func intrinsicName(n *yaml.Node) (name string, arg *yaml.Node) {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		a := *n
		a.Tag = ""
		a.Style &^= yaml.TaggedStyle
		if a.Kind == yaml.ScalarNode {
			a.Tag = "!!str"
		}
		return strings.TrimPrefix(n.Tag, "!"), &a
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Kind == yaml.ScalarNode {
		k := n.Content[0].Value
		if k == "Ref" {
			return k, n.Content[1]
		}
		if f, ok := strings.CutPrefix(k, "Fn::"); ok {
			return f, n.Content[1]
		}
	}
	return "", nil
}

// errTooComplex stops an evaluation that ran out of steps; eval reports it
// at the value being evaluated rather than wherever the budget ran out.
var errTooComplex = errors.New("template too complex to evaluate")

// step counts one step of evaluation against maxEvalSteps, and every 1024
// steps checks whether the load was cancelled.
func (e *evaluator) step() error {
	e.steps++
	if e.steps > maxEvalSteps {
		return errTooComplex
	}
	if e.steps%1024 == 0 && e.ctx != nil {
		if err := e.ctx.Err(); err != nil {
			return fmt.Errorf("load %s: %w", e.src.name, err)
		}
	}
	return nil
}

// eval resolves n.
func (e *evaluator) eval(n *yaml.Node) (any, error) {
	v, err := e.evalDepth(n, 0)
	if errors.Is(err, errTooComplex) {
		return nil, e.src.errAt(n, errTooComplex.Error())
	}
	return v, err
}

func (e *evaluator) evalDepth(n *yaml.Node, depth int) (any, error) {
	if err := e.step(); err != nil {
		return nil, err
	}
	if depth > maxEvalDepth {
		return nil, e.src.errAt(n, "nested too deeply")
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, e.src.errAt(n, "alias without anchor")
		}
		return e.evalDepth(n.Alias, depth+1)
	}
	if name, arg := intrinsicName(n); name != "" {
		return e.call(name, n, arg, depth+1)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return nil, nil
		}
		return n.Value, nil
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := e.evalDepth(c, depth+1)
			if err != nil {
				return nil, err
			}
			if v != nil {
				list = append(list, v)
			}
		}
		return list, nil
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, e.src.errAt(k, "mapping keys must be strings")
			}
			v, err := e.evalDepth(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			if v != nil {
				m[k.Value] = v
			}
		}
		return m, nil
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return e.evalDepth(n.Content[0], depth+1)
	}
	return nil, e.src.errAt(n, "unexpected YAML node")
}

// evalString resolves n and requires a string.
func (e *evaluator) evalString(n *yaml.Node, depth int, what string) (string, error) {
	v, err := e.evalDepth(n, depth)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", e.src.errAt(n, what+" must be a string, not "+describe(v))
	}
	return s, nil
}

// evalList resolves n and requires a list.
func (e *evaluator) evalList(n *yaml.Node, depth int, what string) ([]any, error) {
	v, err := e.evalDepth(n, depth)
	if err != nil {
		return nil, err
	}
	l, ok := v.([]any)
	if !ok {
		return nil, e.src.errAt(n, what+" must be a list, not "+describe(v))
	}
	return l, nil
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "empty"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

// args returns the elements of a function's list argument, requiring n of them.
func (e *evaluator) args(fn string, arg *yaml.Node, min, max int) ([]*yaml.Node, error) {
	if arg.Kind == yaml.AliasNode && arg.Alias != nil {
		arg = arg.Alias
	}
	if arg.Kind != yaml.SequenceNode || len(arg.Content) < min || len(arg.Content) > max {
		want := strconv.Itoa(min)
		if max != min {
			want += " to " + strconv.Itoa(max)
		}
		return nil, e.src.errAt(arg, "Fn::"+fn+" needs a list of "+want+" arguments")
	}
	return arg.Content, nil
}

// call evaluates the intrinsic function name; n is the calling node, arg its argument.
func (e *evaluator) call(name string, n, arg *yaml.Node, depth int) (any, error) {
	switch name {
	case "Ref":
		if arg.Kind != yaml.ScalarNode || arg.Value == "" {
			return nil, e.src.errAt(n, "Ref needs the name of a parameter or resource")
		}
		return e.ref(arg.Value, n)
	case "GetAtt":
		return e.getAttCall(n, arg, depth)
	case "Sub":
		return e.subCall(n, arg, depth)
	case "Join":
		return e.joinCall(n, arg, depth)
	case "Select":
		return e.selectCall(arg, depth)
	case "Split":
		return e.splitCall(arg, depth)
	case "If":
		return e.ifCall(arg, depth)
	case "FindInMap":
		return e.findInMap(n, arg, depth)
	case "Base64":
		s, err := e.evalString(arg, depth, "the Fn::Base64 value")
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "GetAZs":
		return []any{pseudoRegion + "a", pseudoRegion + "b", pseudoRegion + "c"}, nil
	case "Equals", "And", "Or", "Not", "Condition":
		return nil, e.src.errAt(n, "Fn::"+name+" belongs in Conditions or in the first argument of Fn::If")
	case "ImportValue":
		return nil, e.src.errAt(n, "Fn::ImportValue is not supported: the workbench cannot read another stack's exports")
	}
	return nil, e.src.errAt(n, "unsupported intrinsic function "+fnName(n, name))
}

// joinCall is Fn::Join [delimiter, [values]]: strings only.
func (e *evaluator) joinCall(n, arg *yaml.Node, depth int) (any, error) {
	a, err := e.args("Join", arg, 2, 2)
	if err != nil {
		return nil, err
	}
	delim, err := e.evalString(a[0], depth, "the Fn::Join delimiter")
	if err != nil {
		return nil, err
	}
	list, err := e.evalList(a[1], depth, "the Fn::Join values")
	if err != nil {
		return nil, err
	}
	parts := make([]string, len(list))
	size := 0
	for i, v := range list {
		s, ok := v.(string)
		if !ok {
			return nil, e.src.errAt(a[1], "Fn::Join can only join strings, not "+describe(v))
		}
		parts[i] = s
		size += len(s) + len(delim)
	}
	if size > maxEvalString {
		return nil, e.src.errAt(n, "Fn::Join result too long")
	}
	return strings.Join(parts, delim), nil
}

// selectCall is Fn::Select [index, [values]].
func (e *evaluator) selectCall(arg *yaml.Node, depth int) (any, error) {
	a, err := e.args("Select", arg, 2, 2)
	if err != nil {
		return nil, err
	}
	idx, err := e.evalString(a[0], depth, "the Fn::Select index")
	if err != nil {
		return nil, err
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 {
		return nil, e.src.errAt(a[0], fmt.Sprintf("Fn::Select index %q is not a number", idx))
	}
	list, err := e.evalList(a[1], depth, "the Fn::Select list")
	if err != nil {
		return nil, err
	}
	if i >= len(list) {
		return nil, e.src.errAt(a[0], fmt.Sprintf("Fn::Select index %d is out of range (the list has %d values)", i, len(list)))
	}
	return list[i], nil
}

// splitCall is Fn::Split [delimiter, source].
func (e *evaluator) splitCall(arg *yaml.Node, depth int) (any, error) {
	a, err := e.args("Split", arg, 2, 2)
	if err != nil {
		return nil, err
	}
	delim, err := e.evalString(a[0], depth, "the Fn::Split delimiter")
	if err != nil {
		return nil, err
	}
	if delim == "" {
		return nil, e.src.errAt(a[0], "the Fn::Split delimiter is empty")
	}
	s, err := e.evalString(a[1], depth, "the Fn::Split source")
	if err != nil {
		return nil, err
	}
	parts := strings.Split(s, delim)
	list := make([]any, len(parts))
	for i, p := range parts {
		list[i] = p
	}
	return list, nil
}

// ifCall is Fn::If [condition, then, else].
func (e *evaluator) ifCall(arg *yaml.Node, depth int) (any, error) {
	a, err := e.args("If", arg, 3, 3)
	if err != nil {
		return nil, err
	}
	if a[0].Kind != yaml.ScalarNode {
		return nil, e.src.errAt(a[0], "Fn::If needs a condition name")
	}
	ok, err := e.condition(a[0].Value, a[0], depth)
	if err != nil {
		return nil, err
	}
	if ok {
		return e.evalDepth(a[1], depth)
	}
	return e.evalDepth(a[2], depth)
}

func fnName(n *yaml.Node, name string) string {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return n.Tag
	}
	if name == "Ref" || name == "Condition" {
		return name
	}
	return "Fn::" + name
}

// ref resolves Ref name (or ${name} in a Sub).
func (e *evaluator) ref(name string, n *yaml.Node) (any, error) {
	switch name {
	case "AWS::Region":
		return pseudoRegion, nil
	case "AWS::AccountId":
		return pseudoAccountID, nil
	case "AWS::StackName":
		return pseudoStackName, nil
	case "AWS::StackId":
		return "arn:aws:cloudformation:" + pseudoRegion + ":" + pseudoAccountID + ":stack/" + pseudoStackName + "/00000000-0000-0000-0000-000000000000", nil
	case "AWS::Partition":
		return pseudoPartition, nil
	case "AWS::URLSuffix":
		return pseudoURLSuffix, nil
	case "AWS::NoValue":
		return nil, nil
	case "AWS::NotificationARNs":
		return []any{}, nil
	}
	if p, ok := e.params[name]; ok {
		return e.param(name, p, n)
	}
	if r, ok := e.resources[name]; ok {
		if isFunctionType(r.typ) {
			e.funcRefs = append(e.funcRefs, r.id)
		}
		// A resource's Ref is its physical ID. For ApiGatewayV2 resources the
		// logical ID is what ties routes to integrations; for functions it is
		// the name sam local gives them; a table's is its TableName.
		if name := e.tableName(r); name != "" {
			return name, nil
		}
		return r.id, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return nil, e.src.errAt(n, fmt.Sprintf("unknown pseudo parameter %q", name))
	}
	return nil, e.src.errAt(n, fmt.Sprintf("unknown reference %q: no parameter or resource has that name", name))
}

// tableName returns a DynamoDB table's TableName (SAM SimpleTable's
// too) when it resolves to a string, else "".
func (e *evaluator) tableName(r *resource) string {
	if r.typ != "AWS::DynamoDB::Table" && r.typ != "AWS::Serverless::SimpleTable" {
		return ""
	}
	n := mapGet(r.props, "TableName")
	if n == nil || e.naming[r.id] {
		return "" // no name, or a name that refers back to the table
	}
	if e.naming == nil {
		e.naming = map[string]bool{}
	}
	e.naming[r.id] = true
	defer delete(e.naming, r.id)
	v, err := e.eval(n)
	if s, ok := v.(string); ok && err == nil {
		return s
	}
	return ""
}

// param returns parameter name's value: its Default (a list for list types).
func (e *evaluator) param(name string, p *yaml.Node, at *yaml.Node) (any, error) {
	def := mapGet(p, "Default")
	if def == nil {
		allowed := mapGet(p, "AllowedValues")
		if allowed == nil || allowed.Kind != yaml.SequenceNode || len(allowed.Content) == 0 {
			return nil, e.src.errAt(at, fmt.Sprintf("parameter %q has no Default: the workbench needs a Default value to resolve it", name))
		}
		def = allowed.Content[0]
		if e.warn != nil {
			e.warn(at, fmt.Sprintf("parameter %q has no Default; using its first AllowedValues entry %q", name, def.Value))
		}
	}
	if def.Kind == yaml.AliasNode && def.Alias != nil {
		def = def.Alias
	}
	if def.Kind != yaml.ScalarNode {
		return nil, e.src.errAt(def, fmt.Sprintf("the Default of parameter %q must be a string", name))
	}
	typ := ""
	if t := mapGet(p, "Type"); t != nil {
		typ = t.Value
	}
	if typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
		parts := strings.Split(def.Value, ",")
		list := make([]any, len(parts))
		for i, s := range parts {
			list[i] = strings.TrimSpace(s)
		}
		return list, nil
	}
	return def.Value, nil
}

func (e *evaluator) getAttCall(n, arg *yaml.Node, depth int) (any, error) {
	var id, attr string
	switch arg.Kind {
	case yaml.ScalarNode:
		var ok bool
		id, attr, ok = strings.Cut(arg.Value, ".")
		if !ok || id == "" || attr == "" {
			return nil, e.src.errAt(n, "GetAtt needs LogicalId.Attribute")
		}
	case yaml.SequenceNode:
		if len(arg.Content) != 2 || arg.Content[0].Kind != yaml.ScalarNode {
			return nil, e.src.errAt(n, "Fn::GetAtt needs [LogicalId, Attribute]")
		}
		id = arg.Content[0].Value
		var err error
		attr, err = e.evalString(arg.Content[1], depth, "the Fn::GetAtt attribute")
		if err != nil {
			return nil, err
		}
	default:
		return nil, e.src.errAt(n, "Fn::GetAtt needs [LogicalId, Attribute]")
	}
	return e.getAtt(id, attr, n)
}

// getAtt resolves GetAtt id.attr to a plausible value.
func (e *evaluator) getAtt(id, attr string, n *yaml.Node) (any, error) {
	r, ok := e.resources[id]
	if !ok {
		return nil, e.src.errAt(n, fmt.Sprintf("unknown reference %q in GetAtt: no resource has that name", id))
	}
	switch {
	case isFunctionType(r.typ) && attr == "Arn":
		e.funcRefs = append(e.funcRefs, id)
		return functionArn(id), nil
	case r.typ == "AWS::ApiGatewayV2::Api" && attr == "ApiEndpoint":
		return "wss://" + strings.ToLower(id) + ".execute-api." + pseudoRegion + "." + pseudoURLSuffix, nil
	case r.typ == "AWS::ApiGatewayV2::Api" && attr == "ApiId":
		return id, nil
	case r.typ == "AWS::IAM::Role" && attr == "Arn":
		return "arn:" + pseudoPartition + ":iam::" + pseudoAccountID + ":role/" + id, nil
	case attr == "Arn":
		service := "cloudformation"
		if parts := strings.Split(r.typ, "::"); len(parts) == 3 {
			service = strings.ToLower(parts[1])
		}
		return "arn:" + pseudoPartition + ":" + service + ":" + pseudoRegion + ":" + pseudoAccountID + ":" + id, nil
	}
	return id + "." + attr, nil
}

func (e *evaluator) subCall(n, arg *yaml.Node, depth int) (any, error) {
	if arg.Kind == yaml.AliasNode && arg.Alias != nil {
		arg = arg.Alias
	}
	switch arg.Kind {
	case yaml.ScalarNode:
		return e.sub(arg.Value, nil, arg, depth)
	case yaml.SequenceNode:
		if len(arg.Content) != 2 || arg.Content[0].Kind != yaml.ScalarNode {
			return nil, e.src.errAt(n, "Fn::Sub needs a string or [string, {variables}]")
		}
		v, err := e.evalDepth(arg.Content[1], depth)
		if err != nil {
			return nil, err
		}
		vars, ok := v.(map[string]any)
		if !ok && v != nil {
			return nil, e.src.errAt(arg.Content[1], "the Fn::Sub variables must be a mapping")
		}
		return e.sub(arg.Content[0].Value, vars, arg.Content[0], depth)
	}
	return nil, e.src.errAt(n, "Fn::Sub needs a string or [string, {variables}]")
}

// sub substitutes ${Var}, ${Resource.Attr} and ${AWS::Pseudo} in s; ${!Text}
// is the literal ${Text}. at is the scalar holding s, for error positions.
func (e *evaluator) sub(s string, vars map[string]any, at *yaml.Node, depth int) (string, error) {
	var b strings.Builder
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		if strings.HasPrefix(rest[i+2:], "!") {
			b.WriteString("${")
			rest = rest[i+3:]
			continue
		}
		j := strings.IndexByte(rest[i+2:], '}')
		if j < 0 {
			b.WriteString(rest[i:])
			break
		}
		name := rest[i+2 : i+2+j]
		offset := len(s) - len(rest) + i
		v, err := e.subVar(name, vars, at, offset)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		if b.Len() > maxEvalString {
			return "", e.src.errAt(at, "Fn::Sub result too long")
		}
		rest = rest[i+2+j+1:]
	}
	return b.String(), nil
}

func (e *evaluator) subVar(name string, vars map[string]any, at *yaml.Node, offset int) (string, error) {
	pos := at
	if at != nil && at.Kind == yaml.ScalarNode {
		l, c := e.src.posAtOffset(at, offset)
		if l > 0 {
			p := *at
			p.Line, p.Column = l, c
			pos = &p
		}
	}
	var v any
	var err error
	if val, ok := vars[name]; ok {
		v = val
	} else if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
		v, err = e.getAtt(id, attr, pos)
	} else {
		v, err = e.ref(name, pos)
	}
	if err != nil {
		return "", err
	}
	str, ok := v.(string)
	if !ok {
		return "", e.src.errAt(pos, fmt.Sprintf("${%s} in Fn::Sub must be a string, not %s", name, describe(v)))
	}
	return str, nil
}

func (e *evaluator) findInMap(n, arg *yaml.Node, depth int) (any, error) {
	a, err := e.args("FindInMap", arg, 3, 3)
	if err != nil {
		return nil, err
	}
	var keys [3]string
	for i, k := range a {
		if keys[i], err = e.evalString(k, depth, "a Fn::FindInMap key"); err != nil {
			return nil, err
		}
	}
	m := mapGet(e.mappings, keys[0])
	if m == nil {
		return nil, e.src.errAt(a[0], fmt.Sprintf("Fn::FindInMap: no mapping %q in Mappings", keys[0]))
	}
	top := mapGet(m, keys[1])
	if top == nil {
		return nil, e.src.errAt(a[1], fmt.Sprintf("Fn::FindInMap: mapping %q has no key %q", keys[0], keys[1]))
	}
	v := mapGet(top, keys[2])
	if v == nil {
		return nil, e.src.errAt(a[2], fmt.Sprintf("Fn::FindInMap: %s.%s has no key %q", keys[0], keys[1], keys[2]))
	}
	return e.evalDepth(v, depth)
}

// condition evaluates the named condition from Conditions.
func (e *evaluator) condition(name string, at *yaml.Node, depth int) (bool, error) {
	switch e.condState[name] {
	case 1:
		return false, e.src.errAt(at, fmt.Sprintf("condition %q refers to itself", name))
	case 2:
		return true, nil
	case 3:
		return false, nil
	}
	c, ok := e.conditions[name]
	if !ok {
		return false, e.src.errAt(at, fmt.Sprintf("unknown condition %q", name))
	}
	e.condState[name] = 1
	v, err := e.condExpr(c, depth+1)
	if err != nil {
		delete(e.condState, name)
		return false, err
	}
	e.condState[name] = 3
	if v {
		e.condState[name] = 2
	}
	return v, nil
}

// condExpr evaluates a condition function (Fn::Equals, Fn::And, ...).
func (e *evaluator) condExpr(n *yaml.Node, depth int) (bool, error) {
	if err := e.step(); err != nil {
		return false, err
	}
	if depth > maxEvalDepth {
		return false, e.src.errAt(n, "nested too deeply")
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return e.condExpr(n.Alias, depth+1)
	}
	name, arg := intrinsicName(n)
	if name == "" && n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Condition" {
		name, arg = "Condition", n.Content[1]
	}
	switch name {
	case "Equals":
		a, err := e.args(name, arg, 2, 2)
		if err != nil {
			return false, err
		}
		x, err := e.evalDepth(a[0], depth)
		if err != nil {
			return false, err
		}
		y, err := e.evalDepth(a[1], depth)
		if err != nil {
			return false, err
		}
		return fmt.Sprint(x) == fmt.Sprint(y), nil
	case "And", "Or":
		a, err := e.args(name, arg, 1, 10)
		if err != nil {
			return false, err
		}
		for _, c := range a {
			v, err := e.condExpr(c, depth+1)
			if err != nil {
				return false, err
			}
			if name == "And" && !v {
				return false, nil
			}
			if name == "Or" && v {
				return true, nil
			}
		}
		return name == "And", nil
	case "Not":
		a, err := e.args(name, arg, 1, 1)
		if err != nil {
			return false, err
		}
		v, err := e.condExpr(a[0], depth+1)
		return !v, err
	case "Condition":
		if arg.Kind != yaml.ScalarNode {
			return false, e.src.errAt(n, "Condition needs a condition name")
		}
		return e.condition(arg.Value, arg, depth+1)
	}
	return false, e.src.errAt(n, "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition")
}
