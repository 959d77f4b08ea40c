package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
)

// shownDetailTab is the text of the route editor's selected tab as drawn.
func shownDetailTab(t *testing.T, ed *apiEditor) string {
	t.Helper()
	for _, o := range objects(ed.detail) {
		if tabs, ok := o.(*container.AppTabs); ok {
			return tabs.Selected().Text
		}
	}
	return ""
}

// TestRouteOpensOnTheTabPeopleWant: a route that answers opens on its
// Responses (the answer text); one that does not answer opens on Request.
func TestRouteOpensOnTheTabPeopleWant(t *testing.T) {
	tb := newTestBench(t)
	ed := tb.wb.editor
	ed.selectRoute("message")
	if got := shownDetailTab(t, ed); !strings.HasPrefix(got, "Responses") {
		t.Errorf("the message route opens on %q, want Responses", got)
	}
	if ed.field("response.template") == nil || !strings.Contains(ed.field("response.template").entry.Text, "Hello World") {
		t.Error("the answer's template is not on screen")
	}
	ed.selectRoute("$connect")
	if got := shownDetailTab(t, ed); got != "Request" {
		t.Errorf("$connect opens on %q, want Request", got)
	}
}

// TestProblemListNamesRoutesAndWraps: the problem list under the editor
// names the route a broken template belongs to (not the integration's
// CloudFormation logical ID), and its text wraps instead of being cut.
func TestProblemListNamesRoutesAndWraps(t *testing.T) {
	tb := newTestBench(t)
	tb.win.Resize(fyne.NewSize(1024, 768))
	ed := tb.wb.editor
	ed.selectRoute("message")
	ed.field("response.template").entry.SetText("#if($x")
	tb.waitFor("the compile error", func() bool { return len(tb.wb.ctl.Errors()) > 0 })
	var texts []string
	for _, o := range objects(ed.problems) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
			if l.Wrapping != fyne.TextWrapWord || l.Truncation != fyne.TextTruncateOff {
				t.Errorf("problem %q is cut instead of wrapped", l.Text)
			}
		}
	}
	want := `route message: response /200/: response template "1" line 1:`
	if len(texts) != 1 || !strings.HasPrefix(texts[0], want) {
		t.Fatalf("problems %q, want one starting %q", texts, want)
	}
	integ := tb.wb.ws.API.Route("message").IntegrationID
	if strings.Contains(texts[0], integ) {
		t.Errorf("the problem names the logical ID %s", integ)
	}
}

// TestProblemText: how problems name their place.
func TestProblemText(t *testing.T) {
	api := newAPI()
	api.Routes[0].Key = "sendmessage"
	tests := []struct {
		e    emulator.CompileError
		want string
	}{
		{emulator.CompileError{Integration: "DefaultIntegration", Template: `request template "$default"`, Line: 3, Col: 7, Msg: "unexpected #end"},
			`route sendmessage: request template "$default" line 3:7: unexpected #end`},
		{emulator.CompileError{Integration: "Gone", Msg: "bad"}, "integration Gone (no route uses it): bad"},
		{emulator.CompileError{Route: "$connect", Msg: "no\nintegration"}, "route $connect: no integration"},
		{emulator.CompileError{Template: "RouteSelectionExpression", Line: 1, Col: 2, Msg: "x"}, "RouteSelectionExpression line 1:2: x"},
	}
	for _, tc := range tests {
		if got := problemText(api, &tc.e); got != tc.want {
			t.Errorf("problemText(%+v) = %q, want %q", tc.e, got, tc.want)
		}
	}
}
