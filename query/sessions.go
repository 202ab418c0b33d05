package query

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Sessions is the split of a reached role's logged calls by session. A
// role's calls are signed with the session keys that its AssumeRole calls
// returned, and the session_keys of a caller's OBSERVED edge to the role
// tie each key to the caller that obtained it.
type Sessions struct {
	// Narrowed is true when Evidence contains only the calls of the
	// sessions that identities of the walk obtained, selected by key.
	// When false, Evidence contains the calls of every session: no logged
	// AssumeRole call returned a key to the walk's identities, or the
	// evidence did not keep each key's calls.
	Narrowed bool `json:"narrowed"`
	// Callers lists the identities of the walk that the log shows
	// obtaining sessions of the role, sorted by id.
	Callers []SessionCaller `json:"callers,omitempty"`
	// Pooled names the lists of Evidence ("actions", "addresses",
	// "agents", "records") that contain the calls of every session,
	// because the evidence kept no such list per key (graph.Evidence.Lists).
	Pooled []string `json:"pooled,omitempty"`
	// OtherCalls and OtherDenied count the calls made and denied with the
	// role's other sessions, which Evidence leaves out.
	OtherCalls  int64 `json:"otherCalls,omitempty"`
	OtherDenied int64 `json:"otherDenied,omitempty"`
	// OtherCallers lists, sorted, the callers that obtained those other
	// sessions.
	OtherCallers []string `json:"otherCallers,omitempty"`
	// OtherUntied counts the other sessions' calls, made or denied, whose
	// key no logged AssumeRole call returned, and calls without a key.
	OtherUntied int64 `json:"otherUntied,omitempty"`
	// RoleUse is the role's whole use, the calls of every session. It is
	// set only when Narrowed is true and the other sessions made calls.
	RoleUse *graph.Evidence `json:"roleUse,omitempty"`
}

// SessionCaller is an identity of the walk that obtained sessions of a
// role.
type SessionCaller struct {
	ID string `json:"id"`
	// Keys are the session key ids its AssumeRole calls returned.
	Keys []string `json:"keys,omitempty"`
	// Refs are the git refs (ref claim, a branch or tag) of the OIDC tokens
	// it presented, for a CI job's subject.
	Refs []string `json:"refs,omitempty"`
}

// roleSessions is the state that attachEvidence uses to narrow the
// evidence of one role, or of a node that roles acted on.
type roleSessions struct {
	x *Reached
	// own contains the session keys that identities of the walk obtained.
	// callerOf maps each key that a logged AssumeRole call returned to its caller.
	own      map[string]bool
	callerOf map[string]string
	info     *Sessions
	// target marks the entry of a node that roles acted on.
	target bool
	// keysCapped is set when an edge of a walk's identity to the role
	// lists graph.MaxSeen session keys, so it may leave out keys that the
	// identity obtained.
	keysCapped bool
}

// isRole reports whether an id names an IAM role.
func isRole(id string) bool {
	return strings.HasPrefix(id, "arn:aws:iam::") && strings.Contains(id, ":role/")
}

// actsInWalk reports whether the walk acts as node id. That is a start,
// or an identity reached other than as the object of a permission.
func actsInWalk(res *Result, id string) bool {
	for _, s := range res.Starts {
		if s.ID == id {
			return true
		}
	}
	x := res.index[id]
	return x != nil && x.Node.Kind == graph.NodeIdentity && !x.Inspected
}

// sessionsOf finds the reached roles whose logged calls carry session
// keys, and which of those keys the walk's identities obtained. out
// contains the OBSERVED edges that leave the walk's identities.
func sessionsOf(ctx context.Context, r graph.Reader, res *Result, out []graph.Edge) (map[string]*roleSessions, error) {
	roles := sessionRoles(res, out)
	if len(roles) == 0 {
		return nil, nil
	}
	in, err := r.Expand(ctx, roles, graph.In, graph.EdgeObserved)
	if err != nil {
		return nil, err
	}

	byRole := make(map[string]*roleSessions, len(roles))
	for _, id := range roles {
		byRole[id] = &roleSessions{x: res.index[id], own: map[string]bool{}, callerOf: map[string]string{}, info: &Sessions{}}
	}
	tieKeys(res, in, byRole)

	// Every AssumeRole call on the role counts in its whole use. The calls
	// that obtained sessions the walk did not obtain also count among the
	// other sessions' calls, so the two parts add up to the whole use.
	// The linker's copies of a logged caller's edge onto a CI job's
	// subject (attr subject) are skipped, because they repeat a call.
	for _, e := range in {
		rs := byRole[e.To]
		if rs == nil || e.Attr("subject") != "" || e.Evidence == nil || e.Evidence.Count+e.Evidence.Denied == 0 {
			continue
		}
		if rs.info.RoleUse == nil {
			rs.info.RoleUse = &graph.Evidence{}
		}
		rs.info.RoleUse.Merge(e.Evidence)
		own := actsInWalk(res, e.From) || slices.ContainsFunc(graph.SplitList(e.Attr("session_keys")), func(k string) bool { return rs.own[k] })
		if !own {
			rs.info.OtherCalls += e.Evidence.Count
			rs.info.OtherDenied += e.Evidence.Denied
			rs.info.OtherCallers = mergeSorted(rs.info.OtherCallers, []string{e.From})
		}
	}

	// Narrowing needs per-key calls on every edge of the role. A key list
	// at its cap may have left out a key of the walk, so it must name them all.
	for _, e := range out {
		rs := byRole[e.From]
		if rs == nil || !rs.info.Narrowed || e.Evidence == nil {
			continue
		}
		ev := e.Evidence
		if len(ev.Keys) > 0 && len(ev.KeyUses) == 0 {
			rs.info.Narrowed = false
			continue
		}
		if len(ev.Keys) < graph.MaxSeen {
			continue
		}
		for k := range rs.own {
			if !slices.Contains(ev.Keys, k) {
				rs.info.Narrowed = false
				break
			}
		}
	}
	return byRole, nil
}

// sessionRoles returns, sorted, the reached roles that the walk acts as
// and that made calls with session keys or were assumed with them. A
// role that is a start keeps its whole use, because the walk holds every
// session of it.
func sessionRoles(res *Result, out []graph.Edge) []string {
	isStart := func(id string) bool {
		return slices.ContainsFunc(res.Starts, func(s graph.Node) bool { return s.ID == id })
	}
	var roles []string
	seen := map[string]bool{}
	add := func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		if x := res.index[id]; x != nil && !x.Inspected && !isStart(id) {
			roles = append(roles, id)
		}
	}
	for _, e := range out {
		if isRole(e.From) && e.Evidence != nil && len(e.Evidence.Keys) > 0 {
			add(e.From)
		}
	}
	// A role whose sessions made no logged call still lists the callers
	// and refs of the edges to it.
	for _, e := range out {
		if isRole(e.To) && e.Attr("session_keys") != "" {
			add(e.To)
		}
	}
	sort.Strings(roles)
	return roles
}

// tieKeys maps the session keys on the OBSERVED edges in (to the roles of
// byRole) to their callers, and collects the keys, refs and callers of
// the walk's identities.
func tieKeys(res *Result, in []graph.Edge, byRole map[string]*roleSessions) {
	// Sort the log's own callers before the edges that the linker copies
	// to CI jobs (attr subject), so that a key maps to the logged caller.
	slices.SortFunc(in, func(a, b graph.Edge) int {
		if la, lb := a.Attr("subject") != "", b.Attr("subject") != ""; la != lb {
			if la {
				return 1
			}
			return -1
		}
		return strings.Compare(a.From, b.From)
	})

	callers := map[string]map[string]*SessionCaller{}
	for _, e := range in {
		rs := byRole[e.To]
		if rs == nil {
			continue
		}
		keys := graph.SplitList(e.Attr("session_keys"))
		for _, k := range keys {
			if _, ok := rs.callerOf[k]; !ok {
				rs.callerOf[k] = e.From
			}
		}
		refs := graph.SplitList(e.Attr("ref"))
		if !actsInWalk(res, e.From) || len(keys) == 0 && len(refs) == 0 {
			continue
		}
		for _, k := range keys {
			rs.own[k] = true
		}
		if len(keys) >= graph.MaxSeen {
			rs.keysCapped = true
		}
		if callers[e.To] == nil {
			callers[e.To] = map[string]*SessionCaller{}
		}
		c := callers[e.To][e.From]
		if c == nil {
			c = &SessionCaller{ID: e.From}
			callers[e.To][e.From] = c
		}
		c.Keys = mergeSorted(c.Keys, keys)
		c.Refs = mergeSorted(c.Refs, refs)
	}

	for id, rs := range byRole {
		for _, c := range callers[id] {
			rs.info.Callers = append(rs.info.Callers, *c)
		}
		slices.SortFunc(rs.info.Callers, func(a, b SessionCaller) int { return strings.Compare(a.ID, b.ID) })
		// The calls of a key that a full list left out would count as
		// another session's, so such a role keeps its whole use.
		rs.info.Narrowed = len(rs.own) > 0 && !rs.keysCapped
	}
}

// split returns the calls of ev, the evidence of an edge of the role,
// made with the walk's own sessions (nil for none). It adds the calls of
// the other sessions to the counts of info.
func (rs *roleSessions) split(ev *graph.Evidence, info *Sessions) *graph.Evidence {
	var own *graph.Evidence
	var tied int64
	others := map[string]bool{}

	for _, u := range ev.KeyUses {
		if !rs.own[u.Key] {
			if c, ok := rs.callerOf[u.Key]; ok {
				others[c] = true
				tied += u.Count + u.Denied
			}
			continue
		}
		if own == nil {
			own = &graph.Evidence{}
		}
		actions, addrs, agents, records, shared := ev.Lists(u)
		own.Merge(&graph.Evidence{First: u.First, Last: u.Last, LastAllowed: u.LastAllowed, Count: u.Count, Denied: u.Denied,
			Actions: actions, Addrs: addrs, Agents: agents, Keys: []string{u.Key}, KeyUses: []graph.KeyUse{u}, Records: records})
		info.Pooled = mergeSorted(info.Pooled, shared)
	}

	var count, denied int64
	if own != nil {
		count, denied = own.Count, own.Denied
	}
	info.OtherCalls += ev.Count - count
	info.OtherDenied += ev.Denied - denied
	// Calls without a key, or with a key past the list's cap, count in the
	// totals and in no key use.
	info.OtherUntied += ev.Count + ev.Denied - count - denied - tied
	for c := range others {
		info.OtherCallers = mergeSorted(info.OtherCallers, []string{c})
	}
	return own
}

// mergeSorted adds the strings of add to the sorted set list.
func mergeSorted(list, add []string) []string {
	for _, s := range add {
		if i, ok := slices.BinarySearch(list, s); !ok && s != "" {
			list = slices.Insert(list, i, s)
		}
	}
	return list
}

// settle sets the Sessions of the node. Without narrowing, Evidence is
// the whole use already, so the other-session counts are cleared.
func (rs *roleSessions) settle() {
	if rs.target {
		// A node that a role acted on shows Sessions only for the calls
		// of other sessions. The role's own Sessions names the callers.
		if rs.info.Narrowed && rs.info.OtherCalls+rs.info.OtherDenied == 0 {
			return
		}
	}
	if rs.info.OtherCalls+rs.info.OtherDenied == 0 {
		// Evidence contains every call of the role.
		rs.info.RoleUse = nil
	}
	if !rs.info.Narrowed {
		rs.info.RoleUse = nil
		rs.info.OtherCalls, rs.info.OtherDenied, rs.info.OtherCallers, rs.info.OtherUntied, rs.info.Pooled = 0, 0, nil, 0, nil
	}
	rs.x.Sessions = rs.info
}

// targetSessions maps the id of a node that roles acted on to its
// narrowing state.
type targetSessions map[string]*roleSessions

// of returns the Sessions of node x, which role rs acted on, adding the
// role's callers to it.
func (t targetSessions) of(id string, x *Reached, rs *roleSessions) *Sessions {
	e := t[id]
	if e == nil {
		e = &roleSessions{x: x, info: &Sessions{Narrowed: true}, target: true}
		t[id] = e
	}
	for _, c := range rs.info.Callers {
		if i, ok := slices.BinarySearchFunc(e.info.Callers, c.ID, func(a SessionCaller, id string) int { return strings.Compare(a.ID, id) }); !ok {
			e.info.Callers = slices.Insert(e.info.Callers, i, c)
		}
	}
	return e.info
}
