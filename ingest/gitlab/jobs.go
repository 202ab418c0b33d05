package gitlab

import (
	"sort"
	"strings"
)

// globalKeywords are the top-level keys that are not jobs.
var globalKeywords = map[string]bool{
	"default": true, "include": true, "stages": true, "variables": true, "workflow": true,
	"image": true, "services": true, "cache": true, "before_script": true, "after_script": true,
	"types": true, "spec": true,
}

// defaultKeywords are the keys default: gives to jobs that do not set
// them. The top-level image, services, cache, before_script and
// after_script are the older spelling of the same defaults.
var defaultKeywords = []string{
	"after_script", "artifacts", "before_script", "cache", "hooks", "id_tokens", "identity",
	"image", "interruptible", "retry", "services", "tags", "timeout",
}

// maxExtends is how many levels of extends GitLab follows.
const maxExtends = 11

// jobNames lists the jobs of the merged configuration in file order:
// top-level keys that are not keywords, not hidden (.name) and hold a
// mapping.
func (p *pipeline) jobNames() []string {
	var out []string
	for i, k := range p.config.keys {
		if globalKeywords[k] || strings.HasPrefix(k, ".") {
			continue
		}
		if p.config.vals[i].isMap() {
			out = append(out, k)
		}
	}
	return out
}

// resolved is one job with extends, default: and !reference applied.
type resolved struct {
	name    string
	raw     *value   // the job as written (merged across files)
	v       *value   // the job as it runs
	extends []string // templates applied, in the order they are merged
	missing []string // templates and references the input does not hold
}

// resolve works out what a job runs with.
func (p *pipeline) resolve(name string) *resolved {
	raw := p.config.get(name)
	r := &resolved{name: name, raw: raw}
	ext := p.extend(raw, 0, []string{name})
	r.extends, r.missing = ext.applied, ext.missing
	v := p.applyDefaults(ext.v)
	ref := p.resolveRefs(v, 0)
	r.v = ref.v
	r.missing = append(r.missing, ref.missing...)
	return r
}

// expansion is a value with its templates or references applied, and the
// names the input does not hold.
type expansion struct {
	v       *value
	applied []string
	missing []string
}

// extend merges the templates a value extends under it, as GitLab does:
// mappings deep-merged, everything else replaced, later templates and
// then the value itself winning.
func (p *pipeline) extend(v *value, depth int, stack []string) expansion {
	names := v.get("extends").strings()
	if len(names) == 0 {
		return expansion{v: v}
	}
	if depth >= maxExtends {
		p.warn(v.file, v.line, "extends nested deeper than %d levels; the rest is not applied", maxExtends)
		return expansion{v: v.without("extends")}
	}
	var out expansion
	var base *value
	for _, n := range names {
		t := p.config.get(n)
		if t == nil {
			out.missing = append(out.missing, n)
			continue
		}
		if contains(stack, n) {
			p.warn(v.file, v.line, "extends forms a cycle; the repeated template is not applied")
			continue
		}
		te, ok := p.extended[n]
		if !ok {
			te = p.extend(t, depth+1, append(stack, n))
			p.extended[n] = te
		}
		out.applied = append(out.applied, n)
		out.applied = append(out.applied, te.applied...)
		out.missing = append(out.missing, te.missing...)
		base = merge(base, te.v, 0)
	}
	out.v = merge(base, v.without("extends"), 0)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// applyDefaults gives the job the default: keys it does not set, as far
// as its inherit:default allows.
func (p *pipeline) applyDefaults(v *value) *value {
	allow := inheritList(v.get("inherit").get("default"))
	defaults := map[string]*value{}
	for _, k := range []string{"image", "services", "cache", "before_script", "after_script"} {
		if g := p.config.get(k); g != nil {
			defaults[k] = g
		}
	}
	d := p.config.get("default")
	for i, k := range d.keysOf() {
		defaults[k] = d.vals[i]
	}
	for _, k := range defaultKeywords {
		dv, ok := defaults[k]
		if !ok || v.has(k) || !allow(k) {
			continue
		}
		v = v.with(k, dv)
	}
	return v
}

// keysOf returns a map's keys, or nil.
func (v *value) keysOf() []string {
	if v == nil || v.kind != kindMap {
		return nil
	}
	return v.keys
}

// inheritList reads inherit:default or inherit:variables: true (or
// absent) allows every key, false none, a list only those named.
func inheritList(v *value) func(string) bool {
	if s, ok := v.scalar(); ok {
		return func(string) bool { return s != "false" }
	}
	if v.isSeq() {
		names := v.strings()
		return func(k string) bool { return contains(names, k) }
	}
	return func(string) bool { return true }
}

// resolveRefs replaces each !reference [key, ...] under v by the value it
// names in the merged configuration. A reference the input cannot
// resolve becomes null and is recorded as missing.
func (p *pipeline) resolveRefs(v *value, depth int) expansion {
	if v == nil || depth > maxFlatten*4 {
		return expansion{v: v}
	}
	if out, ok := p.resolved[v]; ok {
		return out
	}
	p.resolved[v] = expansion{v: v} // a reference cycle ends here
	out := expansion{v: v}
	switch {
	case v.tag == "!reference" && v.isSeq():
		keys := v.strings()
		target := p.config
		for _, k := range keys {
			target = target.get(k)
		}
		if target == nil || len(keys) == 0 {
			out.v = &value{kind: kindNull, file: v.file, line: v.line, owner: v.owner}
			if len(keys) > 0 {
				out.missing = []string{keys[0]}
			}
			break
		}
		out = p.resolveRefs(target, depth+1)
	case v.isMap() || v.isSeq():
		children := v.vals
		if v.isSeq() {
			children = v.list
		}
		var changed []*value
		for i, c := range children {
			rc := p.resolveRefs(c, depth+1)
			out.missing = append(out.missing, rc.missing...)
			if rc.v != c && changed == nil {
				changed = append([]*value(nil), children...)
			}
			if changed != nil {
				changed[i] = rc.v
			}
		}
		if changed != nil {
			cp := *v
			if v.isSeq() {
				cp.list = changed
			} else {
				cp.vals = changed
			}
			out.v = &cp
		}
	}
	p.resolved[v] = out
	return out
}

// variable is one CI/CD variable the file sets for a job.
type variable struct {
	name  string
	value string // literal value, or "" for a mapping without value:
	v     *value // where it is written
	raw   bool   // expand: false
}

// variables returns the variables the file sets for a job: the global
// ones its inherit:variables allows, overridden by its own.
func (p *pipeline) variables(job *value) map[string]variable {
	out := map[string]variable{}
	allow := inheritList(job.get("inherit").get("variables"))
	global := p.config.get("variables")
	for i, k := range global.keysOf() {
		if allow(k) {
			out[k] = readVariable(k, global.vals[i])
		}
	}
	jv := job.get("variables")
	for i, k := range jv.keysOf() {
		out[k] = readVariable(k, jv.vals[i])
	}
	return out
}

func readVariable(name string, v *value) variable {
	vr := variable{name: name, v: v}
	if s, ok := v.scalar(); ok {
		vr.value = s
		return vr
	}
	if v.isMap() {
		vr.value = v.get("value").text()
		vr.raw = v.get("expand").text() == "false"
		if vv := v.get("value"); vv != nil {
			vr.v = vv
		}
	}
	return vr
}

// sortedKeys returns the keys of a map of variables in order.
func sortedKeys(m map[string]variable) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
