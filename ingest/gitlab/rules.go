package gitlab

import (
	"regexp"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"
)

// The file does not show which pipeline will run a job, so the job's rules:,
// only: and except: and the workflow's rules are evaluated against every
// kind of run the file could meet: each pipeline source, on a branch or a
// tag, protected or not. A run is named by its ref: a name the rules
// compare with, a name matching a regular expression the rules test, the
// default branch, or some other name. Conditions that depend on anything
// else (project variables, changed files) are undecided, and an undecided
// run counts as one that may happen.

// tri is a truth value with a third state for undecided.
type tri int8

const (
	no tri = iota
	maybe
	yes
)

func (a tri) not() tri { return 2 - a }

func (a tri) and(b tri) tri { return min(a, b) }

func (a tri) or(b tri) tri { return max(a, b) }

// pipelineSources are the values of CI_PIPELINE_SOURCE.
var pipelineSources = []string{
	"api", "chat", "external", "external_pull_request_event", "merge_request_event",
	"ondemand_dast_scan", "ondemand_dast_validation", "parent_pipeline", "pipeline",
	"push", "schedule", "security_orchestration_policy", "trigger", "web", "webide",
}

const sourceMR = "merge_request_event"

// refKind is what is known of a run's ref name.
type refKind uint8

const (
	refLiteral refKind = iota // a name the rules compare with
	refPattern                // a name matching one of the rules' regular expressions
	refOther                  // any name the rules neither name nor match
)

// scenario is one kind of run.
type scenario struct {
	source    string
	tag       bool
	kind      refKind
	lit       string // refLiteral
	pat       int    // refPattern: index into the job's patterns
	isDefault bool   // the ref is the default branch
	protected bool
}

// pattern is a regular expression a job's conditions test the ref with.
type pattern struct {
	text string
	re   *regexp.Regexp
	glob string // glob of the names it matches, or "*" when unknown
}

// runSet is what the analysis of one job finds.
type runSet struct {
	runs      []scenario // the runs that may happen
	certain   bool       // some run surely happens
	patterns  []pattern
	sources   []string // sorted pipeline sources of the runs
	protected string   // true, false or possible: whether runs are on protected refs
}

// conditions is a job's parsed conditions and the workflow's.
type conditions struct {
	workflow *ruleList // nil: no workflow rules
	// include lists the rules: of the include entries that bring in the
	// file the job is written in. Each must let the run include it.
	include []*ruleList
	rules   *ruleList // nil: the job uses only/except or nothing
	only    *refFilter
	except  *refFilter
}

// ruleList is a list of rules. The first rule that matches decides.
type ruleList struct {
	rules []rule
}

type rule struct {
	cond  *expr // nil: no if:, or an if: that does not parse (undecided)
	bad   bool  // the if: did not parse
	other bool  // changes: or exists:, which the file cannot decide
	never bool  // when: never
}

// refFilter is an only: or except: value.
type refFilter struct {
	refs    []string // nil: the default for only (branches and tags)
	hasRefs bool
	vars    []*expr
	hasVars bool
	badVars bool
	other   bool // changes: or kubernetes:
}

// parseRules reads a rules: list. Entries nested by !reference are
// flattened.
func parseRules(v *value) *ruleList {
	rl := &ruleList{}
	var walk func(v *value, depth int)
	walk = func(v *value, depth int) {
		if depth > maxFlatten {
			return
		}
		for _, it := range v.items() {
			if it.isSeq() {
				walk(it, depth+1)
				continue
			}
			if !it.isMap() {
				continue
			}
			var r rule
			if s, ok := it.get("if").scalar(); ok {
				e, err := parseExpr(s)
				if err != nil {
					r.bad = true
				} else {
					r.cond = e
				}
			} else if it.has("if") {
				r.bad = true
			}
			r.other = it.has("changes") || it.has("exists")
			r.never = it.get("when").text() == "never"
			rl.rules = append(rl.rules, r)
		}
	}
	walk(v, 0)
	return rl
}

// parseFilter reads an only: or except: value: a list of refs, or a map
// of refs, variables, changes and kubernetes.
func parseFilter(v *value) *refFilter {
	if v == nil || v.kind == kindNull {
		return nil
	}
	f := &refFilter{}
	if !v.isMap() {
		f.refs, f.hasRefs = v.strings(), true
	} else {
		if r := v.get("refs"); r != nil {
			f.refs, f.hasRefs = r.strings(), true
		}
		if vs := v.get("variables"); vs != nil {
			f.hasVars = true
			for _, s := range vs.strings() {
				e, err := parseExpr(s)
				if err != nil {
					f.badVars = true
					continue
				}
				f.vars = append(f.vars, e)
			}
		}
		f.other = v.has("changes") || v.has("kubernetes")
	}
	return f
}

// refVars are the variables whose value is the run's ref name.
var refVars = map[string]bool{
	"CI_COMMIT_BRANCH": true, "CI_COMMIT_TAG": true, "CI_COMMIT_REF_NAME": true,
	"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": true,
}

// analyse works out the runs a job can have.
func analyse(c conditions) runSet {
	lits, pats := c.refTerms()
	var rs runSet
	rs.patterns = pats
	for _, sc := range scenarios(lits, pats) {
		r := c.workflowAllows(sc, pats).and(c.jobAllows(sc, pats))
		for _, rl := range c.include {
			r = r.and(rl.eval(sc, pats))
		}
		if r == no {
			continue
		}
		if r == yes {
			rs.certain = true
		}
		rs.runs = append(rs.runs, sc)
	}
	seen := map[string]bool{}
	prot, unprot := false, false
	for _, sc := range rs.runs {
		if !seen[sc.source] {
			seen[sc.source] = true
			rs.sources = append(rs.sources, sc.source)
		}
		if sc.protected {
			prot = true
		} else {
			unprot = true
		}
	}
	sort.Strings(rs.sources)
	switch {
	case prot && unprot:
		rs.protected = "possible"
	case prot:
		rs.protected = "true"
	case unprot:
		rs.protected = "false"
	}
	return rs
}

// refTerms collects the ref names and regular expressions the conditions
// test the ref with.
func (c conditions) refTerms() ([]string, []pattern) {
	litSet := map[string]bool{}
	patSet := map[string]bool{}
	var lits []string
	var pats []pattern
	addLit := func(s string) {
		if s != "" && !litSet[s] && len(lits) < 32 {
			litSet[s] = true
			lits = append(lits, s)
		}
	}
	addPat := func(text string, re *regexp.Regexp) {
		if re == nil || patSet[text] || len(pats) >= 32 {
			return
		}
		patSet[text] = true
		pats = append(pats, pattern{text: text, re: re, glob: ciscan.RegexGlob(re.String())})
	}
	visit := func(e *expr) {
		e.walk(func(n *expr) {
			if n.op < opEq || n.op > opNoMatch || n.l == nil || n.r == nil {
				return
			}
			for _, pair := range [][2]*expr{{n.l, n.r}, {n.r, n.l}} {
				v, o := pair[0], pair[1]
				if v.op != opVar || !refVars[v.name] {
					continue
				}
				switch {
				case o.op == opString && (n.op == opEq || n.op == opNe):
					addLit(o.text)
				case o.op == opRegex && (n.op == opMatch || n.op == opNoMatch):
					addPat(o.text, o.re)
				}
			}
		})
	}
	for _, rl := range append([]*ruleList{c.workflow, c.rules}, c.include...) {
		if rl == nil {
			continue
		}
		for _, r := range rl.rules {
			visit(r.cond)
		}
	}
	for _, f := range []*refFilter{c.only, c.except} {
		if f == nil {
			continue
		}
		for _, e := range f.vars {
			visit(e)
		}
		for _, r := range f.refs {
			if text, re, ok := filterRegex(r); ok {
				addPat(text, re)
			} else if !filterKeyword[r] {
				name, _, _ := strings.Cut(r, "@")
				addLit(name)
			}
		}
	}
	return lits, pats
}

// filterRegex reads a /pattern/ entry of only: or except: refs.
func filterRegex(s string) (string, *regexp.Regexp, bool) {
	if len(s) < 2 || s[0] != '/' {
		return "", nil, false
	}
	end := strings.LastIndexByte(s, '/')
	if end <= 0 {
		return "", nil, false
	}
	re := compileRegex(s[1:end], s[end+1:])
	return s[1:end], re, re != nil
}

// filterKeyword lists the keywords of only: and except: refs.
var filterKeyword = map[string]bool{
	"api": true, "branches": true, "chat": true, "external": true, "external_pull_requests": true,
	"merge_requests": true, "pipelines": true, "pushes": true, "schedules": true, "tags": true,
	"triggers": true, "web": true,
}

// scenarios lists every kind of run for the given ref names and patterns.
func scenarios(lits []string, pats []pattern) []scenario {
	type ref struct {
		kind refKind
		lit  string
		pat  int
	}
	var refs []ref
	for _, l := range lits {
		refs = append(refs, ref{kind: refLiteral, lit: l})
	}
	for i := range pats {
		refs = append(refs, ref{kind: refPattern, pat: i})
	}
	refs = append(refs, ref{kind: refOther})

	var out []scenario
	for _, src := range pipelineSources {
		for _, r := range refs {
			base := scenario{source: src, kind: r.kind, lit: r.lit, pat: r.pat}
			if src == sourceMR {
				// A merge request pipeline runs on its source branch and
				// is not protected.
				out = append(out, base)
				continue
			}
			for _, prot := range []bool{false, true} {
				b := base
				b.protected = prot
				out = append(out, b) // a branch that is not the default
				if r.kind != refPattern {
					d := b
					d.isDefault = true
					out = append(out, d)
				}
				t := b
				t.tag = true
				out = append(out, t)
			}
		}
	}
	return out
}

func (c conditions) workflowAllows(sc scenario, pats []pattern) tri {
	if c.workflow == nil {
		return yes
	}
	return c.workflow.eval(sc, pats)
}

func (c conditions) jobAllows(sc scenario, pats []pattern) tri {
	if c.rules != nil {
		return c.rules.eval(sc, pats)
	}
	only := c.only
	if only == nil {
		only = &refFilter{refs: []string{"branches", "tags"}, hasRefs: true}
	}
	in := only.eval(sc, pats, true)
	if c.except != nil {
		in = in.and(c.except.eval(sc, pats, false).not())
	}
	return in
}

// eval applies the first matching rule: the job runs unless that rule
// says when: never, and does not run when no rule matches.
func (rl *ruleList) eval(sc scenario, pats []pattern) tri {
	result, reach := no, yes
	for _, r := range rl.rules {
		m := yes
		switch {
		case r.bad:
			m = maybe
		case r.cond != nil:
			m = evalExpr(r.cond, sc, pats)
		}
		if r.other {
			m = m.and(maybe)
		}
		if !r.never {
			result = result.or(reach.and(m))
		}
		reach = reach.and(m.not())
		if reach == no {
			break
		}
	}
	return result
}

// eval matches a filter. Every key given (refs, variables, changes) must
// match, and only: without refs means branches and tags.
func (f *refFilter) eval(sc scenario, pats []pattern, isOnly bool) tri {
	res := yes
	refs := f.refs
	if !f.hasRefs && isOnly {
		refs = []string{"branches", "tags"}
	}
	if f.hasRefs || isOnly {
		m := no
		for _, r := range refs {
			m = m.or(refMatches(r, sc, pats))
		}
		res = res.and(m)
	}
	if f.hasVars {
		m := no
		if f.badVars {
			m = maybe
		}
		for _, e := range f.vars {
			m = m.or(evalExpr(e, sc, pats))
		}
		res = res.and(m)
	}
	if f.other {
		res = res.and(maybe)
	}
	return res
}

// refMatches matches one only:/except: refs entry.
func refMatches(r string, sc scenario, pats []pattern) tri {
	mr := sc.source == sourceMR
	switch r {
	case "branches":
		return boolTri(!sc.tag && !mr)
	case "tags":
		return boolTri(sc.tag)
	case "merge_requests":
		return boolTri(mr)
	case "pushes":
		return boolTri(sc.source == "push")
	case "schedules":
		return boolTri(sc.source == "schedule")
	case "triggers":
		return boolTri(sc.source == "trigger")
	case "pipelines":
		return boolTri(sc.source == "pipeline" || sc.source == "parent_pipeline")
	case "external_pull_requests":
		return boolTri(sc.source == "external_pull_request_event")
	}
	if filterKeyword[r] {
		return boolTri(sc.source == r)
	}
	if mr {
		return no
	}
	ref := refValue(sc)
	if _, re, ok := filterRegex(r); ok {
		return matchVal(ref, re, pats)
	}
	name, project, scoped := strings.Cut(r, "@")
	m := eqVal(ref, val{k: vStr, s: name})
	if scoped && project != "" {
		m = m.and(maybe)
	}
	return m
}

func boolTri(b bool) tri {
	if b {
		return yes
	}
	return no
}

// valKind is what is known of a variable's value in a run.
type valKind uint8

const (
	vNull    valKind = iota // not set
	vStr                    // a known string
	vPat                    // a name matching pattern pat
	vOther                  // a name that is no literal and matches no pattern
	vDefault                // the default branch's name, which is not the ref
	vSet                    // set, to a value the file does not show
	vAny                    // unknown, possibly not set
)

type val struct {
	k   valKind
	s   string
	pat int
	ref bool // the run's ref name itself
}

// refValue is the value of the run's ref name.
func refValue(sc scenario) val {
	switch sc.kind {
	case refLiteral:
		return val{k: vStr, s: sc.lit, ref: true}
	case refPattern:
		return val{k: vPat, pat: sc.pat, ref: true}
	}
	return val{k: vOther, ref: true}
}

// lookupVar gives the value of a predefined variable in a run. Variables
// the run does not fix are vAny.
func lookupVar(name string, sc scenario) val {
	mr := sc.source == sourceMR
	null := val{k: vNull}
	switch name {
	case "CI_PIPELINE_SOURCE":
		return val{k: vStr, s: sc.source}
	case "CI_COMMIT_REF_NAME":
		return refValue(sc)
	case "CI_COMMIT_BRANCH":
		if sc.tag || mr {
			return null
		}
		return refValue(sc)
	case "CI_COMMIT_TAG":
		if !sc.tag {
			return null
		}
		return refValue(sc)
	case "CI_DEFAULT_BRANCH":
		if sc.isDefault && !sc.tag {
			return refValue(sc)
		}
		return val{k: vDefault}
	case "CI_COMMIT_REF_PROTECTED":
		if sc.protected {
			return val{k: vStr, s: "true"}
		}
		return val{k: vStr, s: "false"}
	case "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME":
		if !mr {
			return null
		}
		return refValue(sc)
	case "CI_PIPELINE_TRIGGERED":
		if sc.source == "trigger" {
			return val{k: vStr, s: "true"}
		}
		return null
	case "CI_OPEN_MERGE_REQUESTS":
		switch {
		case mr:
			return val{k: vSet}
		case sc.tag:
			return null
		}
		return val{k: vAny}
	}
	switch {
	case strings.HasPrefix(name, "CI_MERGE_REQUEST_"):
		if !mr {
			return null
		}
		return val{k: vSet}
	case strings.HasPrefix(name, "CI_EXTERNAL_PULL_REQUEST_"):
		if sc.source != "external_pull_request_event" {
			return null
		}
		return val{k: vSet}
	case strings.HasPrefix(name, "CI_PROJECT_"), strings.HasPrefix(name, "CI_SERVER_"),
		strings.HasPrefix(name, "CI_JOB_"), strings.HasPrefix(name, "CI_PIPELINE_"),
		name == "CI_COMMIT_SHA", name == "CI_COMMIT_SHORT_SHA", name == "CI", name == "GITLAB_CI":
		return val{k: vSet}
	}
	return val{k: vAny}
}

// evalExpr evaluates an expression in a run.
func evalExpr(e *expr, sc scenario, pats []pattern) tri {
	switch e.op {
	case opAnd:
		return evalExpr(e.l, sc, pats).and(evalExpr(e.r, sc, pats))
	case opOr:
		return evalExpr(e.l, sc, pats).or(evalExpr(e.r, sc, pats))
	case opEq, opNe:
		r := eqVal(operandVal(e.l, sc), operandVal(e.r, sc))
		if e.op == opNe {
			r = r.not()
		}
		return r
	case opMatch, opNoMatch:
		var r tri
		switch {
		case e.r.op == opRegex && e.r.re != nil:
			r = matchVal(operandVal(e.l, sc), e.r.re, pats)
		case e.l.op == opRegex && e.l.re != nil:
			r = matchVal(operandVal(e.r, sc), e.l.re, pats)
		default:
			r = maybe
		}
		if e.op == opNoMatch {
			r = r.not()
		}
		return r
	}
	return truthy(operandVal(e, sc))
}

func operandVal(e *expr, sc scenario) val {
	switch e.op {
	case opVar:
		return lookupVar(e.name, sc)
	case opString:
		return val{k: vStr, s: e.text}
	case opNull:
		return val{k: vNull}
	}
	return val{k: vAny}
}

// eqVal compares two values.
func eqVal(a, b val) tri {
	switch {
	case a.k == vAny || b.k == vAny:
		return maybe
	case a.ref && b.ref:
		return yes
	case a.k == vNull || b.k == vNull:
		return boolTri(a.k == b.k)
	case a.k == vSet || b.k == vSet:
		return maybe
	case a.k == vDefault && b.k == vDefault:
		return yes
	case a.k == vDefault || b.k == vDefault:
		if a.ref || b.ref {
			return no // the run's ref is not the default branch
		}
		return maybe
	}
	if b.k == vStr {
		a, b = b, a
	}
	switch {
	case a.k == vStr && b.k == vStr:
		return boolTri(a.s == b.s)
	case a.k == vStr && b.k == vOther:
		return no
	case a.k == vStr && b.k == vPat:
		return maybe
	case a.k == vOther || b.k == vOther:
		return no
	}
	return maybe
}

// matchVal tests a value against a regular expression.
func matchVal(a val, re *regexp.Regexp, pats []pattern) tri {
	switch a.k {
	case vNull:
		return no
	case vStr:
		return boolTri(re.MatchString(a.s))
	case vOther:
		return no // it matches none of the job's patterns
	case vPat:
		if a.pat < len(pats) && pats[a.pat].re.String() == re.String() {
			return yes
		}
	}
	return maybe
}

func truthy(a val) tri {
	switch a.k {
	case vNull:
		return no
	case vStr:
		return boolTri(a.s != "")
	case vAny:
		return maybe
	}
	return yes
}
