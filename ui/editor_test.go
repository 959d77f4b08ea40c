package ui

import (
	"strings"
	"testing"
	"wsworkbench/ui/editor"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// shownDetailTab is the text of the route editor's selected tab as drawn.
func shownDetailTab(t *testing.T, ed *editor.Editor) string {
	t.Helper()
	for _, o := range objects(ed.Detail()) {
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
	ed.Routes.SelectRoute("message")
	if got := shownDetailTab(t, ed); !strings.HasPrefix(got, "Responses") {
		t.Errorf("the message route opens on %q, want Responses", got)
	}
	if ed.Field("response.template") == nil || !strings.Contains(ed.Field("response.template").Entry().Text, "Hello World") {
		t.Error("the answer's template is not on screen")
	}
	ed.Routes.SelectRoute("$connect")
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
	ed.Routes.SelectRoute("message")
	ed.Field("response.template").Entry().SetText("#if($x")
	tb.waitFor("the compile error", func() bool { return len(tb.wb.ctl.Errors()) > 0 })
	var texts []string
	for _, o := range objects(ed.Problems()) {
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
