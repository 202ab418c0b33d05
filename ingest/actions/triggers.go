package actions

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// trigger is one event of a workflow's on: key, with the ref filters that
// decide which refs a push run can have.
type trigger struct {
	Event string
	// Branches and Tags are the positive patterns of the filters.
	// BranchesSet and TagsSet record whether a branch or tag filter
	// (listing or ignoring) is present at all.
	Branches, Tags       []string
	BranchesSet, TagsSet bool
	BranchesAny, TagsAny bool // an ignore filter or only negated patterns
}

// readTriggers reads the on: key in any of its forms: an event name, a list
// of names, or a mapping from name to configuration. Events are returned in
// name order.
func readTriggers(n *yaml.Node) []trigger {
	byName := map[string]*trigger{}
	add := func(name string) *trigger {
		if t, ok := byName[name]; ok {
			return t
		}
		t := &trigger{Event: name}
		byName[name] = t
		return t
	}
	switch {
	case isMap(n):
		for _, p := range pairs(n) {
			t := add(p.key.Value)
			if t.Event == "push" {
				readRefFilters(t, p.val)
			}
		}
	default:
		for _, name := range stringList(n) {
			add(name)
		}
	}
	out := make([]trigger, 0, len(byName))
	for _, t := range byName {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Event < out[j].Event })
	return out
}

// readRefFilters reads the branches, branches-ignore, tags and tags-ignore
// filters of a push event.
func readRefFilters(t *trigger, cfg *yaml.Node) {
	for _, p := range pairs(cfg) {
		switch p.key.Value {
		case "branches":
			t.BranchesSet = true
			pos := positive(stringList(p.val))
			t.Branches = append(t.Branches, pos...)
			if len(pos) == 0 {
				t.BranchesAny = true
			}
		case "branches-ignore":
			t.BranchesSet = true
			t.BranchesAny = true
		case "tags":
			t.TagsSet = true
			pos := positive(stringList(p.val))
			t.Tags = append(t.Tags, pos...)
			if len(pos) == 0 {
				t.TagsAny = true
			}
		case "tags-ignore":
			t.TagsSet = true
			t.TagsAny = true
		}
	}
}

// positive drops negated (!pattern) filter entries.
func positive(patterns []string) []string {
	var out []string
	for _, p := range patterns {
		if p != "" && !strings.HasPrefix(p, "!") {
			out = append(out, p)
		}
	}
	return out
}

// hasWildcard reports whether a branch or tag filter is a pattern rather
// than one name.
func hasWildcard(p string) bool {
	return strings.ContainsAny(p, "*?+[]")
}

// subjects is the set of OIDC sub claims a job's tokens can carry.
type subjects struct {
	Subs     []string
	Wildcard bool // some entries are patterns over branch, tag or environment names
	AnyRef   bool // some run can be on any ref: the entry is repo:OWNER/REPO:ref:*
}

// oidcSubjects derives the sub claims of a job under GitHub's default
// subject format. A job bound to an environment always gets the
// environment subject. Otherwise pull requests get the pull_request
// subject, pushes one subject per ref they can run on, and every other
// event a ref that the workflow file does not fix.
//
// NOTE: pull_request_target is given the pull_request subject. A run
// called through workflow_call carries the caller's repository in its
// subject, which this file cannot show.
func oidcSubjects(repo, env string, envDynamic bool, triggers []trigger) subjects {
	var s subjects
	prefix := "repo:" + repo + ":"
	add := func(sub string) { s.Subs = append(s.Subs, sub) }
	anyRef := func() {
		add(prefix + "ref:*")
		s.AnyRef = true
	}

	switch {
	case envDynamic:
		add(prefix + "environment:*")
		s.Wildcard = true
	case env != "":
		add(prefix + "environment:" + env)
	default:
		for _, t := range triggers {
			switch t.Event {
			case "pull_request", "pull_request_target":
				add(prefix + "pull_request")
			case "push":
				s.addPushRefs(prefix, t, anyRef)
			default:
				anyRef()
			}
		}
	}
	s.Subs = dedupSorted(s.Subs)
	return s
}

// addPushRefs adds the ref subjects of a push event. A push filtered only
// by branches never runs for tags, and the reverse. With no ref filter it
// runs for any ref.
func (s *subjects) addPushRefs(prefix string, t trigger, anyRef func()) {
	if !t.BranchesSet && !t.TagsSet {
		anyRef()
		return
	}
	refs := func(kind string, patterns []string, any bool) {
		if any {
			s.Subs = append(s.Subs, prefix+"ref:refs/"+kind+"/*")
			s.Wildcard = true
		}
		for _, p := range patterns {
			s.Subs = append(s.Subs, prefix+"ref:refs/"+kind+"/"+p)
			if hasWildcard(p) {
				s.Wildcard = true
			}
		}
	}
	if t.BranchesSet {
		refs("heads", t.Branches, t.BranchesAny)
	}
	if t.TagsSet {
		refs("tags", t.Tags, t.TagsAny)
	}
}

func dedupSorted(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for _, s := range in {
		if len(out) == 0 || s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}
