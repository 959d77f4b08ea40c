package controller

import "sync"

// MemPrefs is a Prefs kept in memory: for tests, and for a controller
// given none.
type MemPrefs struct {
	mu sync.Mutex
	m  map[string]any
}

// NewMemPrefs returns empty preferences.
func NewMemPrefs() *MemPrefs { return &MemPrefs{m: map[string]any{}} }

var _ Prefs = (*MemPrefs)(nil)

func (p *MemPrefs) get(key string) any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[key]
}

func (p *MemPrefs) set(key string, v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[key] = v
}

// Bool returns the boolean at key, or false.
func (p *MemPrefs) Bool(key string) bool { b, _ := p.get(key).(bool); return b }

// SetBool stores a boolean.
func (p *MemPrefs) SetBool(key string, v bool) { p.set(key, v) }

// String returns the string at key, or "".
func (p *MemPrefs) String(key string) string { s, _ := p.get(key).(string); return s }

// SetString stores a string.
func (p *MemPrefs) SetString(key, v string) { p.set(key, v) }

// StringList returns the list at key, or nil.
func (p *MemPrefs) StringList(key string) []string {
	l, _ := p.get(key).([]string)
	return append([]string(nil), l...)
}

// SetStringList stores a list.
func (p *MemPrefs) SetStringList(key string, v []string) {
	p.set(key, append([]string(nil), v...))
}
