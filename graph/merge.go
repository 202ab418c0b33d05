package graph

import (
	"maps"
	"time"
	"unsafe"
)

// NodeFact is one source's assertion about a node. Stores keep a node's
// facts sorted by Source and show readers the result of MergeNode.
type NodeFact struct {
	Source string
	Pos    Pos
	Kind   NodeKind
	Label  string            `json:",omitempty"`
	Attrs  map[string]string `json:",omitempty"`
}

// EdgeFact is one source's assertion about an edge.
type EdgeFact struct {
	Source     string
	Pos        Pos
	Confidence Confidence
	Attrs      map[string]string `json:",omitempty"`
	Evidence   *Evidence         `json:",omitempty"`
}

// NodeRecord is a node as a store keeps it: every source's fact, sorted by
// source, and when the node was first and last seen.
type NodeRecord struct {
	ID          string
	Facts       []NodeFact
	First, Last time.Time
}

// EdgeRecord is an edge as a store keeps it.
type EdgeRecord struct {
	Key         EdgeKey
	Facts       []EdgeFact
	First, Last time.Time
}

// MergeAttrs returns a new map with base's entries and add's entries for
// keys base lacks, or nil when both are empty.
func MergeAttrs(base, add map[string]string) map[string]string {
	if len(base) == 0 && len(add) == 0 {
		return nil
	}
	out := make(map[string]string, len(base)+len(add))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range add {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// MergeSameSourceAttrs returns the attributes of a node that one source
// gives twice: those of MergeAttrs, with AttrDefinedAt from base alone,
// since the node keeps base's position.
func MergeSameSourceAttrs(base, add map[string]string) map[string]string {
	out := MergeAttrs(base, add)
	if _, ok := base[AttrDefinedAt]; !ok && out != nil {
		delete(out, AttrDefinedAt)
	}
	return out
}

// MergeNode merges facts sorted by source. The first source's position,
// kind and label win, the others' positions follow in Also, and each
// attribute comes from the first source that sets it, except AttrObserved
// (see DropObservedUnlessAll) and AttrDefinedAt, which only the first
// source's fact gives. When sources give different attributes, the
// result's Facts is facts itself, so callers pass a slice they do not
// change later.
func MergeNode(id string, facts []NodeFact, first, last time.Time) Node {
	n := Node{ID: id, FirstSeen: first, LastSeen: last}
	differ := false
	if len(facts) > 1 {
		n.Also = make([]Pos, 0, len(facts)-1)
	}
	for i, f := range facts {
		if i > 0 && !differ && !sameMap(f.Attrs, facts[i-1].Attrs) && !maps.Equal(f.Attrs, facts[i-1].Attrs) {
			differ = true
		}
		if i == 0 {
			n.Pos = f.Pos
		} else {
			n.Also = append(n.Also, f.Pos)
		}
		if n.Kind == "" {
			n.Kind = f.Kind
		}
		if n.Label == "" {
			n.Label = f.Label
		}
		if i == 0 || !sameMap(f.Attrs, facts[i-1].Attrs) {
			n.Attrs = addMissing(n.Attrs, f.Attrs)
		}
	}
	if len(facts) > 1 {
		attrs := make([]map[string]string, len(facts))
		for i, f := range facts {
			attrs[i] = f.Attrs
		}
		DropObservedUnlessAll(n.Attrs, attrs...)
		// AttrDefinedAt is read with the node's position, the module call
		// that gave it, so it comes from the first source alone.
		if _, ok := facts[0].Attrs[AttrDefinedAt]; !ok {
			delete(n.Attrs, AttrDefinedAt)
		}
	}
	if differ {
		n.Facts = facts
	}
	return n
}

// addMissing adds to merged the entries of add whose keys it lacks, and
// returns it. It makes merged when it is nil and add is not empty, so the
// result never shares a fact's map.
func addMissing(merged, add map[string]string) map[string]string {
	if len(add) == 0 {
		return merged
	}
	if merged == nil {
		merged = make(map[string]string, len(add))
		for k, v := range add {
			merged[k] = v
		}
		return merged
	}
	for k, v := range add {
		if _, ok := merged[k]; !ok {
			merged[k] = v
		}
	}
	return merged
}

// sameMap reports whether a and b are one map. Facts of one id from
// different files often share an interned map, whose entries a merge has
// then already added.
func sameMap(a, b map[string]string) bool {
	return a != nil && b != nil && *(*unsafe.Pointer)(unsafe.Pointer(&a)) == *(*unsafe.Pointer)(unsafe.Pointer(&b))
}

// MergeEdge merges facts sorted by source. The edge is certain when any
// source asserts it as certain, and carries the evidence of every source.
// A single source's evidence is shared with the result, so readers must
// not change it. When sources give different attributes, the result's
// Facts is facts itself, so callers pass a slice they do not change later,
// and readers must not change it either.
func MergeEdge(k EdgeKey, facts []EdgeFact, first, last time.Time) Edge {
	e := Edge{From: k.From, To: k.To, Kind: k.Kind, Confidence: Possible, FirstSeen: first, LastSeen: last}
	shared, differ := false, false
	if len(facts) > 1 {
		e.Also = make([]Pos, 0, len(facts)-1)
	}
	for i, f := range facts {
		if i > 0 && !differ && !sameMap(f.Attrs, facts[i-1].Attrs) && !maps.Equal(f.Attrs, facts[i-1].Attrs) {
			differ = true
		}
		if i == 0 {
			e.Pos = f.Pos
		} else {
			e.Also = append(e.Also, f.Pos)
		}
		if f.Confidence == Certain {
			e.Confidence = Certain
		}
		if i == 0 || !sameMap(f.Attrs, facts[i-1].Attrs) {
			e.Attrs = addMissing(e.Attrs, f.Attrs)
		}
		switch {
		case f.Evidence == nil:
		case e.Evidence == nil:
			e.Evidence = f.Evidence
			shared = true
		default:
			if shared {
				e.Evidence, shared = e.Evidence.Clone(), false
			}
			e.Evidence.Merge(f.Evidence)
		}
	}
	if differ {
		e.Facts = facts
	}
	return e
}
