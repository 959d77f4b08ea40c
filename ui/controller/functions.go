package controller

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"wsworkbench/emulator"
	"wsworkbench/emulator/dynamo"
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
func (s *Server) Functions() *localfn.Runner { return s.runner }

// FunctionsNote says why the workspace's functions do not run here ("" when
// they do or when it declares none): a load error, code that is missing.
func (s *Server) FunctionsNote() string { return s.fnNote }

// restartFunctions replaces the runner with one for the open workspace's
// file: its functions with local code, trusting the gateway's certificate
// while TLS is on. The old runner's processes are stopped on a goroutine of
// its own. Functions run whenever the file has their code; the gateway calls
// them for Lambda integrations and authorizers while no Lambda endpoint is
// set (see emulator.Functions).
func (s *Server) restartFunctions() {
	c := s.c
	if old := s.runner; old != nil {
		s.runner = nil
		s.fns.cur.Store(nil)
		c.background(old.Close)
	}
	s.fnNote, s.tablesNote = "", ""
	s.fnDynamo = c.ws.API.Settings.DynamoDBEndpoint
	if s.stopTables != nil {
		s.stopTables()
		s.stopTables = nil
		s.tablesGen++ // its result is dropped
	}
	defer c.changed(ChangeFunctions)
	if c.ws.Path == "" || c.closed {
		return
	}
	local, err := workspace.LoadLocal(c.ws.Path)
	if err != nil {
		s.fnNote = "Local functions do not run: " + err.Error()
		return
	}
	missing := local.DropMissing()
	if len(missing) > 0 {
		s.fnNote = strings.Join(missing, "; ")
	}
	if s.fnDynamo != "" {
		s.ensureTables(s.fnDynamo, local.Tables)
	}
	if len(local.Functions) == 0 {
		return
	}
	r, err := localfn.Start(local.Functions, localfn.Setup{CertPath: s.CertPath(), DynamoEndpoint: s.fnDynamo})
	if err != nil {
		s.fnNote = "Local functions do not run: " + err.Error()
		return
	}
	s.runner = r
	s.fns.cur.Store(r)
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
	if r := s.runner; r != nil {
		s.runner = nil
		s.fns.cur.Store(nil)
		r.Close()
	}
}
