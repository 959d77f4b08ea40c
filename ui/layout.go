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
//     take the whole width; so they do up to tiledWideWidth, where the
//     wide arrangement's middle column would give two tiles too little.
//   - single (below narrowWidth: a big zoom on a small screen): one column
//     of tabs, the clients first.
const (
	wideWidth      = 1200
	tiledWideWidth = 1800
	narrowWidth    = 860
)

// arrangement is one of the body's arrangements.
type arrangement int

const (
	arrangeWide arrangement = iota + 1
	arrangeNarrow
	arrangeSingle
)

// arrangementFor is the arrangement for a body width (divided by the
// zoom); tiled says the clients show as tiles, which want the width.
func arrangementFor(width float32, tiled bool) arrangement {
	switch {
	case width >= tiledWideWidth, width >= wideWidth && !tiled:
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

// panes are the window's panels as the body arranges them: the scrolls and
// splits around them (so the preferences keep the split positions), which
// of them are shown, and the Functions tab beside the trace. It holds the
// panels' canvas objects and nothing else of the window.
type panes struct {
	editor, conns, trace, functions fyne.CanvasObject
	tiled                           func() bool // the clients show as tiles

	editorBox   *container.Scroll
	middleBox   *container.Scroll
	mainSplit   *container.Split // editor | rest
	sideSplit   *container.Split // clients | inspector
	inspSplit   *container.Split // connections / trace
	narrowSplit *container.Split // side tabs | clients (narrow windows)
	showEditor  bool
	showInspect bool
	// hasFunctions puts the Functions panel beside the trace; wideTabs
	// holds that tab in the wide arrangement.
	hasFunctions bool
	wideTabs     *container.AppTabs

	body *body
}

// newPanes puts the panels into their splits, at the positions and with the
// panels shown that prefs remember.
func newPanes(prefs fyne.Preferences, editor, clients, conns, trace, functions fyne.CanvasObject, tiled func() bool) *panes {
	p := &panes{editor: editor, conns: conns, trace: trace, functions: functions, tiled: tiled}
	p.inspSplit = container.NewVSplit(conns, trace)
	// The editor scrolls sideways when it is narrower than its content;
	// the clients and the inspector lay themselves out for any width from
	// a tile's up (see layout.go), a big zoom on a small screen excepted.
	p.editorBox = container.NewHScroll(editor)
	p.middleBox = container.NewHScroll(clients)
	// 0.62: room for two connections above the push field on a 1280x720
	// screen; the trace keeps the rest.
	p.inspSplit.Offset = prefs.FloatWithFallback(prefSplitInspector, 0.62)
	p.sideSplit = container.NewHSplit(p.middleBox, p.inspSplit)
	p.sideSplit.Offset = prefs.FloatWithFallback(prefSplitSide, 0.62)
	p.mainSplit = container.NewHSplit(p.editorBox, p.sideSplit)
	p.mainSplit.Offset = prefs.FloatWithFallback(prefSplitMain, 0.3)
	p.narrowSplit = container.NewHSplit(widget.NewLabel(""), p.middleBox)
	p.narrowSplit.Offset = 0.4
	p.showEditor = prefs.BoolWithFallback(prefShowEditor, true)
	p.showInspect = prefs.BoolWithFallback(prefShowInspector, true)
	p.body = newBody(p)
	return p
}

// save remembers the split positions and the panels shown.
func (p *panes) save(prefs fyne.Preferences) {
	prefs.SetFloat(prefSplitMain, p.mainSplit.Offset)
	prefs.SetFloat(prefSplitSide, p.sideSplit.Offset)
	prefs.SetFloat(prefSplitInspector, p.inspSplit.Offset)
	prefs.SetBool(prefShowEditor, p.showEditor)
	prefs.SetBool(prefShowInspector, p.showInspect)
}

// relayout puts the panels that are shown into the window.
func (p *panes) relayout() { p.body.relayout() }

func (p *panes) onToggleEditor() {
	p.showEditor = !p.showEditor
	p.relayout()
}

func (p *panes) onToggleInspector() {
	p.showInspect = !p.showInspect
	p.relayout()
}

// revealEditor shows the API editor, even when it is hidden or behind
// another side tab.
func (p *panes) revealEditor() {
	if !p.showEditor {
		p.showEditor = true
		p.relayout()
	}
	p.body.showSide(sideAPI)
}

// revealTrace brings the trace to the front (its side tab in a narrow
// window).
func (p *panes) revealTrace() { p.body.showSide(sideTrace) }

// setFunctions shows or hides the Functions tab beside the trace.
func (p *panes) setFunctions(shown bool) {
	if shown != p.hasFunctions {
		p.hasFunctions = shown
		p.relayout()
	}
}

// revealFunctions shows the Functions panel (View > Functions), with the
// inspector if it was hidden.
func (p *panes) revealFunctions() {
	if !p.showInspect {
		p.showInspect = true
		p.relayout()
	}
	p.setFunctions(true)
	if !p.body.showSide(sideFunctions) && p.wideTabs != nil {
		p.wideTabs.SelectIndex(1)
	}
}

// traceAndFunctions is the wide arrangement's lower inspector: the trace,
// with the Functions panel beside it as a tab when the workspace has local
// functions.
func (p *panes) traceAndFunctions() *container.AppTabs {
	p.wideTabs = container.NewAppTabs(
		container.NewTabItem(sideTrace, p.trace),
		container.NewTabItem(sideFunctions, p.functions))
	return p.wideTabs
}

// body is the window below the toolbar. It owns nothing but the
// arrangement: the panels and their splits are the panes'.
type body struct {
	widget.BaseWidget
	p       *panes
	current arrangement
	stack   *fyne.Container
	side    *container.AppTabs // the narrow arrangements' tabs; nil in wide
}

func newBody(p *panes) *body {
	b := &body{p: p, stack: container.NewStack()}
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
	if a := arrangementFor(s.Width/b.zoom(), b.p.tiled()); a != b.current {
		b.arrange(a)
	}
	b.BaseWidget.Resize(s)
	b.stack.Resize(s)
}

// Refresh picks the arrangement again: a zoom changes the theme, not the
// size.
func (b *body) Refresh() {
	if w := b.Size().Width; w > 0 {
		if a := arrangementFor(w/b.zoom(), b.p.tiled()); a != b.current {
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

// relayout rebuilds the arrangement (a panel was shown or hidden, the
// clients turned to tiles or back).
func (b *body) relayout() {
	a := b.current
	if w := b.Size().Width; w > 0 {
		a = arrangementFor(w/b.zoom(), b.p.tiled())
	}
	if a == 0 {
		a = arrangeWide
	}
	b.arrange(a)
	b.stack.Resize(b.Size())
}

// arrange puts the panels that are shown into arrangement a.
func (b *body) arrange(a arrangement) {
	p := b.p
	prevSide := ""
	if b.side != nil && b.side.Selected() != nil {
		prevSide = b.side.Selected().Text
	}
	// Into the single column from another arrangement, the clients come
	// first: the side tab chosen beside them (the API, say) would now hide
	// them. Within the single column the person's tab stays.
	if a == arrangeSingle && b.current != arrangeSingle {
		prevSide = sideClients
	}
	b.current = a
	b.side = nil
	var content fyne.CanvasObject
	switch a {
	case arrangeWide:
		p.inspSplit.Leading, p.inspSplit.Trailing = p.conns, p.trace
		if p.hasFunctions {
			p.inspSplit.Trailing = p.traceAndFunctions()
		}
		p.inspSplit.Refresh()
		var right fyne.CanvasObject = p.middleBox
		if p.showInspect {
			p.sideSplit.Leading, p.sideSplit.Trailing = p.middleBox, p.inspSplit
			p.sideSplit.Refresh()
			right = p.sideSplit
		}
		content = right
		if p.showEditor {
			p.mainSplit.Leading, p.mainSplit.Trailing = p.editorBox, right
			p.mainSplit.Refresh()
			content = p.mainSplit
		}
	default:
		var items []*container.TabItem
		if a == arrangeSingle {
			items = append(items, container.NewTabItem(sideClients, p.middleBox))
		}
		if p.showEditor {
			items = append(items, container.NewTabItem(sideAPI, p.editorBox))
		}
		if p.showInspect {
			items = append(items,
				container.NewTabItem(sideConnections, p.conns),
				container.NewTabItem(sideTrace, p.trace))
			if p.hasFunctions {
				items = append(items, container.NewTabItem(sideFunctions, p.functions))
			}
		}
		switch {
		case a == arrangeSingle:
			b.side = container.NewAppTabs(items...)
			content = b.side
		case len(items) == 0 || p.tiled():
			// Tiles in a narrow window take its whole width, so each
			// client's messages stay readable; Tabs brings the side
			// column back.
			content = p.middleBox
		default:
			b.side = container.NewAppTabs(items...)
			p.narrowSplit.Leading, p.narrowSplit.Trailing = b.side, p.middleBox
			p.narrowSplit.Refresh()
			content = p.narrowSplit
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
	wb.panes.revealEditor()
	if !wb.editor.Routes.SelectRoute(key) {
		wb.ctl.SetNotice("The API has no route " + key + " any more.")
	}
}
