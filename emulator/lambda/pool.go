package lambda

import (
	"net/http"
	"sync"
)

// Pool hands out one Client per endpoint and mode, so every route that calls
// the same endpoint shares its queue, and the queue outlives configuration
// snapshots. It is safe for concurrent use.
type Pool struct {
	http *http.Client

	mu      sync.Mutex
	clients map[poolKey]*Client
	closed  bool
}

type poolKey struct {
	endpoint string
	mode     Mode
}

// NewPool returns an empty pool whose clients use httpClient (nil: a default).
func NewPool(httpClient *http.Client) *Pool {
	return &Pool{http: httpClient, clients: map[poolKey]*Client{}}
}

// Client returns the pool's client for endpoint and mode, creating it on
// first use.
func (p *Pool) Client(endpoint string, mode Mode) (*Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errPoolClosed
	}
	k := poolKey{endpoint, mode}
	if c, ok := p.clients[k]; ok {
		return c, nil
	}
	c, err := NewClient(endpoint, mode, p.http)
	if err != nil {
		return nil, err
	}
	p.clients[k] = c
	return c, nil
}

// Close closes every client and waits for their calls.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	clients := p.clients
	p.clients = map[poolKey]*Client{}
	p.mu.Unlock()
	for _, c := range clients {
		c.Close()
	}
}

type poolError string

func (e poolError) Error() string { return string(e) }

const errPoolClosed = poolError("lambda: pool closed")
