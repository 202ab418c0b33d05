package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// opener is the caller that obtained a role session with an AssumeRole
// call, and the role.
type opener struct {
	by, role string
}

// linkSessions follows role sessions across log files. CloudTrail delivers
// each region's events in files of a few minutes each, so the AssumeRole
// call that issues a session key and the calls made with that key are
// often in different files. An access-log ingester links them only inside one
// file, so this rule joins the session_keys of an OBSERVED edge to a role
// with the session keys in the evidence of the role's own OBSERVED edges.
// It restates the edge with linked_session (every key that joined),
// assumed_by (who opened those sessions) and a reason.
func (v *view) linkSessions() {
	sessions := map[string][]opener{}
	for _, edges := range v.out[graph.EdgeObserved] {
		for _, e := range edges {
			// Each log file that saw the caller assume the role lists
			// the keys issued in its own records.
			for _, keys := range e.AttrValues(attrSessionKeys) {
				for _, key := range graph.SplitList(keys) {
					sessions[key] = append(sessions[key], opener{by: e.From, role: e.To})
				}
			}
		}
	}
	if len(sessions) == 0 {
		return
	}
	for _, role := range sortedKeys(v.out[graph.EdgeObserved]) {
		for _, e := range v.out[graph.EdgeObserved][role] {
			if e.Evidence == nil {
				continue
			}
			var keys, by []string
			for _, key := range e.Evidence.Keys {
				for _, o := range sessions[key] {
					if o.role == role {
						keys = append(keys, key)
						by = append(by, o.by)
					}
				}
			}
			if len(keys) == 0 || sameSet(keys, graph.SplitList(e.Attr(attrLinkedSession))) {
				continue
			}
			restated := graph.Edge{From: e.From, To: e.To, Kind: graph.EdgeObserved, Confidence: e.Confidence, Pos: e.Pos}
			restated.SetAttr(attrLinkedSession, graph.JoinList(keys))
			restated.SetAttr(attrAssumedBy, graph.JoinList(by))
			restated.SetAttr(graph.AttrReason, fmt.Sprintf("calls made with role sessions that %s obtained by assuming this role",
				strings.Join(v.labels(dedupeSorted(by)), ", ")))
			v.addEdge(restated)
		}
	}
}

// Attributes that access-log ingesters set on OBSERVED edges.
const (
	attrSessionKeys   = "session_keys"
	attrLinkedSession = "linked_session"
	attrAssumedBy     = "assumed_by"
)

// labels returns the label of each node, or its id when it has none.
func (v *view) labels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if l := v.get(id).Label; l != "" {
			out[i] = l
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = dedupeSorted(a), dedupeSorted(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func dedupeSorted(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	n := 0
	for i, s := range out {
		if i == 0 || s != out[n-1] {
			out[n] = s
			n++
		}
	}
	return out[:n]
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
