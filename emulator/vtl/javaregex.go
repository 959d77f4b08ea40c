package vtl

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"wsworkbench/emulator/jsonpath"
)

// cache holds what a template compiles while rendering (regular expressions
// and JSONPaths given as variables), shared by concurrent renders.
type cache struct {
	mu    sync.Mutex
	re    map[string]reEntry
	paths map[string]pathEntry
}

type reEntry struct {
	re  *regexp.Regexp
	err error
}

type pathEntry struct {
	p   jsonpath.Path
	err error
}

// maxCached bounds each cache, and maxCachedLen the patterns it keeps: a
// template that builds a new pattern for every message still works, it just
// compiles each time.
const (
	maxCached    = 256
	maxCachedLen = 1024
)

// regexp compiles a Java regular expression (anchored for String.matches).
func (c *cache) regexp(java string, anchored bool) (*regexp.Regexp, error) {
	key := java
	if anchored {
		key = "\x00" + java
	}
	c.mu.Lock()
	e, ok := c.re[key]
	c.mu.Unlock()
	if ok {
		return e.re, e.err
	}
	goRE, err := translateJavaRegex(java)
	if err == nil {
		if anchored {
			goRE = `\A(?:` + goRE + `)\z`
		}
		e.re, err = regexp.Compile(goRE)
		if err != nil {
			err = errors.New("bad regular expression " + strconv.Quote(java) + ": " + strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	}
	e.err = err
	c.mu.Lock()
	if c.re == nil {
		c.re = make(map[string]reEntry)
	}
	if len(c.re) < maxCached && len(key) <= maxCachedLen {
		c.re[key] = e
	}
	c.mu.Unlock()
	return e.re, e.err
}

// jsonPath compiles a JSONPath given to $input.path or $input.json as a value.
func (c *cache) jsonPath(src string) (jsonpath.Path, error) {
	c.mu.Lock()
	e, ok := c.paths[src]
	c.mu.Unlock()
	if ok {
		return e.p, e.err
	}
	e.p, e.err = jsonpath.Compile(src)
	c.mu.Lock()
	if c.paths == nil {
		c.paths = make(map[string]pathEntry)
	}
	if len(c.paths) < maxCached && len(src) <= maxCachedLen {
		c.paths[src] = e
	}
	c.mu.Unlock()
	return e.p, e.err
}

// posixClasses maps Java's \p{...} names that Go lacks to the inside of a
// character class.
var posixClasses = map[string]string{
	"Lower": `a-z`, "Upper": `A-Z`, "ASCII": `\x00-\x7F`, "Alpha": `a-zA-Z`,
	"Digit": `0-9`, "Alnum": `a-zA-Z0-9`, "Punct": `!-/:-@\[-` + "`" + `{-~`,
	"Graph": `!-~`, "Print": ` -~`, "Blank": ` \t`, "Cntrl": `\x00-\x1F\x7F`,
	"XDigit": `0-9a-fA-F`, "Space": ` \t\n\x0B\f\r`,
	"javaLowerCase": `\p{Ll}`, "javaUpperCase": `\p{Lu}`, "javaWhitespace": `\s`,
	"javaMirrored": `()<>\[\]{}`, "javaLetter": `\p{L}`, "javaDigit": `\p{Nd}`,
	"javaLetterOrDigit": `\p{L}\p{Nd}`, "javaAlphabetic": `\p{L}`,
	"Alphabetic": `\p{L}\p{Nl}`, "IsAlphabetic": `\p{L}\p{Nl}`,
	"IsDigit": `\p{Nd}`, "IsLetter": `\p{L}`, "IsWhite_Space": `\s`,
	"IsLowercase": `\p{Ll}`, "IsUppercase": `\p{Lu}`, "IsPunctuation": `\p{P}`,
}

const horizontalSpace = `\t \x{A0}\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}`

// translateJavaRegex rewrites a java.util.regex pattern into Go's RE2
// syntax where the two differ: POSIX and java* classes (\p{Alpha}),
// possessive quantifiers and atomic groups (matched greedily instead), \h,
// \R, \e, \Z, octal escapes. Lookaround, backreferences and class
// intersections have no RE2 equivalent and are reported as errors.
func translateJavaRegex(p string) (string, error) {
	var b strings.Builder
	b.Grow(len(p) + 8)
	inClass := false
	classStart := -1   // b.Len() right after "[" or "[^"
	lastQuant := false // the last thing written was a quantifier
	for i := 0; i < len(p); i++ {
		c := p[i]
		wasQuant := lastQuant
		lastQuant = false
		switch {
		case c == '\\':
			if i+1 >= len(p) {
				return "", errors.New("pattern ends with a backslash")
			}
			i++
			d := p[i]
			switch {
			case d == 'p' || d == 'P':
				if i+1 < len(p) && p[i+1] == '{' {
					end := strings.IndexByte(p[i+1:], '}')
					if end < 0 {
						return "", errors.New("unclosed \\" + string(d) + "{ in pattern")
					}
					name := p[i+2 : i+1+end]
					i += 1 + end
					body, ok := posixClasses[name]
					if !ok {
						if strings.HasPrefix(name, "In") {
							return "", errors.New("Unicode block \\p{" + name + "} is not supported")
						}
						name = strings.TrimPrefix(name, "Is")
						b.WriteByte('\\')
						b.WriteByte(d)
						b.WriteString("{" + name + "}")
						continue
					}
					writeClass(&b, body, d == 'P', inClass)
					continue
				}
				b.WriteByte('\\')
				b.WriteByte(d)
			case d == 'h' || d == 'H':
				writeClass(&b, horizontalSpace, d == 'H', inClass)
			case d == 'R':
				b.WriteString(`(?:\r\n|[\n\x0B\f\r\x{85}\x{2028}\x{2029}])`)
			case d == 'e':
				b.WriteString(`\x1B`)
			case d == 'Z':
				b.WriteString(`\z`)
			case d == 'c':
				if i+1 >= len(p) {
					return "", errors.New("\\c needs a control character")
				}
				i++
				b.WriteString(`\x{` + strconv.FormatInt(int64(p[i]^0x40), 16) + `}`)
			case d == '0':
				j := i + 1
				n := 0
				for j < len(p) && j < i+4 && p[j] >= '0' && p[j] <= '7' && n*8+int(p[j]-'0') <= 0377 {
					n = n*8 + int(p[j]-'0')
					j++
				}
				if j == i+1 {
					return "", errors.New("illegal octal escape \\0")
				}
				b.WriteString(`\x{` + strconv.FormatInt(int64(n), 16) + `}`)
				i = j - 1
			case d >= '1' && d <= '9' && !inClass:
				return "", errors.New("backreferences (\\" + string(d) + ") are not supported")
			case d == 'k' && !inClass:
				return "", errors.New("named backreferences (\\k) are not supported")
			case d == 'G' || d == 'X':
				return "", errors.New("\\" + string(d) + " is not supported")
			case d == 'Q':
				end := strings.Index(p[i+1:], `\E`)
				lit := p[i+1:]
				if end >= 0 {
					lit = p[i+1 : i+1+end]
					i += 1 + end + 1
				} else {
					i = len(p)
				}
				b.WriteString(regexp.QuoteMeta(lit))
			default:
				b.WriteByte('\\')
				b.WriteByte(d)
			}
		case inClass:
			switch {
			case c == ']' && b.Len() > classStart:
				inClass = false
				b.WriteByte(c)
			case c == '&' && i+1 < len(p) && p[i+1] == '&':
				return "", errors.New("character class intersection (&&) is not supported")
			case c == '[':
				return "", errors.New("nested character classes are not supported")
			default:
				b.WriteByte(c)
			}
		case c == '[':
			inClass = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				i++
				b.WriteByte('^')
			}
			classStart = b.Len()
			if i+1 < len(p) && p[i+1] == ']' {
				i++
				b.WriteString(`\]`)
			}
		case c == '(' && i+1 < len(p) && p[i+1] == '?':
			rest := p[i+2:]
			switch {
			case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"):
				return "", errors.New("lookahead ((?= or (?!) is not supported")
			case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, "<!"):
				return "", errors.New("lookbehind ((?<= or (?<!) is not supported")
			case strings.HasPrefix(rest, ">"):
				b.WriteString("(?:") // atomic group: matched as a plain group
				i += 2
			case strings.HasPrefix(rest, "<"):
				b.WriteString("(?P<")
				i += 2
			default:
				// Inline flags: keep the ones RE2 knows (i, m, s, U).
				j := i + 2
				for j < len(p) && p[j] != ')' && p[j] != ':' {
					j++
				}
				var flags strings.Builder
				for _, f := range p[i+2 : j] {
					switch f {
					case 'i', 'm', 's', 'U', '-':
						flags.WriteRune(f)
					case 'u', 'd':
					case 'x':
						return "", errors.New("comments mode (?x) is not supported")
					default:
						return "", errors.New("unknown inline flag " + strconv.QuoteRune(f))
					}
				}
				f := strings.TrimSuffix(flags.String(), "-")
				if j < len(p) && p[j] == ')' && (f == "" || f == "-") {
					i = j // nothing left of (?u): drop it
					continue
				}
				b.WriteString("(?" + f)
				i = j - 1
			}
		case c == '*' || c == '+' || c == '?':
			if wasQuant && c == '+' {
				// A possessive quantifier (a*+, a++, a?+, a{2}+): RE2 has
				// none, so it matches greedily.
				continue
			}
			b.WriteByte(c)
			// A quantifier followed by ? (lazy) ends there.
			lastQuant = !wasQuant
		case c == '{':
			j := i + 1
			for j < len(p) && (isDigit(p[j]) || p[j] == ',') {
				j++
			}
			if j < len(p) && p[j] == '}' && j > i+1 {
				b.WriteString(p[i : j+1])
				i = j
				lastQuant = true
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	if inClass {
		return "", errors.New("unclosed character class")
	}
	return b.String(), nil
}

func writeClass(b *strings.Builder, body string, negate, inClass bool) {
	switch {
	case inClass && !negate:
		b.WriteString(body)
	case inClass:
		// A negated class inside a class: RE2 has no syntax for it, use
		// the closest thing (only correct when it is the only member).
		b.WriteString(body)
	case negate:
		b.WriteString("[^" + body + "]")
	default:
		b.WriteString("[" + body + "]")
	}
}

// translateReplacement rewrites a Java replacement string ($1, ${name},
// \$ for a dollar) into a Go regexp template.
func translateReplacement(repl string, re *regexp.Regexp) (string, error) {
	if !strings.ContainsAny(repl, `$\`) {
		return repl, nil
	}
	groups := re.NumSubexp()
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch c {
		case '\\':
			i++
			if i >= len(repl) {
				return "", errors.New("character to be escaped is missing")
			}
			if repl[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(repl[i])
			}
		case '$':
			i++
			if i >= len(repl) {
				return "", errors.New("illegal group reference: group index is missing")
			}
			if repl[i] == '{' {
				end := strings.IndexByte(repl[i:], '}')
				if end < 0 {
					return "", errors.New("named capturing group is missing trailing '}'")
				}
				name := repl[i+1 : i+end]
				if re.SubexpIndex(name) < 0 {
					return "", errors.New("no group with name {" + name + "}")
				}
				b.WriteString("${" + name + "}")
				i += end
				continue
			}
			if !isDigit(repl[i]) {
				return "", errors.New("illegal group reference")
			}
			n := int(repl[i] - '0')
			if n > groups {
				return "", errors.New("no group " + strconv.Itoa(n))
			}
			for i+1 < len(repl) && isDigit(repl[i+1]) && n*10+int(repl[i+1]-'0') <= groups {
				i++
				n = n*10 + int(repl[i]-'0')
			}
			b.WriteString("${" + strconv.Itoa(n) + "}")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// regexReplace is String.replaceAll / replaceFirst.
func (r *renderer) regexReplace(s *segment, str, pattern, repl string, all bool) (string, error) {
	re, err := r.t.cache.regexp(pattern, false)
	if err != nil {
		return "", r.errAt(s.pos, "String."+s.name+": "+err.Error())
	}
	tmpl, err := translateReplacement(repl, re)
	if err != nil {
		return "", r.errAt(s.pos, "String."+s.name+": "+err.Error())
	}
	if all {
		// ReplaceAllString can grow the string by len(tmpl) per match.
		if n := len(str) + (len(str)+1)*len(tmpl); n > r.lim.MaxOutput && len(tmpl) > 0 {
			matches := re.FindAllStringIndex(str, -1)
			if len(str)+len(matches)*len(tmpl) > r.lim.MaxOutput*4 {
				return "", r.errAt(s.pos, "String."+s.name+": result longer than "+strconv.Itoa(r.lim.MaxOutput)+" bytes")
			}
		}
		out := re.ReplaceAllString(str, tmpl)
		if len(out) > r.lim.MaxOutput {
			return "", r.errAt(s.pos, "String."+s.name+": result longer than "+strconv.Itoa(r.lim.MaxOutput)+" bytes")
		}
		return out, nil
	}
	m := re.FindStringSubmatchIndex(str)
	if m == nil {
		return str, nil
	}
	out := re.ExpandString([]byte(str[:m[0]]), tmpl, str, m)
	out = append(out, str[m[1]:]...)
	return string(out), nil
}

// split is String.split(regex, limit).
func (r *renderer) split(s *segment, str, pattern string, limit int) ([]string, error) {
	re, err := r.t.cache.regexp(pattern, false)
	if err != nil {
		return nil, r.errAt(s.pos, "String.split: "+err.Error())
	}
	var parts []string
	index := 0
	for _, m := range re.FindAllStringIndex(str, -1) {
		if limit > 0 && len(parts) >= limit-1 {
			break
		}
		if m[0] == 0 && m[1] == 0 {
			continue // a zero-width match at the start gives no empty first part
		}
		parts = append(parts, str[index:m[0]])
		index = m[1]
	}
	if index == 0 && len(parts) == 0 {
		return []string{str}, nil
	}
	parts = append(parts, str[index:])
	if limit == 0 {
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
	}
	return parts, nil
}
