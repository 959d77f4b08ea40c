package ui

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"wsworkbench/assets"
	"wsworkbench/emulator/samplebackend"
	"wsworkbench/emulator/workspace"
)

// localBackends are the servers and the certificate the window runs
// besides its gateway: the built-in chat backend and, when the gateway
// serves wss://, the workbench's certificate. Touched on the UI goroutine
// only.
type localBackends struct {
	// chat is the chat sample backend while it runs; chatAddr is where it
	// listens (default samplebackend.DefaultAddr, any free port when that
	// is taken).
	chat     *samplebackend.Server
	chatAddr string
	// certDir holds the TLS certificate ("" means tlscert.DefaultDir).
	certDir string
	tls     *tlsState // set while the gateway serves wss://
}

// chatSampleTabs is how many client tabs a chat sample opens with.
const chatSampleTabs = 3

// chatRunning reports whether the chat sample backend runs.
func (wb *workbench) chatRunning() bool { return wb.backends.chat != nil }

// startChatSample runs the chat sample backend (the functions of both seed
// chat projects behind the Lambda Invoke API) and makes it the workspace's
// Lambda endpoint, through the same path as any edit.
func (wb *workbench) startChatSample() error {
	if wb.backends.chat == nil {
		srv, err := wb.openChatServer(wb.backends.chatAddr)
		if err != nil {
			return err
		}
		wb.backends.chat = srv
	}
	if st := &wb.ws.API.Settings; st.LambdaEndpoint != wb.backends.chat.URL() {
		st.LambdaEndpoint = wb.backends.chat.URL()
		wb.edited()
		wb.apply()
	}
	wb.editor.settingsChanged()
	wb.setNotice("Chat sample backend at " + wb.backends.chat.URL() + ": send {\"action\":\"sendmessage\",\"data\":\"hello\"} from a tab.")
	return nil
}

// openChatServer opens the chat backend on its usual address, or on any free
// port when that is taken. Its client posts to @connections trusting the
// workbench's certificate when the gateway serves wss://.
func (wb *workbench) openChatServer(addr string) (*samplebackend.Server, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a local gateway, never through a proxy
	if roots := wb.clientRoots(); roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	opts := samplebackend.Options{HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: tr}}
	if addr == "" {
		addr = samplebackend.DefaultAddr
	}
	srv, err := samplebackend.Open(addr, opts)
	if err != nil && addr != "127.0.0.1:0" {
		srv, err = samplebackend.Open("127.0.0.1:0", opts)
	}
	if err != nil {
		return nil, fmt.Errorf("start the chat sample backend: %w", err)
	}
	return srv, nil
}

// stopChatSample stops the chat backend. The Lambda endpoint setting stays.
func (wb *workbench) stopChatSample() {
	srv := wb.backends.chat
	if srv == nil {
		return
	}
	wb.backends.chat = nil
	wb.background(func() { _ = srv.Close() })
	wb.editor.settingsChanged()
	wb.setNotice("Chat sample backend stopped.")
}

// restartChatSample reopens a running chat backend on the same address, so
// its client trusts the certificate the gateway now serves (or not). The
// chat's connection table starts empty, as the gateway's does.
func (wb *workbench) restartChatSample() error {
	srv := wb.backends.chat
	if srv == nil {
		return nil
	}
	wb.backends.chat = nil
	_ = srv.Close()
	nsrv, err := wb.openChatServer(strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		wb.editor.settingsChanged()
		return err
	}
	wb.backends.chat = nsrv
	return wb.startChatSample()
}

// onToggleChatSample runs or stops the chat sample backend.
func (wb *workbench) onToggleChatSample() {
	if wb.chatRunning() {
		wb.stopChatSample()
	} else if err := wb.startChatSample(); err != nil {
		wb.showError(err)
	}
	wb.win.SetMainMenu(wb.buildMenu())
}

// chatSeeds are the chat samples File > Open Sample offers.
var chatSeeds = map[string][]byte{
	assets.ChatSAMName:        assets.ChatSAM,
	assets.ChatServerlessName: assets.ChatServerless,
}

// onOpenChatSample opens a chat sample (the seed SAM template or
// serverless.yml, unchanged), runs the chat backend for it, and connects
// three client tabs: one click to a working chat.
func (wb *workbench) onOpenChatSample(name string) {
	wb.confirmLeave(func() {
		if err := wb.openChatSample(name); err != nil {
			wb.showError(err)
		}
	})
}

// openChatSample does onOpenChatSample's work without asking.
func (wb *workbench) openChatSample(name string) error {
	data, ok := chatSeeds[name]
	if !ok {
		return fmt.Errorf("no chat sample called %s", name)
	}
	ws, err := workspace.Parse(name, data)
	if err != nil {
		return fmt.Errorf("chat sample: %w", err)
	}
	wb.saver.remove("")
	wb.switchTo(ws, false, false, "")
	return wb.runChatWorkspace()
}

// runChatWorkspace starts the chat backend for the open workspace and
// (re)connects three tabs on the embedded gateway, so each is in the chat's
// connections table.
func (wb *workbench) runChatWorkspace() error {
	if err := wb.startChatSample(); err != nil {
		return err
	}
	embedded := 0
	for _, t := range wb.clients.list {
		if t.target.url == "" {
			embedded++
			t.connect()
		}
	}
	for ; embedded < chatSampleTabs; embedded++ {
		wb.clients.addTab(tabTarget{}, false)
	}
	if t := wb.clients.current(); t != nil {
		t.composer.entry.SetText(`{"action":"sendmessage","data":"hello"}`)
	}
	wb.win.SetMainMenu(wb.buildMenu())
	return nil
}

// openSampleMenu is File > Open Sample: the chat samples.
func (wb *workbench) openSampleMenu() *fyne.MenuItem {
	it := fyne.NewMenuItem("Open Sample", nil)
	it.ChildMenu = fyne.NewMenu("",
		fyne.NewMenuItem("Chat (SAM template) with its backend", func() { wb.onOpenChatSample(assets.ChatSAMName) }),
		fyne.NewMenuItem("Chat (serverless.yml) with its backend", func() { wb.onOpenChatSample(assets.ChatServerlessName) }),
	)
	return it
}

// chatMenuItem is API > Run Chat Sample Backend, checked while it runs.
func (wb *workbench) chatMenuItem() *fyne.MenuItem {
	it := fyne.NewMenuItem("Run Chat Sample Backend", wb.onToggleChatSample)
	it.Checked = wb.chatRunning()
	return it
}

// tlsMenuItem is API > Serve over TLS, checked while the gateway serves
// wss://.
func (wb *workbench) tlsMenuItem() *fyne.MenuItem {
	it := fyne.NewMenuItem("Serve over TLS (wss://)", wb.onToggleTLS)
	it.Checked = wb.tlsOn()
	return it
}
