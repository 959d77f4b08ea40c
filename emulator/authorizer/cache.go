package authorizer

import (
	"strings"
	"sync"
	"time"
)

// maxCacheEntries bounds the cache: past it, expired entries go first, then
// the cache is emptied (a cache miss only costs an authorizer call).
const maxCacheEntries = 10000

// Cache keeps authorizer decisions for their TTL, keyed by authorizer and
// identity-source values, as API Gateway's authorizer result cache does. It is
// safe for concurrent use. The zero value is not usable; call NewCache.
type Cache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
	now     func() time.Time
}

type cacheEntry struct {
	outcome Outcome
	expires time.Time
}

// NewCache returns an empty cache. now may be nil (time.Now).
func NewCache(now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{entries: map[string]cacheEntry{}, now: now}
}

// Len returns the number of entries, expired or not.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Clear empties the cache (after the authorizer changed).
func (c *Cache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = map[string]cacheEntry{}
}

func cacheKey(cfg Config, vals []string) string {
	return cfg.ID + "\x00" + cfg.Function + "\x00" + strings.Join(vals, "\x00")
}

func (c *Cache) get(key string) (Outcome, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return Outcome{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, key)
		return Outcome{}, false
	}
	return e.outcome, true
}

func (c *Cache) put(key string, o Outcome, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.entries) >= maxCacheEntries {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCacheEntries {
			c.entries = map[string]cacheEntry{}
		}
	}
	c.entries[key] = cacheEntry{outcome: o, expires: now.Add(ttl)}
}
