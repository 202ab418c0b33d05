package lockfile

import "strings"

// cfgFile is the sections and values of a setup.cfg, read before
// interpolation.
type cfgFile struct {
	sections map[string]*cfgSection
	order    []string // the sections other than DEFAULT, in file order
	values   map[cfgOption]*cfgValue
}

// cfgSection is the keys of one section, in file order.
type cfgSection struct {
	keys []string
}

// cfgOption is a key of a section. Keys match with case, because
// setuptools sets optionxform to str.
type cfgOption struct {
	section, key string
}

// cfgValue is the value of a setup.cfg key and the line of the key.
type cfgValue struct {
	lines []string // one string per line, joined by text on first use
	line  int

	parsed     bool
	references []string // the keys of "%(key)s" in the value, in order
	syntaxOK   bool     // BasicInterpolation accepts every "%" in the value

	// height is the number of nested values that contain "%" in the
	// expansion of the value, its own included, as section heightIn
	// (1-based, 0 for none yet) reads it.
	height   int
	heightIn int
}

// text returns the value, its lines joined by "\n" as configparser joins
// them.
func (v *cfgValue) text() string {
	if len(v.lines) != 1 {
		v.lines = []string{strings.Join(v.lines, "\n")}
	}
	return v.lines[0]
}

// parse records the references of the value and whether its "%" syntax
// is valid.
func (v *cfgValue) parse() {
	if v.parsed {
		return
	}
	v.parsed = true
	v.syntaxOK = true
	rest := v.text()
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			return
		}
		key, n, ok := cfgReference(rest[i:])
		if !ok {
			v.syntaxOK = false
			return
		}
		if n > 2 {
			v.references = append(v.references, key)
		}
		rest = rest[i+n:]
	}
}

// cfgReference reads the "%" escape at the start of s as configparser's
// BasicInterpolation does, and returns its length n. "%%" is a "%", and
// "%(key)s" is a reference to key, which is any text up to the first ")"
// but not empty. Anything else after "%" is a syntax error.
func cfgReference(s string) (key string, n int, ok bool) {
	if strings.HasPrefix(s, "%%") {
		return "", 2, true
	}
	if !strings.HasPrefix(s, "%(") {
		return "", 0, false
	}
	end := strings.IndexByte(s, ')')
	if end < 3 || end+1 >= len(s) || s[end+1] != 's' {
		return "", 0, false
	}
	return s[2:end], end + 2, true
}

func newCfgFile() *cfgFile {
	return &cfgFile{sections: map[string]*cfgSection{}, values: map[cfgOption]*cfgValue{}}
}

// addSection starts a section, and returns false when the section is
// repeated, which configparser rejects for every section but DEFAULT.
func (f *cfgFile) addSection(name string) bool {
	if f.sections[name] != nil {
		return name == "DEFAULT"
	}
	f.sections[name] = &cfgSection{}
	if name != "DEFAULT" {
		f.order = append(f.order, name)
	}
	return true
}

// addValue records a key of a section, and returns false when the
// section already has the key, which configparser rejects.
func (f *cfgFile) addValue(section, key string, v *cfgValue) bool {
	opt := cfgOption{section, key}
	if f.values[opt] != nil {
		return false
	}
	f.values[opt] = v
	s := f.sections[section]
	s.keys = append(s.keys, key)
	return true
}

// lookup returns the value of key as section reads it: its own, else the
// one in DEFAULT, or nil.
func (f *cfgFile) lookup(section, key string) *cfgValue {
	if v := f.values[cfgOption{section, key}]; v != nil {
		return v
	}
	return f.values[cfgOption{"DEFAULT", key}]
}

// metadataValue returns the value of key in [metadata], matched without
// case as setuptools lowercases [metadata] keys, else the one in DEFAULT.
// The last matching key of a section wins.
func (f *cfgFile) metadataValue(key string) *cfgValue {
	for _, section := range []string{"metadata", "DEFAULT"} {
		s := f.sections[section]
		if s == nil {
			continue
		}
		for i := len(s.keys) - 1; i >= 0; i-- {
			if strings.EqualFold(s.keys[i], key) {
				return f.values[cfgOption{section, s.keys[i]}]
			}
		}
	}
	return nil
}

// maxCfgInterpolationDepth is configparser's MAX_INTERPOLATION_DEPTH in
// Python 3.11.7: expanding a value raises InterpolationDepthError when
// it nests more than 10 values that contain "%", its own included.
const maxCfgInterpolationDepth = 10

// maxCfgCheckSteps is the maximum number of reads of values that contain
// "%" that interpolationValid makes in the sections after [metadata]. It bounds
// the check of a file with many sections and many DEFAULT keys, which
// configparser reads in time proportional to their product.
const maxCfgCheckSteps = 1 << 18

// interpolationValid reports whether configparser expands every value
// that setuptools 65.5.0 reads without an error. setuptools reads every
// key of every section but DEFAULT, and DEFAULT's keys within each of
// those sections, except a key named "__name__". An error is a "%" not
// followed by "%" or "(key)s", a reference to a key that neither the
// section nor DEFAULT has (keys match with case), or more than
// maxCfgInterpolationDepth nested values, which includes a cycle.
//
// NOTE: [metadata] is checked in full, but the other sections only until
// maxCfgCheckSteps reads of values that contain "%", and the unchecked
// rest counts as valid. A full check can take the number of sections
// times the number of DEFAULT keys, because each section reads DEFAULT.
//
// NOTE: in a virtual environment setuptools skips install keys such as
// "prefix", "home", "user" and "root", so an error in one of them does
// not stop a build there. It is counted as an error here.
func (f *cfgFile) interpolationValid() bool {
	var percentDefaults []string // the DEFAULT keys whose value has a "%"
	if s := f.sections["DEFAULT"]; s != nil {
		for _, k := range s.keys {
			if strings.Contains(f.values[cfgOption{"DEFAULT", k}].text(), "%") {
				percentDefaults = append(percentDefaults, k)
			}
		}
	}
	order := append([]string{"metadata"}, f.order...)
	steps := 0
	for i, section := range order {
		if i > 0 && section == "metadata" {
			continue
		}
		c := cfgDepthCheck{file: f, section: section, index: i + 1, steps: &steps, maxSteps: maxCfgCheckSteps}
		if i == 0 {
			c.maxSteps = -1
		}
		for _, k := range f.sections[section].keys {
			if !c.valid(k) {
				return false
			}
		}
		for _, k := range percentDefaults {
			if f.values[cfgOption{section, k}] == nil && !c.valid(k) {
				return false
			}
		}
		if c.exhausted() {
			return true
		}
	}
	return true
}

// cfgDepthCheck checks the values of one section for interpolation
// errors.
type cfgDepthCheck struct {
	file     *cfgFile
	section  string
	index    int // 1-based, for cfgValue.heightIn
	steps    *int
	maxSteps int // -1 for no limit
}

func (c *cfgDepthCheck) exhausted() bool {
	return c.maxSteps >= 0 && *c.steps > c.maxSteps
}

// valid reports whether key's value, read at the top level, expands
// without an error.
func (c *cfgDepthCheck) valid(key string) bool {
	if key == "__name__" {
		return true
	}
	return c.height(key, 1) >= 0
}

// height returns the number of nested values that contain "%" in the
// expansion of key, read at depth depth, or -1 on an interpolation
// error. The recursion stops at maxCfgInterpolationDepth, so a cycle
// ends there. Once the check is exhausted it returns 0 without checking.
func (c *cfgDepthCheck) height(key string, depth int) int {
	v := c.file.lookup(c.section, key)
	if v == nil {
		return -1
	}
	if !strings.Contains(v.text(), "%") {
		return 0
	}

	*c.steps++
	if c.exhausted() {
		return 0
	}
	if depth > maxCfgInterpolationDepth {
		return -1
	}
	if v.heightIn == c.index {
		if depth+v.height-1 > maxCfgInterpolationDepth {
			return -1
		}
		return v.height
	}

	v.parse()
	if !v.syntaxOK {
		return -1
	}
	h := 1
	for _, ref := range v.references {
		refHeight := c.height(ref, depth+1)
		if refHeight < 0 {
			return -1
		}
		h = max(h, 1+refHeight)
	}
	v.height, v.heightIn = h, c.index
	return h
}

// maxCfgExpansion is the maximum number of bytes that the expansions of
// one section may add up to. A longer name can only come from values
// that reference each other many times over.
const maxCfgExpansion = 1 << 20

// cfgExpander expands values of one section whose values
// interpolationValid has accepted.
type cfgExpander struct {
	file     *cfgFile
	section  string
	expanded map[string]string // the expanded value of each key read so far
	size     int               // the bytes in expanded
}

func (f *cfgFile) newExpander(section string) *cfgExpander {
	return &cfgExpander{file: f, section: section, expanded: map[string]string{}}
}

// expand returns text with "%%" and each "%(key)s" expanded. It returns
// false when the expansions pass maxCfgExpansion bytes.
//
// NOTE: a name longer than maxCfgExpansion bytes after expansion gives
// no name, although configparser would expand it.
func (e *cfgExpander) expand(text string) (string, bool) {
	return e.expandAt(text, 1)
}

func (e *cfgExpander) expandAt(text string, depth int) (string, bool) {
	if !strings.Contains(text, "%") {
		return text, true
	}
	// interpolationValid has checked the depth, and this guard only
	// keeps a cycle from recursing without end.
	if depth > maxCfgInterpolationDepth {
		return "", false
	}
	var b strings.Builder
	for text != "" {
		i := strings.IndexByte(text, '%')
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		key, n, ok := cfgReference(text[i:])
		if !ok {
			return "", false
		}
		text = text[i+n:]
		if n == 2 {
			b.WriteByte('%')
			continue
		}
		value, ok := e.expandKey(key, depth+1)
		if !ok {
			return "", false
		}
		b.WriteString(value)
		if e.size+b.Len() > maxCfgExpansion {
			return "", false
		}
	}
	e.size += b.Len()
	return b.String(), e.size <= maxCfgExpansion
}

// expandKey returns the expanded value of key, read at depth depth.
func (e *cfgExpander) expandKey(key string, depth int) (string, bool) {
	if s, ok := e.expanded[key]; ok {
		return s, true
	}
	v := e.file.lookup(e.section, key)
	if v == nil {
		return "", false
	}
	s, ok := e.expandAt(v.text(), depth)
	if ok {
		e.expanded[key] = s
	}
	return s, ok
}
