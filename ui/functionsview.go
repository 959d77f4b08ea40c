package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/container"

	"wsworkbench/emulator/localfn"
	"wsworkbench/ui/functions"
)

// sideFunctions is the Functions panel's tab title.
const sideFunctions = "Functions"

// functionsSource is the Functions panel's view of the controller: the
// runner of the open workspace's local functions, which changes with the
// workspace and TLS.
type functionsSource struct{ wb *workbench }

var _ functions.Source = functionsSource{}

func (s functionsSource) Status() []localfn.FunctionStatus {
	if r := s.wb.ctl.Server.Functions(); r != nil {
		return r.Status()
	}
	return nil
}

func (s functionsSource) Restart(function string) error {
	r := s.wb.ctl.Server.Functions()
	if r == nil {
		return fmt.Errorf("no local code for function %s", function)
	}
	return r.Restart(function)
}

// Note says why functions do not run and what became of the tables at the
// workspace's DynamoDB endpoint.
func (s functionsSource) Note() string {
	srv := s.wb.ctl.Server
	return strings.TrimSpace(srv.FunctionsNote() + "\n" + srv.TablesNote())
}

// functionsShown reports whether the workspace has local functions (or a
// reason they do not run), so the Functions tab belongs in the window.
func (wb *workbench) functionsShown() bool {
	return wb.ctl.Server.Functions() != nil || wb.ctl.Server.FunctionsNote() != ""
}

// functionsChanged follows a new runner (another workspace, TLS): the tab
// comes or goes, and the panel reads the new runner.
func (wb *workbench) functionsChanged() {
	if shown := wb.functionsShown(); shown != wb.hasFunctions {
		wb.hasFunctions = shown
		wb.relayout()
	}
	wb.functions.Update()
}

// traceAndFunctions is the wide arrangement's lower inspector: the trace,
// with the Functions panel beside it as a tab when the workspace has local
// functions.
func (wb *workbench) traceAndFunctions() *container.AppTabs {
	wb.wideTabs = container.NewAppTabs(
		container.NewTabItem(sideTrace, wb.tracer.Object()),
		container.NewTabItem(sideFunctions, wb.functions.Object()))
	return wb.wideTabs
}

// onShowFunctions shows the Functions panel (View > Functions).
func (wb *workbench) onShowFunctions() {
	if !wb.showInspect {
		wb.showInspect = true
		wb.relayout()
	}
	if !wb.hasFunctions {
		wb.hasFunctions = true // the panel says why nothing runs
		wb.relayout()
	}
	wb.functions.Update()
	if !wb.body.showSide(sideFunctions) && wb.wideTabs != nil {
		wb.wideTabs.SelectIndex(1)
	}
}
