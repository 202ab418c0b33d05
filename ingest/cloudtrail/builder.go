package cloudtrail

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Attributes this format adds; docs/facts.md lists them.
const (
	attrObserved      = "observed"       // node: seen in an access log
	attrSessionKeys   = "session_keys"   // OBSERVED to a role, and the role: session key ids issued
	attrLinkedSession = "linked_session" // OBSERVED: session key ids issued earlier in the file and used here
	attrHasErrors     = "has_errors"     // OBSERVED: some calls failed with an error other than access denied
	attrDeniedOnly    = "denied_only"    // OBSERVED: every call was denied
	attrKeyID         = "key_id"         // access key Secret: the access key id
)

// maxSessions bounds the session keys remembered for linking per file.
const maxSessions = 1 << 16

// maxField bounds a source address or user agent kept as evidence.
const maxField = 256

// builder turns records into facts, merging repeats: one node per id and
// one OBSERVED edge per caller and target, with the calls aggregated.
type builder struct {
	file string
	env  *ingest.Env
	res  *ingest.Result

	nodes     map[string]*nodeFacts
	nodeOrder []string
	seen      map[graph.EdgeKey]*observation
	edgeOrder []graph.EdgeKey
	// sessions maps a session access key id to the role it was issued for.
	sessions map[string]string

	index    int // records met so far, decoded or not
	firstBad int // line of the first record that could not be decoded
	unnamed  int // records that name no usable identity
}

type nodeFacts struct {
	node        graph.Node
	sessionKeys []string
}

type observation struct {
	edge        graph.Edge
	ev          graph.Evidence
	sessionKeys []string
	linked      []string
	errors      bool
}

func newBuilder(file string, env *ingest.Env, res *ingest.Result) *builder {
	return &builder{
		file:     file,
		env:      env,
		res:      res,
		nodes:    map[string]*nodeFacts{},
		seen:     map[graph.EdgeKey]*observation{},
		sessions: map[string]string{},
	}
}

// record adds one record, or warns about one that could not be decoded.
// line is where the record starts in the file.
func (b *builder) record(r *record, err error, line int) {
	b.index++
	if err != nil {
		b.res.Warnf(ingest.Position{File: b.file, Line: line}, "record %d %v; skipped", b.index, err)
		if b.firstBad == 0 {
			b.firstBad = line
		}
		return
	}
	b.res.Records++
	at := graph.Pos{File: b.file, Line: b.index}

	actor, ok := caller(r)
	if !ok {
		b.unnamed++
		return
	}
	b.addNode(actor, at)
	key := r.UserIdentity.AccessKeyID
	b.accessKey(actor, key, at)

	when, action, denied := r.time(), r.action(), r.denied()
	addr, agent := truncate(r.SourceIP, maxField), truncate(r.UserAgent, maxField)
	linked := ""
	if role, ok := b.sessions[key]; ok && role == actor.id {
		linked = key
	}
	found := targets(r, actor)
	for _, t := range found {
		b.addNode(t, at)
		o := b.observe(actor.id, t.id, at)
		o.ev.Add(when, action, addr, agent, key, denied, at)
		if r.failed() && !denied {
			o.errors = true
		}
		if linked != "" {
			o.linked = addCapped(o.linked, linked)
		}
	}

	if isAssume(r) && !r.failed() && len(found) == 1 {
		b.session(r, actor, found[0])
	}
}

// session records the session key that a successful AssumeRole call
// returned, on the edge to the role and on the role, so that later calls
// made with the key link back to this one.
func (b *builder) session(r *record, actor, role principal) {
	sk := r.ResponseElements.Credentials.AccessKeyID
	if sk == "" || role.attrs["type"] != "role" {
		return
	}
	o := b.seen[graph.EdgeKey{From: actor.id, Kind: graph.EdgeObserved, To: role.id}]
	o.sessionKeys = addCapped(o.sessionKeys, sk)
	n := b.nodes[role.id]
	n.sessionKeys = addCapped(n.sessionKeys, sk)
	if _, ok := b.sessions[sk]; ok || len(b.sessions) < maxSessions {
		b.sessions[sk] = role.id
	}
}

// accessKey adds the long-lived access key a user or the root user signed
// the call with. Keys starting with ASIA are session keys and are left out.
func (b *builder) accessKey(actor principal, key string, at graph.Pos) {
	typ := actor.attrs["type"]
	if !strings.HasPrefix(key, "AKIA") || (typ != "user" && typ != "root") {
		return
	}
	id := graph.AWSAccessKeyID(actor.id, key)
	b.addNode(principal{id: id, kind: graph.NodeSecret, attrs: map[string]string{
		graph.AttrProvider: "aws", "type": "access-key", graph.AttrLongLived: "true", attrKeyID: key,
	}}, at)
	k := graph.EdgeKey{From: id, Kind: graph.EdgeAuthenticatesAs, To: actor.id}
	if b.seen[k] == nil {
		b.seen[k] = &observation{edge: graph.Edge{From: id, To: actor.id, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: at}}
		b.edgeOrder = append(b.edgeOrder, k)
	}
}

// addNode adds a node, or adds the attributes it lacks to the node already
// there.
func (b *builder) addNode(p principal, at graph.Pos) {
	if n, ok := b.nodes[p.id]; ok {
		for k, v := range p.attrs {
			if _, set := n.node.Attrs[k]; !set && v != "" {
				n.node.SetAttr(k, v)
			}
		}
		return
	}
	n := graph.Node{ID: p.id, Kind: p.kind, Pos: at}
	for k, v := range p.attrs {
		if v != "" {
			n.SetAttr(k, v)
		}
	}
	n.SetAttr(attrObserved, "true")
	n.Label = n.Attr(graph.AttrName)
	if n.Label == "" {
		n.Label = n.Attr("sub")
	}
	b.nodes[p.id] = &nodeFacts{node: n}
	b.nodeOrder = append(b.nodeOrder, p.id)
}

func (b *builder) observe(from, to string, at graph.Pos) *observation {
	k := graph.EdgeKey{From: from, Kind: graph.EdgeObserved, To: to}
	if o := b.seen[k]; o != nil {
		return o
	}
	o := &observation{edge: graph.Edge{From: from, To: to, Kind: graph.EdgeObserved, Confidence: graph.Certain, Pos: at}}
	b.seen[k] = o
	b.edgeOrder = append(b.edgeOrder, k)
	return o
}

// flush appends the merged facts to the result in the order first seen.
func (b *builder) flush() {
	for _, id := range b.nodeOrder {
		n := b.nodes[id]
		if len(n.sessionKeys) > 0 {
			n.node.SetAttr(attrSessionKeys, graph.JoinList(n.sessionKeys))
		}
		b.res.AddNode(n.node)
	}
	for _, k := range b.edgeOrder {
		o := b.seen[k]
		e := o.edge
		if e.Kind == graph.EdgeObserved {
			ev := o.ev
			e.Evidence = &ev
			if len(o.sessionKeys) > 0 {
				e.SetAttr(attrSessionKeys, graph.JoinList(o.sessionKeys))
			}
			if len(o.linked) > 0 {
				e.SetAttr(attrLinkedSession, graph.JoinList(o.linked))
			}
			if o.errors {
				e.SetAttr(attrHasErrors, "true")
			}
			if ev.Count == 0 && ev.Denied > 0 {
				e.SetAttr(attrDeniedOnly, "true")
			}
		}
		b.res.AddEdge(e)
	}
	if b.unnamed > 0 && b.env != nil && b.env.Logger != nil {
		b.env.Logger.Debug("records without a usable identity", "file", b.file, "count", b.unnamed)
	}
}

// addCapped adds s to a list of at most graph.MaxSeen distinct strings.
func addCapped(list []string, s string) []string {
	for _, have := range list {
		if have == s {
			return list
		}
	}
	if len(list) >= graph.MaxSeen {
		return list
	}
	return append(list, s)
}
