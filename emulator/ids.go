package emulator

import (
	"crypto/rand"
	"encoding/binary"
	"hash/fnv"
	"sync/atomic"
)

// idGen makes connection, message and request IDs in API Gateway's format:
// 16 characters, the URL-safe base64 encoding of 11 bytes with its one "="
// pad, e.g. "R1kmxc2VNjMCFIA=". Captured AWS IDs show structure that the
// generator copies so the IDs look familiar in a log:
//
//   - the low 6 bits of byte 8 are the ID's kind: the 12th character is "C"
//     for connection and message IDs and "F" for request IDs;
//   - bytes 9-10 belong to the connection: a message ID ends like the ID of
//     the connection it arrived on ("R1knPc2ntjMCFIA=" on "R1kmxc2VNjMCFIA=").
//
// A connection ID is a capability: whoever knows it can post to, read and
// close the connection through @connections. So every other bit of it (82
// bits) comes from crypto/rand; its message IDs share only its last 16 bits.
// Message and request IDs only have to be unique, and follow AWS's look
// more closely:
//
//   - bytes 0-5 change with every ID (AWS: a time-ordered prefix; here a
//     48-bit counter multiplied by an odd constant, which is a bijection, so
//     no two IDs from one generator share them);
//   - bytes 6-7 and the top bits of byte 8 are fixed per gateway (AWS: the
//     same for every ID a host issues).
//
// An idGen is safe for concurrent use.
type idGen struct {
	counter atomic.Uint64
	host    [3]byte
	// mid holds, per kind, characters 8-11 of its IDs: the encoding of
	// bytes 6-8 (the host and the kind), the same for every ID.
	mid [kindRequest + 1][4]byte
}

// ID kinds: the value of the 12th character.
const (
	kindConnection = 2 // "C"
	kindRequest    = 5 // "F"
)

// idScramble is an odd 48-bit constant; multiplying by it modulo 2^48 is a
// bijection that makes consecutive IDs look unrelated.
const idScramble = 0x9E3779B97F4B & (1<<48 - 1)

func newIDGen() *idGen {
	var seed [11]byte
	_, _ = rand.Read(seed[:]) // crypto/rand.Read never fails on supported platforms
	g := &idGen{}
	g.counter.Store(binary.LittleEndian.Uint64(seed[:8]) & (1<<48 - 1))
	copy(g.host[:], seed[8:])
	g.mid = newIDGenMid(g.host)
	return g
}

// newIDGenMid returns idGen.mid for a host.
func newIDGenMid(host [3]byte) (mid [kindRequest + 1][4]byte) {
	for _, kind := range []byte{kindConnection, kindRequest} {
		v := uint(host[0])<<16 | uint(host[1])<<8 | uint(host[2]&0xC0|kind)
		mid[kind] = [4]byte{idAlphabet[v>>18&63], idAlphabet[v>>12&63], idAlphabet[v>>6&63], idAlphabet[v&63]}
	}
	return mid
}

// next returns a new ID of the given kind whose last two bytes are tail.
func (g *idGen) next(kind byte, tail [2]byte) string {
	var b [idLen]byte
	g.encode(b[:], g.counter.Add(1), kind, tail)
	return string(b[:])
}

// idLen is the length of an ID.
const idLen = 16

// encode writes the ID for counter value count into dst[:idLen]: bytes
// 0-5 (the scrambled count), 6-8 (g.mid) and 9-10 (tail), encoded.
func (g *idGen) encode(dst []byte, count uint64, kind byte, tail [2]byte) {
	dst = dst[:idLen]
	n := (count * idScramble) & (1<<48 - 1)
	// 48 bits, six to a character, with constant shifts.
	dst[0] = idAlphabet[n>>42&63]
	dst[1] = idAlphabet[n>>36&63]
	dst[2] = idAlphabet[n>>30&63]
	dst[3] = idAlphabet[n>>24&63]
	dst[4] = idAlphabet[n>>18&63]
	dst[5] = idAlphabet[n>>12&63]
	dst[6] = idAlphabet[n>>6&63]
	dst[7] = idAlphabet[n&63]
	mid := &g.mid[kind]
	dst[8], dst[9], dst[10], dst[11] = mid[0], mid[1], mid[2], mid[3]
	encodeTail(dst, tail)
}

// idAlphabet is the URL-safe base64 alphabet.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// encodeID writes the URL-safe base64 encoding of b, with its one "=" pad,
// into dst[:idLen]: what base64.URLEncoding.Encode writes, without its
// general loop.
func encodeID(dst []byte, b *[11]byte) {
	dst = dst[:idLen]
	for i := range 3 {
		v := uint(b[3*i])<<16 | uint(b[3*i+1])<<8 | uint(b[3*i+2])
		dst[4*i] = idAlphabet[v>>18&63]
		dst[4*i+1] = idAlphabet[v>>12&63]
		dst[4*i+2] = idAlphabet[v>>6&63]
		dst[4*i+3] = idAlphabet[v&63]
	}
	encodeTail(dst, [2]byte{b[9], b[10]})
}

// encodeTail writes characters 12-15 of an ID, which encode its last two
// bytes and the pad.
func encodeTail(dst []byte, tail [2]byte) {
	v := uint(tail[0])<<16 | uint(tail[1])<<8
	dst[12] = idAlphabet[v>>18&63]
	dst[13] = idAlphabet[v>>12&63]
	dst[14] = idAlphabet[v>>6&63]
	dst[15] = '='
}

// connectionID returns a new, unguessable connection ID and the tail its
// message IDs share.
func (g *idGen) connectionID() (id string, tail [2]byte) {
	var b [11]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[8] = b[8]&0xC0 | kindConnection
	var dst [idLen]byte
	encodeID(dst[:], &b)
	return string(dst[:]), [2]byte{b[9], b[10]}
}

// messageID returns a new message ID for the connection with the given tail.
func (g *idGen) messageID(tail [2]byte) string { return g.next(kindConnection, tail) }

// requestID returns a new request ID (which is also the extended request ID).
func (g *idGen) requestID() string {
	count := g.counter.Add(1)
	var b [idLen]byte
	g.encode(b[:], count, kindRequest, requestTail(count))
	return string(b[:])
}

// messageIDs returns a new message ID for the connection with the given
// tail and a new request ID, as one allocation: the IDs of one message.
func (g *idGen) messageIDs(tail [2]byte) (messageID, requestID string) {
	return g.messageIDsIn(tail, make([]byte, 0, messageSpare), nil)
}

// idBlock is a run of counter values that one connection's messages take
// their IDs from, reserved idBlockSize at a time. Every connection shares
// the counter, and taking two values from it for each message moved its
// cache line between the processors with each message. An idBlock belongs
// to whoever handles the connection's messages, one at a time.
type idBlock struct{ next, end uint64 }

const idBlockSize = 64

// take returns the next of the block's values, reserving a new block from
// g's counter when this one is used up.
func (b *idBlock) take(g *idGen) uint64 {
	if b.next == b.end {
		b.end = g.counter.Add(idBlockSize) + 1
		b.next = b.end - idBlockSize
	}
	n := b.next
	b.next++
	return n
}

// messageSpare is the room a message's buffer leaves after the message for
// its two IDs (readMessage).
const messageSpare = 2 * idLen

// messageIDsIn is messageIDs written into spare's capacity, the room after
// a message in its own buffer, which nothing else uses: so a message's IDs
// cost no allocation of their own. Without room it allocates. The counter
// values come from blk, the connection's block, or (nil) the counter.
func (g *idGen) messageIDsIn(tail [2]byte, spare []byte, blk *idBlock) (messageID, requestID string) {
	if cap(spare) < messageSpare {
		spare = make([]byte, 0, messageSpare)
	}
	b := spare[:messageSpare]
	var m, n uint64
	if blk != nil {
		m, n = blk.take(g), blk.take(g)
	} else {
		n = g.counter.Add(2)
		m = n - 1
	}
	g.encode(b[:idLen], m, kindConnection, tail)
	g.encode(b[idLen:], n, kindRequest, requestTail(n))
	s := borrow(b) // never written again
	return s[:idLen], s[idLen:]
}

// requestTail returns the last two bytes of the request ID with counter
// value count. They only have to look random (bytes 0-5 make the ID
// unique), so they are mixed from the counter rather than read from
// crypto/rand.
func requestTail(count uint64) [2]byte {
	h := count * tailMix
	return [2]byte{byte(h >> 56), byte(h >> 48)}
}

// tailMix is an odd 64-bit constant whose product with the counter gives a
// request ID's tail.
const tailMix = 0xD6E8FEB86659FD93

// validConnectionID reports whether id has the shape of an API Gateway
// connection ID: 15 URL-safe base64 characters and "=".
func validConnectionID(id string) bool {
	if len(id) != 16 || id[15] != '=' {
		return false
	}
	for i := 0; i < 15; i++ {
		c := id[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// apiIDFor returns a 10-character lower-case alphanumeric API ID (the shape of
// "dl7ptocha9") that stays the same for the same API logical ID and name, so
// $context.apiId and the domain name a backend builds do not change between
// runs.
func apiIDFor(logicalID, name string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	h := fnv.New64a()
	h.Write([]byte(logicalID))
	h.Write([]byte{0})
	h.Write([]byte(name))
	n := h.Sum64()
	var b [10]byte
	for i := range b {
		b[i] = alphabet[n%36]
		n /= 36
	}
	return string(b[:])
}
