package graph

import (
	"testing"
	"time"
)

// Two dumps of one ClusterRole and a manifest: the rules come from the
// dump with the higher resourceVersion when both versions are integers,
// else from the first dump by source order. 9 < 10 as integers though
// "10" < "9" as text, so a text comparison would pick the wrong dump.
func TestPolicyAttrPrefersNewerDump(t *testing.T) {
	const manifest, older, newer = `["manifest"]`, `["older"]`, `["newer"]`
	fact := func(src, rules, live, version string) NodeFact {
		a := map[string]string{"rules": rules}
		if live != "" {
			a[AttrLiveExport] = live
		}
		if version != "" {
			a[AttrResourceVersion] = version
		}
		return NodeFact{Source: src, Pos: Pos{File: src}, Kind: NodePolicy, Attrs: a}
	}
	for _, tc := range []struct {
		name  string
		facts []NodeFact
		want  string
	}{
		{"higher version second", []NodeFact{
			fact("a-dump.yaml", older, "true", "9"),
			fact("b-dump.yaml", newer, "true", "10"),
			fact("c-manifest.yaml", manifest, "", ""),
		}, newer},
		{"higher version first", []NodeFact{
			fact("a-dump.yaml", newer, "true", "10"),
			fact("b-dump.yaml", older, "true", "9"),
		}, newer},
		{"manifest first", []NodeFact{
			fact("a-manifest.yaml", manifest, "", ""),
			fact("b-dump.yaml", older, "true", "9"),
			fact("c-dump.yaml", newer, "true", "10"),
		}, newer},
		{"a version that is not an integer keeps the first dump", []NodeFact{
			fact("a-dump.yaml", older, "true", "9"),
			fact("b-dump.yaml", newer, "true", "v10"),
		}, older},
		{"no dump: the first source", []NodeFact{
			fact("a-manifest.yaml", manifest, "", ""),
			fact("b-manifest.yaml", older, "", ""),
		}, manifest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := MergeNode("k8s:clusterrole:reader", tc.facts, time.Unix(1, 0), time.Unix(2, 0))
			if got := n.PolicyAttr("rules"); got != tc.want {
				t.Errorf("PolicyAttr(rules) = %s, want %s", got, tc.want)
			}
		})
	}
}
