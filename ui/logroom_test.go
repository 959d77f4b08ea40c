package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"

	"wsworkbench/ui/clients"
)

// wholeRows counts the log rows v draws wholly inside its visible area.
func wholeRows(v *clients.LogView) int {
	h := v.List.Size().Height
	n := 0
	walkRendered(v.List, func(p placed) {
		r, ok := p.obj.(*clients.LogRow)
		if ok && r.Seq != 0 && p.pos.Y >= -0.5 && p.pos.Y+p.size.Height <= h+0.5 && p.size.Height > 0 {
			n++
		}
	})
	return n
}

// TestLogShowsEnoughRows: a developer sending messages sees a useful
// number of log rows on the small screens the window must serve, with the
// selected message's detail open below the log, and more with it
// collapsed.
func TestLogShowsEnoughRows(t *testing.T) {
	for _, tc := range []struct {
		screen          fyne.Size
		open, collapsed int
	}{
		{fyne.NewSize(1280, 720), 8, 10},
		{fyne.NewSize(1024, 768), 8, 10},
		{fyne.NewSize(1920, 1080), 14, 17},
	} {
		t.Run(sizeName(tc.screen), func(t *testing.T) {
			tb := newTestBench(t)
			id := tb.waitConnected(0)
			tb.win.Resize(onScreen(tc.screen))
			for i := range 30 {
				if err := tb.wb.gw.PostToConnection(id, fmt.Appendf(nil, `{"n": %d}`, i)); err != nil {
					t.Fatal(err)
				}
			}
			v := tb.tab(0).Log
			tb.waitRows(v, "the 30th message", func(rows []string) bool { return countContaining(rows, `{"n": 29}`) == 1 })
			v.List.Select(v.Len() - 1) // the detail shows a message
			tb.drain()
			if !v.DetailOpen() {
				t.Fatal("the detail is not open at the first start")
			}
			t.Logf("open: %d rows", wholeRows(v))
			if n := wholeRows(v); n < tc.open {
				t.Errorf("at %s with the detail open the log shows %d whole rows, want at least %d", sizeName(tc.screen), n, tc.open)
			}
			if n := len(labelsIn(v.Detail.Body)); n == 0 {
				t.Error("the open detail shows no text")
			}
			v.OnToggleDetail()
			tb.drain()
			if v.DetailOpen() {
				t.Fatal("the detail did not collapse")
			}
			if n := wholeRows(v); n < tc.collapsed {
				t.Errorf("at %s with the detail collapsed the log shows %d whole rows, want at least %d", sizeName(tc.screen), n, tc.collapsed)
			}
			v.OnToggleDetail()
			tb.drain()
			if !v.DetailOpen() || v.Detail.Body.Size().Height < 20 {
				t.Errorf("the detail did not open again (its text gets %v)", v.Detail.Body.Size())
			}
		})
	}
}
