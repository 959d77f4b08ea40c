package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/emulator/workspace"
	"wsworkbench/ui/clients"
	"wsworkbench/ui/connections"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/editor"
	"wsworkbench/ui/functions"
	"wsworkbench/ui/trace"
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
// gateway) to the bridge and the panels, and hands each of its jobs to a
// part with that job only: the toolbar, the panes' arrangement, the file
// actions, the recorder, the faults view, the Functions glue, the client
// menu. Its fields are touched on the UI goroutine only, except those
// documented otherwise.
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
	traces *trace.Store

	closed  bool              // shutdown has run
	stats   *controller.Stats // WSWORKBENCH_STATS, when set
	files   *fileActions      // open, save as and their dialogs
	samples *samples          // File > Open Sample, the chat backend
	look    *appearance       // View > Zoom, View > Theme
	// starters is the message the composers were last offered (a new tab
	// starts with it).
	starters *starters

	editor     *editor.Editor
	clients    *clients.Panel
	clientMenu clients.Menu // the Client menu's actions on the selected tab
	conns      *connections.Panel
	tracer     *trace.Panel
	functions  *functionsView // the Functions panel, a tab beside the trace

	bar      *toolbar
	tilesBtn *widget.Button // tabs or tiles (clients.Tiles)
	rec      *recorder      // Client > Record Scenario, Run Scenario (recording.go)
	faults   *faultsView    // the toolbar's Faults button and its window (faultswin.go)
	panes    *panes         // the panels, and their arrangement for the window's width
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

	wb.bridge = newBridge(wb.gw, ctl.Tabs, wb.traces, opts.do, wb.refresh)
	if opts.frame > 0 {
		wb.bridge.frame = opts.frame
	}
	wb.look = newAppearance(a, wb.prefs, func() { win.SetMainMenu(wb.buildMenu()) })

	wb.files = &fileActions{ctl: ctl, win: win, do: opts.do, closed: func() bool { return wb.closed }}
	wb.editor = editor.New(editorHost{wb}, ctl.Errors())
	wb.clients = clients.New(clientsHost{wb}, ctl.Tabs, opts.connectTimeout, wb.opts.logCapacity)
	wb.clientMenu = clients.NewMenu(wb.clients)
	wb.starters = &starters{clients: wb.clients, text: starterMessage(ctl.Workspace().API, ctl.IsSample())}
	wb.samples = &samples{ctl: ctl, files: wb.files, clients: wb.clients, starters: wb.starters}
	wb.conns = connections.New(connsHost{wb})
	wb.tracer = trace.New(wb.traces, traceHost{wb})
	fns := functions.New(functionsSource{ctl.Server})
	wb.panes = newPanes(wb.prefs, wb.editor.Object(), wb.clients.Object(), wb.conns.Object(), wb.tracer.Object(), fns.Object(), wb.clients.Tiles.On)
	wb.functions = &functionsView{panel: fns, srv: ctl.Server, panes: wb.panes}
	wb.panes.hasFunctions = wb.functions.shown()
	fns.Update()
	wb.rec = newRecorder(recordHost{wb})
	wb.faults = newFaultsView(a, ctl, func() *emulator.Gateway { return wb.gw })
	win.SetContent(wb.buildUI())
	win.SetMainMenu(wb.buildMenu())
	ctl.OnChange = wb.onChange
	win.SetTitle(ctl.Title())
	wb.showStatus()
	return wb, nil
}

// onChange redraws what a change of the controller touched.
func (wb *workbench) onChange(ch controller.Change) {
	if ch&controller.ChangeGateway != 0 {
		wb.gw = wb.ctl.Server.Gateway()
		for _, t := range wb.clients.List {
			if t.Target.URL == "" {
				t.Connect()
			}
		}
		wb.editor.SettingsChanged()
	}
	if ch&controller.ChangeWorkspace != 0 {
		wb.ws = wb.ctl.Workspace()
		wb.editor.Reload()
		// The tabs' rows belong to the old API, and every composer gets a
		// message for the new one, so the next Send does not answer
		// Forbidden.
		for _, t := range wb.clients.List {
			t.Log.OnClear()
		}
		wb.starters.offer(starterMessage(wb.ws.API, wb.ctl.IsSample()), true)
		wb.faults.reload()
	}
	if ch&controller.ChangeStatus != 0 {
		wb.editor.ShowErrors(wb.ctl.Errors())
		wb.showStatus()
	}
	if ch&controller.ChangeTitle != 0 {
		wb.win.SetTitle(wb.ctl.Title())
	}
	if ch&controller.ChangeMenu != 0 {
		wb.win.SetMainMenu(wb.buildMenu())
	}
	if ch&controller.ChangeFunctions != 0 {
		wb.functions.changed()
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
		wb.clients.Add(clients.Target{URL: t}, false)
	}
	wb.clients.SelectIndex(0)
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
	wb.faults.close()
	wb.clients.Close()
	wb.ctl.Close()
}

// buildUI lays out the window: the toolbar above the panes, which put the
// API on the left, the conversations in the middle, what happened
// (connections, trace) on the right.
func (wb *workbench) buildUI() fyne.CanvasObject {
	addClient := widget.NewButtonWithIcon("Client", theme.ContentAddIcon(), wb.clientMenu.OnNewClient)
	addClient.Importance = widget.HighImportance
	wb.tilesBtn = wb.clients.Tiles.Button()
	wb.bar = newToolbar(wb.win, wb.files, func() string { return wb.gw.URL() }, wb.rec.btn, wb.faults.btn, wb.tilesBtn, addClient)
	wb.panes.relayout()
	return container.NewBorder(
		container.NewVBox(wb.bar.obj, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), wb.bar.status),
		nil, nil, wb.panes.body)
}

// refresh is the bridge's refresh: it runs on the UI goroutine, at most once
// a frame.
func (wb *workbench) refresh(d dirt) {
	if d&dirtyTabs != 0 {
		wb.clients.Refresh()
	}
	if d&dirtyConns != 0 || d&dirtyTabs != 0 && wb.conns.Due() {
		wb.conns.Refresh()
	}
	if d&dirtyTrace != 0 {
		wb.tracer.Refresh()
		if wb.panes.hasFunctions { // a call may have run a local function
			wb.functions.panel.Update()
		}
	} else if d&dirtyConns != 0 {
		wb.tracer.CheckGone()
	}
	if d&dirtyConns != 0 {
		wb.faults.connectionsChanged()
	}
	if d&dirtyStatus != 0 {
		wb.showStatus()
	}
	if d&(dirtyWatch|dirtyConns) != 0 {
		wb.clients.Watches.Poll()
	}
}

// showStatus shows whether the gateway runs the draft, its URL, the notice
// and whether any fault is on.
func (wb *workbench) showStatus() {
	if wb.bar == nil {
		return
	}
	wb.bar.show(gatewayStatus{wb})
	wb.faults.update()
}

// showError shows err in a dialog.
func (wb *workbench) showError(err error) {
	showErrorDialog(wb.win, err)
}
