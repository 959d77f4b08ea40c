package main

import (
	"context"
	"fmt"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// sourceAddrs is how many loopback source addresses (127.0.0.2 and up) the
// clients spread over, so that 10 000 connections plus the churn of the
// connect test never run out of ephemeral ports on one address.
const sourceAddrs = 16

var nextSource atomic.Uint32

// dialer returns a gorilla dialer whose connections leave from 127.0.0.2,
// 127.0.0.3, ... in turn (all loopback). Small buffers keep 10 000 idle
// client connections cheap; they do not limit message size.
func dialer() *websocket.Dialer {
	return &websocket.Dialer{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			n := nextSource.Add(1)
			local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+n%sourceAddrs))}
			d := net.Dialer{LocalAddr: local, Timeout: 10 * time.Second}
			return d.DialContext(ctx, network, addr)
		},
	}
}

// rateResult is one closed-loop message run.
type rateResult struct {
	Conns    int
	Messages int // recorded round trips
	Elapsed  time.Duration
	P50, P99 time.Duration
	// Total counts every round trip, warm-up included; ServerCPU is the CPU
	// time the server process used over the whole run (0 when not measured).
	Total     int
	ServerCPU time.Duration
}

// CPUPerMessage returns the server's CPU time per round trip.
func (r rateResult) CPUPerMessage() time.Duration {
	if r.Total == 0 {
		return 0
	}
	return r.ServerCPU / time.Duration(r.Total)
}

// PerSecond returns the message rate.
func (r rateResult) PerSecond() float64 { return float64(r.Messages) / r.Elapsed.Seconds() }

// runRate opens conns connections and has each send msg and wait for the
// answer in a loop (one message in flight per connection) for warmup, then
// for d while recording every round trip. Every answer must equal want.
func runRate(url string, conns int, msg, want string, warmup, d time.Duration) (rateResult, error) {
	ws, err := dialAll(url, conns)
	defer closeEach(ws)
	if err != nil {
		return rateResult{}, err
	}

	var (
		recording atomic.Bool
		stop      atomic.Bool
		total     atomic.Int64
		wg        sync.WaitGroup
		errOnce   sync.Once
		firstErr  error
		samples   = make([][]time.Duration, conns)
	)
	for i, c := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1<<16)
			for !stop.Load() {
				start := time.Now()
				_ = c.SetWriteDeadline(start.Add(10 * time.Second))
				if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("write: %w", err) })
					return
				}
				_ = c.SetReadDeadline(start.Add(10 * time.Second))
				_, p, err := c.ReadMessage()
				if err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("read: %w", err) })
					return
				}
				if string(p) != want {
					errOnce.Do(func() { firstErr = fmt.Errorf("got %q, want %q", p, want) })
					return
				}
				total.Add(1)
				if recording.Load() {
					lat = append(lat, time.Since(start))
				}
			}
			samples[i] = lat
		}()
	}
	time.Sleep(warmup)
	recording.Store(true)
	began := time.Now()
	time.Sleep(d)
	recording.Store(false)
	elapsed := time.Since(began)
	stop.Store(true)
	wg.Wait()
	if firstErr != nil {
		return rateResult{}, firstErr
	}
	var all []time.Duration
	for _, s := range samples {
		all = append(all, s...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return rateResult{
		Conns:    conns,
		Messages: len(all),
		Elapsed:  elapsed,
		P50:      percentile(all, 0.50),
		P99:      percentile(all, 0.99),
		Total:    int(total.Load()),
	}, nil
}

// percentile returns the q-quantile of sorted samples (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

// openMany opens n connections with workers dialing at once and returns
// them with the time it took (dial, upgrade and, on the gateway, $connect).
func openMany(url string, n, workers int) ([]*websocket.Conn, time.Duration, error) {
	conns := make([]*websocket.Conn, n)
	dl := dialer()
	start := time.Now()
	err := parallel(n, workers, func(i int) error {
		c, resp, err := dl.Dial(url, nil)
		if err != nil {
			status := ""
			if resp != nil {
				status = " (" + resp.Status + ")"
			}
			return fmt.Errorf("connection %d: %w%s", i, err, status)
		}
		conns[i] = c
		return nil
	})
	elapsed := time.Since(start)
	if err != nil {
		closeAll(conns, workers)
		return nil, 0, err
	}
	return conns, elapsed, nil
}

// closeAll closes every connection with a close frame, workers at a time.
func closeAll(conns []*websocket.Conn, workers int) {
	_ = parallel(len(conns), workers, func(i int) error {
		if conns[i] != nil {
			closeConn(conns[i])
		}
		return nil
	})
}

// closeConn sends a normal close frame and drops the connection.
func closeConn(c *websocket.Conn) {
	_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	_ = c.Close()
}

// churn opens and closes n connections, workers at a time, and returns the
// connects per second.
func churn(url string, n, workers int) (float64, error) {
	dl := dialer()
	start := time.Now()
	err := parallel(n, workers, func(int) error {
		c, _, err := dl.Dial(url, nil)
		if err != nil {
			return err
		}
		closeConn(c)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// parallel calls fn(0) to fn(n-1), workers at a time, and returns the first
// error; once a call fails, no worker starts another.
func parallel(n, workers int, fn func(i int) error) error {
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errOnce.Do(func() { first = err })
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// dialAll opens conns connections to url one after another. On an error it
// returns the error and the connections already open, for closeEach.
func dialAll(url string, conns int) ([]*websocket.Conn, error) {
	dl := dialer()
	ws := make([]*websocket.Conn, 0, conns)
	for range conns {
		c, _, err := dl.Dial(url, nil)
		if err != nil {
			return ws, fmt.Errorf("dial %s: %w", url, err)
		}
		ws = append(ws, c)
	}
	return ws, nil
}

// closeEach closes every connection with closeConn.
func closeEach(ws []*websocket.Conn) {
	for _, c := range ws {
		closeConn(c)
	}
}
