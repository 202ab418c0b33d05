package query

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Sessions tells whose sessions a reached role's Evidence holds. A role's
// calls are made with the session keys that its AssumeRole calls
// returned, and an access log ties each key to the caller that obtained
// it (the session_keys of the caller's OBSERVED edge to the role).
type Sessions struct {
	// ToldApart is true when Evidence holds only the calls of the sessions
	// that identities of the walk obtained, picked out by their keys. When
	// false, the log does not tie those sessions' keys to the walk's
	// identities, and Evidence holds the calls of every session of the
	// role, as the log pools them.
	ToldApart bool `json:"toldApart"`
	// Callers lists the identities of the walk that the log shows
	// obtaining sessions of the role, sorted by id.
	Callers []SessionCaller `json:"callers,omitempty"`
	// Pooled names the lists of Evidence ("actions", "addresses",
	// "agents", "records") that hold the calls of every session, because
	// the log kept no list of a key's own (graph.Evidence.Lists).
	Pooled []string `json:"pooled,omitempty"`
	// OtherCalls and OtherDenied count the calls made, and denied, with
	// the role's other sessions, those Evidence leaves out.
	OtherCalls  int64 `json:"otherCalls,omitempty"`
	OtherDenied int64 `json:"otherDenied,omitempty"`
	// OtherCallers lists, sorted, the callers that the log shows
	// obtaining those other sessions.
	OtherCallers []string `json:"otherCallers,omitempty"`
	// OtherUntied counts the calls and denied calls, among the other
	// sessions', made with keys that no logged AssumeRole call ties to a
	// caller, or with no key.
	OtherUntied int64 `json:"otherUntied,omitempty"`
	// RoleUse is the role's whole use: the calls of every session, as
	// Evidence shows it when ToldApart is false. It is set only when the
	// other sessions made calls; else Evidence holds all of them.
	RoleUse *graph.Evidence `json:"roleUse,omitempty"`
}

// SessionCaller is an identity of the walk that obtained sessions of a
// role.
type SessionCaller struct {
	ID string `json:"id"`
	// Keys are the session key ids its AssumeRole calls returned.
	Keys []string `json:"keys,omitempty"`
	// Refs are the git refs (the ref claim: a branch or tag) of the OIDC
	// tokens it presented, when it is a CI job's subject.
	Refs []string `json:"refs,omitempty"`
}

// roleSessions is what attachEvidence needs to narrow one role's use to
// the sessions of the walk.
type roleSessions struct {
	x *Reached
	// own holds the session keys that identities of the walk obtained,
	// and callerOf maps each key the log ties to a caller to that caller.
	own      map[string]bool
	callerOf map[string]string
	info     *Sessions
	// target marks the entry of a node that roles acted on.
	target bool
}

// isRole reports whether an id names an IAM role.
func isRole(id string) bool {
	return strings.HasPrefix(id, "arn:aws:iam::") && strings.Contains(id, ":role/")
}

// actsInWalk reports whether the walk acts as node id: a start, or an
// identity it reached other than only as the object of a permission.
func actsInWalk(res *Result, id string) bool {
	for _, s := range res.Starts {
		if s.ID == id {
			return true
		}
	}
	x := res.index[id]
	return x != nil && x.Node.Kind == graph.NodeIdentity && !x.Inspected
}

// sessionsOf finds the reached roles whose logged calls were made with
// session keys, and works out which of those keys the walk's identities
// obtained. out holds the OBSERVED edges leaving the walk's identities.
// A role that is a start keeps its whole use: the walk holds every
// session of it.
func sessionsOf(ctx context.Context, r graph.Reader, res *Result, out []graph.Edge) (map[string]*roleSessions, error) {
	var roles []string
	seen := map[string]bool{}
	for _, e := range out {
		if seen[e.From] || !isRole(e.From) || e.Evidence == nil || len(e.Evidence.Keys) == 0 {
			continue
		}
		seen[e.From] = true
		if x := res.index[e.From]; x != nil && !slices.ContainsFunc(res.Starts, func(s graph.Node) bool { return s.ID == e.From }) {
			roles = append(roles, e.From)
		}
	}
	// A walked edge to a role may carry session keys while the role made
	// no logged call with them; its callers and refs still show.
	for _, e := range out {
		if !seen[e.To] && isRole(e.To) && e.Attr("session_keys") != "" && res.index[e.To] != nil &&
			!slices.ContainsFunc(res.Starts, func(s graph.Node) bool { return s.ID == e.To }) {
			seen[e.To] = true
			roles = append(roles, e.To)
		}
	}
	if len(roles) == 0 {
		return nil, nil
	}
	sort.Strings(roles)
	in, err := r.Expand(ctx, roles, graph.In, graph.EdgeObserved)
	if err != nil {
		return nil, err
	}
	// Edges in a fixed order, the log's own callers before the edges the
	// linker restates for CI jobs (attr subject), so that a key names the
	// caller the log shows.
	slices.SortFunc(in, func(a, b graph.Edge) int {
		if la, lb := a.Attr("subject") != "", b.Attr("subject") != ""; la != lb {
			if la {
				return 1
			}
			return -1
		}
		return strings.Compare(a.From, b.From)
	})
	byRole := make(map[string]*roleSessions, len(roles))
	for _, id := range roles {
		byRole[id] = &roleSessions{x: res.index[id], own: map[string]bool{}, callerOf: map[string]string{}, info: &Sessions{}}
	}
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
		rs.info.ToldApart = len(rs.own) > 0
	}
	// A role's use is told apart only when every edge of its calls keeps
	// each key's calls apart, and names every key of the walk's sessions
	// that made calls: a key list that reached its cap may have left one
	// out, and then its calls are not known.
	for _, e := range out {
		rs := byRole[e.From]
		if rs == nil || !rs.info.ToldApart || e.Evidence == nil {
			continue
		}
		ev := e.Evidence
		if len(ev.Keys) > 0 && len(ev.KeyUses) == 0 {
			rs.info.ToldApart = false
			continue
		}
		if len(ev.Keys) >= graph.MaxSeen {
			for k := range rs.own {
				if !slices.Contains(ev.Keys, k) {
					rs.info.ToldApart = false
					break
				}
			}
		}
	}
	return byRole, nil
}

// split returns the calls of ev, the evidence of a call of the role, made
// with the walk's own sessions, nil when there are none, and adds the
// calls of the other sessions to the counts of info.
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
	// Calls without a key, or with one the key list had no room for,
	// are in the totals and in no key use.
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

// settle gives the role its Sessions. Evidence that does not tell the
// sessions apart is the role's whole use already.
func (rs *roleSessions) settle() {
	if rs.target {
		// A node a role acted on: the role's line says whose sessions
		// its use holds, so this node tells only of other sessions.
		if rs.info.ToldApart && rs.info.OtherCalls+rs.info.OtherDenied == 0 {
			return
		}
	}
	if rs.info.OtherCalls+rs.info.OtherDenied == 0 {
		// Evidence holds every call of the role.
		rs.info.RoleUse = nil
	}
	if !rs.info.ToldApart {
		rs.info.RoleUse = nil
		rs.info.OtherCalls, rs.info.OtherDenied, rs.info.OtherCallers, rs.info.OtherUntied, rs.info.Pooled = 0, 0, nil, 0, nil
	}
	rs.x.Sessions = rs.info
}

// targetSessions holds, by node id, what told-apart roles did to the
// nodes they acted on.
type targetSessions map[string]*roleSessions

// of returns the entry of target x, which role rs acted on, made with the
// callers of the role's sessions the first time.
func (t targetSessions) of(id string, x *Reached, rs *roleSessions) *Sessions {
	e := t[id]
	if e == nil {
		e = &roleSessions{x: x, info: &Sessions{ToldApart: true}, target: true}
		t[id] = e
	}
	for _, c := range rs.info.Callers {
		if i, ok := slices.BinarySearchFunc(e.info.Callers, c.ID, func(a SessionCaller, id string) int { return strings.Compare(a.ID, id) }); !ok {
			e.info.Callers = slices.Insert(e.info.Callers, i, c)
		}
	}
	return e.info
}
