package controller

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"wsworkbench/emulator"
	"wsworkbench/emulator/dynamo"
	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/localfn"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

// localFunctions is what every gateway the window starts gets as its
// Functions: it hands calls to the runner of the open workspace's
// functions, which the owner goroutine replaces on a workspace switch or a
// TLS change while the gateway keeps running. Its methods are safe for
// concurrent use (the gateway calls them from its connections).
type localFunctions struct {
	cur atomic.Pointer[localfn.Runner]
}

var _ emulator.Functions = (*localFunctions)(nil)

func (l *localFunctions) Has(function string) bool {
	r := l.cur.Load()
	return r != nil && r.Has(function)
}

func (l *localFunctions) Invoke(ctx context.Context, function string, payload []byte) ([]byte, string, string, error) {
	r := l.cur.Load()
	if r == nil {
		return nil, "", "", fmt.Errorf("no local code for function %s", function)
	}
	return r.Invoke(ctx, function, payload)
}

// Functions returns the runner of the open workspace's functions that have
// local code, or nil when it has none (the sample, an untitled workspace, a
// file whose functions' code is elsewhere). The runner changes with the
// workspace and TLS: ChangeFunctions says when.
func (s *Server) Functions() *localfn.Runner { return s.fns.cur.Load() }

// FunctionsNote says why the workspace's functions do not run here ("" when
// they do or when it declares none): a load error, code that is missing.
func (s *Server) FunctionsNote() string { return s.fnNote }

// functionSources are where the runner's functions come from: the draft's
// functions (model.API.Functions), which the editor creates and edits, and
// the file's functions the model does not hold (inline code, variables that
// do not resolve), read at the last restartFunctions.
type functionSources struct {
	// ws is the workspace they were read for: until restartFunctions has
	// run for a newly opened workspace, an apply is not an edit of its
	// functions.
	ws       *workspace.Workspace
	fileOnly []model.Function
	// applied are the draft's functions as the runner last got them: an
	// apply checks and swaps in only the ones that differ.
	applied []model.Function
}

// restartFunctions replaces the runner with one for the open workspace: the
// draft's functions and the file's other functions with local code,
// trusting the gateway's certificate while TLS is on. The old runner's
// processes are stopped on a goroutine of its own. Functions run whenever
// their code is here; the gateway calls them for Lambda integrations and
// authorizers while no Lambda endpoint is set (see emulator.Functions).
func (s *Server) restartFunctions() {
	c := s.c
	if old := s.fns.cur.Swap(nil); old != nil {
		c.background(old.Close)
	}
	s.fnNote, s.tablesNote = "", ""
	// A restart for the same workspace (TLS, a save elsewhere) keeps the
	// functions last applied: a draft function that failed its check stays
	// out. A newly opened workspace starts from its draft.
	applied := cloneFunctions(c.ws.API.Functions)
	if s.fnSrc.ws == c.ws {
		applied = s.fnSrc.applied
	}
	s.fnSrc = functionSources{ws: c.ws, applied: applied}
	s.fnDynamo = c.ws.API.Settings.DynamoDBEndpoint
	if s.stopTables != nil {
		s.stopTables()
		s.stopTables = nil
		s.tablesGen++ // its result is dropped
	}
	defer c.changed(ChangeFunctions)
	if c.closed {
		return
	}
	file := c.ws.Path
	if file == "" {
		file = c.importedAs // a serverless.yml not yet saved as a template
	}
	if file != "" {
		local, err := workspace.LoadLocal(file)
		if err != nil {
			s.fnNote = "Local functions do not run: " + err.Error()
			return
		}
		for _, fn := range local.Functions {
			if c.ws.API.Function(fn.Name) == nil {
				s.fnSrc.fileOnly = append(s.fnSrc.fileOnly, fn)
			}
		}
		if s.fnDynamo != "" {
			s.ensureTables(s.fnDynamo, local.Tables)
		}
	}
	s.startRunner(s.runnerFunctions())
}

// startRunner starts a runner for fns (none when fns is empty); when it
// cannot, the Functions panel's note says why.
func (s *Server) startRunner(fns []localfn.Function) {
	if len(fns) == 0 {
		return
	}
	r, err := localfn.Start(fns, s.setup())
	if err != nil {
		s.fnNote = "Local functions do not run: " + err.Error()
		return
	}
	s.fns.cur.Store(r)
}

// setup is how the window runs functions: trusting the gateway's
// certificate, with the workspace's DynamoDB endpoint.
func (s *Server) setup() localfn.Setup {
	return localfn.Setup{CertPath: s.CertPath(), DynamoEndpoint: s.fnDynamo}
}

// runnerFunctions are the functions the runner runs: the draft's and the
// file's others, leaving out (with a note) those whose code is not here.
func (s *Server) runnerFunctions() []model.Function {
	local := workspace.Local{Functions: append(cloneFunctions(s.fnSrc.applied), cloneFunctions(s.fnSrc.fileOnly)...)}
	missing := local.DropMissing()
	if c := s.c; c.ws.Path == "" && c.importedAs == "" {
		// A built-in sample's functions have no code here (their paths are
		// relative to no file): they are left out without a note, while
		// functions made in the window (checked when applied) run.
		local.Functions = slices.DeleteFunc(local.Functions, func(fn model.Function) bool { return localfn.Check(fn) != nil })
		missing = nil
	}
	s.fnNote = strings.Join(missing, "; ")
	return local.Functions
}

// checkFunctions checks the draft's functions that differ from those the
// runner runs (see localfn.Check), so an edit that would not start never
// replaces a working function. Each problem is reported for every
// integration that calls the function, so it shows under its routes.
func (s *Server) checkFunctions(api *model.API) emulator.CompileErrors {
	if s.fnSrc.ws != s.c.ws {
		return nil // a workspace just opened: restartFunctions follows
	}
	var errs emulator.CompileErrors
	seen := map[string]bool{}
	for _, fn := range api.Functions {
		var err error
		switch {
		case seen[fn.Name]:
			err = fmt.Errorf("function name %s is used twice", fn.Name)
		case slices.ContainsFunc(s.fnSrc.applied, func(a model.Function) bool { return functionsEqual(a, fn) }):
		default:
			err = localfn.Check(fn)
		}
		seen[fn.Name] = true
		if err == nil {
			continue
		}
		callers := 0
		for _, in := range api.Integrations {
			if calls(&in, fn.Name) {
				errs = append(errs, &emulator.CompileError{Integration: in.ID, Msg: err.Error(), Err: err})
				callers++
			}
		}
		if callers == 0 {
			errs = append(errs, &emulator.CompileError{Msg: err.Error(), Err: err})
		}
	}
	if len(errs) > 0 {
		// The API's own errors too, so fixing the function does not reveal
		// more.
		if _, err := emulator.Compile(api); err != nil {
			errs = append(errs, AsCompileErrors(err)...)
		}
	}
	return errs
}

// calls reports whether a Lambda integration calls the function name.
func calls(in *model.Integration, name string) bool {
	if in.Type != model.TypeAWSProxy && in.Type != model.TypeAWS {
		return false
	}
	if in.FunctionName != "" {
		return in.FunctionName == name
	}
	n, err := lambda.FunctionName(in.URI)
	return err == nil && n == name
}

// applyFunctions follows a draft the gateway took: a new DynamoDB endpoint
// restarts every function (their environment changes, and tables are
// created there); otherwise the functions the edit created, changed or
// removed are swapped in and the others keep their warm instances.
// Connections stay open either way.
func (s *Server) applyFunctions() {
	c := s.c
	api := c.ws.API
	if s.fnSrc.ws != c.ws {
		return // a workspace just opened: restartFunctions follows
	}
	changed := !slices.EqualFunc(api.Functions, s.fnSrc.applied, functionsEqual)
	s.fnSrc.applied = cloneFunctions(api.Functions)
	if api.Settings.DynamoDBEndpoint != s.fnDynamo {
		s.restartFunctions()
		return
	}
	if !changed {
		return
	}
	defer c.changed(ChangeFunctions)
	fns := s.runnerFunctions()
	r := s.fns.cur.Load()
	if r == nil {
		s.startRunner(fns)
		return
	}
	if len(fns) == 0 {
		s.fns.cur.Store(nil)
		c.background(r.Close)
		return
	}
	if _, err := r.Replace(fns); err != nil {
		s.fnNote = "Local functions do not run: " + err.Error()
	}
}

// functionsEqual compares two functions' configurations (an empty and a
// missing variable list are the same).
func functionsEqual(a, b model.Function) bool {
	if len(a.Env) == 0 && len(b.Env) == 0 {
		a.Env, b.Env = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

func cloneFunctions(fns []model.Function) []model.Function {
	out := make([]model.Function, 0, len(fns))
	for _, fn := range fns {
		fn.Env = maps.Clone(fn.Env)
		out = append(out, fn)
	}
	return out
}

// ensureTables creates the workspace's tables that endpoint lacks, as
// `wsworkbench serve` does, on a goroutine of its own (the server may be
// slow or down); TablesNote then says what it did. The next
// restartFunctions or Close stops it and drops its result.
func (s *Server) ensureTables(endpoint string, tables []model.Table) {
	c := s.c
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	s.stopTables = cancel
	s.tablesGen++
	gen := s.tablesGen
	s.tablesNote = "DynamoDB: creating the tables at " + endpoint + "..."
	// Not c.background: Close cancels it and does not wait for its Do.
	go func() {
		defer cancel()
		var out strings.Builder
		err := dynamo.Prepare(ctx, endpoint, tables, &out)
		note := strings.TrimSpace(out.String())
		if err != nil {
			note = strings.TrimSpace(note + "\nDynamoDB endpoint " + endpoint + ": " + err.Error())
		}
		c.opts.Do(func() {
			if gen != s.tablesGen || c.closed {
				return // a newer restart or Close
			}
			s.tablesNote = note
			c.changed(ChangeFunctions)
		})
	}()
}

// TablesNote says what was done with the workspace's DynamoDB tables at its
// dynamodbEndpoint ("" when it names none).
func (s *Server) TablesNote() string { return s.tablesNote }

// closeFunctions stops every function process (the controller is closing).
func (s *Server) closeFunctions() {
	if s.stopTables != nil {
		s.stopTables()
		s.stopTables = nil
	}
	if r := s.fns.cur.Swap(nil); r != nil {
		r.Close()
	}
}
