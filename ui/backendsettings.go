package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// lambdaModes are the Lambda endpoint's modes: auto ("" in the file),
// concurrent, and serial for the Runtime Interface Emulator.
var lambdaModes = []string{"auto", "concurrent", "serial"}

// backendSettings is the part of the API settings about backends: the
// Lambda mode, the mock authorizer, and the window's chat sample backend and
// TLS switch. Fields the tests reach are kept.
type backendSettings struct {
	mode       *widget.Select
	mockOn     *widget.Check
	mockHeader *widget.Entry
	mockQuery  *widget.Entry
	mockValue  *widget.Entry
	chatBtn    *widget.Button
	chatLabel  *widget.Label
	tlsCheck   *widget.Check
	certLabel  *widget.Label
}

// buildBackendSettings returns the settings' "Backends" section.
func (ed *apiEditor) buildBackendSettings() fyne.CanvasObject {
	wb := ed.wb
	st := &ed.api().Settings
	bs := &backendSettings{}
	ed.backend = bs

	bs.mode = widget.NewSelect(lambdaModes, nil)
	mode := st.LambdaMode
	if mode == "" {
		mode = "auto"
	}
	bs.mode.SetSelected(mode)
	bs.mode.OnChanged = func(s string) {
		if s == "auto" {
			s = ""
		}
		if st.LambdaMode != s {
			st.LambdaMode = s
			ed.edited()
		}
	}

	ma := &st.MockAuthorizer
	bs.mockOn = widget.NewCheck("Mock authorizer: decide $connect by a header or query value", nil)
	bs.mockOn.SetChecked(ma.Enabled)
	bs.mockOn.OnChanged = func(on bool) {
		if ma.Enabled != on {
			ma.Enabled = on
			ed.edited()
		}
	}
	entry := func(v *string, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.SetText(*v)
		e.OnChanged = func(s string) { *v = strings.TrimSpace(s); ed.edited() }
		return e
	}
	bs.mockHeader = entry(&ma.Header, "Authorization")
	bs.mockQuery = entry(&ma.QueryString, "token (when no header is set)")
	bs.mockValue = entry(&ma.Value, "empty: any value allows")
	principal := entry(&ma.PrincipalID, "user")
	mockCtx := ed.code("mockAuthorizerContext", formatVars(ma.Context), true, nil, nil)
	mockCtx.entry.SetMinRowsVisible(2)
	mockCtx.entry.SetPlaceHolder("name=value, one a line ($context.authorizer.name)")
	mockCtx.check = func(s string) error { _, err := parseVars(s); return err }
	mockCtx.onChange = func(s string) {
		ma.Context, _ = parseVars(s)
		ed.edited()
	}

	bs.chatLabel = widget.NewLabel("")
	bs.chatLabel.Wrapping = fyne.TextWrapWord
	bs.chatBtn = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), wb.samples.onToggleChatSample)
	if u := wb.ctl.Server.ChatURL(); u != "" {
		bs.chatBtn.SetText("Stop chat sample backend")
		bs.chatBtn.SetIcon(theme.MediaStopIcon())
		bs.chatLabel.SetText("Serving the chat's functions at " + u + ".")
	} else {
		bs.chatBtn.SetText("Run chat sample backend")
		bs.chatLabel.SetText("The functions of the AWS chat sample (SAM and serverless.yml names), on the Lambda endpoint.")
	}

	bs.tlsCheck = widget.NewCheck("Serve wss:// and https:// (restarts the gateway)", nil)
	bs.tlsCheck.SetChecked(wb.ctl.Server.TLSOn())
	bs.tlsCheck.OnChanged = func(on bool) {
		if on != wb.ctl.Server.TLSOn() {
			wb.onToggleTLS()
		}
	}
	if wb.ctl.Server.Restarting() {
		bs.tlsCheck.Disable()
	}
	bs.certLabel = widget.NewLabel("")
	bs.certLabel.Wrapping = fyne.TextWrapBreak
	bs.certLabel.Selectable = true
	if p := wb.ctl.Server.CertPath(); p != "" {
		bs.certLabel.SetText("Certificate: " + p)
	} else {
		bs.certLabel.Hide()
	}

	title := widget.NewLabel("Backends")
	title.TextStyle = fyne.TextStyle{Bold: true}
	form := widget.NewForm(
		&widget.FormItem{Text: "Lambda mode", Widget: bs.mode, HintText: "serial for the Runtime Interface Emulator (one call at a time)"},
		&widget.FormItem{Text: "", Widget: bs.mockOn},
		&widget.FormItem{Text: "Header", Widget: bs.mockHeader},
		&widget.FormItem{Text: "Query string", Widget: bs.mockQuery},
		&widget.FormItem{Text: "Value", Widget: bs.mockValue, HintText: "missing: 401; another value: 403"},
		&widget.FormItem{Text: "Principal ID", Widget: principal},
		&widget.FormItem{Text: "Context", Widget: mockCtx.object()},
		&widget.FormItem{Text: "Chat sample", Widget: container.NewVBox(container.NewHBox(bs.chatBtn), bs.chatLabel)},
		&widget.FormItem{Text: "TLS", Widget: container.NewVBox(bs.tlsCheck, bs.certLabel)},
	)
	return container.NewVBox(widget.NewSeparator(), title, form)
}

// settingsChanged redraws the API settings when they are shown, after the
// window changed them (the chat backend set the Lambda endpoint, TLS).
func (ed *apiEditor) settingsChanged() {
	if ed.sel == 0 {
		ed.rebuild()
	}
}
