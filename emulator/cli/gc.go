package cli

import (
	"os"
	"sync"
)

// heapFloorBytes is the heap a serving gateway keeps as a floor under the
// garbage collector's goal (docs/DECISIONS.md, "serve's heap floor").
//
// Go collects when the heap has grown by GOGC percent (100) of what the
// last collection left live. A gateway's live heap is small (a few
// megabytes: its configuration and the connections' histories) and every
// message leaves a little garbage, so under load it collected several
// times a second, and each collection marks every history again and
// stalls the read loops briefly: 1.5-2% of `serve --log none`'s message
// rate (docs/PERFORMANCE.md, "Fifth pass"). An allocation without pointers
// that stays live raises the goal by twice its size: the collector never
// scans it, and its pages (fresh from the operating system when serve
// starts, and never written) take no physical memory. Go has
// no minimum heap setting (golang/go#23044, #44309); this is the way
// programs that need one get it. With thousands of connections the live
// heap dwarfs the floor and collections pace as usual, so idle
// connections cost what they did (where GOGC=200 cost 3 KB more each).
const heapFloorBytes = 16 << 20

// heapFloor is held while any serve runs (tests run several at once).
var heapFloor struct {
	sync.Mutex
	holders int
	b       []byte
}

// holdHeapFloor keeps the heap floor allocated until the returned release
// is called. A user who tunes the collector (GOGC or GOMEMLIMIT set, which
// the floor would skew: it counts against a memory limit) gets no floor.
func holdHeapFloor() (release func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	heapFloor.Lock()
	defer heapFloor.Unlock()
	if heapFloor.holders == 0 {
		heapFloor.b = make([]byte, heapFloorBytes)
	}
	heapFloor.holders++
	return sync.OnceFunc(func() {
		heapFloor.Lock()
		defer heapFloor.Unlock()
		if heapFloor.holders--; heapFloor.holders == 0 {
			heapFloor.b = nil
		}
	})
}
