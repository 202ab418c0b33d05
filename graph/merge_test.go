package graph

import (
	"maps"
	"testing"
	"time"
)

func TestMergeNodeSharedMaps(t *testing.T) {
	shared := map[string]string{"name": "left-pad", AttrObserved: "true"}
	own := map[string]string{"name": "other", "licence": "MIT"}
	facts := []NodeFact{
		{Source: "a/package-lock.json", Pos: Pos{File: "a/package-lock.json", Line: 3}, Kind: NodePackage, Label: "left-pad", Attrs: shared},
		{Source: "b/package-lock.json", Pos: Pos{File: "b/package-lock.json", Line: 7}, Kind: NodePackage, Attrs: shared},
		{Source: "c/package-lock.json", Pos: Pos{File: "c/package-lock.json", Line: 9}, Kind: NodePackage, Attrs: own},
		{Source: "d/package-lock.json", Pos: Pos{File: "d/package-lock.json", Line: 1}, Kind: NodePackage, Attrs: shared},
	}
	n := MergeNode("pkg:npm/left-pad@1.3.0", facts, time.Unix(10, 0), time.Unix(20, 0))

	// The first source sets name; licence comes from the third; observed
	// is dropped because the third fact does not say it.
	want := map[string]string{"name": "left-pad", "licence": "MIT"}
	if !maps.Equal(n.Attrs, want) {
		t.Errorf("attrs = %v, want %v", n.Attrs, want)
	}
	if n.Pos.Line != 3 || len(n.Also) != 3 || n.Also[0].Line != 7 || n.Also[2].Line != 1 {
		t.Errorf("positions = %v then %v", n.Pos, n.Also)
	}
	// The merged map is the node's own: changing it leaves the facts as
	// they were.
	n.Attrs["name"] = "changed"
	if shared["name"] != "left-pad" || shared[AttrObserved] != "true" || own["name"] != "other" {
		t.Errorf("a fact's map changed: %v, %v", shared, own)
	}
}

func TestMergeEdgeSharedMaps(t *testing.T) {
	shared := map[string]string{"lockfile": "package-lock.json"}
	facts := []EdgeFact{
		{Source: "a", Pos: Pos{File: "a", Line: 1}, Confidence: Possible, Attrs: shared},
		{Source: "b", Pos: Pos{File: "b", Line: 2}, Confidence: Certain, Attrs: shared},
	}
	e := MergeEdge(EdgeKey{From: "x", To: "y", Kind: EdgeLocks}, facts, time.Unix(1, 0), time.Unix(2, 0))
	if e.Confidence != Certain || len(e.Also) != 1 || e.Also[0].Line != 2 {
		t.Errorf("edge = %+v", e)
	}
	if !maps.Equal(e.Attrs, shared) {
		t.Errorf("attrs = %v, want %v", e.Attrs, shared)
	}
	e.Attrs["lockfile"] = "changed"
	if shared["lockfile"] != "package-lock.json" {
		t.Errorf("a fact's map changed: %v", shared)
	}

	none := MergeEdge(EdgeKey{From: "x", To: "y", Kind: EdgeLocks}, []EdgeFact{{Source: "a"}, {Source: "b"}}, time.Time{}, time.Time{})
	if none.Attrs != nil {
		t.Errorf("facts without attributes merged to %v, want nil", none.Attrs)
	}
}

func TestMergeEdgeListsDifferingFacts(t *testing.T) {
	key := EdgeKey{From: "repo:github.com/o/shop", To: "pkg:npm/left-pad@1.3.0", Kind: EdgeLocks}
	dev := map[string]string{"lockfile": "web/package-lock.json", "dev": "true"}
	runtime := map[string]string{"lockfile": "api/package-lock.json"}
	facts := []EdgeFact{
		{Source: "shop/api/package-lock.json", Pos: Pos{File: "shop/api/package-lock.json", Line: 4}, Confidence: Certain, Attrs: runtime},
		{Source: "shop/web/package-lock.json", Pos: Pos{File: "shop/web/package-lock.json", Line: 9}, Confidence: Certain, Attrs: dev},
	}
	e := MergeEdge(key, facts, time.Unix(1, 0), time.Unix(2, 0))

	// The merged attributes take lockfile from the first source and dev
	// from the second, which no single lockfile states.
	if want := map[string]string{"lockfile": "api/package-lock.json", "dev": "true"}; !maps.Equal(e.Attrs, want) {
		t.Errorf("attrs = %v, want %v", e.Attrs, want)
	}
	if len(e.Facts) != 2 {
		t.Fatalf("facts = %+v, want both sources", e.Facts)
	}
	if !maps.Equal(e.Facts[0].Attrs, runtime) || e.Facts[0].Pos.Line != 4 {
		t.Errorf("first fact = %+v, want the api lockfile's", e.Facts[0])
	}
	if !maps.Equal(e.Facts[1].Attrs, dev) || e.Facts[1].Pos.Line != 9 {
		t.Errorf("second fact = %+v, want the web lockfile's", e.Facts[1])
	}

	// Sources that agree give no list, equal maps or one shared map.
	same := []EdgeFact{{Source: "a", Attrs: map[string]string{"lockfile": "x"}}, {Source: "b", Attrs: map[string]string{"lockfile": "x"}}}
	if e := MergeEdge(key, same, time.Time{}, time.Time{}); e.Facts != nil {
		t.Errorf("agreeing facts listed: %+v", e.Facts)
	}
	one := MergeEdge(key, facts[:1], time.Time{}, time.Time{})
	if one.Facts != nil {
		t.Errorf("a single fact listed: %+v", one.Facts)
	}
}

// defined_at names the module block behind the node's position, the
// module call, so a first source without it leaves the node without it.
func TestMergeNodeDefinedAtFirstSource(t *testing.T) {
	export := NodeFact{Source: "aws/auth.json", Pos: Pos{File: "aws/auth.json", Line: 3}, Kind: NodeIdentity, Attrs: map[string]string{"name": "ci-user"}}
	module := NodeFact{Source: "envs/prod/main.tf", Pos: Pos{File: "envs/prod/main.tf", Line: 5}, Kind: NodeIdentity,
		Attrs: map[string]string{"name": "ci-user", AttrDefinedAt: "modules/user/main.tf:3"}}
	n := MergeNode("arn:aws:iam::111122223333:user/ci-user", []NodeFact{export, module}, time.Unix(10, 0), time.Unix(20, 0))
	if got, ok := n.Attrs[AttrDefinedAt]; ok {
		t.Errorf("node at %v has defined_at %q, want none", n.Pos, got)
	}

	module.Source, module.Pos.File = "a/main.tf", "a/main.tf"
	n = MergeNode("arn:aws:iam::111122223333:user/ci-user", []NodeFact{module, export}, time.Unix(10, 0), time.Unix(20, 0))
	if got := n.Attrs[AttrDefinedAt]; got != "modules/user/main.tf:3" {
		t.Errorf("node at %v has defined_at %q, want modules/user/main.tf:3", n.Pos, got)
	}
}

// A node one source gives twice keeps the first one's position, and so
// defined_at from the first one alone.
func TestMergeSameSourceAttrsDefinedAt(t *testing.T) {
	root := map[string]string{"tf_address": "aws_s3_bucket.dup"}
	module := map[string]string{"tf_address": "module.outer.aws_s3_bucket.logs", AttrDefinedAt: "modules/outer/main.tf:1"}
	got := MergeSameSourceAttrs(root, module)
	if want := map[string]string{"tf_address": "aws_s3_bucket.dup"}; !maps.Equal(got, want) {
		t.Errorf("root then module: attrs %v, want %v", got, want)
	}
	got = MergeSameSourceAttrs(module, root)
	if !maps.Equal(got, module) {
		t.Errorf("module then root: attrs %v, want %v", got, module)
	}
}
