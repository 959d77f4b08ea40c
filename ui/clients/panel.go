package clients

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/format"
	"wsworkbench/ui/trace"
)

// Target is what a client tab connects to.
type Target struct {
	URL          string // "" means the embedded gateway, at its current URL
	Header       http.Header
	Query        url.Values
	Subprotocols []string
}

// Panel is the middle of the window: one tab per client, and "+".
type Panel struct {
	host    Host
	tabs    *controller.Tabs // the tabs' models, for the bridge
	bg      sync.WaitGroup   // goroutines doing blocking client calls
	Docs    *container.DocTabs
	List    []*Tab
	counter int
	Stack   *fyne.Container
	Empty   fyne.CanvasObject
	// Tiles is the tiled view, Watches the watch tabs.
	Tiles   *Tiles
	Watches *Watches
	// ConnectTimeout bounds a tab's opening handshake; LogCapacity is how
	// many messages the log of a tab opened from now on keeps.
	ConnectTimeout time.Duration
	LogCapacity    int
}

// New returns the client tabs' panel, with no tab yet. Each tab's model
// goes into tabs; a tab's handshake times out after connectTimeout, and
// its log keeps logCapacity messages.
func New(host Host, tabs *controller.Tabs, connectTimeout time.Duration, logCapacity int) *Panel {
	ct := &Panel{host: host, tabs: tabs, ConnectTimeout: connectTimeout, LogCapacity: logCapacity}
	ct.Tiles = &Tiles{p: ct}
	ct.Tiles.btn = widget.NewButtonWithIcon("Tiles", theme.GridIcon(), ct.Tiles.OnToggle)
	ct.Watches = &Watches{p: ct}
	ct.Docs = container.NewDocTabs()
	ct.Docs.CreateTab = func() *container.TabItem {
		return ct.newTab(Target{}).Item
	}
	ct.Docs.CloseIntercept = func(it *container.TabItem) {
		if t := ct.byItem(it); t != nil {
			ct.closeTab(t)
		} else if w := ct.Watches.byItem(it); w != nil {
			ct.Watches.close(w)
		}
	}
	ct.Docs.OnSelected = func(it *container.TabItem) {
		if t := ct.Current(); t != nil {
			t.onShown()
		} else if w := ct.Watches.byItem(it); w != nil {
			w.update()
		}
	}
	start := widget.NewButton("New client tab", func() { ct.Add(Target{}, true) })
	start.Importance = widget.HighImportance
	ct.Empty = container.NewCenter(container.NewVBox(
		widget.NewLabel("No client tabs. A tab is a WebSocket client: it connects to the\nembedded gateway (or any ws:// or wss:// URL) and logs every frame."),
		start,
	))
	ct.Stack = container.NewStack(ct.Docs)
	return ct
}

// Object is the panel: the tabs, the tiles, or a start button when there
// are no tabs.
func (ct *Panel) Object() fyne.CanvasObject { return ct.Stack }

// newTab creates a tab for target and starts connecting it; the caller adds
// its item to the DocTabs.
func (ct *Panel) newTab(target Target) *Tab {
	ct.counter++
	t := newClientTab(ct, fmt.Sprintf("client %d", ct.counter), target)
	ct.List = append(ct.List, t)
	ct.tabs.Add(t.Model)
	ct.showEmpty()
	t.Connect()
	return t
}

// Add opens a new tab for target and selects it when focus is set.
func (ct *Panel) Add(target Target, focus bool) *Tab {
	t := ct.newTab(target)
	ct.Docs.Append(t.Item)
	if focus || len(ct.Docs.Items) == 1 {
		ct.Docs.Select(t.Item)
	}
	if ct.Tiles.On() {
		ct.Tiles.fill()
	}
	ct.showEmpty()
	return t
}

// closeTab closes a tab's connection and removes it.
func (ct *Panel) closeTab(t *Tab) {
	for i, x := range ct.List {
		if x == t {
			ct.List = append(ct.List[:i], ct.List[i+1:]...)
			break
		}
	}
	ct.tabs.Remove(t.Model)
	ct.Docs.Remove(t.Item)
	t.dispose()
	if ct.Tiles.On() {
		ct.Tiles.fill()
	}
	ct.showEmpty()
	ct.host.TabsChanged()
}

func (ct *Panel) showEmpty() {
	want := fyne.CanvasObject(ct.Docs)
	switch {
	case len(ct.List) == 0 && len(ct.Watches.list) == 0:
		want = ct.Empty
	case ct.Tiles.On():
		want = ct.Tiles.scroll
	}
	if len(ct.Stack.Objects) != 1 || ct.Stack.Objects[0] != want {
		ct.Stack.Objects = []fyne.CanvasObject{want}
		ct.Stack.Refresh()
	}
}

// Close closes every tab's connection (at shutdown) and waits for the
// goroutines doing blocking client calls.
func (ct *Panel) Close() {
	for _, t := range ct.List {
		t.dispose()
	}
	ct.bg.Wait()
}

func (ct *Panel) byItem(it *container.TabItem) *Tab {
	for _, t := range ct.List {
		if t.Item == it {
			return t
		}
	}
	return nil
}

// Current returns the selected tab, or nil.
func (ct *Panel) Current() *Tab {
	return ct.byItem(ct.Docs.Selected())
}

// SelectIndex selects the i-th tab.
func (ct *Panel) SelectIndex(i int) {
	if i >= 0 && i < len(ct.Docs.Items) {
		ct.Docs.SelectIndex(i)
	}
}

// Select selects t; in the tiled view, a client not on screen comes
// first.
func (ct *Panel) Select(t *Tab) { ct.SelectItem(t.Item) }

// SelectItem selects a client or watch tab; in the tiled view, one not on
// screen comes first.
func (ct *Panel) SelectItem(it *container.TabItem) {
	ct.Docs.Select(it)
	if ct.Tiles.On() && !ct.Tiles.visibleItem(it) {
		ct.Tiles.fill()
	}
}

// ByConnID returns the tab whose connection has the given ID, or nil.
func (ct *Panel) ByConnID(id string) *Tab {
	if id == "" {
		return nil
	}
	for _, t := range ct.List {
		if t.Model.Client().ConnectionID() == id {
			return t
		}
	}
	return nil
}

// Refresh updates every tab from its client (the bridge calls it).
func (ct *Panel) Refresh() {
	for _, t := range ct.List {
		t.refresh()
	}
}

// Targets returns each tab's URL ("" for the embedded gateway), to reopen
// the same tabs at the next start.
func (ct *Panel) Targets() []string {
	out := make([]string, 0, len(ct.List))
	for _, t := range ct.List {
		out = append(out, t.Target.URL)
	}
	return out
}

// showTargetDialog asks for a tab's URL, headers, query string and
// subprotocols. embedded is the embedded gateway's URL: choosing it makes
// the tab follow the gateway (its stage may change).
func showTargetDialog(win fyne.Window, title string, t Target, embedded string, ok func(Target)) {
	urlEntry := widget.NewEntry()
	urlEntry.SetText(t.URL)
	if t.URL == "" {
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
	headers.SetText(formatHeader(t.Header))
	headers.SetMinRowsVisible(3)
	headers.Validator = func(s string) error { _, err := parseHeader(s); return err }
	query := widget.NewEntry()
	query.SetPlaceHolder("token=abc&room=1")
	query.SetText(t.Query.Encode())
	query.Validator = func(s string) error { _, err := url.ParseQuery(strings.TrimPrefix(s, "?")); return err }
	protos := widget.NewEntry()
	protos.SetPlaceHolder("graphql-ws, json")
	protos.SetText(strings.Join(t.Subprotocols, ", "))
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
		nt := Target{URL: strings.TrimSpace(urlEntry.Text), Header: h, Query: q, Subprotocols: format.SplitList(protos.Text)}
		if nt.URL == embedded {
			nt.URL = ""
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

// background runs f, which may block (a client's Connect, Send or Close), on
// a goroutine of its own; Close waits for it. f must not touch widgets.
func (ct *Panel) background(f func()) {
	ct.bg.Add(1)
	go func() {
		defer ct.bg.Done()
		f()
	}()
}

// showTrace shows the trace of a tab's log entry (none for seq 0).
func (ct *Panel) showTrace(t *Tab, seq uint64) {
	if t == nil || seq == 0 {
		ct.host.ShowEntry(nil, 0)
		return
	}
	ct.host.ShowEntry(traceSource{t}, seq)
}

// traceSource is a client tab's log as the trace panel reads it.
type traceSource struct{ t *Tab }

var _ trace.Source = traceSource{}

func (s traceSource) Log() *client.Log                  { return s.t.Model.Client().Log() }
func (s traceSource) Request(seq uint64) (string, bool) { return s.t.Model.Request(seq) }
func (s traceSource) ConnectRequest() string            { return s.t.Model.ConnectRequest() }
func (s traceSource) Embedded() bool                    { return s.t.Target.URL == "" }
