package ui

import (
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/ui/clients"
)

// placed is a canvas object and where it is drawn, relative to the root the
// walk started from.
type placed struct {
	obj  fyne.CanvasObject
	pos  fyne.Position
	size fyne.Size
}

// walkRendered visits every visible object drawn under root, with its
// position relative to root, the way a renderer lays them out (widgets
// through their renderers, containers through their objects). It does not
// descend into hidden objects: what it visits is what a person can see,
// except for clipping, which the callers check against the area they care
// about.
func walkRendered(root fyne.CanvasObject, fn func(p placed)) {
	var walk func(o fyne.CanvasObject, at fyne.Position)
	walk = func(o fyne.CanvasObject, at fyne.Position) {
		if o == nil || !o.Visible() {
			return
		}
		fn(placed{obj: o, pos: at, size: o.Size()})
		var kids []fyne.CanvasObject
		switch x := o.(type) {
		case fyne.Widget:
			kids = testRenderer(x).Objects()
		case *fyne.Container:
			kids = x.Objects
		}
		for _, k := range kids {
			walk(k, at.Add(k.Position()))
		}
	}
	walk(root, fyne.NewPos(0, 0))
}

// renderedRows returns the log rows the list draws inside its visible area,
// top to bottom, each as "arrow text" (events as "• note").
func renderedRows(v *clients.LogView) []string {
	h := v.List.Size().Height
	type row struct {
		y    float32
		text string
	}
	var rows []row
	walkRendered(v.List, func(p placed) {
		r, ok := p.obj.(*clients.LogRow)
		if !ok || r.Text.Text == "" && r.Dir.Text == "" {
			return
		}
		if p.pos.Y+p.size.Height <= 0 || p.pos.Y >= h || p.size.Height <= 0 {
			return // scrolled out of the list's view
		}
		rows = append(rows, row{p.pos.Y, r.Dir.Text + " " + r.Text.Text})
	})
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].y < rows[j].y })
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.text
	}
	return out
}

// renderedSeqs returns the Seq of each entry the list draws inside its
// visible area, top to bottom.
func renderedSeqs(v *clients.LogView) []uint64 {
	h := v.List.Size().Height
	type row struct {
		y   float32
		seq uint64
	}
	var rows []row
	walkRendered(v.List, func(p placed) {
		r, ok := p.obj.(*clients.LogRow)
		if !ok || r.Seq == 0 || p.pos.Y+p.size.Height <= 0 || p.pos.Y >= h || p.size.Height <= 0 {
			return
		}
		rows = append(rows, row{p.pos.Y, r.Seq})
	})
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].y < rows[j].y })
	out := make([]uint64, len(rows))
	for i, r := range rows {
		out[i] = r.seq
	}
	return out
}

// countContaining counts the rows that contain s.
func countContaining(rows []string, s string) int {
	n := 0
	for _, r := range rows {
		if strings.Contains(r, s) {
			n++
		}
	}
	return n
}

// labelsIn returns the text of every visible label under o, and the
// titles of accordions.
func labelsIn(o fyne.CanvasObject) []string {
	var out []string
	walkRendered(o, func(p placed) {
		switch x := p.obj.(type) {
		case *widget.Label:
			if x.Text != "" {
				out = append(out, x.Text)
			}
		case *widget.Accordion: // its headers draw their titles themselves
			for _, it := range x.Items {
				out = append(out, it.Title)
			}
		}
	})
	return out
}

var _ = testing.T{}

// testRenderer is the widget's renderer (made on first use, as drawing does).
func testRenderer(w fyne.Widget) fyne.WidgetRenderer { return test.WidgetRenderer(w) }

// waitRows runs the UI queue until the rows v draws satisfy cond, or fails
// the test with the rows it draws after 10 s. The bridge may stretch its
// refresh interval on a loaded machine, so tests wait for what a person
// would see rather than for a fixed time.
func (tb *testBench) waitRows(v *clients.LogView, what string, cond func(rows []string) bool) []string {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tb.drain()
		rows := renderedRows(v)
		if cond(rows) {
			return rows
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("timed out waiting for %s; the list draws %q (footer %q)", what, rows, v.CountLabel.Text)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
