package ui

import (
	"fmt"
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
)

// routeRows counts the rows the API editor's route list draws wholly
// inside its area, and those it draws cut by its edge.
func routeRows(tb *testBench) (whole, cut int) {
	list := tb.wb.editor.Routes.ListObject()
	h := list.Size().Height
	walkRendered(list, func(p placed) {
		if reflect.TypeOf(p.obj).String() != "*editor.routeRow" || p.size.Height <= 0 {
			return
		}
		switch top, bottom := p.pos.Y, p.pos.Y+p.size.Height; {
		case bottom <= 0.5 || top >= h-0.5: // scrolled out of view
		case top >= -0.5 && bottom <= h+0.5:
			whole++
		default:
			cut++
		}
	})
	return whole, cut
}

// TestRouteListShowsWholeRows: on a 1280x800 and a 1280x720 screen the
// API editor's route list shows the API settings and every route of the
// sample (four) whole, and with more routes than fit, whole rows only.
func TestRouteListShowsWholeRows(t *testing.T) {
	for _, screen := range []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(1280, 720), fyne.NewSize(1920, 1080)} {
		t.Run(sizeName(screen), func(t *testing.T) {
			tb := newTestBench(t)
			tb.win.Resize(onScreen(screen))
			tb.drain()
			n := tb.wb.editor.Routes.ListObject().Length()
			if n < 5 {
				t.Fatalf("the sample has %d rows, want at least 5", n)
			}
			whole, cut := routeRows(tb)
			if whole < n || cut > 0 {
				t.Errorf("with %d rows the list shows %d whole and %d cut", n, whole, cut)
			}
			for i := range 6 {
				if err := tb.wb.editor.Routes.AddRoute(fmt.Sprintf("extra%d", i)); err != nil {
					t.Fatal(err)
				}
			}
			tb.drain()
			tb.win.Content().Refresh()
			whole, cut = routeRows(tb)
			if whole < 5 || cut > 0 {
				t.Errorf("with %d rows the list shows %d whole and %d cut", n+6, whole, cut)
			}
			t.Logf("%d whole rows of %d", whole, n+6)
		})
	}
}
