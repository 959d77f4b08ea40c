package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// tabTarget is what a client tab connects to.
type tabTarget struct {
	url          string // "" means the embedded gateway, at its current URL
	header       http.Header
	query        url.Values
	subprotocols []string
}

// clientTabs is the middle of the window: one tab per client, and "+".
type clientTabs struct {
	wb      *workbench
	docs    *container.DocTabs
	list    []*clientTab
	counter int
	stack   *fyne.Container
	empty   fyne.CanvasObject
	tiles   *fyne.Container // the tiled view; nil while the tabs show
	// tilesScroll holds the tiles; two rows of them scroll in a window too
	// short for both (1280x720).
	tilesScroll *container.Scroll
	shown       []*container.TabItem // the tabs in the tiles
	watches     []*watchTab          // watch views of outside connections (watchtab.go)
}

func newClientTabs(wb *workbench) *clientTabs {
	ct := &clientTabs{wb: wb}
	ct.docs = container.NewDocTabs()
	ct.docs.CreateTab = func() *container.TabItem {
		return ct.newTab(tabTarget{}).item
	}
	ct.docs.CloseIntercept = func(it *container.TabItem) {
		if t := ct.byItem(it); t != nil {
			ct.closeTab(t)
		} else if w := ct.watchByItem(it); w != nil {
			ct.closeWatch(w)
		}
	}
	ct.docs.OnSelected = func(it *container.TabItem) {
		if t := ct.current(); t != nil {
			t.onShown()
		} else if w := ct.watchByItem(it); w != nil {
			w.update()
		}
	}
	start := widget.NewButton("New client tab", func() { ct.addTab(tabTarget{}, true) })
	start.Importance = widget.HighImportance
	ct.empty = container.NewCenter(container.NewVBox(
		widget.NewLabel("No client tabs. A tab is a WebSocket client: it connects to the\nembedded gateway (or any ws:// or wss:// URL) and logs every frame."),
		start,
	))
	ct.stack = container.NewStack(ct.docs)
	return ct
}

func (ct *clientTabs) object() fyne.CanvasObject { return ct.stack }

// newTab creates a tab for target and starts connecting it; the caller adds
// its item to the DocTabs.
func (ct *clientTabs) newTab(target tabTarget) *clientTab {
	ct.counter++
	t := newClientTab(ct.wb, fmt.Sprintf("client %d", ct.counter), target)
	ct.list = append(ct.list, t)
	ct.wb.tabs.add(t.model)
	ct.showEmpty()
	t.connect()
	return t
}

// addTab opens a new tab for target and selects it when focus is set.
func (ct *clientTabs) addTab(target tabTarget, focus bool) *clientTab {
	t := ct.newTab(target)
	ct.docs.Append(t.item)
	if focus || len(ct.docs.Items) == 1 {
		ct.docs.Select(t.item)
	}
	if ct.tiled() {
		ct.fillTiles()
	}
	ct.showEmpty()
	return t
}

// closeTab closes a tab's connection and removes it.
func (ct *clientTabs) closeTab(t *clientTab) {
	for i, x := range ct.list {
		if x == t {
			ct.list = append(ct.list[:i], ct.list[i+1:]...)
			break
		}
	}
	ct.wb.tabs.remove(t.model)
	ct.docs.Remove(t.item)
	t.dispose()
	if ct.tiled() {
		ct.fillTiles()
	}
	ct.showEmpty()
	ct.wb.conns.Refresh()
}

func (ct *clientTabs) showEmpty() {
	want := fyne.CanvasObject(ct.docs)
	switch {
	case len(ct.list) == 0 && len(ct.watches) == 0:
		want = ct.empty
	case ct.tiles != nil:
		want = ct.tilesScroll
	}
	if len(ct.stack.Objects) != 1 || ct.stack.Objects[0] != want {
		ct.stack.Objects = []fyne.CanvasObject{want}
		ct.stack.Refresh()
	}
}

// closeAll closes every tab's connection (at shutdown).
func (ct *clientTabs) closeAll() {
	for _, t := range ct.list {
		t.dispose()
	}
}

func (ct *clientTabs) byItem(it *container.TabItem) *clientTab {
	for _, t := range ct.list {
		if t.item == it {
			return t
		}
	}
	return nil
}

// current returns the selected tab, or nil.
func (ct *clientTabs) current() *clientTab {
	return ct.byItem(ct.docs.Selected())
}

// selectIndex selects the i-th tab.
func (ct *clientTabs) selectIndex(i int) {
	if i >= 0 && i < len(ct.docs.Items) {
		ct.docs.SelectIndex(i)
	}
}

// selectTab selects t; in the tiled view, a client not on screen comes
// first.
func (ct *clientTabs) selectTab(t *clientTab) { ct.selectItem(t.item) }

// selectItem selects a client or watch tab; in the tiled view, one not on
// screen comes first.
func (ct *clientTabs) selectItem(it *container.TabItem) {
	ct.docs.Select(it)
	if ct.tiled() && !ct.visibleItem(it) {
		ct.fillTiles()
	}
}

// byConnID returns the tab whose connection has the given ID, or nil.
func (ct *clientTabs) byConnID(id string) *clientTab {
	if id == "" {
		return nil
	}
	for _, t := range ct.list {
		if t.model.Client().ConnectionID() == id {
			return t
		}
	}
	return nil
}

// refresh updates every tab from its client (the bridge calls it).
func (ct *clientTabs) refresh() {
	for _, t := range ct.list {
		t.refresh()
	}
}

// targets returns each tab's URL ("" for the embedded gateway), to reopen
// the same tabs at the next start.
func (ct *clientTabs) targets() []string {
	out := make([]string, 0, len(ct.list))
	for _, t := range ct.list {
		out = append(out, t.target.url)
	}
	return out
}

// onNewClient opens a tab on the embedded gateway.
func (wb *workbench) onNewClient() { wb.clients.addTab(tabTarget{}, true) }

// onNewClientURL asks for a URL, headers, query and subprotocols, then opens
// a tab for them.
func (wb *workbench) onNewClientURL() {
	showTargetDialog(wb.win, "New client tab", tabTarget{url: wb.gw.URL()}, wb.gw.URL(), func(t tabTarget) {
		wb.clients.addTab(t, true)
	})
}

// onCloseTab closes the selected tab.
func (wb *workbench) onCloseTab() {
	if t := wb.clients.current(); t != nil {
		wb.clients.closeTab(t)
	} else if w := wb.clients.currentWatch(); w != nil {
		wb.clients.closeWatch(w)
	}
}

func (wb *workbench) onSend() {
	if t := wb.clients.current(); t != nil {
		t.composer.onSend()
	}
}

func (wb *workbench) onPrettyComposer() {
	if t := wb.clients.current(); t != nil {
		t.composer.onPretty()
	}
}

func (wb *workbench) onReconnect() {
	if t := wb.clients.current(); t != nil {
		t.onReconnect()
	}
}

func (wb *workbench) onDisconnect() {
	if t := wb.clients.current(); t != nil {
		t.onDisconnect()
	}
}

func (wb *workbench) onSearchLog() {
	if t := wb.clients.current(); t != nil {
		wb.win.Canvas().Focus(t.log.search)
	} else if w := wb.clients.currentWatch(); w != nil {
		wb.win.Canvas().Focus(w.view.Controls().Search)
	}
}

func (wb *workbench) onClearLog() {
	if t := wb.clients.current(); t != nil {
		t.log.onClear()
	}
}

func (wb *workbench) onExportLog() {
	if t := wb.clients.current(); t != nil {
		t.log.onExport()
	} else if w := wb.clients.currentWatch(); w != nil {
		w.view.Controls().Export.OnTapped()
	}
}

// showTargetDialog asks for a tab's URL, headers, query string and
// subprotocols. embedded is the embedded gateway's URL: choosing it makes
// the tab follow the gateway (its stage may change).
func showTargetDialog(win fyne.Window, title string, t tabTarget, embedded string, ok func(tabTarget)) {
	urlEntry := widget.NewEntry()
	urlEntry.SetText(t.url)
	if t.url == "" {
		urlEntry.SetText(embedded)
	}
	urlEntry.Validator = func(s string) error {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil {
			return err
		}
		if u.Scheme != "ws" && u.Scheme != "wss" {
			return fmt.Errorf("use a ws:// or wss:// URL")
		}
		return nil
	}
	headers := widget.NewMultiLineEntry()
	headers.TextStyle = fyne.TextStyle{Monospace: true}
	headers.SetPlaceHolder("Authorization: Bearer …\nx-api-key: …")
	headers.SetText(formatHeader(t.header))
	headers.SetMinRowsVisible(3)
	headers.Validator = func(s string) error { _, err := parseHeader(s); return err }
	query := widget.NewEntry()
	query.SetPlaceHolder("token=abc&room=1")
	query.SetText(t.query.Encode())
	query.Validator = func(s string) error { _, err := url.ParseQuery(strings.TrimPrefix(s, "?")); return err }
	protos := widget.NewEntry()
	protos.SetPlaceHolder("graphql-ws, json")
	protos.SetText(strings.Join(t.subprotocols, ", "))
	items := []*widget.FormItem{
		widget.NewFormItem("URL", urlEntry),
		widget.NewFormItem("Headers", headers),
		widget.NewFormItem("Query string", query),
		widget.NewFormItem("Subprotocols", protos),
	}
	d := dialog.NewForm(title, "Connect", "Cancel", items, func(confirmed bool) {
		if !confirmed {
			return
		}
		h, _ := parseHeader(headers.Text)
		q, _ := url.ParseQuery(strings.TrimPrefix(query.Text, "?"))
		nt := tabTarget{url: strings.TrimSpace(urlEntry.Text), header: h, query: q, subprotocols: splitList(protos.Text)}
		if nt.url == embedded {
			nt.url = ""
		}
		ok(nt)
	}, win)
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
}

// parseHeader reads "Name: value" lines.
func parseHeader(s string) (http.Header, error) {
	h := http.Header{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("line %d: write a header as Name: value", i+1)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	if len(h) == 0 {
		return nil, nil
	}
	return h, nil
}

// formatHeader writes h as "Name: value" lines.
func formatHeader(h http.Header) string {
	var b strings.Builder
	for name, values := range h {
		for _, v := range values {
			fmt.Fprintf(&b, "%s: %s\n", name, v)
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
