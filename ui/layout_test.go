package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/ui/clients"
)

// control is an object a person clicks or types into.
func isControl(o fyne.CanvasObject) bool {
	switch o.(type) {
	case *widget.Button, *widget.Entry, *clients.ComposerEntry, *widget.Select, *widget.Check:
		return true
	}
	name := reflect.TypeOf(o).String()
	return strings.HasSuffix(name, "Button") // the tab bars' buttons ("+", overflow)
}

// describe names a control for a failure message.
func describe(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *widget.Button:
		return fmt.Sprintf("button %q", x.Text)
	case *widget.Entry:
		return fmt.Sprintf("entry %.40q", x.Text)
	case *clients.ComposerEntry:
		return fmt.Sprintf("composer %.40q", x.Text)
	case *widget.Select:
		return fmt.Sprintf("select %q", x.Selected)
	case *widget.Check:
		return fmt.Sprintf("check %q", x.Text)
	}
	return reflect.TypeOf(o).String()
}

// clippedControls walks the window's canvas and returns every visible
// control that is not wholly inside the window, or is cut off sideways by a
// panel that scrolls sideways. A control scrolled out of a vertical scroll
// or list is reachable by scrolling and is not reported.
func clippedControls(win fyne.Window) (bad []string, checked int) {
	size := win.Canvas().Size()
	const slack = 0.5
	type clip struct{ x0, x1 float32 }
	var walk func(o fyne.CanvasObject, at fyne.Position, c clip, inVScroll bool)
	walk = func(o fyne.CanvasObject, at fyne.Position, c clip, inVScroll bool) {
		if o == nil || !o.Visible() {
			return
		}
		s := o.Size()
		if isControl(o) {
			checked++
			var why []string
			if at.X < -slack || at.X+s.Width > size.Width+slack {
				why = append(why, "outside the window sideways")
			}
			if !inVScroll && (at.Y < -slack || at.Y+s.Height > size.Height+slack) {
				why = append(why, "outside the window vertically")
			}
			if at.X < c.x0-slack || at.X+s.Width > c.x1+slack {
				why = append(why, "cut off by its panel")
			}
			if s.Width < 1 || s.Height < 1 {
				why = append(why, "squeezed to nothing")
			}
			if len(why) > 0 {
				bad = append(bad, fmt.Sprintf("%s at %v size %v: %s", describe(o), at, s, strings.Join(why, ", ")))
			}
		}
		if sc, ok := o.(*container.Scroll); ok {
			if sc.Direction == container.ScrollBoth || sc.Direction == container.ScrollHorizontalOnly {
				c = clip{max(c.x0, at.X), min(c.x1, at.X+s.Width)}
			}
			if sc.Direction != container.ScrollHorizontalOnly && sc.Direction != container.ScrollNone {
				inVScroll = true
			}
		}
		var kids []fyne.CanvasObject
		switch x := o.(type) {
		case fyne.Widget:
			kids = testRenderer(x).Objects()
		case *fyne.Container:
			kids = x.Objects
		}
		for _, k := range kids {
			walk(k, at.Add(k.Position()), c, inVScroll)
		}
	}
	walk(win.Canvas().Content(), win.Canvas().Content().Position(), clip{0, size.Width}, false)
	return bad, checked
}

// TestEveryControlInsideWindowAtSmallSizes: at 1024x768 (also zoomed to
// 125%) and 1280x720 every
// button and entry of the window lies inside it, none is cut off by its
// panel, and an answer of 40 characters shows in full in the log.
func TestEveryControlInsideWindowAtSmallSizes(t *testing.T) {
	for _, tc := range []struct {
		size fyne.Size
		zoom float32
	}{
		{fyne.Size{Width: 1024, Height: 768}, 1},
		{fyne.Size{Width: 1280, Height: 720}, 1},
		{fyne.Size{Width: 1280, Height: 800}, 1.25}, // a projector
		// What the window's content really gets on those screens: the
		// window fits the work area less a title bar (windowSize), and the
		// menu bar is drawn inside it.
		{onScreen(fyne.NewSize(1024, 768)), 1},
		{onScreen(fyne.NewSize(1280, 720)), 1},
		// A 1024x768 projector with View > Zoom In twice and a half
		// (Fyne's scale 1.25).
		{fyne.Size{Width: 1024, Height: 768}, 1.25},
		{onScreen(fyne.NewSize(1024, 768)), 1.25},
	} {
		size := tc.size
		t.Run(fmt.Sprintf("%s-zoom%.0f", sizeName(size), tc.zoom*100), func(t *testing.T) {
			tb := newTestBench(t)
			id := tb.waitConnected(0)
			tb.wb.look.setTheme(tc.zoom, tb.wb.look.zoom.variant)
			tb.win.Resize(size)
			answer := "The answer is forty characters long: ok!"
			if len(answer) != 40 {
				t.Fatalf("the answer has %d characters", len(answer))
			}
			if err := tb.wb.gw.PostToConnection(id, []byte(answer)); err != nil {
				t.Fatal(err)
			}
			tb.waitRows(tb.tab(0).Log, "the answer", func(rows []string) bool { return countContaining(rows, answer) == 1 })
			if got := tb.win.Canvas().Size(); got != size {
				t.Fatalf("the window is %v, want %v", got, size)
			}
			// A real window is never smaller than its content's
			// minimum: a wider content would push it off the screen.
			if m := tb.win.Content().MinSize(); m.Width > size.Width+0.5 || m.Height > size.Height+0.5 {
				t.Errorf("at %s the window's content needs %v", sizeName(size), m)
			}
			if m := tb.wb.bar.obj.MinSize(); m.Width > size.Width+0.5 {
				t.Errorf("at %s the toolbar's row needs %.0f px", sizeName(size), m.Width)
			}
			bad, checked := clippedControls(tb.win)
			if checked < 20 {
				t.Fatalf("only %d controls found: the walk is broken", checked)
			}
			t.Logf("%d controls checked", checked)
			if len(bad) > 0 {
				t.Errorf("at %s, %d controls are not reachable:\n%s", sizeName(size), len(bad), strings.Join(bad, "\n"))
			}
			if bad := cutStatus(tb); len(bad) > 0 {
				t.Errorf("at %s the status is cut:\n%s", sizeName(size), strings.Join(bad, "\n"))
			}
			if bad := badRowParts(tb.tab(0).Log); len(bad) > 0 {
				t.Errorf("at %s log rows are laid out wrong:\n%s", sizeName(size), strings.Join(bad, "\n"))
			}
			var row *clients.LogRow
			walkRendered(tb.tab(0).Log.List, func(p placed) {
				if r, ok := p.obj.(*clients.LogRow); ok && r.Text.Text == answer {
					row = r
				}
			})
			if row == nil {
				t.Fatalf("the answer's row is not drawn: %q", renderedRows(tb.tab(0).Log))
			}
			need := labelNeeds(row.Text)
			if got := row.Text.Size().Width; got < need {
				t.Errorf("at %s the answer's text gets %.0f px of the %.0f it needs (the row is %.0f px)", sizeName(size), got, need, row.Size().Width)
			}
		})
	}
}

// fakeStatus is a status for the toolbar to show.
type fakeStatus struct {
	errors      int
	restarting  bool
	live        bool
	notice, url string
}

func (s fakeStatus) Errors() int      { return s.errors }
func (s fakeStatus) Restarting() bool { return s.restarting }
func (s fakeStatus) Live() bool       { return s.live }
func (s fakeStatus) Notice() string   { return s.notice }
func (s fakeStatus) URL() string      { return s.url }

// cutStatus checks that the gateway's state shows in full inside the
// window, as it is now and in each of its other forms (the longest is the
// errors' one), and that the notice has most of the window's width. It
// puts the real status back.
func cutStatus(tb *testBench) []string {
	var bad []string
	check := func(what string) {
		l := tb.wb.bar.liveLabel
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l)
		need := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
		switch win := tb.win.Canvas().Size(); {
		case l.Size().Width < need-0.5:
			bad = append(bad, fmt.Sprintf("%s: %q gets %.0f of the %.0f px it needs", what, l.Text, l.Size().Width, need))
		case pos.X+l.Size().Width > win.Width+0.5 || pos.Y+l.Size().Height > win.Height+0.5:
			bad = append(bad, fmt.Sprintf("%s: %q at %v ends outside the %v window", what, l.Text, pos, win))
		}
		if n := tb.wb.bar.noticeLabel.Size().Width; n < tb.win.Canvas().Size().Width/2 {
			bad = append(bad, fmt.Sprintf("%s: the notice gets only %.0f px", what, n))
		}
	}
	check("now")
	url := tb.wb.gw.URL()
	for _, s := range []fakeStatus{{live: true}, {}, {restarting: true}, {errors: 12}} {
		s.url, s.notice = url, "Saved /home/someone/projects/chat/api.yaml at 12:00:00"
		tb.wb.bar.show(s)
		tb.win.Content().Refresh()
		check(fmt.Sprintf("errors %d, restarting %v, live %v", s.errors, s.restarting, s.live))
	}
	tb.wb.showStatus()
	return bad
}

// badRowParts checks the rows a log draws: the texts of the parts shown
// (time, arrow, text, route, size) do not overlap, stay inside the row, and the time,
// size and route that show are not cut (a route may be cut to clients.RouteShare
// of the row, and further to make the text whole).
func badRowParts(v *clients.LogView) []string {
	var bad []string
	walkRendered(v.List, func(p placed) {
		r, ok := p.obj.(*clients.LogRow)
		if !ok || r.Seq == 0 {
			return
		}
		w := r.Size().Width
		parts := []*widget.Label{r.Time, r.Dir, r.Text, &r.Route.Label, r.Meta}
		names := []string{"time", "arrow", "text", "route", "size"}
		end := float32(0)
		for i, l := range parts {
			if !l.Visible() || l.Text == "" {
				continue
			}
			pos, size := l.Position(), l.Size()
			if i == 3 {
				pos, size = r.Route.Position(), r.Route.Size()
			}
			// What shows of a label is its text, inside its inner
			// padding; the padding may overlap a neighbour's.
			ip := theme.InnerPadding()
			x0, x1 := pos.X+ip, pos.X+size.Width-ip
			if x0 < end-0.5 {
				bad = append(bad, fmt.Sprintf("row %q: the %s overlaps what is left of it", r.Text.Text, names[i]))
			}
			if x1 > w+0.5 {
				bad = append(bad, fmt.Sprintf("row %q: the %s ends past the row", r.Text.Text, names[i]))
			}
			end = x1
			need := labelNeeds(l)
			if i == 3 {
				need = min(need, w*clients.RouteShare+2*(ip-ip/8))
			}
			if i == 3 && size.Width < need-0.5 && r.Text.Size().Width >= labelNeeds(r.Text)-0.5 {
				continue // the route is cut so that the text is whole
			}
			if i != 2 && size.Width < need-0.5 {
				bad = append(bad, fmt.Sprintf("row %q: the %s %q gets %.0f of %.0f px", r.Text.Text, names[i], l.Text, size.Width, need))
			}
		}
	})
	return bad
}

// labelNeeds is the width l needs to show its text whole, in the theme it
// is drawn with (the log's rows have their own, compact one).
func labelNeeds(l *widget.Label) float32 {
	th := l.Theme()
	return fyne.MeasureText(l.Text, th.Size(theme.SizeNameText), l.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding)
}

// menuBarHeight is the height of the menu bar a desktop window draws above
// its content (Fyne's test windows draw none), as measured on screenshots
// of the real binary under Xvfb.
const menuBarHeight = 28

// onScreen is the size of the window's content on a screen of the given
// size at the first start.
func onScreen(screen fyne.Size) fyne.Size {
	w := windowSize(fyne.Size{}, screen, true)
	return fyne.NewSize(w.Width, w.Height-menuBarHeight)
}
