package samplebackend

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// DefaultAddr is where the chat listens unless told otherwise: the address
// `sam local start-lambda` uses, so a workspace's Lambda endpoint works with
// either.
const DefaultAddr = "127.0.0.1:3001"

// Server runs a Chat on a listening socket.
type Server struct {
	chat *Chat
	ln   net.Listener
	srv  *http.Server
	done chan error
}

// Open listens on addr ("" means DefaultAddr) and serves the chat in a
// goroutine. A port in use fails here, at once.
func Open(addr string, opts Options) (*Server, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sample backend: %w", err)
	}
	s := &Server{
		chat: NewChat(opts),
		ln:   ln,
		done: make(chan error, 1),
	}
	s.srv = &http.Server{Handler: s.chat, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

// URL returns the Lambda endpoint to configure, e.g. http://127.0.0.1:3001.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Chat returns the chat the server runs.
func (s *Server) Chat() *Chat { return s.chat }

// Close stops the server, giving calls in flight up to five seconds, and
// waits for it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	if serveErr := <-s.done; serveErr != nil && err == nil {
		err = serveErr
	}
	return err
}
