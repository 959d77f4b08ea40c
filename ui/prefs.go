package ui

// Preference keys: what the window remembers between runs.
const (
	prefFirstStartDone = "firstStartDone"
	prefLastWorkspace  = "lastWorkspace" // a path, or "" for the sample / untitled
	prefLastIsSample   = "lastIsSample"
	prefRecent         = "recentFiles"
	prefTabs           = "tabs" // one target URL per tab; "" is the embedded gateway
	prefWindowWidth    = "window.width"
	prefWindowHeight   = "window.height"
	prefSplitMain      = "split.main"
	prefSplitSide      = "split.side"
	prefSplitInspector = "split.inspector"
	prefShowEditor     = "show.editor"
	prefShowInspector  = "show.inspector"
	prefZoom           = "zoom"
	prefLogCapacity    = "log.capacity"
	prefGatewayAddr    = "gateway.addr"
)

// maxRecent is how many recent files the File menu lists.
const maxRecent = 8

// defaultWindowSize is the window's size at the first start.
const (
	defaultWindowWidth  = 1280
	defaultWindowHeight = 800
)

// saveLayout remembers the window's size, the split positions, the panels
// shown, the zoom and the client tabs' targets.
func (wb *workbench) saveLayout() {
	p := wb.prefs
	size := wb.win.Canvas().Size()
	if size.Width > 100 && size.Height > 100 {
		p.SetFloat(prefWindowWidth, float64(size.Width))
		p.SetFloat(prefWindowHeight, float64(size.Height))
	}
	p.SetFloat(prefSplitMain, wb.mainSplit.Offset)
	p.SetFloat(prefSplitSide, wb.sideSplit.Offset)
	p.SetFloat(prefSplitInspector, wb.inspSplit.Offset)
	p.SetBool(prefShowEditor, wb.showEditor)
	p.SetBool(prefShowInspector, wb.showInspect)
	p.SetFloat(prefZoom, float64(wb.zoom.scale))
	p.SetStringList(prefTabs, wb.clients.targets())
	p.SetBool(prefFirstStartDone, true)
}

// addRecent puts path first in the recent files.
func (wb *workbench) addRecent(path string) {
	list := []string{path}
	for _, p := range wb.prefs.StringList(prefRecent) {
		if p != path && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	wb.prefs.SetStringList(prefRecent, list)
	wb.win.SetMainMenu(wb.buildMenu())
}
