package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"wsworkbench/ui/connections"
	"wsworkbench/ui/trace"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/assets"
	"wsworkbench/emulator"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

// options are what a workbench needs from outside: Run fills them from the
// command line and the app, tests from t.TempDir and a queue they drain.
type options struct {
	// stateDir holds autosaves (the app's storage in the app).
	stateDir string
	// file is a workspace named on the command line; it wins over the last
	// workspace.
	file string
	// addr is where the embedded gateway listens; when it is taken the
	// gateway takes any free port on 127.0.0.1.
	addr string
	// do runs a function on the UI goroutine (fyne.Do).
	do func(func())
	// editDelay is how long the editor waits after a keystroke before it
	// checks the API and hands it to the gateway.
	editDelay time.Duration
	// autosaveDelay is how long an unsaved change waits before it is
	// written to the state directory.
	autosaveDelay time.Duration
	// logCapacity is how many messages each tab's log keeps.
	logCapacity int
	// connectTimeout bounds a tab's opening handshake.
	connectTimeout time.Duration
	// frame overrides the bridge's refresh interval (tests, benchmarks).
	frame time.Duration
}

func (o options) withDefaults() options {
	if o.addr == "" {
		o.addr = "127.0.0.1:8080"
	}
	if o.do == nil {
		o.do = fyne.Do
	}
	if o.editDelay <= 0 {
		o.editDelay = 300 * time.Millisecond
	}
	if o.autosaveDelay <= 0 {
		o.autosaveDelay = 2 * time.Second
	}
	if o.connectTimeout <= 0 {
		o.connectTimeout = 10 * time.Second
	}
	return o
}

// workbench is the window: it owns the workspace being edited, the embedded
// gateway, the bridge and the panels. Its fields are touched on the UI
// goroutine only, except those documented otherwise.
type workbench struct {
	app   fyne.App
	win   fyne.Window
	prefs fyne.Preferences
	opts  options

	gw     *emulator.Gateway
	bridge *bridge
	tabs   *registry
	traces *trace.Store

	// ws is the open workspace; ws.API is the draft the editor changes.
	// The gateway runs the last draft that compiled.
	ws       *workspace.Workspace
	isSample bool // ws is the built-in sample, not yet saved anywhere
	unsaved  bool
	notice   string // a note for the status line (a restored autosave)

	editGen       uint64      // bumped by every edit
	applyTimer    *time.Timer // the pending apply, if any
	errs          emulator.CompileErrors
	live          bool // the gateway runs the current draft
	saver         *autosaver
	autosaveTimer *time.Timer
	bg            sync.WaitGroup // goroutines doing blocking client calls
	closed        bool           // shutdown has run
	stats         *statsRecorder // WSWORKBENCH_STATS, when set
	backends      localBackends  // the chat sample backend, TLS

	editor  *apiEditor
	clients *clientTabs
	conns   *connections.Panel
	tracer  *trace.Panel

	urlLabel    *widget.Label
	liveLabel   *widget.Label
	noticeLabel *widget.Label
	tilesBtn    *widget.Button // tabs or tiles (tiles.go)
	body        *body          // the panels, arranged for the window's width
	editorBox   *container.Scroll
	middleBox   *container.Scroll
	mainSplit   *container.Split // editor | rest
	sideSplit   *container.Split // clients | inspector
	inspSplit   *container.Split // connections / trace
	narrowSplit *container.Split // side tabs | clients (narrow windows)
	showEditor  bool
	showInspect bool
	zoom        *zoomTheme
}

// newWorkbench opens the start workspace, starts the gateway and builds the
// window's content. Call start to run the bridge and open the client tabs.
func newWorkbench(a fyne.App, win fyne.Window, opts options) (*workbench, error) {
	opts = opts.withDefaults()
	wb := &workbench{
		app:    a,
		win:    win,
		prefs:  a.Preferences(),
		opts:   opts,
		tabs:   &registry{},
		traces: trace.NewStore(trace.DefaultCapacity),
	}
	wb.saver = newAutosaver(opts.stateDir)
	if opts.logCapacity <= 0 {
		wb.opts.logCapacity = wb.prefs.IntWithFallback(prefLogCapacity, 10000)
	}

	ws, sample, unsaved, notice, err := wb.startWorkspace()
	if err != nil {
		return nil, err
	}
	wb.ws, wb.isSample, wb.unsaved, wb.notice = ws, sample, unsaved, notice

	gw, compileErr, err := startGateway(ws.API, opts.addr)
	if err != nil {
		return nil, err
	}
	wb.gw = gw
	wb.live = compileErr == nil
	if compileErr != nil {
		wb.errs = asCompileErrors(compileErr)
		wb.notice = wb.workspaceName() + " does not compile yet: until it does, the gateway runs the built-in sample."
	}
	if want := opts.addr; gw.Addr() != want && !strings.HasSuffix(want, ":0") {
		wb.notice = want + " is in use, so the gateway listens on " + gw.Addr() + ". " + wb.notice
	}
	if err := wb.restoreTLS(); err != nil {
		wb.notice = "TLS is off: " + err.Error() + ". " + wb.notice
	}

	wb.bridge = newBridge(wb.gw, wb.tabs, wb.traces, opts.do, wb.refresh)
	if opts.frame > 0 {
		wb.bridge.frame = opts.frame
	}
	wb.zoom = newZoomTheme(float32(wb.prefs.FloatWithFallback(prefZoom, 1)))
	a.Settings().SetTheme(wb.zoom)

	wb.editor = newAPIEditor(wb)
	wb.clients = newClientTabs(wb)
	wb.conns = connections.New(connsHost{wb})
	wb.tracer = trace.New(wb.traces, traceHost{wb})
	win.SetContent(wb.buildUI())
	win.SetMainMenu(wb.buildMenu())
	wb.updateTitle()
	wb.updateStatus()
	return wb, nil
}

// startGateway starts the embedded gateway on api. When api does not
// compile, the gateway starts on the built-in sample and the compile error
// is returned for the window to show; when addr is taken it listens on any
// free port.
func startGateway(api *model.API, addr string) (gw *emulator.Gateway, compileErr, err error) {
	gw, compileErr = emulator.New(api, emulator.Options{Addr: addr})
	if compileErr != nil {
		sample, err := workspace.Parse(assets.SampleName, assets.SampleAPI)
		if err != nil {
			return nil, nil, fmt.Errorf("built-in sample: %w", err)
		}
		if gw, err = emulator.New(sample.API, emulator.Options{Addr: addr}); err != nil {
			return nil, nil, fmt.Errorf("built-in sample: %w", err)
		}
	}
	if err := gw.Open(); err != nil {
		// The port is taken (another wsworkbench, another server): any
		// free port on loopback will do; the window shows the URL.
		snapAPI := gw.API()
		_ = gw.Close(context.Background())
		if gw, err = emulator.New(snapAPI, emulator.Options{Addr: "127.0.0.1:0"}); err != nil {
			return nil, nil, err
		}
		if err := gw.Open(); err != nil {
			return nil, nil, fmt.Errorf("start the gateway: %w", err)
		}
	}
	return gw, compileErr, nil
}

// start runs the bridge and opens the client tabs the window had last time
// (two tabs on the embedded gateway at the first start).
func (wb *workbench) start() {
	wb.bridge.Start()
	targets := wb.prefs.StringListWithFallback(prefTabs, []string{"", ""})
	if len(targets) == 0 {
		targets = []string{""}
	}
	for _, t := range targets {
		wb.clients.addTab(tabTarget{url: t}, false)
	}
	wb.clients.selectIndex(0)
	if wb.unsaved {
		wb.scheduleAutosave()
	}
}

// shutdown saves the layout and any unsaved change, closes the tabs and
// stops the gateway.
func (wb *workbench) shutdown() {
	if wb.closed {
		return
	}
	wb.closed = true
	wb.saveLayout()
	if wb.unsaved {
		wb.autosaveNow()
	}
	wb.saver.wait()
	if wb.stats != nil {
		wb.stats.close()
	}
	if wb.applyTimer != nil {
		wb.applyTimer.Stop()
	}
	wb.bridge.Stop()
	wb.clients.closeAll()
	wb.stopChatSample()
	wb.bg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = wb.gw.Close(ctx)
}

// buildUI lays out the window: the API on the left, the conversations in
// the middle, what happened (connections, trace) on the right.
func (wb *workbench) buildUI() fyne.CanvasObject {
	wb.urlLabel = widget.NewLabel("")
	wb.urlLabel.Selectable = true
	wb.urlLabel.TextStyle = fyne.TextStyle{Monospace: true}
	wb.liveLabel = widget.NewLabel("")
	wb.liveLabel.Truncation = fyne.TextTruncateEllipsis
	wb.noticeLabel = widget.NewLabel("")
	wb.noticeLabel.Truncation = fyne.TextTruncateEllipsis
	wb.noticeLabel.Importance = widget.LowImportance

	copyURL := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		wb.win.Clipboard().SetContent(wb.gw.URL())
	})
	newBtn := widget.NewButtonWithIcon("New", theme.DocumentCreateIcon(), wb.onNew)
	openBtn := widget.NewButtonWithIcon("Open…", theme.FolderOpenIcon(), wb.onOpen)
	saveBtn := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), wb.onSave)
	addClient := widget.NewButtonWithIcon("Client", theme.ContentAddIcon(), wb.onNewClient)
	addClient.Importance = widget.HighImportance
	left := container.NewHBox(newBtn, openBtn, saveBtn, widget.NewSeparator(), wb.urlLabel, copyURL)
	// The status and the notice truncate rather than widen the window.
	wb.tilesBtn = widget.NewButtonWithIcon("Tiles", theme.GridIcon(), wb.clients.onToggleTiles)
	toolbar := container.NewBorder(nil, nil, left, container.NewHBox(wb.tilesBtn, addClient), container.NewGridWithColumns(2, wb.liveLabel, wb.noticeLabel))

	wb.inspSplit = container.NewVSplit(wb.conns.Object(), wb.tracer.Object())
	// The editor scrolls sideways when it is narrower than its content;
	// the clients and the inspector lay themselves out for any width from
	// a tile's up (see layout.go), a big zoom on a small screen excepted.
	wb.editorBox = container.NewHScroll(wb.editor.object())
	wb.middleBox = container.NewHScroll(wb.clients.object())
	wb.inspSplit.Offset = wb.prefs.FloatWithFallback(prefSplitInspector, 0.5)
	wb.sideSplit = container.NewHSplit(wb.middleBox, wb.inspSplit)
	wb.sideSplit.Offset = wb.prefs.FloatWithFallback(prefSplitSide, 0.62)
	wb.mainSplit = container.NewHSplit(wb.editorBox, wb.sideSplit)
	wb.mainSplit.Offset = wb.prefs.FloatWithFallback(prefSplitMain, 0.3)
	wb.narrowSplit = container.NewHSplit(widget.NewLabel(""), wb.middleBox)
	wb.narrowSplit.Offset = 0.4
	wb.showEditor = wb.prefs.BoolWithFallback(prefShowEditor, true)
	wb.showInspect = wb.prefs.BoolWithFallback(prefShowInspector, true)

	wb.body = newBody(wb)
	wb.relayout()
	return container.NewBorder(container.NewVBox(toolbar, widget.NewSeparator()), nil, nil, nil, wb.body)
}

// relayout puts the panels that are shown into the window.
func (wb *workbench) relayout() { wb.body.relayout() }

func (wb *workbench) onToggleEditor() {
	wb.showEditor = !wb.showEditor
	wb.relayout()
}

func (wb *workbench) onToggleInspector() {
	wb.showInspect = !wb.showInspect
	wb.relayout()
}

// refresh is the bridge's refresh: it runs on the UI goroutine, at most once
// a frame.
func (wb *workbench) refresh(d dirt) {
	if d&dirtyTabs != 0 {
		wb.clients.refresh()
	}
	if d&dirtyConns != 0 || d&dirtyTabs != 0 && wb.conns.Due() {
		wb.conns.Refresh()
	}
	if d&dirtyTrace != 0 {
		wb.tracer.Refresh()
	} else if d&dirtyConns != 0 {
		wb.tracer.CheckGone()
	}
	if d&dirtyStatus != 0 {
		wb.updateStatus()
	}
}

// edited is called after every change the editor makes to the draft: it
// marks the workspace unsaved and, after the edit delay, applies the draft.
func (wb *workbench) edited() {
	wb.editGen++
	gen := wb.editGen
	if !wb.unsaved {
		wb.unsaved = true
		wb.updateTitle()
	}
	wb.live = false
	wb.updateStatus()
	if wb.applyTimer != nil {
		wb.applyTimer.Stop()
	}
	wb.applyTimer = time.AfterFunc(wb.opts.editDelay, func() {
		wb.opts.do(func() {
			if gen == wb.editGen {
				wb.apply()
			}
		})
	})
	wb.scheduleAutosave()
}

// touched marks the workspace unsaved without changing what the gateway
// runs (a saved message).
func (wb *workbench) touched() {
	if !wb.unsaved {
		wb.unsaved = true
		wb.updateTitle()
	}
	wb.scheduleAutosave()
}

// background runs f, which may block (a client's Connect, Send or Close), on
// a goroutine of its own; shutdown waits for it. f must not touch widgets.
func (wb *workbench) background(f func()) {
	wb.bg.Add(1)
	go func() {
		defer wb.bg.Done()
		f()
	}()
}

// apply hands the draft to the gateway. A draft that does not compile
// changes nothing in the gateway: its errors show in the editor and the
// gateway keeps answering with the last valid configuration.
func (wb *workbench) apply() {
	if wb.applyTimer != nil {
		wb.applyTimer.Stop()
		wb.applyTimer = nil
	}
	err := wb.gw.Update(wb.ws.API)
	wb.errs = asCompileErrors(err)
	wb.live = err == nil
	wb.editor.showErrors(wb.errs)
	wb.updateStatus()
	wb.updateURL()
}

// asCompileErrors returns err's CompileErrors (one unplaced error for any
// other error), or nil.
func asCompileErrors(err error) emulator.CompileErrors {
	if err == nil {
		return nil
	}
	var ces emulator.CompileErrors
	if errors.As(err, &ces) {
		return ces
	}
	var ce *emulator.CompileError
	if errors.As(err, &ce) {
		return emulator.CompileErrors{ce}
	}
	return emulator.CompileErrors{{Msg: err.Error()}}
}

// updateStatus shows whether the gateway runs the draft.
func (wb *workbench) updateStatus() {
	if wb.liveLabel == nil {
		return
	}
	switch {
	case len(wb.errs) > 0:
		n := len(wb.errs)
		word := "errors"
		if n == 1 {
			word = "error"
		}
		wb.liveLabel.SetText(fmt.Sprintf("● %d %s: gateway runs the last valid version", n, word))
		wb.liveLabel.Importance = widget.DangerImportance
	case !wb.live:
		wb.liveLabel.SetText("● editing…")
		wb.liveLabel.Importance = widget.WarningImportance
	default:
		wb.liveLabel.SetText("● live")
		wb.liveLabel.Importance = widget.SuccessImportance
	}
	wb.liveLabel.Refresh()
	wb.updateURL()
	if wb.notice != "" {
		wb.noticeLabel.SetText(wb.notice)
	}
}

func (wb *workbench) updateURL() {
	if wb.urlLabel != nil && wb.urlLabel.Text != wb.gw.URL() {
		wb.urlLabel.SetText(wb.gw.URL())
	}
}

// setNotice shows a short note in the toolbar.
func (wb *workbench) setNotice(s string) {
	wb.notice = s
	if wb.noticeLabel != nil {
		wb.noticeLabel.SetText(s)
	}
}

// workspaceName is the workspace's file name, or the sample's.
func (wb *workbench) workspaceName() string {
	switch {
	case wb.ws.Path != "":
		return filepath.Base(wb.ws.Path)
	case wb.isSample:
		return assets.SampleName + " (built-in sample)"
	}
	return "untitled"
}

// updateTitle shows the workspace's name and, with "●", unsaved changes.
func (wb *workbench) updateTitle() {
	t := "wsworkbench — " + wb.workspaceName()
	if wb.unsaved {
		t += " ●"
	}
	wb.win.SetTitle(t)
}

// showError shows err in a dialog.
func (wb *workbench) showError(err error) {
	showErrorDialog(wb.win, err)
}

// errorText is err's message with its first letter capitalised, for dialogs.
func errorText(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
