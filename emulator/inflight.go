package emulator

import "sync"

// inFlight tracks the requests whose integration call is in flight, so an
// @connections call that arrives meanwhile can be attributed to the request
// whose backend must have made it. The backend's call carries nothing that
// names the request (an AWS SDK sends no header of ours), so attribution is
// by time: a call is attributed only when exactly one integration call is in
// flight in the whole gateway; with none or several it is left
// unattributed rather than guessed (docs/DECISIONS.md, "@connections calls
// in traces"). It is safe for concurrent use.
type inFlight struct {
	mu    sync.Mutex
	next  uint64
	calls map[uint64]inFlightCall
}

type inFlightCall struct{ requestID, connectionID string }

// begin records that req's integration call started; end(token) that it
// ended.
func (f *inFlight) begin(req *request) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[uint64]inFlightCall{}
	}
	f.next++
	f.calls[f.next] = inFlightCall{req.rc.RequestID, req.rc.ConnectionID}
	return f.next
}

func (f *inFlight) end(token uint64) {
	f.mu.Lock()
	delete(f.calls, token)
	f.mu.Unlock()
}

// during returns the request and connection of the one integration call in
// flight, or "" when there is none or more than one.
func (f *inFlight) during() (requestID, connectionID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) != 1 {
		return "", ""
	}
	for _, c := range f.calls {
		return c.requestID, c.connectionID
	}
	return "", ""
}
