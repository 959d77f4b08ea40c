package controller

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"wsworkbench/emulator/samplebackend"
)

// Chat is the part of the Controller that runs the chat sample backend
// (Controller.Chat): the functions of both seed chat projects behind the
// Lambda Invoke API, on loopback. Like the Controller it belongs to the
// owner goroutine.
type Chat struct {
	c   *Controller
	srv *samplebackend.Server // the chat sample backend while it runs
}

// close stops the chat backend (the controller is closing).
func (ch *Chat) close() {
	if srv := ch.srv; srv != nil {
		ch.srv = nil
		_ = srv.Close()
	}
}

// Running reports whether the chat sample backend runs.
func (ch *Chat) Running() bool { return ch.srv != nil }

// URL is where the chat sample backend listens ("" when it does not).
func (ch *Chat) URL() string {
	if ch.srv == nil {
		return ""
	}
	return ch.srv.URL()
}

// Start runs the chat sample backend (the functions of both seed chat
// projects behind the Lambda Invoke API) and makes it the workspace's
// Lambda endpoint, through the same path as any edit.
func (ch *Chat) Start() error {
	c := ch.c
	if c.Server.restarting {
		return errors.New("the gateway is restarting: try again in a moment")
	}
	if ch.srv == nil {
		srv, err := ch.open(c.opts.ChatAddr)
		if err != nil {
			return err
		}
		ch.srv = srv
	}
	if st := &c.ws.API.Settings; st.LambdaEndpoint != ch.srv.URL() {
		st.LambdaEndpoint = ch.srv.URL()
		c.Edited()
		c.Apply()
	}
	c.notice = "Chat sample backend at " + ch.srv.URL() + ": send {\"action\":\"sendmessage\",\"data\":\"hello\"} from a tab."
	c.changed(ChangeStatus | ChangeMenu)
	return nil
}

// Stop stops the chat backend. The Lambda endpoint setting stays.
func (ch *Chat) Stop() {
	c := ch.c
	srv := ch.srv
	if srv == nil {
		return
	}
	ch.srv = nil
	c.background(func() { _ = srv.Close() })
	c.notice = "Chat sample backend stopped."
	c.changed(ChangeStatus | ChangeMenu)
}

// open opens the chat backend on addr ("" its usual address), or on
// any free port when that is taken. Its client posts to @connections
// trusting the workbench's certificate when the gateway serves wss://.
func (ch *Chat) open(addr string) (*samplebackend.Server, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a local gateway, never through a proxy
	if roots := ch.c.TLS.ClientRoots(); roots != nil {
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

// restart reopens a running chat backend on the same address, so its
// client trusts the certificate the gateway now serves (or not). The chat's
// connection table starts empty, as the gateway's does.
func (ch *Chat) restart() error {
	c := ch.c
	srv := ch.srv
	if srv == nil {
		return nil
	}
	ch.srv = nil
	_ = srv.Close()
	nsrv, err := ch.open(strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		c.changed(ChangeMenu)
		return err
	}
	ch.srv = nsrv
	return ch.Start()
}

// Server is the chat sample backend while it runs, or nil.
func (ch *Chat) Server() *samplebackend.Server { return ch.srv }
