package gitlab

import (
	"go.yaml.in/yaml/v3"
)

// kind is the shape of a value.
type kind uint8

const (
	kindNull kind = iota
	kindScalar
	kindMap
	kindSeq
)

// value is one YAML value with where it was written. Values are never
// changed once built: merging builds new maps that share the old values,
// so a template merged into many jobs is stored once.
type value struct {
	kind kind
	str  string // scalar text
	tag  string // YAML tag, where !reference marks a reference to resolve
	keys []string
	vals []*value
	list []*value
	file string // path of the file, relative to the repository root
	line int
	// block is set for a literal block scalar (|), whose n-th line is
	// line+n of its file.
	block bool
	// owner is the top-level key the value was written under: a job, a
	// template, variables, default. It names literal credentials.
	owner string
}

// get returns the value under key in a map, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindMap {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// has reports whether a map has key.
func (v *value) has(key string) bool {
	if v == nil || v.kind != kindMap {
		return false
	}
	for _, k := range v.keys {
		if k == key {
			return true
		}
	}
	return false
}

// scalar returns the text of a scalar, and whether v is one.
func (v *value) scalar() (string, bool) {
	if v == nil || v.kind != kindScalar {
		return "", false
	}
	return v.str, true
}

// text returns the text of a scalar or "".
func (v *value) text() string {
	s, _ := v.scalar()
	return s
}

func (v *value) isMap() bool { return v != nil && v.kind == kindMap }
func (v *value) isSeq() bool { return v != nil && v.kind == kindSeq }

// items returns the elements of a sequence, or nil.
func (v *value) items() []*value {
	if v == nil || v.kind != kindSeq {
		return nil
	}
	return v.list
}

// strings reads a scalar or a sequence of scalars, flattening nested
// sequences as GitLab does for script lines and !reference results.
func (v *value) strings() []string {
	var out []string
	var walk func(v *value, depth int)
	walk = func(v *value, depth int) {
		switch {
		case v == nil || depth > maxFlatten:
		case v.kind == kindScalar:
			out = append(out, v.str)
		case v.kind == kindSeq:
			for _, it := range v.list {
				walk(it, depth+1)
			}
		}
	}
	walk(v, 0)
	return out
}

// scalars is like strings but keeps each line's value, for positions.
func (v *value) scalars() []*value {
	var out []*value
	var walk func(v *value, depth int)
	walk = func(v *value, depth int) {
		switch {
		case v == nil || depth > maxFlatten:
		case v.kind == kindScalar:
			out = append(out, v)
		case v.kind == kindSeq:
			for _, it := range v.list {
				walk(it, depth+1)
			}
		}
	}
	walk(v, 0)
	return out
}

// mappings returns the mappings among the items of a sequence, nested
// sequences flattened as scalars does.
func (v *value) mappings() []*value {
	var out []*value
	var walk func(v *value, depth int)
	walk = func(v *value, depth int) {
		switch {
		case v == nil || depth > maxFlatten:
		case v.kind == kindMap && depth > 0:
			out = append(out, v)
		case v.kind == kindSeq:
			for _, it := range v.list {
				walk(it, depth+1)
			}
		}
	}
	walk(v, 0)
	return out
}

// maxFlatten is the nesting depth up to which sequences are flattened,
// the ten levels GitLab allows.
const maxFlatten = 10

// merge deep-merges over onto base as GitLab merges included files and
// extends: mappings are merged key by key, anything else is replaced. The
// result keeps base's position, so a job keeps the place it was first
// written.
func merge(base, over *value, depth int) *value {
	if base == nil || over == nil || base.kind != kindMap || over.kind != kindMap || depth > maxMergeDepth {
		if over == nil {
			return base
		}
		return over
	}
	out := &value{kind: kindMap, file: base.file, line: base.line, owner: base.owner, tag: base.tag}
	out.keys = append(out.keys, base.keys...)
	out.vals = append(out.vals, base.vals...)
	for i, k := range over.keys {
		found := false
		for j, bk := range out.keys {
			if bk == k {
				out.vals[j] = merge(out.vals[j], over.vals[i], depth+1)
				found = true
				break
			}
		}
		if !found {
			out.keys = append(out.keys, k)
			out.vals = append(out.vals, over.vals[i])
		}
	}
	return out
}

// maxMergeDepth bounds how deep merge descends.
const maxMergeDepth = 64

// without returns a copy of a map without the given keys.
func (v *value) without(keys ...string) *value {
	if v == nil || v.kind != kindMap {
		return v
	}
	out := &value{kind: kindMap, file: v.file, line: v.line, owner: v.owner}
	for i, k := range v.keys {
		drop := false
		for _, d := range keys {
			if k == d {
				drop = true
			}
		}
		if !drop {
			out.keys = append(out.keys, k)
			out.vals = append(out.vals, v.vals[i])
		}
	}
	return out
}

// with returns a copy of a map with key set to val.
func (v *value) with(key string, val *value) *value {
	out := v.without(key)
	if out == nil || out.kind != kindMap {
		out = &value{kind: kindMap}
	}
	out.keys = append(out.keys, key)
	out.vals = append(out.vals, val)
	return out
}

// yamlReader turns a yaml.Node tree into values, following aliases and
// merge keys. Each yaml node is converted once, so aliases share values
// and a file of anchors cannot grow the tree beyond its node count, which
// budget bounds.
type yamlReader struct {
	file   string
	memo   map[*yaml.Node]*value
	budget *int
	over   bool // the budget ran out
}

// maxValues bounds the values built for one pipeline.
const maxValues = 2_000_000

// maxDepth bounds how deeply nested a file may be.
const maxDepth = 128

func (c *yamlReader) convert(n *yaml.Node, owner string, depth int) *value {
	if n == nil {
		return nil
	}
	for i := 0; n.Kind == yaml.AliasNode; i++ {
		if n.Alias == nil || i > 16 {
			return nil
		}
		n = n.Alias
	}
	if v, ok := c.memo[n]; ok {
		return v
	}
	if depth > maxDepth || *c.budget <= 0 {
		c.over = true
		return nil
	}
	*c.budget--
	v := &value{file: c.file, line: n.Line, owner: owner, tag: n.Tag}
	c.memo[n] = v // set before descending, so a cycle ends at this node
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return v
		}
		return c.convert(n.Content[0], owner, depth+1)
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			v.kind = kindNull
		} else {
			v.kind = kindScalar
			v.str = n.Value
			v.block = n.Style&yaml.LiteralStyle != 0
		}
	case yaml.SequenceNode:
		v.kind = kindSeq
		for _, it := range n.Content {
			if cv := c.convert(it, owner, depth+1); cv != nil {
				v.list = append(v.list, cv)
			} else {
				v.list = append(v.list, &value{file: c.file, line: it.Line, owner: owner})
			}
		}
	case yaml.MappingNode:
		v.kind = kindMap
		c.convertMap(v, n, owner, depth)
	}
	return v
}

// convertMap fills a map value. Merge keys (<<) bring in the entries of
// the mappings they name. Keys written in the map itself win, and of two
// merged mappings the first wins, as YAML specifies.
func (c *yamlReader) convertMap(v *value, n *yaml.Node, owner string, depth int) {
	set := func(k string, val *value, override bool) {
		for i, have := range v.keys {
			if have == k {
				if override {
					v.vals[i] = val
				}
				return
			}
		}
		v.keys = append(v.keys, k)
		v.vals = append(v.vals, val)
	}
	var merges []*value
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind == yaml.AliasNode && kn.Alias != nil {
			kn = kn.Alias
		}
		if kn.Kind != yaml.ScalarNode {
			continue
		}
		if kn.Tag == "!!merge" || (kn.Value == "<<" && kn.Style == 0) {
			mv := c.convert(vn, owner, depth+1)
			if mv.isMap() {
				merges = append(merges, mv)
			}
			for _, it := range mv.items() {
				if it.isMap() {
					merges = append(merges, it)
				}
			}
			continue
		}
		childOwner := owner
		if depth == 0 {
			childOwner = kn.Value
		}
		cv := c.convert(vn, childOwner, depth+1)
		if cv == nil {
			cv = &value{file: c.file, line: vn.Line, owner: childOwner}
		}
		if depth == 0 {
			// A top-level entry is placed at its key and owned by it, even
			// when its value is an alias of another entry's.
			top := *cv
			top.line, top.owner = kn.Line, kn.Value
			cv = &top
		}
		set(kn.Value, cv, true)
	}
	for _, m := range merges {
		for i, k := range m.keys {
			set(k, m.vals[i], false)
		}
	}
}
