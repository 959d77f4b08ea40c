package ui

import (
	"fmt"
	"sync"
	"time"
	"wsworkbench/ui/connections"
	"wsworkbench/ui/functions"
	"wsworkbench/ui/trace"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/emulator/workspace"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/editor"
	"wsworkbench/ui/faults"
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
	// certDir holds the TLS certificate ("" is tlscert.DefaultDir);
	// chatAddr is where the chat sample backend listens ("" its usual
	// address); load reads workspace files (nil: the workspace loader).
	// Tests set them.
	certDir  string
	chatAddr string
	load     func(stop <-chan struct{}, path string) (*workspace.Workspace, error)
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

// workbench is the window: it wires the controller (workspace, draft,
// gateway) to the bridge and the panels. Its fields are touched on the UI
// goroutine only, except those documented otherwise.
type workbench struct {
	app   fyne.App
	win   fyne.Window
	prefs fyne.Preferences
	opts  options

	ctl *controller.Controller
	// gw and ws are the controller's gateway and workspace as the panels
	// last saw them: they change on the UI goroutine when the controller
	// reports ChangeGateway or ChangeWorkspace.
	gw *emulator.Gateway
	ws *workspace.Workspace

	bridge *bridge
	tabs   *registry
	traces *trace.Store

	bg      sync.WaitGroup    // goroutines doing blocking client calls
	closed  bool              // shutdown has run
	stats   *controller.Stats // WSWORKBENCH_STATS, when set
	files   *fileActions      // open, save as and their dialogs
	samples *samples          // File > Open Sample, the chat backend
	look    *appearance       // View > Zoom, View > Theme
	// starter is the message the composers were last offered (a new tab
	// starts with it): one for the API's first custom route.
	starter string

	editor  *editor.Editor
	clients *clientTabs
	conns   *connections.Panel
	tracer  *trace.Panel
	// functions is the Functions panel, a tab beside the trace while
	// hasFunctions (functionsview.go); wideTabs holds that tab in the wide
	// arrangement.
	functions    *functions.Panel
	hasFunctions bool
	wideTabs     *container.AppTabs

	urlLabel    *widget.Label
	liveLabel   *widget.Label
	noticeLabel *widget.Label
	tilesBtn    *widget.Button // tabs or tiles (tiles.go)
	rec         recording      // Client > Record Scenario (recording.go)
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
	faultsBtn   *widget.Button // opens the faults panel; "Faults on" (faultswin.go)
	faults      *faults.Panel
	faultsWin   fyne.Window
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
	if opts.logCapacity <= 0 {
		wb.opts.logCapacity = wb.prefs.IntWithFallback(prefLogCapacity, 10000)
	}
	ctl, err := controller.New(controller.Options{
		StateDir:      opts.stateDir,
		File:          opts.file,
		Addr:          opts.addr,
		Do:            opts.do,
		Prefs:         wb.prefs,
		EditDelay:     opts.editDelay,
		AutosaveDelay: opts.autosaveDelay,
		CertDir:       opts.certDir,
		ChatAddr:      opts.chatAddr,
		Load:          opts.load,
		OnGateway: func(gw *emulator.Gateway) {
			if wb.bridge != nil {
				wb.bridge.follow(gw)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	wb.ctl, wb.gw, wb.ws = ctl, ctl.Server.Gateway(), ctl.Workspace()

	wb.bridge = newBridge(wb.gw, wb.tabs, wb.traces, opts.do, wb.refresh)
	if opts.frame > 0 {
		wb.bridge.frame = opts.frame
	}
	wb.zoom = newZoomTheme(float32(wb.prefs.FloatWithFallback(prefZoom, 1)), wb.prefs.StringWithFallback(prefTheme, themeSystem))
	a.Settings().SetTheme(wb.zoom)

	wb.files = &fileActions{wb: wb}
	wb.samples = &samples{wb: wb}
	wb.look = &appearance{wb: wb}
	wb.starter = starterMessage(ctl.Workspace().API, ctl.IsSample())
	wb.editor = editor.New(editorHost{wb}, ctl.Errors())
	wb.clients = newClientTabs(wb)
	wb.conns = connections.New(connsHost{wb})
	wb.tracer = trace.New(wb.traces, traceHost{wb})
	wb.functions = functions.New(functionsSource{wb})
	wb.hasFunctions = wb.functionsShown()
	wb.functions.Update()
	win.SetContent(wb.buildUI())
	win.SetMainMenu(wb.buildMenu())
	ctl.OnChange = wb.onChange
	wb.updateTitle()
	wb.updateStatus()
	return wb, nil
}

// onChange redraws what a change of the controller touched.
func (wb *workbench) onChange(ch controller.Change) {
	if ch&controller.ChangeGateway != 0 {
		wb.gw = wb.ctl.Server.Gateway()
		for _, t := range wb.clients.list {
			if t.target.url == "" {
				t.connect()
			}
		}
		wb.editor.SettingsChanged()
	}
	if ch&controller.ChangeWorkspace != 0 {
		wb.ws = wb.ctl.Workspace()
		wb.editor.Reload()
		wb.workspaceSwitched()
		if wb.faults != nil {
			wb.faults.Load()
		}
	}
	if ch&controller.ChangeStatus != 0 {
		wb.editor.ShowErrors(wb.ctl.Errors())
		wb.updateStatus()
	}
	if ch&controller.ChangeTitle != 0 {
		wb.updateTitle()
	}
	if ch&controller.ChangeMenu != 0 {
		wb.win.SetMainMenu(wb.buildMenu())
	}
	if ch&controller.ChangeFunctions != 0 {
		wb.functionsChanged()
	}
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
}

// shutdown saves the layout and any unsaved change, closes the tabs and
// stops the gateway.
func (wb *workbench) shutdown() {
	if wb.closed {
		return
	}
	wb.closed = true
	wb.saveLayout()
	if wb.stats != nil {
		wb.stats.Close()
	}
	wb.files.cancelLoad()
	wb.bridge.Stop()
	wb.closeFaults()
	wb.clients.closeAll()
	wb.bg.Wait()
	wb.ctl.Close()
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
	newBtn := widget.NewButtonWithIcon("New", theme.DocumentCreateIcon(), wb.files.onNew)
	openBtn := widget.NewButtonWithIcon("Open…", theme.FolderOpenIcon(), wb.files.onOpen)
	saveBtn := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), wb.files.onSave)
	addClient := widget.NewButtonWithIcon("Client", theme.ContentAddIcon(), wb.onNewClient)
	addClient.Importance = widget.HighImportance
	left := container.NewHBox(newBtn, openBtn, saveBtn, widget.NewSeparator(), wb.urlLabel, copyURL)
	// The status and the notice truncate rather than widen the window.
	wb.tilesBtn = widget.NewButtonWithIcon("Tiles", theme.GridIcon(), wb.clients.onToggleTiles)
	toolbar := container.NewBorder(nil, nil, left, container.NewHBox(wb.newRecordButton(), wb.newFaultsButton(), wb.tilesBtn, addClient), container.NewGridWithColumns(2, wb.liveLabel, wb.noticeLabel))

	wb.inspSplit = container.NewVSplit(wb.conns.Object(), wb.tracer.Object())
	// The editor scrolls sideways when it is narrower than its content;
	// the clients and the inspector lay themselves out for any width from
	// a tile's up (see layout.go), a big zoom on a small screen excepted.
	wb.editorBox = container.NewHScroll(wb.editor.Object())
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
		if wb.hasFunctions { // a call may have run a local function
			wb.functions.Update()
		}
	} else if d&dirtyConns != 0 {
		wb.tracer.CheckGone()
	}
	if d&dirtyConns != 0 {
		wb.updateFaultsButton() // a connection with faults may have closed
		if wb.faults != nil {
			wb.faults.RefreshConnections() // the picker offers the open ones
		}
	}
	if d&dirtyStatus != 0 {
		wb.updateStatus()
	}
	if d&(dirtyWatch|dirtyConns) != 0 {
		wb.clients.pollWatches()
	}
}

// edited is called after every change the editor makes to the draft.
func (wb *workbench) edited() { wb.ctl.Edited() }

// touched marks the workspace unsaved without changing what the gateway
// runs (a saved message).
func (wb *workbench) touched() { wb.ctl.Touched() }

// background runs f, which may block (a client's Connect, Send or Close), on
// a goroutine of its own; shutdown waits for it. f must not touch widgets.
func (wb *workbench) background(f func()) {
	wb.bg.Add(1)
	go func() {
		defer wb.bg.Done()
		f()
	}()
}

// updateStatus shows whether the gateway runs the draft, and the notice.
func (wb *workbench) updateStatus() {
	if wb.liveLabel == nil {
		return
	}
	errs := wb.ctl.Errors()
	switch {
	case wb.ctl.Server.Restarting():
		wb.liveLabel.SetText("● restarting the gateway…")
		wb.liveLabel.Importance = widget.WarningImportance
	case len(errs) > 0:
		word := "errors"
		if len(errs) == 1 {
			word = "error"
		}
		wb.liveLabel.SetText(fmt.Sprintf("● %d %s: gateway runs the last valid version", len(errs), word))
		wb.liveLabel.Importance = widget.DangerImportance
	case !wb.ctl.Live():
		wb.liveLabel.SetText("● editing…")
		wb.liveLabel.Importance = widget.WarningImportance
	default:
		wb.liveLabel.SetText("● live")
		wb.liveLabel.Importance = widget.SuccessImportance
	}
	wb.liveLabel.Refresh()
	if wb.urlLabel.Text != wb.gw.URL() {
		wb.urlLabel.SetText(wb.gw.URL())
	}
	wb.noticeLabel.SetText(wb.ctl.Notice())
	wb.updateFaultsButton()
}

// setNotice shows a short note in the toolbar.
func (wb *workbench) setNotice(s string) { wb.ctl.SetNotice(s) }

// updateTitle shows the workspace's name and, with "●", unsaved changes.
func (wb *workbench) updateTitle() { wb.win.SetTitle(wb.ctl.Title()) }

// showError shows err in a dialog.
func (wb *workbench) showError(err error) {
	showErrorDialog(wb.win, err)
}

// errorText is err's message with its first letter capitalised, for dialogs.
func errorText(err error) string { return editor.ErrorText(err) }
