package cloudtrail

import (
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Attributes this format adds; docs/facts.md lists them.
const (
	attrObserved      = "observed"              // node: seen in an access log
	attrSessionKeys   = "session_keys"          // OBSERVED to a role, and the role: session key ids issued
	attrLinkedSession = "linked_session"        // OBSERVED: session key ids issued earlier in the file and used here
	attrAssumedBy     = "assumed_by"            // OBSERVED: who obtained the linked sessions
	attrWebIdentity   = "web_identity_provider" // OBSERVED: OIDC provider of the role session that made the calls
	attrCrossAccount  = "cross_account"         // OBSERVED: the calls landed in another account than the caller's
	attrHasErrors     = "has_errors"            // OBSERVED: some calls failed with an error other than access denied
	attrDeniedOnly    = "denied_only"           // OBSERVED: every call was denied
	attrKeyID         = "key_id"                // access key Secret: the access key id
)

// Bounds on what one file can make the builder remember.
const (
	// maxSessions bounds the session keys remembered for linking.
	maxSessions = 1 << 16
	// maxCache bounds each of the caches of resolved callers, calls and
	// access keys, and so the memory they take.
	maxCache = 1 << 13
	// maxField bounds a source address or user agent kept as evidence.
	maxField = 256
)

// builder turns records into facts, merging repeats: one node per id and
// one OBSERVED edge per caller and target, with the calls aggregated.
//
// Callers and targets are resolved once per distinct userIdentity and
// request, and remembered, so that a record like one met before costs a
// few map lookups.
type builder struct {
	file string
	env  *ingest.Env
	res  *ingest.Result

	nodes     map[string]*nodeFacts
	nodeOrder []string
	seen      map[graph.EdgeKey]*observation
	edgeOrder []graph.EdgeKey
	// sessions maps a session access key id to the session it opened.
	sessions map[string]session

	callers map[callerKey]callerEntry
	calls   map[string]*callEntry
	keys    map[accessKeyUse]*observation
	scratch []byte

	index   int // records met so far, decoded or not
	unnamed int // records that name no usable identity

	// events are the events the run has counted; repeated counts the
	// records of this file that repeat one of them.
	events   *events
	repeated int
	full     bool
}

// session is the role session that a successful AssumeRole call opened.
type session struct {
	role string // the role's id
	by   string // the id of the caller that obtained it
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
	assumedBy   []string
	webIdentity []string
	errors      bool
	cross       bool
}

// callerKey holds the userIdentity fields that decide the caller.
type callerKey struct {
	typ, arn, account, userName, invokedBy, provider, issuer, onBehalfOf, webSubject string
}

type callerEntry struct {
	p  principal
	ok bool
}

// callEntry is the resolved form of one kind of call by one caller: the
// action, the targets and the OBSERVED edges to them.
type callEntry struct {
	action  string
	targets []principal
	obs     []*observation
}

type accessKeyUse struct{ actor, key string }

func newBuilder(file string, env *ingest.Env, res *ingest.Result) *builder {
	return &builder{
		file:     file,
		env:      env,
		res:      res,
		nodes:    map[string]*nodeFacts{},
		seen:     map[graph.EdgeKey]*observation{},
		sessions: map[string]session{},
		callers:  map[callerKey]callerEntry{},
		calls:    map[string]*callEntry{},
		keys:     map[accessKeyUse]*observation{},
	}
}

// record adds one record, or warns about one that could not be decoded.
// line is where the record starts in the file.
func (b *builder) record(r *record, err error, line int) {
	b.index++
	if err != nil {
		b.res.Warnf(ingest.Position{File: b.file, Line: line}, "record %d %v; skipped", b.index, err)
		return
	}
	b.res.Records++
	at := graph.Pos{File: b.file, Line: b.index}
	if b.events != nil {
		isNew, full := b.events.claim(r)
		b.full = b.full || full
		if !isNew {
			b.repeated++
			return
		}
	}

	actor, ok := b.caller(r, at)
	if !ok {
		b.unnamed++
		return
	}
	key := r.UserIdentity.AccessKeyID
	when, denied := r.time(), r.denied()
	failed := r.failed() && !denied
	addr, agent := truncate(r.SourceIP, maxField), truncate(r.UserAgent, maxField)
	if ko := b.accessKey(actor, key, at); ko != nil {
		ko.ev.Add(when, "", addr, agent, key, denied, at)
	}

	var linked session
	if s, ok := b.sessions[key]; ok && s.role == actor.id {
		linked = s
	}
	call := b.call(r, actor, at)
	ca := callerAccount(r)
	cross := ca != "" && isAccount(r.RecipientAccount) && r.RecipientAccount != ca
	webID := ""
	if p := r.UserIdentity.SessionContext.WebIDProvider; p != "" {
		webID = providerHost(p)
	}
	for _, o := range call.obs {
		o.ev.Add(when, call.action, addr, agent, key, denied, at)
		o.errors = o.errors || failed
		o.cross = o.cross || cross
		if linked.role != "" {
			o.linked = addCapped(o.linked, key)
			o.assumedBy = addCapped(o.assumedBy, linked.by)
		}
		if webID != "" {
			o.webIdentity = addCapped(o.webIdentity, webID)
		}
	}

	if r.EventName == "CreateAccessKey" && !r.failed() {
		b.createdKey(r, actor, when, at)
	}
	if isAssume(r) && !r.failed() && len(call.targets) == 1 {
		b.session(r, actor, call.targets[0], call.obs[0])
	}
}

// caller resolves the caller of a record, once per distinct identity.
func (b *builder) caller(r *record, at graph.Pos) (principal, bool) {
	ui := &r.UserIdentity
	k := callerKey{
		typ: ui.Type, arn: ui.ARN, account: ui.AccountID, userName: ui.UserName, invokedBy: ui.InvokedBy,
		provider: ui.IdentityProvider, issuer: ui.SessionContext.SessionIssuer.ARN, onBehalfOf: ui.OnBehalfOf.UserID,
	}
	if ui.Type == "WebIdentityUser" {
		if ui.UserName == "" {
			k.webSubject = r.ResponseElements.WebIDSubject
		}
		if ui.IdentityProvider == "" {
			k.provider = r.ResponseElements.Provider
		}
	}
	if e, ok := b.callers[k]; ok {
		return e.p, e.ok
	}
	p, ok := caller(r)
	if ok {
		b.addNode(p, at)
	}
	if len(b.callers) < maxCache {
		b.callers[k] = callerEntry{p: p, ok: ok}
	}
	return p, ok
}

// call resolves the action and targets of a record, once per distinct
// caller and request, and the OBSERVED edges they make.
func (b *builder) call(r *record, actor principal, at graph.Pos) *callEntry {
	k := b.callKey(r, actor)
	if e, ok := b.calls[string(k)]; ok {
		return e
	}
	e := &callEntry{action: r.action(), targets: targets(r, actor)}
	for _, t := range e.targets {
		b.addNode(t, at)
		e.obs = append(e.obs, b.observe(actor.id, t.id, at))
	}
	if len(b.calls) < maxCache {
		b.calls[string(k)] = e
	}
	return e
}

// callKey lists every field that targets and action read, in the
// builder's scratch buffer.
func (b *builder) callKey(r *record, actor principal) []byte {
	p := &r.RequestParameters
	k := b.scratch[:0]
	for _, s := range []string{actor.id, r.EventSource, r.EventName, r.Region, r.RecipientAccount, r.UserIdentity.AccountID,
		p.RoleARN, p.BucketName, p.SecretID, p.Name, p.FunctionName, p.UserName, p.RoleName, p.GroupName, p.TableName, p.QueueURL, p.TopicARN} {
		k = append(k, s...)
		k = append(k, 0)
	}
	k = append(k, 1)
	for _, n := range p.Names {
		k = append(k, n...)
		k = append(k, 0)
	}
	k = append(k, 1)
	for _, res := range r.Resources {
		// An S3 object stands for its bucket, so calls on objects of one
		// bucket share an entry.
		arn := res.ARN
		if rest, ok := strings.CutPrefix(arn, "arn:aws:s3:::"); ok {
			bucket, _, _ := strings.Cut(rest, "/")
			arn = arn[:len(arn)-len(rest)+len(bucket)]
		}
		k = append(k, arn...)
		k = append(k, 0)
	}
	if isAssume(r) {
		k = append(k, 1)
		k = append(k, r.ErrorMessage...)
	}
	b.scratch = k
	return k
}

// session records the session key that a successful AssumeRole call
// returned, on the edge to the role and on the role, so that later calls
// made with the key link back to this one.
func (b *builder) session(r *record, actor, role principal, o *observation) {
	sk := r.ResponseElements.CredentialsKeyID
	if sk == "" || role.attrs["type"] != "role" {
		return
	}
	o.sessionKeys = addCapped(o.sessionKeys, sk)
	n := b.nodes[role.id]
	n.sessionKeys = addCapped(n.sessionKeys, sk)
	if _, ok := b.sessions[sk]; ok || len(b.sessions) < maxSessions {
		b.sessions[sk] = session{role: role.id, by: actor.id}
	}
}

// createdKey adds the access key a CreateAccessKey call made, with the time
// it was made (attribute created) and the caller (created_by), so that a
// plan can name the keys an attacker may have minted. The key belongs to
// the user the call names, or to the caller when it names none.
func (b *builder) createdKey(r *record, actor principal, when time.Time, at graph.Pos) {
	key := r.ResponseElements.CreatedKeyID
	if !strings.HasPrefix(key, "AKIA") {
		return
	}
	user := actor
	name := r.ResponseElements.CreatedKeyUser
	if name == "" {
		name = r.RequestParameters.UserName
	}
	if name != "" && (actor.attrs["type"] != "user" || actor.attrs[graph.AttrName] != name) {
		account := r.RecipientAccount
		if !isAccount(account) {
			account = callerAccount(r)
		}
		if !isAccount(account) {
			return
		}
		user = iamPrincipal(parseARN(iamARN(parseARN(actor.id).partition, account, "user", name)))
	}
	if user.attrs["type"] != "user" {
		return
	}
	b.addNode(user, at)
	if b.accessKey(user, key, at) == nil {
		return
	}
	b.addNode(principal{id: graph.AWSAccessKeyID(user.id, key), kind: graph.NodeSecret, attrs: map[string]string{
		"created": when.UTC().Format(time.RFC3339), "created_by": actor.id,
	}}, at)
}

// accessKey adds the long-lived access key a user or the root user signed
// the call with, AUTHENTICATES_AS the user, and returns that edge: its
// evidence holds the calls made with this key alone. Keys starting with
// ASIA are session keys and are left out.
func (b *builder) accessKey(actor principal, key string, at graph.Pos) *observation {
	typ := actor.attrs["type"]
	if !strings.HasPrefix(key, "AKIA") || (typ != "user" && typ != "root") {
		return nil
	}
	use := accessKeyUse{actor: actor.id, key: key}
	if o, ok := b.keys[use]; ok {
		return o
	}
	id := graph.AWSAccessKeyID(actor.id, key)
	b.addNode(principal{id: id, kind: graph.NodeSecret, attrs: map[string]string{
		graph.AttrProvider: "aws", "type": "access-key", graph.AttrLongLived: "true", attrKeyID: key,
	}}, at)
	k := graph.EdgeKey{From: id, Kind: graph.EdgeAuthenticatesAs, To: actor.id}
	o := b.seen[k]
	if o == nil {
		o = &observation{edge: graph.Edge{From: id, To: actor.id, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: at}}
		b.seen[k] = o
		b.edgeOrder = append(b.edgeOrder, k)
	}
	if len(b.keys) < maxCache {
		b.keys[use] = o
	}
	return o
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
	if b.repeated > 0 {
		b.res.Warnf(ingest.Position{File: b.file}, "records that repeat the eventID of a record read before in this run: %d; each event is counted once", b.repeated)
	}
	if b.full {
		b.res.Warnf(ingest.Position{File: b.file}, "the run read more than %d events; records past that are not checked for repeated eventIDs", maxEvents)
	}
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
		if o.ev.Count > 0 || o.ev.Denied > 0 {
			ev := o.ev
			e.Evidence = &ev
		}
		if e.Kind == graph.EdgeObserved {
			setList(&e, attrSessionKeys, o.sessionKeys)
			setList(&e, attrLinkedSession, o.linked)
			setList(&e, attrAssumedBy, o.assumedBy)
			setList(&e, attrWebIdentity, o.webIdentity)
			if o.errors {
				e.SetAttr(attrHasErrors, "true")
			}
			if o.cross {
				e.SetAttr(attrCrossAccount, "true")
			}
			if o.ev.Count == 0 && o.ev.Denied > 0 {
				e.SetAttr(attrDeniedOnly, "true")
			}
			b.subjectAttrs(&e)
		}
		b.res.AddEdge(e)
	}
	if b.unnamed > 0 && b.env != nil && b.env.Logger != nil {
		b.env.Logger.Debug("records without a usable identity", "file", b.file, "count", b.unnamed)
	}
}

// subjectAttrs copies the federated subject of the caller, and for a
// GitHub Actions subject its repository, ref and environment, onto an
// OBSERVED edge, so the edge to a role names the workflow that obtained it.
func (b *builder) subjectAttrs(e *graph.Edge) {
	n := b.nodes[e.From]
	if n == nil || n.node.Attr("type") != "oidc-subject-observed" {
		return
	}
	for _, k := range []string{"sub", graph.AttrRepository, "ref", "environment", "pull_request", "job_workflow_ref"} {
		if v := n.node.Attr(k); v != "" {
			e.SetAttr(k, v)
		}
	}
}

func setList(e *graph.Edge, key string, list []string) {
	if len(list) > 0 {
		e.SetAttr(key, graph.JoinList(list))
	}
}

// addCapped adds s to a list of at most graph.MaxSeen distinct strings.
func addCapped(list []string, s string) []string {
	if s == "" {
		return list
	}
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

// callerAccount returns the account of the caller's credentials, or "".
func callerAccount(r *record) string {
	if a := r.UserIdentity.AccountID; isAccount(a) {
		return a
	}
	if a := parseARN(r.UserIdentity.ARN).account; isAccount(a) {
		return a
	}
	return ""
}
