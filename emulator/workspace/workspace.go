// Package workspace loads and saves the workbench's workspace files. A workspace
// file is a CloudFormation template: its AWS::ApiGatewayV2 resources describe the
// API, and the workbench's own settings live under the template's top-level
// Metadata key "wsworkbench". SAM templates load the same way; a Serverless
// Framework serverless.yml is imported and saved as a new CloudFormation
// template.
//
// A save keeps the original document: only the ApiGatewayV2 resources the model
// describes are rewritten, and only the properties whose value changed, so
// intrinsic functions, comments and every other resource survive.
//
// A Workspace is not safe for concurrent use; its owner (the window, or the
// serve command) loads, edits and saves it from one goroutine. Hand the gateway
// a Clone of the API.
package workspace

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"wsworkbench/emulator/model"
)

// Format is the kind of file a workspace was loaded from.
type Format int

// Formats a workspace can be loaded from. Saving always writes CloudFormation
// (a SAM template stays SAM: its Transform is kept).
const (
	CloudFormation Format = iota
	SAM
	Serverless
)

// String returns the format's name.
func (f Format) String() string {
	switch f {
	case CloudFormation:
		return "CloudFormation"
	case SAM:
		return "SAM"
	case Serverless:
		return "Serverless Framework"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Workspace is one API and the file it lives in.
type Workspace struct {
	// Path is the file Load read or Save last wrote. It is empty for a new
	// workspace and for an imported serverless.yml, which is saved to a new
	// CloudFormation file the caller chooses.
	Path   string
	Format Format
	API    *model.API
	// Warnings are choices the loader made for the user, each
	// "file:line:col: message" (for example a second WebSocket API it ignored).
	Warnings []string

	doc    *yaml.Node // the document node of the CloudFormation template
	loaded *model.API // the model as the document describes it, to tell what changed
	// imported is the serverless.yml a Serverless workspace came from; Save
	// refuses to overwrite it.
	imported string
	// derived maps integration and authorizer IDs to the function their URI
	// names in the document, so a save knows which FunctionNames to record.
	derived map[string]string
}

// Error is a load error: one message naming the file, the line (and column when
// known) and the problem.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

// Error returns "file:line:col: msg", leaving out what is unknown.
func (e *Error) Error() string {
	var parts []string
	if e.File != "" {
		parts = append(parts, e.File)
	}
	if e.Line > 0 {
		parts = append(parts, strconv.Itoa(e.Line))
		if e.Col > 0 {
			parts = append(parts, strconv.Itoa(e.Col))
		}
	}
	if len(parts) == 0 {
		return e.Msg
	}
	return strings.Join(parts, ":") + ": " + e.Msg
}

// Load reads a CloudFormation template (YAML or JSON), a SAM template, or a
// serverless.yml. It is LoadContext without a way to stop it.
func Load(path string) (*Workspace, error) {
	return LoadContext(context.Background(), path)
}

// LoadContext is Load that stops when ctx is done, returning ctx's error.
// A file over MaxFileSize is refused before it is read. Loading is bounded in
// time and memory whatever the file holds, so ctx is for a caller that loads
// off its UI goroutine and lets the user cancel.
func LoadContext(ctx context.Context, path string) (*Workspace, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	w, err := ParseContext(ctx, path, data)
	if err != nil {
		return nil, err
	}
	if w.Format == Serverless {
		w.imported = path
	} else {
		w.Path = path
	}
	return w, nil
}

// readLimited reads path, refusing a file over MaxFileSize before reading it
// (and one that grows past it while being read).
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory, not a workspace file"}
	}
	if st.Size() > MaxFileSize {
		return nil, tooLarge(path, st.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(path, int64(len(data)))
	}
	return data, nil
}

// Parse is Load for bytes already read; name is used in errors. The returned
// workspace has no Path.
func Parse(name string, data []byte) (*Workspace, error) {
	return ParseContext(context.Background(), name, data)
}

// ParseContext is Parse that stops when ctx is done, returning ctx's error.
func ParseContext(ctx context.Context, name string, data []byte) (*Workspace, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	doc, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil { // parsing cannot be stopped; what follows can
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: root.Line, Col: root.Column, Msg: "not a CloudFormation template or serverless.yml: the top level must be a mapping"}
	}
	src := newSource(name, data)
	if mapGet(root, "service") != nil && mapGet(root, "provider") != nil && mapGet(root, "Resources") == nil {
		return loadServerless(ctx, src, root)
	}
	if mapGet(root, "Resources") == nil {
		return nil, &Error{File: name, Line: root.Line, Col: root.Column, Msg: "not a CloudFormation template (no Resources) or serverless.yml (no service and provider)"}
	}
	return loadTemplate(ctx, src, doc)
}

// New returns a workspace for api with no file yet. Marshal writes a new
// CloudFormation template for it.
func New(api *model.API) *Workspace {
	return &Workspace{Format: CloudFormation, API: api, doc: emptyTemplate(""), derived: map[string]string{}}
}

// SaveOptions change what Save may do.
type SaveOptions struct {
	// ReplaceReadOnly replaces a read-only file (keeping it read-only),
	// after the user agreed; without it Save refuses with ErrReadOnly.
	ReplaceReadOnly bool
}

// Save writes Marshal's output to path atomically (a temporary file in the
// same directory, fsync, rename, fsync of the directory) and sets w.Path. It
// writes through a symbolic link, keeps an existing file's permission bits,
// and refuses a read-only file (ErrReadOnly) and the serverless.yml w was
// imported from (ErrImportSource). Nothing is written when the workspace
// does not marshal. A workspace imported from a serverless.yml becomes a
// CloudFormation workspace.
func (w *Workspace) Save(path string) error {
	return w.SaveWith(path, SaveOptions{})
}

// SaveWith is Save with options.
func (w *Workspace) SaveWith(path string, opt SaveOptions) error {
	if w.Format == Serverless && w.imported != "" && sameFile(path, w.imported) {
		return fmt.Errorf("save %s: %w", path, ErrImportSource)
	}
	data, back, err := w.marshal(path)
	if err != nil {
		return err
	}
	if err := writeAtomic(path, data, opt.ReplaceReadOnly); err != nil {
		return err
	}
	// What is on disk is now what the next save compares against.
	w.doc, w.loaded, w.derived = back.doc, back.loaded, back.derived
	w.Path = path
	if w.Format == Serverless {
		w.Format = CloudFormation
	}
	return nil
}

// Marshal returns the workspace as a CloudFormation template (YAML). It gives
// every route, integration and other element of w.API that has no ID a new
// logical ID (see AssignIDs), so a later load finds the same IDs.
func (w *Workspace) Marshal() ([]byte, error) {
	name := w.Path
	if name == "" {
		name = "template.yaml"
	}
	data, _, err := w.marshal(name)
	return data, err
}

// marshal encodes the workspace and loads the result back, so nothing that
// would not load again is ever written.
func (w *Workspace) marshal(name string) ([]byte, *Workspace, error) {
	doc, err := w.marshalDoc(fileDir(name))
	if err != nil {
		return nil, nil, err
	}
	data, err := encodeDoc(doc)
	if err != nil {
		return nil, nil, err
	}
	back, err := Parse(name, data)
	if err != nil {
		return nil, nil, fmt.Errorf("the saved template would not load back: %w", err)
	}
	return data, back, nil
}

// flowNulls spells out the empty nulls inside flow collections ({a: } or
// {a}): yaml.v3 would write them as an empty quoted string, changing their meaning.
func flowNulls(n *yaml.Node, inFlow bool, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	if n.Kind == yaml.ScalarNode && inFlow && n.Value == "" && n.ShortTag() == "!!null" {
		n.Value = "null"
	}
	inFlow = inFlow || n.Style&yaml.FlowStyle != 0
	for _, c := range n.Content {
		flowNulls(c, inFlow, seen)
	}
}

func encodeDoc(doc *yaml.Node) ([]byte, error) {
	flowNulls(doc, false, map[*yaml.Node]bool{})
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	return []byte(b.String()), nil
}
