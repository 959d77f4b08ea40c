package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wsworkbench/ui/internal/golden"
)

// assertMarkup compares o's markup at size with testdata/name (see
// golden.Assert); -update rewrites the golden.
func assertMarkup(t *testing.T, name string, o fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	golden.Assert(t, name, o, size, *update)
}

// TestGoldenRouteEditor: the route editor of the sample's message route,
// on its Responses tab.
func TestGoldenRouteEditor(t *testing.T) {
	tb := newTestBench(t)
	ed := tb.wb.editor
	ed.Routes.SelectRoute("message")
	selectDetailTab(t, ed, "Responses")
	obj := ed.Detail().Objects[0]
	assertMarkup(t, "route_editor_message.xml", obj, fyne.NewSize(380, 460))
	if !strings.Contains(test.RenderObjectToMarkup(obj), "Hello World") {
		t.Error("the route editor does not show the response template")
	}
}
