package ui

import (
	"fmt"
	"strings"

	"wsworkbench/emulator/localfn"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/functions"
)

// sideFunctions is the Functions panel's tab title.
const sideFunctions = "Functions"

// functionsSource is the Functions panel's view of the controller: the
// runner of the open workspace's local functions, which changes with the
// workspace and TLS.
type functionsSource struct{ srv *controller.Server }

var _ functions.Source = functionsSource{}

func (s functionsSource) Status() []localfn.FunctionStatus {
	if r := s.srv.Functions(); r != nil {
		return r.Status()
	}
	return nil
}

func (s functionsSource) Restart(function string) error {
	r := s.srv.Functions()
	if r == nil {
		return fmt.Errorf("no local code for function %s", function)
	}
	return r.Restart(function)
}

// Note says why functions do not run and what became of the tables at the
// workspace's DynamoDB endpoint.
func (s functionsSource) Note() string {
	return strings.TrimSpace(s.srv.FunctionsNote() + "\n" + s.srv.TablesNote())
}

// functionsView is the glue between the controller's local functions and
// the Functions panel: the panel's tab comes and goes with them.
type functionsView struct {
	panel *functions.Panel
	srv   *controller.Server
	panes *panes
}

// shown reports whether the workspace has local functions (or a reason
// they do not run), so the Functions tab belongs in the window.
func (v *functionsView) shown() bool {
	return v.srv.Functions() != nil || v.srv.FunctionsNote() != ""
}

// changed follows a new runner (another workspace, TLS): the tab comes or
// goes, and the panel reads the new runner.
func (v *functionsView) changed() {
	v.panes.setFunctions(v.shown())
	v.panel.Update()
}

// onShow shows the Functions panel (View > Functions).
func (v *functionsView) onShow() {
	v.panes.revealFunctions() // when there are none, the panel says why
	v.panel.Update()
}
