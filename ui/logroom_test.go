package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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
			if !v.Detail.Open() {
				t.Fatal("the detail is not open at the first start")
			}
			t.Logf("open: %d rows", wholeRows(v))
			if n := wholeRows(v); n < tc.open {
				t.Errorf("at %s with the detail open the log shows %d whole rows, want at least %d", sizeName(tc.screen), n, tc.open)
			}
			if n := len(labelsIn(v.Detail.Body)); n == 0 {
				t.Error("the open detail shows no text")
			}
			v.Detail.OnToggle()
			tb.drain()
			if v.Detail.Open() {
				t.Fatal("the detail did not collapse")
			}
			if n := wholeRows(v); n < tc.collapsed {
				t.Errorf("at %s with the detail collapsed the log shows %d whole rows, want at least %d", sizeName(tc.screen), n, tc.collapsed)
			}
			v.Detail.OnToggle()
			tb.drain()
			if !v.Detail.Open() || v.Detail.Body.Size().Height < 20 {
				t.Errorf("the detail did not open again (its text gets %v)", v.Detail.Body.Size())
			}
		})
	}
}

// TestTileRowsKeepTheirTime: in two tiles side by side at 1024x768 (as
// the window's content gets it on that screen, and as Fyne's test window
// has it), every row of a log shows its time, whole, whatever the length
// of its text, and a 40-character answer reads whole.
func TestTileRowsKeepTheirTime(t *testing.T) {
	for _, size := range []fyne.Size{onScreen(fyne.NewSize(1024, 768)), fyne.NewSize(1024, 768)} {
		t.Run(sizeName(size), func(t *testing.T) {
			tb := newTestBench(t)
			id := tb.waitConnected(0)
			tb.waitConnected(1)
			tb.win.Resize(size)
			tb.wb.clients.SelectIndex(0)
			test.Tap(tb.wb.tilesBtn)
			tb.drain()
			if !tb.wb.clients.Tiles.On() || len(tb.wb.clients.Tiles.Shown) != 2 {
				t.Fatal("the clients do not show as two tiles")
			}
			answer := "The answer is forty characters long: ok!"
			long := strings.Repeat("a long frame that cannot fit the row ", 4)
			for _, m := range []string{"ok", answer, long, `{"n": 1}`} {
				if err := tb.wb.gw.PostToConnection(id, []byte(m)); err != nil {
					t.Fatal(err)
				}
			}
			v := tb.tab(0).Log
			tb.waitRows(v, "the four frames", func(rows []string) bool { return countContaining(rows, `{"n": 1}`) == 1 })
			rows := 0
			walkRendered(v.List, func(p placed) {
				r, ok := p.obj.(*clients.LogRow)
				if !ok || r.Seq == 0 {
					return
				}
				rows++
				if !r.Time.Visible() || r.Time.Size().Width < labelNeeds(r.Time)-0.5 {
					t.Errorf("row %.30q (%.0f px wide) does not show its time whole (%v, %.0f px)", r.Text.Text, r.Size().Width, r.Time.Visible(), r.Time.Size().Width)
				}
				if r.Text.Text == answer && r.Text.Size().Width < labelNeeds(r.Text)-0.5 {
					t.Errorf("the answer gets %.0f of the %.0f px it needs (the row is %.0f px)", r.Text.Size().Width, labelNeeds(r.Text), r.Size().Width)
				}
			})
			if rows < 5 {
				t.Fatalf("only %d rows drawn", rows)
			}
			if bad := badRowParts(v); len(bad) > 0 {
				t.Errorf("the rows are laid out wrong:\n%s", strings.Join(bad, "\n"))
			}
		})
	}
}

// TestDetailWithoutSelectionLeavesRowsToTheLog: until a message is
// selected the detail below the log is its bar alone, so on a small,
// zoomed screen (a projector: 1024x768 at 130%) the log keeps rows that an
// empty message area took; selecting a message opens the area.
func TestDetailWithoutSelectionLeavesRowsToTheLog(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	for range 3 {
		tb.wb.look.onZoomIn()
	}
	tb.win.Resize(onScreen(fyne.NewSize(1024, 768)))
	for i := range 30 {
		if err := tb.wb.gw.PostToConnection(id, fmt.Appendf(nil, `{"n": %d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	v := tb.tab(0).Log
	tb.waitRows(v, "the 30th message", func(rows []string) bool { return countContaining(rows, `{"n": 29}`) == 1 })
	tb.drain()
	none := wholeRows(v)
	if v.Detail.BodyShown() {
		t.Error("the detail shows an empty message area with nothing selected")
	}
	v.List.Select(v.Len() - 1)
	tb.drain()
	selected := wholeRows(v)
	t.Logf("whole rows at 1024x768, zoom %.1f: %d with nothing selected, %d with a message selected", tb.wb.look.zoom.scale, none, selected)
	if !v.Detail.BodyShown() || v.Detail.Body.Size().Height < 20 {
		t.Errorf("the selected message's area did not open (its text gets %v)", v.Detail.Body.Size())
	}
	if none < 3 || none <= selected {
		t.Errorf("the log shows %d whole rows with nothing selected and %d with a selection; want at least 3, and more than with one", none, selected)
	}
}
