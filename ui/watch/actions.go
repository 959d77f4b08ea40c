package watch

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/ui/flow"
	"wsworkbench/ui/format"
)

// actions are what the view does to its connection: push a frame, close
// it with a code, drop its TCP connection, expire its timeouts; result
// says how the last one went.
type actions struct {
	host   Host
	connID string

	push     *widget.Entry
	sendBtn  *widget.Button
	code     *widget.Select
	reason   *widget.Entry
	closeBtn *widget.Button
	dropBtn  *widget.Button
	idleBtn  *widget.Button
	maxBtn   *widget.Button
	result   *widget.Label

	pushRow, closeRow fyne.CanvasObject
}

func newActions(host Host, connID string) *actions {
	a := &actions{host: host, connID: connID}
	a.push = widget.NewEntry()
	a.push.TextStyle = fyne.TextStyle{Monospace: true}
	a.push.SetText(`{"message": "pushed from the workbench"}`)
	a.sendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), a.onSend)
	a.code = widget.NewSelect(CloseCodes, nil)
	a.code.SetSelectedIndex(0)
	a.reason = widget.NewEntry()
	a.reason.SetPlaceHolder("reason")
	a.closeBtn = widget.NewButton("Close", a.onClose)
	a.dropBtn = widget.NewButton("Drop TCP", a.action("Dropped the TCP connection (the client sees 1006).", func(g Gateway) error { return g.DropConnection(connID) }))
	a.idleBtn = widget.NewButton("Idle now", a.action("Expired the idle timeout.", func(g Gateway) error { return g.ExpireIdle(connID) }))
	a.maxBtn = widget.NewButton("Max duration now", a.action("Expired the maximum duration.", func(g Gateway) error { return g.ExpireMaxDuration(connID) }))
	a.result = widget.NewLabel("Select a frame to see its trace.")
	a.result.Importance = widget.LowImportance
	a.result.Truncation = fyne.TextTruncateEllipsis
	a.pushRow = container.NewBorder(nil, nil, nil, a.sendBtn, a.push)
	a.closeRow = container.New(&flow.Layout{}, a.code, container.NewGridWrap(fyne.NewSize(140, a.reason.MinSize().Height), a.reason), a.closeBtn, a.dropBtn, a.idleBtn, a.maxBtn)
	return a
}

// setEnabled turns the buttons that act on the connection on or off.
func (a *actions) setEnabled(on bool) {
	for _, b := range []*widget.Button{a.sendBtn, a.closeBtn, a.dropBtn, a.idleBtn, a.maxBtn} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func (a *actions) onSend() {
	err := a.host.Gateway().PostToConnection(a.connID, []byte(a.push.Text))
	if err != nil {
		a.show("Not sent: "+err.Error(), widget.DangerImportance)
		return
	}
	a.show("Sent "+format.Size(len(a.push.Text))+".", widget.SuccessImportance)
}

func (a *actions) onClose() {
	code, _ := strconv.Atoi(strings.Fields(a.code.Selected + " 1000")[0])
	if err := a.host.Gateway().CloseConnection(a.connID, code, a.reason.Text); err != nil {
		a.show("Not closed: "+err.Error(), widget.DangerImportance)
		return
	}
	a.show(fmt.Sprintf("Closed with %d.", code), widget.LowImportance)
}

// action is a button's tap: f on the gateway, then done or the error.
func (a *actions) action(done string, f func(Gateway) error) func() {
	return func() {
		if err := f(a.host.Gateway()); err != nil {
			a.show(err.Error(), widget.DangerImportance)
			return
		}
		a.show(done, widget.LowImportance)
	}
}

// show says how the last action went, below the actions.
func (a *actions) show(text string, imp widget.Importance) {
	a.result.SetText(text)
	a.result.Importance = imp
	a.result.Refresh()
}
