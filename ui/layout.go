package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The window's body changes its arrangement with its width (divided by the
// zoom, so a zoomed window counts as narrower), so that every
// control stays on screen from 1024x768 up, and on a zoomed projector:
//
//   - wide (wideWidth and up): the API editor, the clients, and the
//     connections above the trace, side by side: the first sketch of
//     ../shared/design/window.md.
//   - narrow (1024 to wideWidth): two columns. The API editor, the
//     connections and the trace share the left column as tabs; the
//     clients keep the rest, so a message's text has room. Tiled clients
//     take the whole width.
//   - single (below narrowWidth: a big zoom on a small screen): one column
//     of tabs, the clients first.
const (
	wideWidth   = 1200
	narrowWidth = 760
)

// arrangement is one of the body's arrangements.
type arrangement int

const (
	arrangeWide arrangement = iota + 1
	arrangeNarrow
	arrangeSingle
)

func arrangementFor(width float32) arrangement {
	switch {
	case width >= wideWidth:
		return arrangeWide
	case width >= narrowWidth:
		return arrangeNarrow
	}
	return arrangeSingle
}

// Titles of the side tabs in the narrow arrangements.
const (
	sideAPI         = "API"
	sideConnections = "Connections"
	sideTrace       = "Trace"
	sideClients     = "Clients"
)

// body is the window below the toolbar. It owns nothing but the
// arrangement: the panels are the workbench's, and the split positions are
// the workbench's splits (so the preferences keep them).
type body struct {
	widget.BaseWidget
	wb      *workbench
	current arrangement
	stack   *fyne.Container
	side    *container.AppTabs // the narrow arrangements' tabs; nil in wide
}

func newBody(wb *workbench) *body {
	b := &body{wb: wb, stack: container.NewStack()}
	b.ExtendBaseWidget(b)
	return b
}

func (b *body) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.stack) }

// zoom is how much the theme enlarges text (the View menu's zoom): the
// arrangements are chosen for the width divided by it.
func (b *body) zoom() float32 {
	z := b.Theme().Size(theme.SizeNameText) / theme.DefaultTheme().Size(theme.SizeNameText)
	if z <= 0 {
		return 1
	}
	return z
}

// Resize picks the arrangement for the new width before laying it out.
func (b *body) Resize(s fyne.Size) {
	if a := arrangementFor(s.Width / b.zoom()); a != b.current {
		b.arrange(a)
	}
	b.BaseWidget.Resize(s)
	b.stack.Resize(s)
}

// Refresh picks the arrangement again: a zoom changes the theme, not the
// size.
func (b *body) Refresh() {
	if w := b.Size().Width; w > 0 {
		if a := arrangementFor(w / b.zoom()); a != b.current {
			b.arrange(a)
			b.stack.Resize(b.Size())
		}
	}
	b.BaseWidget.Refresh()
}

// MinSize is small: every arrangement fits the window it was chosen for.
func (b *body) MinSize() fyne.Size {
	b.ExtendBaseWidget(b)
	return b.stack.MinSize()
}

// relayout rebuilds the current arrangement (a panel was shown or hidden).
func (b *body) relayout() {
	a := b.current
	if a == 0 {
		a = arrangeWide
	}
	b.arrange(a)
	b.stack.Resize(b.Size())
}

// arrange puts the panels that are shown into arrangement a.
func (b *body) arrange(a arrangement) {
	wb := b.wb
	prevSide := ""
	if b.side != nil && b.side.Selected() != nil {
		prevSide = b.side.Selected().Text
	}
	b.current = a
	b.side = nil
	var content fyne.CanvasObject
	switch a {
	case arrangeWide:
		wb.inspSplit.Leading, wb.inspSplit.Trailing = wb.conns.Object(), wb.tracer.Object()
		if wb.hasFunctions {
			wb.inspSplit.Trailing = wb.traceAndFunctions()
		}
		wb.inspSplit.Refresh()
		var right fyne.CanvasObject = wb.middleBox
		if wb.showInspect {
			wb.sideSplit.Leading, wb.sideSplit.Trailing = wb.middleBox, wb.inspSplit
			wb.sideSplit.Refresh()
			right = wb.sideSplit
		}
		content = right
		if wb.showEditor {
			wb.mainSplit.Leading, wb.mainSplit.Trailing = wb.editorBox, right
			wb.mainSplit.Refresh()
			content = wb.mainSplit
		}
	default:
		var items []*container.TabItem
		if a == arrangeSingle {
			items = append(items, container.NewTabItem(sideClients, wb.middleBox))
		}
		if wb.showEditor {
			items = append(items, container.NewTabItem(sideAPI, wb.editorBox))
		}
		if wb.showInspect {
			items = append(items,
				container.NewTabItem(sideConnections, wb.conns.Object()),
				container.NewTabItem(sideTrace, wb.tracer.Object()))
			if wb.hasFunctions {
				items = append(items, container.NewTabItem(sideFunctions, wb.functions.Object()))
			}
		}
		switch {
		case a == arrangeSingle:
			b.side = container.NewAppTabs(items...)
			content = b.side
		case len(items) == 0 || wb.clients.tiled():
			// Tiles in a narrow window take its whole width, so each
			// client's messages stay readable; Tabs brings the side
			// column back.
			content = wb.middleBox
		default:
			b.side = container.NewAppTabs(items...)
			wb.narrowSplit.Leading, wb.narrowSplit.Trailing = b.side, wb.middleBox
			wb.narrowSplit.Refresh()
			content = wb.narrowSplit
		}
		if b.side != nil && prevSide != "" {
			b.showSide(prevSide)
		}
	}
	b.stack.Objects = []fyne.CanvasObject{content}
	b.stack.Refresh()
}

// showSide selects the side tab with the given title, if the arrangement has
// one; it reports whether it did.
func (b *body) showSide(title string) bool {
	if b.side == nil {
		return false
	}
	for _, it := range b.side.Items {
		if it.Text == title {
			if b.side.Selected() != it {
				b.side.Select(it)
			}
			return true
		}
	}
	return false
}

// openRoute shows the route with the given key in the API editor (a route
// name in a log row was clicked), showing the editor first if it is hidden
// or behind another side tab.
func (wb *workbench) openRoute(key string) {
	if !wb.showEditor {
		wb.showEditor = true
		wb.relayout()
	}
	wb.body.showSide(sideAPI)
	if !wb.editor.SelectRoute(key) {
		wb.setNotice("The API has no route " + key + " any more.")
	}
}
