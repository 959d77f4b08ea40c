package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"wsworkbench/emulator/model"
)

// slsDefaultTimeout and slsDefaultMemory are the Serverless Framework's
// function defaults (provider.timeout 6 s, provider.memorySize 1024 MB).
const (
	slsDefaultTimeout = 6 * time.Second
	slsDefaultMemory  = 1024
)

// Local is what a workspace file says about code and data that can run on
// this machine: its Lambda functions with local code and its DynamoDB
// tables.
type Local struct {
	Functions []model.Function // sorted by name
	Tables    []model.Table    // sorted by name
	// Warnings are "file:line:col: message" for what was left out.
	Warnings []string
}

// LoadLocal reads the Lambda functions with local code and the DynamoDB
// tables that the template or serverless.yml at path declares. Functions:
// SAM AWS::Serverless::Function (CodeUri, InlineCode, Handler, Runtime,
// Environment.Variables, Timeout, MemorySize, ReservedConcurrentExecutions,
// with Globals.Function), AWS::Lambda::Function with Code.ZipFile, and
// serverless.yml functions. Tables: AWS::DynamoDB::Table and
// AWS::Serverless::SimpleTable (in a serverless.yml, under
// resources.Resources). Code directories resolve relative to the file's
// directory. A function whose code is elsewhere (S3, an image) is left out
// with a warning, as is an environment variable that does not resolve. The
// file must load (see Load); LoadLocal does not check the API.
func LoadLocal(path string) (*Local, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseLocal(path, fileDir(path), data)
}

// ParseLocal is LoadLocal for bytes already read; name is used in messages
// and dir is the directory code paths are relative to.
func ParseLocal(name, dir string, data []byte) (*Local, error) {
	doc, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: root.Line, Col: root.Column, Msg: "the top level must be a mapping"}
	}
	src := newSource(name, data)
	fl := &functionLoader{src: src, dir: dir}
	if mapGet(root, "service") != nil && mapGet(root, "provider") != nil && mapGet(root, "Resources") == nil {
		err = fl.serverless(root)
	} else {
		err = fl.template(root)
	}
	if err != nil {
		return nil, err
	}
	sort.Slice(fl.fns, func(i, j int) bool { return fl.fns[i].Name < fl.fns[j].Name })
	sort.Slice(fl.tables, func(i, j int) bool { return fl.tables[i].Name < fl.tables[j].Name })
	return &Local{Functions: fl.fns, Tables: fl.tables, Warnings: fl.warnings}, nil
}

// functionLoader collects functions, tables and warnings from one file.
type functionLoader struct {
	src      *source
	dir      string
	fns      []model.Function
	tables   []model.Table
	warnings []string
	// editable are the SAM functions with a local code directory that
	// loaded without a warning: the model holds them (see
	// editableFunctions).
	editable map[string]bool
}

func (fl *functionLoader) warn(n *yaml.Node, msg string) {
	fl.warnings = append(fl.warnings, fl.src.errAt(n, msg).Error())
}

// template reads a CloudFormation or SAM template's functions.
func (fl *functionLoader) template(root *yaml.Node) error {
	l := &loader{src: fl.src, root: root, derived: map[string]string{}, nodes: map[string]*yaml.Node{}}
	if mapGet(root, "Resources") == nil {
		return nil
	}
	if err := l.index(); err != nil {
		return err
	}
	l.e.warn = fl.warn
	globals := mapGet(mapGet(root, "Globals"), "Function")
	for _, r := range l.res {
		if r.props == nil && r.typ != "AWS::Serverless::Function" {
			continue
		}
		switch r.typ {
		case "AWS::Serverless::Function":
			fl.samFunction(l.e, r, globals)
		case "AWS::Lambda::Function":
			fl.lambdaFunction(l.e, r)
		}
	}
	fl.readTables(l.e, l.res)
	return nil
}

// prop returns a function property: the function's own, else the SAM
// global's.
func prop(props, globals *yaml.Node, key string) *yaml.Node {
	if v := mapGet(props, key); v != nil {
		return v
	}
	return mapGet(globals, key)
}

func (fl *functionLoader) samFunction(e *evaluator, r *resource, globals *yaml.Node) {
	fn := model.Function{Name: r.id}
	warned := len(fl.warnings)
	at := r.key
	if pt := fl.str(e, prop(r.props, globals, "PackageType")); pt == "Image" {
		fl.warn(at, fmt.Sprintf("function %s is a container image: the workbench runs only local code (use --lambda-endpoint with sam local start-lambda)", r.id))
		return
	}
	fn.Runtime = fl.str(e, prop(r.props, globals, "Runtime"))
	fn.Handler = fl.str(e, prop(r.props, globals, "Handler"))
	if code := mapGet(r.props, "InlineCode"); code != nil {
		fn.InlineCode = fl.str(e, code)
	} else {
		cu := prop(r.props, globals, "CodeUri")
		switch v := fl.eval(e, cu).(type) {
		case string:
			if isS3(v) {
				fl.warn(cu, fmt.Sprintf("function %s's code is in S3 (%s): the workbench runs only local code", r.id, v))
				return
			}
			fn.CodeDir = fl.path(v)
		case nil:
			fn.CodeDir = fl.dir // SAM's default: the template's directory
		default:
			fl.warn(cu, fmt.Sprintf("function %s's CodeUri is in S3: the workbench runs only local code", r.id))
			return
		}
	}
	fl.common(e, &fn, r.props, globals)
	fl.fns = append(fl.fns, fn)
	fl.markEditable(fn, warned)
}

// markEditable notes fn as one the model holds when it has a local code
// directory, a name that is a logical ID, and no warning since the
// warnings numbered warned.
func (fl *functionLoader) markEditable(fn model.Function, warned int) {
	if fn.InlineCode != "" || len(fl.warnings) != warned || !isLogicalID(fn.Name) {
		return
	}
	if fl.editable == nil {
		fl.editable = map[string]bool{}
	}
	fl.editable[fn.Name] = true
}

// editableFunctions returns the functions of the template (or the
// serverless.yml) at root that the model holds: those with a local code
// directory whose every property resolved, so a save can write them as
// they are. dir is the directory code paths are relative to. The others
// run from the file only (LoadLocal).
func editableFunctions(src *source, dir string, root *yaml.Node, serverless bool) []model.Function {
	fl := &functionLoader{src: src, dir: dir}
	read := fl.template
	if serverless {
		read = fl.serverless
	}
	if err := read(root); err != nil {
		return nil
	}
	var out []model.Function
	for _, fn := range fl.fns {
		if fl.editable[fn.Name] {
			out = append(out, fn)
		}
	}
	return out
}

// fileDir is the directory of the file name names, which code paths are
// relative to.
func fileDir(name string) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return filepath.Dir(name)
	}
	return filepath.Dir(abs)
}

func (fl *functionLoader) lambdaFunction(e *evaluator, r *resource) {
	fn := model.Function{Name: r.id}
	code := mapGet(r.props, "Code")
	zip := mapGet(code, "ZipFile")
	if zip == nil {
		fl.warn(r.key, fmt.Sprintf("function %s has no Code.ZipFile: the workbench runs inline code of AWS::Lambda::Function, or SAM functions with a local CodeUri", r.id))
		return
	}
	fn.InlineCode = fl.str(e, zip)
	fn.Runtime = fl.str(e, mapGet(r.props, "Runtime"))
	fn.Handler = fl.str(e, mapGet(r.props, "Handler"))
	fl.common(e, &fn, r.props, nil)
	fl.fns = append(fl.fns, fn)
}

// common reads the properties SAM and plain Lambda functions share.
func (fl *functionLoader) common(e *evaluator, fn *model.Function, props, globals *yaml.Node) {
	if n := prop(props, globals, "Timeout"); n != nil {
		fn.Timeout = time.Duration(fl.num(e, n, "Timeout")) * time.Second
	}
	if n := prop(props, globals, "MemorySize"); n != nil {
		fn.MemoryMB = fl.num(e, n, "MemorySize")
	}
	if n := prop(props, globals, "ReservedConcurrentExecutions"); n != nil {
		fn.ReservedConcurrency = fl.num(e, n, "ReservedConcurrentExecutions")
	}
	// Globals' variables first, the function's own over them.
	for _, vars := range []*yaml.Node{mapGet(mapGet(globals, "Environment"), "Variables"), mapGet(mapGet(props, "Environment"), "Variables")} {
		if vars == nil || vars.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(vars.Content); i += 2 {
			k, v := vars.Content[i].Value, vars.Content[i+1]
			val, err := e.eval(v)
			if err != nil {
				fl.warn(v, fmt.Sprintf("function %s: environment variable %s left out: %v", fn.Name, k, errMsg(err)))
				continue
			}
			if fn.Env == nil {
				fn.Env = map[string]string{}
			}
			fn.Env[k] = scalarString(val)
		}
	}
}

// eval evaluates n, warning and returning nil when it does not resolve.
func (fl *functionLoader) eval(e *evaluator, n *yaml.Node) any {
	if n == nil {
		return nil
	}
	v, err := e.eval(n)
	if err != nil {
		fl.warn(n, errMsg(err))
		return nil
	}
	return v
}

// str evaluates n to a string ("" when absent or unresolved).
func (fl *functionLoader) str(e *evaluator, n *yaml.Node) string {
	return scalarString(fl.eval(e, n))
}

// num evaluates n to a whole number (0 with a warning when it is not one).
func (fl *functionLoader) num(e *evaluator, n *yaml.Node, what string) int {
	s := fl.str(e, n)
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 0 {
		fl.warn(n, fmt.Sprintf("%s %q is not a whole number of the right range; using Lambda's default", what, s))
		return 0
	}
	return v
}

// path resolves a code path relative to the file's directory.
func (fl *functionLoader) path(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(fl.dir, p)
}

func isS3(s string) bool { return strings.HasPrefix(s, "s3://") }

// scalarString renders an evaluated value as an environment variable's
// text; a list joins with commas, as CloudFormation does for list
// parameters.
func scalarString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = scalarString(p)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

// errMsg returns an error's message without the file position a warning
// adds itself.
func errMsg(err error) string {
	if we, ok := err.(*Error); ok {
		return we.Msg
	}
	return err.Error()
}

// serverless reads a serverless.yml's functions: each runs from the
// service directory with its handler "dir/file.export".
func (fl *functionLoader) serverless(root *yaml.Node) error {
	s := newSLSImporter(context.Background(), fl.src, root)
	if _, err := s.build(); err != nil {
		return err
	}
	// CloudFormation resources under resources.Resources, for Ref and
	// Fn::GetAtt in environment variables, and the tables.
	e := &evaluator{src: fl.src, params: map[string]*yaml.Node{}, resources: map[string]*resource{},
		conditions: map[string]*yaml.Node{}, condState: map[string]int{}, warn: fl.warn}
	var res []*resource
	if rs := mapGet(mapGet(root, "resources"), "Resources"); rs != nil && rs.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(rs.Content); i += 2 {
			r := &resource{id: rs.Content[i].Value, key: rs.Content[i], node: rs.Content[i+1], index: i / 2}
			if t := mapGet(r.node, "Type"); t != nil && t.Kind == yaml.ScalarNode {
				r.typ = t.Value
			}
			r.props = mapGet(r.node, "Properties")
			e.resources[r.id] = r
			res = append(res, r)
		}
	}
	fl.readTables(e, res)
	provider := mapGet(root, "provider")
	fns := mapGet(root, "functions")
	if fns == nil || fns.Kind != yaml.MappingNode {
		return nil
	}
	value := func(n *yaml.Node, what string) (string, bool) {
		if n == nil {
			return "", false
		}
		raw := n.Value
		if name, _ := intrinsicName(n); name != "" || n.Kind != yaml.ScalarNode {
			v, err := e.eval(n)
			if err != nil {
				fl.warn(n, fmt.Sprintf("%s left out: %v", what, errMsg(err)))
				return "", false
			}
			raw = scalarString(v)
		}
		v, err := s.vars.resolveString(n, raw)
		if err != nil {
			fl.warn(n, fmt.Sprintf("%s left out: %v", what, errMsg(err)))
			return "", false
		}
		return v, true
	}
	number := func(n *yaml.Node, what string, def int) int {
		v, ok := value(n, what)
		if !ok {
			return def
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 {
			fl.warn(n, fmt.Sprintf("%s %q is not a whole number; using the default", what, v))
			return def
		}
		return i
	}
	for i := 0; i+1 < len(fns.Content); i += 2 {
		name, def := fns.Content[i].Value, fns.Content[i+1]
		if def.Kind == yaml.AliasNode && def.Alias != nil {
			def = def.Alias
		}
		if def.Kind != yaml.MappingNode {
			continue
		}
		fn := model.Function{Name: name, CodeDir: fl.dir}
		warned := len(fl.warnings)
		if img := mapGet(def, "image"); img != nil {
			fl.warn(img, fmt.Sprintf("function %s is a container image: the workbench runs only local code", name))
			continue
		}
		fn.Handler, _ = value(mapGet(def, "handler"), "function "+name+" handler")
		if rt, ok := value(mapGet(def, "runtime"), "function "+name+" runtime"); ok {
			fn.Runtime = rt
		} else {
			fn.Runtime, _ = value(mapGet(provider, "runtime"), "provider.runtime")
		}
		timeout := number(mapGet(provider, "timeout"), "provider.timeout", int(slsDefaultTimeout/time.Second))
		fn.Timeout = time.Duration(number(mapGet(def, "timeout"), "function "+name+" timeout", timeout)) * time.Second
		memory := number(mapGet(provider, "memorySize"), "provider.memorySize", slsDefaultMemory)
		fn.MemoryMB = number(mapGet(def, "memorySize"), "function "+name+" memorySize", memory)
		fn.ReservedConcurrency = number(mapGet(def, "reservedConcurrency"), "function "+name+" reservedConcurrency", 0)
		for _, vars := range []*yaml.Node{mapGet(provider, "environment"), mapGet(def, "environment")} {
			if vars == nil || vars.Kind != yaml.MappingNode {
				continue
			}
			for j := 0; j+1 < len(vars.Content); j += 2 {
				k := vars.Content[j].Value
				v, ok := value(vars.Content[j+1], "function "+name+": environment variable "+k)
				if !ok {
					continue
				}
				if fn.Env == nil {
					fn.Env = map[string]string{}
				}
				fn.Env[k] = v
			}
		}
		fl.fns = append(fl.fns, fn)
		fl.markEditable(fn, warned)
	}
	return nil
}

// readTables reads the DynamoDB tables among res.
func (fl *functionLoader) readTables(e *evaluator, res []*resource) {
	for _, r := range res {
		switch r.typ {
		case "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable":
			if t, ok := fl.table(e, r); ok {
				fl.tables = append(fl.tables, t)
			}
		case "AWS::Serverless::SimpleTable":
			fl.tables = append(fl.tables, fl.simpleTable(e, r))
		}
	}
}

// table reads an AWS::DynamoDB::Table's name, attributes, key schema and
// secondary indexes.
func (fl *functionLoader) table(e *evaluator, r *resource) (model.Table, bool) {
	t := model.Table{ID: r.id, Name: r.id}
	if name := e.tableName(r); name != "" {
		t.Name = name
	}
	props, _ := fl.eval(e, r.props).(map[string]any)
	for _, a := range list(props["AttributeDefinitions"]) {
		m, _ := a.(map[string]any)
		t.Attributes = append(t.Attributes, model.TableAttribute{Name: scalarString(m["AttributeName"]), Type: scalarString(m["AttributeType"])})
	}
	t.KeySchema = keySchema(props["KeySchema"])
	if len(t.KeySchema) == 0 {
		fl.warn(r.key, fmt.Sprintf("table %s has no KeySchema: it is not created", r.id))
		return t, false
	}
	for _, which := range []struct {
		key string
		dst *[]model.TableIndex
	}{{"GlobalSecondaryIndexes", &t.GlobalSecondaryIndexes}, {"LocalSecondaryIndexes", &t.LocalSecondaryIndexes}} {
		for _, x := range list(props[which.key]) {
			m, _ := x.(map[string]any)
			proj, _ := m["Projection"].(map[string]any)
			ix := model.TableIndex{Name: scalarString(m["IndexName"]), KeySchema: keySchema(m["KeySchema"]),
				Projection: scalarString(proj["ProjectionType"])}
			for _, a := range list(proj["NonKeyAttributes"]) {
				ix.NonKeyAttributes = append(ix.NonKeyAttributes, scalarString(a))
			}
			if ix.Projection == "" {
				ix.Projection = "ALL"
			}
			*which.dst = append(*which.dst, ix)
		}
	}
	return t, true
}

// simpleTable reads SAM's AWS::Serverless::SimpleTable: a table with one
// hash key, PrimaryKey (default id, a String).
func (fl *functionLoader) simpleTable(e *evaluator, r *resource) model.Table {
	t := model.Table{ID: r.id, Name: r.id}
	if name := e.tableName(r); name != "" {
		t.Name = name
	}
	props, _ := fl.eval(e, r.props).(map[string]any)
	pk, _ := props["PrimaryKey"].(map[string]any)
	key, typ := scalarString(pk["Name"]), scalarString(pk["Type"])
	if key == "" {
		key = "id"
	}
	switch typ {
	case "Number":
		typ = "N"
	case "Binary":
		typ = "B"
	default:
		typ = "S"
	}
	t.Attributes = []model.TableAttribute{{Name: key, Type: typ}}
	t.KeySchema = []model.TableKey{{Name: key, KeyType: "HASH"}}
	return t
}

func keySchema(v any) []model.TableKey {
	var keys []model.TableKey
	for _, k := range list(v) {
		m, _ := k.(map[string]any)
		keys = append(keys, model.TableKey{Name: scalarString(m["AttributeName"]), KeyType: scalarString(m["KeyType"])})
	}
	return keys
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// DropMissing removes the functions whose code directory (or .zip package)
// is not on disk and returns a message for each: their calls go to the
// Lambda endpoint as before, so a template without its code (the seed chat
// against the sample backend) still runs.
func (l *Local) DropMissing() []string {
	var msgs []string
	kept := l.Functions[:0]
	for _, fn := range l.Functions {
		if fn.InlineCode == "" {
			if _, err := os.Stat(fn.CodeDir); err != nil {
				msgs = append(msgs, fmt.Sprintf("function %s: no code at %s: its calls go to the Lambda endpoint", fn.Name, fn.CodeDir))
				continue
			}
		}
		kept = append(kept, fn)
	}
	l.Functions = kept
	return msgs
}
