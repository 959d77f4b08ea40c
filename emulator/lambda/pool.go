package lambda

import "sync"

// Pool hands out one Client per endpoint and mode, so every route that calls
// the same endpoint shares its queue, and the queue outlives configuration
// snapshots. Its owner (a gateway) closes it when it stops, which ends every
// call and closes every connection. It is safe for concurrent use.
type Pool struct {
	maxIdle int

	mu      sync.Mutex
	clients map[poolKey]*Client
	closed  bool
}

type poolKey struct {
	endpoint string
	mode     Mode
}

// NewPool returns an empty pool whose clients each keep up to maxIdle idle
// connections to their endpoint: give it the number of calls that may be in
// flight at once (see newClient; 0 means DefaultMaxIdle).
func NewPool(maxIdle int) *Pool {
	return &Pool{maxIdle: maxIdle, clients: map[poolKey]*Client{}}
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
	c, err := newClient(endpoint, mode, nil, p.maxIdle)
	if err != nil {
		return nil, err
	}
	p.clients[k] = c
	return c, nil
}

// Close closes every client: it cancels their calls, waits for them and
// closes their connections. Client fails afterwards.
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
