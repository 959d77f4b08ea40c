package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// toolbar is the row above the panels (the workspace's file buttons, the
// gateway's URL and the buttons the window hands it) and the status line
// below them (whether the gateway runs the draft, and the notice). It holds
// its own labels and nothing else of the window.
//
// The status has a line of its own at the bottom of the window: in the
// toolbar's row it was squeezed between the buttons to "● li…" at
// 1024x768, and the notice (a certificate's path, a saved file's) was cut
// at any width.
type toolbar struct {
	urlLabel    *widget.Label
	liveLabel   *widget.Label
	noticeLabel *widget.Label
	obj         fyne.CanvasObject // the row above the panels
	status      fyne.CanvasObject // the line below them
}

// newToolbar lays the toolbar out: left the file buttons and the URL (with
// a button that copies url()), right the buttons given; and the status
// line: the gateway's state in full, then the notice, which truncates
// rather than widen the window.
func newToolbar(win fyne.Window, files *fileActions, url func() string, right ...fyne.CanvasObject) *toolbar {
	tb := &toolbar{}
	tb.urlLabel = widget.NewLabel("")
	tb.urlLabel.Selectable = true
	tb.urlLabel.TextStyle = fyne.TextStyle{Monospace: true}
	tb.liveLabel = widget.NewLabel("")
	tb.noticeLabel = widget.NewLabel("")
	tb.noticeLabel.Truncation = fyne.TextTruncateEllipsis
	tb.noticeLabel.Importance = widget.LowImportance

	copyURL := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		win.Clipboard().SetContent(url())
	})
	newBtn := widget.NewButtonWithIcon("New", theme.DocumentCreateIcon(), files.onNew)
	openBtn := widget.NewButtonWithIcon("Open…", theme.FolderOpenIcon(), files.onOpen)
	saveBtn := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), files.onSave)
	left := container.NewHBox(newBtn, openBtn, saveBtn, widget.NewSeparator(), tb.urlLabel, copyURL)
	tb.obj = container.New(&barLayout{}, left, container.NewHBox(right...))
	tb.status = container.NewBorder(nil, nil, tb.liveLabel, nil, tb.noticeLabel)
	return tb
}

// statusSource is what the toolbar's status shows.
type statusSource interface {
	Errors() int // the draft's compile errors
	Restarting() bool
	Live() bool
	Notice() string
	URL() string
}

// show shows whether the gateway runs the draft, its URL and the notice.
func (tb *toolbar) show(s statusSource) {
	switch n := s.Errors(); {
	case s.Restarting():
		tb.liveLabel.SetText("● restarting the gateway…")
		tb.liveLabel.Importance = widget.WarningImportance
	case n > 0:
		word := "errors"
		if n == 1 {
			word = "error"
		}
		tb.liveLabel.SetText(fmt.Sprintf("● %d %s: gateway runs the last valid version", n, word))
		tb.liveLabel.Importance = widget.DangerImportance
	case !s.Live():
		tb.liveLabel.SetText("● editing…")
		tb.liveLabel.Importance = widget.WarningImportance
	default:
		tb.liveLabel.SetText("● live")
		tb.liveLabel.Importance = widget.SuccessImportance
	}
	tb.liveLabel.Refresh()
	if u := s.URL(); tb.urlLabel.Text != u {
		tb.urlLabel.SetText(u)
	}
	tb.noticeLabel.SetText(s.Notice())
}

// gatewayStatus is the controller and the window's gateway as the
// toolbar's status reads them.
type gatewayStatus struct{ wb *workbench }

var _ statusSource = gatewayStatus{}

func (s gatewayStatus) Errors() int      { return len(s.wb.ctl.Errors()) }
func (s gatewayStatus) Restarting() bool { return s.wb.ctl.Server.Restarting() }
func (s gatewayStatus) Live() bool       { return s.wb.ctl.Live() }
func (s gatewayStatus) Notice() string   { return s.wb.ctl.Notice() }
func (s gatewayStatus) URL() string      { return s.wb.gw.URL() }

// barLayout lays the toolbar's row out: its first object at the left, its
// second at the right, on one line when they fit beside each other, else
// the second on a line of its own below the first (a zoomed 1024-pixel
// window), so the row never asks for a window wider than the screen.
type barLayout struct {
	width float32 // the width of the last Layout; 0 before the first
}

// fits reports whether left and right fit beside each other in width.
func (l *barLayout) fits(objs []fyne.CanvasObject, width float32) bool {
	return objs[0].MinSize().Width+theme.Padding()+objs[1].MinSize().Width <= width
}

func (l *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	left, right := objs[0], objs[1]
	lm, rm := left.MinSize(), right.MinSize()
	if l.fits(objs, size.Width) {
		h := max(lm.Height, rm.Height)
		left.Move(fyne.NewPos(0, 0))
		left.Resize(fyne.NewSize(lm.Width, h))
		right.Move(fyne.NewPos(size.Width-rm.Width, 0))
		right.Resize(fyne.NewSize(rm.Width, h))
		return
	}
	left.Move(fyne.NewPos(0, 0))
	left.Resize(fyne.NewSize(min(lm.Width, size.Width), lm.Height))
	right.Move(fyne.NewPos(max(size.Width-rm.Width, 0), lm.Height+theme.Padding()))
	right.Resize(fyne.NewSize(min(rm.Width, size.Width), rm.Height))
}

func (l *barLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	lm, rm := objs[0].MinSize(), objs[1].MinSize()
	if l.width == 0 || !l.fits(objs, l.width) {
		return fyne.NewSize(max(lm.Width, rm.Width), lm.Height+theme.Padding()+rm.Height)
	}
	return fyne.NewSize(max(lm.Width, rm.Width), max(lm.Height, rm.Height))
}
