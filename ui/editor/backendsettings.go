package editor

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
// TLS switch. Its exported fields are the handles tests (and automation)
// reach through Editor.Backend.
type backendSettings struct {
	Mode       *widget.Select
	MockOn     *widget.Check
	MockHeader *widget.Entry
	mockQuery  *widget.Entry
	MockValue  *widget.Entry
	chatBtn    *widget.Button
	chatLabel  *widget.Label
	TLSCheck   *widget.Check
	CertLabel  *widget.Label
}

// buildBackendSettings returns the settings' "Backends" section.
func (f forms) buildBackendSettings() fyne.CanvasObject {
	ed := f.ed
	be := ed.host.Backends()
	st := &ed.api().Settings
	bs := &backendSettings{}
	ed.backend = bs

	bs.Mode = widget.NewSelect(lambdaModes, nil)
	mode := st.LambdaMode
	if mode == "" {
		mode = "auto"
	}
	bs.Mode.SetSelected(mode)
	bs.Mode.OnChanged = func(s string) {
		if s == "auto" {
			s = ""
		}
		if st.LambdaMode != s {
			st.LambdaMode = s
			ed.edited()
		}
	}

	ma := &st.MockAuthorizer
	bs.MockOn = widget.NewCheck("Mock authorizer: decide $connect by a header or query value", nil)
	bs.MockOn.SetChecked(ma.Enabled)
	bs.MockOn.OnChanged = func(on bool) {
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
	bs.MockHeader = entry(&ma.Header, "Authorization")
	bs.mockQuery = entry(&ma.QueryString, "token (when no header is set)")
	bs.MockValue = entry(&ma.Value, "empty: any value allows")
	principal := entry(&ma.PrincipalID, "user")
	mockCtx := f.code("mockAuthorizerContext", formatVars(ma.Context), true, nil, nil)
	mockCtx.entry.SetMinRowsVisible(2)
	mockCtx.entry.SetPlaceHolder("name=value, one a line ($context.authorizer.name)")
	mockCtx.check = func(s string) error { _, err := parseVars(s); return err }
	mockCtx.onChange = func(s string) {
		ma.Context, _ = parseVars(s)
		ed.edited()
	}

	bs.chatLabel = widget.NewLabel("")
	bs.chatLabel.Wrapping = fyne.TextWrapWord
	bs.chatBtn = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), be.ToggleChat)
	if u := be.ChatURL(); u != "" {
		bs.chatBtn.SetText("Stop chat sample backend")
		bs.chatBtn.SetIcon(theme.MediaStopIcon())
		bs.chatLabel.SetText("Serving the chat's functions at " + u + ".")
	} else {
		bs.chatBtn.SetText("Run chat sample backend")
		bs.chatLabel.SetText("The functions of the AWS chat sample (SAM and serverless.yml names), on the Lambda endpoint.")
	}

	bs.TLSCheck = widget.NewCheck("Serve wss:// and https:// (restarts the gateway)", nil)
	bs.TLSCheck.SetChecked(be.TLSOn())
	bs.TLSCheck.OnChanged = func(on bool) {
		if on != be.TLSOn() {
			be.ToggleTLS()
		}
	}
	if be.Restarting() {
		bs.TLSCheck.Disable()
	}
	bs.CertLabel = widget.NewLabel("")
	bs.CertLabel.Wrapping = fyne.TextWrapBreak
	bs.CertLabel.Selectable = true
	if p := be.CertPath(); p != "" {
		bs.CertLabel.SetText("Certificate: " + p)
	} else {
		bs.CertLabel.Hide()
	}

	title := widget.NewLabel("Backends")
	title.TextStyle = fyne.TextStyle{Bold: true}
	form := widget.NewForm(
		&widget.FormItem{Text: "Lambda mode", Widget: bs.Mode, HintText: "serial for the Runtime Interface Emulator (one call at a time)"},
		&widget.FormItem{Text: "", Widget: bs.MockOn},
		&widget.FormItem{Text: "Header", Widget: bs.MockHeader},
		&widget.FormItem{Text: "Query string", Widget: bs.mockQuery},
		&widget.FormItem{Text: "Value", Widget: bs.MockValue, HintText: "missing: 401; another value: 403"},
		&widget.FormItem{Text: "Principal ID", Widget: principal},
		&widget.FormItem{Text: "Context", Widget: mockCtx.object()},
		&widget.FormItem{Text: "Chat sample", Widget: container.NewVBox(container.NewHBox(bs.chatBtn), bs.chatLabel)},
		&widget.FormItem{Text: "TLS", Widget: container.NewVBox(bs.TLSCheck, bs.CertLabel)},
	)
	return container.NewVBox(widget.NewSeparator(), title, form)
}

// settingsChanged redraws the API settings when they are shown, after the
// window changed them (the chat backend set the Lambda endpoint, TLS).
func (ed *Editor) SettingsChanged() {
	if ed.Routes.sel == 0 {
		ed.rebuild()
	}
}
