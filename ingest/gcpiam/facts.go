package gcpiam

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam/gcppolicy"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// Attribute keys of this format; docs/facts.md lists them.
const (
	attrType          = "type"
	attrProject       = "project"
	attrResource      = "resource"
	attrResourceName  = "resource_name"
	attrResourceType  = "resource_type"
	attrRole          = "role"
	attrMember        = "member"
	attrMemberID      = "member_id"
	attrCondTitle     = "condition_title"
	attrSource        = "source"
	attrPermissions   = "permissions"
	attrIssuer        = "issuer"
	attrAttrCondition = "attribute_condition"
	attrAttrMapping   = "attribute_mapping"
	attrWorkloadPool  = "workload_pool"
	attrTFAddress     = "tf_address"
)

// Sources of grants, in attribute "source".
const (
	sourceGcloud    = "gcloud"
	sourceAssets    = "asset-inventory"
	sourceTerraform = "terraform"
)

// builder collects the facts of one input, merging repeated nodes.
type builder struct {
	file    string
	source  string
	fp      func(string) string
	nodes   []graph.Node
	nodeIdx map[string]int
	edges   []graph.Edge
	edgeIdx map[graph.EdgeKey]bool
	diags   []ingest.Diagnostic
	records int
}

func newBuilder(file, source string, env *ingest.Env) *builder {
	b := &builder{file: file, source: source, nodeIdx: map[string]int{}, edgeIdx: map[graph.EdgeKey]bool{}}
	if env != nil {
		b.fp = env.Fingerprint
	}
	return b
}

// node adds a node, or adds the attributes it lacks to one already added.
// Empty attributes are dropped.
func (b *builder) node(kind graph.NodeKind, id, label string, line int, attrs map[string]string) {
	if id == "" {
		return
	}
	if i, ok := b.nodeIdx[id]; ok {
		n := &b.nodes[i]
		for k, v := range attrs {
			if v != "" && n.Attr(k) == "" {
				n.SetAttr(k, v)
			}
		}
		return
	}
	n := graph.Node{ID: id, Kind: kind, Label: label, Pos: graph.Pos{File: b.file, Line: line}}
	for k, v := range attrs {
		if v != "" {
			n.SetAttr(k, v)
		}
	}
	b.nodeIdx[id] = len(b.nodes)
	b.nodes = append(b.nodes, n)
}

// executesImageWith adds EXECUTES from a runtime to the container image it
// runs, with the image's name node, as the other readers write them, with
// a confidence and the reason for it, and pull, when set, as the edge's
// graph.AttrPullPolicy. A reference that does not parse adds nothing.
func (b *builder) executesImageWith(runtime, ref string, line int, conf graph.Confidence, reason, pull string) {
	img, ok := image.Parse(ref)
	if !ok {
		// A tag that a variable sets still names the image, whose
		// publisher reaches the runtime through its name node.
		if img, ok := image.ParseComputedVersion(ref); ok {
			name := img.PURL(false)
			b.node(graph.NodePackage, name, img.Name(), line, map[string]string{"ecosystem": "docker", graph.AttrName: img.Name()})
			computed := image.ComputedVersionReason
			if reason != "" {
				computed = reason + "; " + computed
			}
			b.edgeWith(runtime, graph.EdgeExecutes, name, graph.Possible, line, map[string]string{
				graph.AttrVia: "image", "pinned": image.PinnedComputed, graph.AttrReason: computed,
			})
		}
		return
	}
	ver, name := img.PURL(true), img.PURL(false)
	b.node(graph.NodePackage, ver, img.Name()+"@"+img.Version(), line, map[string]string{
		"ecosystem": "docker", graph.AttrName: img.Name(), "version": img.Version(),
	})
	b.node(graph.NodePackage, name, img.Name(), line, map[string]string{"ecosystem": "docker", graph.AttrName: img.Name()})
	b.edge(ver, graph.EdgeVersionOf, name, line, nil)
	attrs := map[string]string{graph.AttrVia: "image", "pinned": img.Pinned(), graph.AttrReason: reason}
	if pull != "" {
		attrs[graph.AttrPullPolicy] = pull
	}
	b.edgeWith(runtime, graph.EdgeExecutes, ver, conf, line, attrs)
}

// edge adds a certain edge.
func (b *builder) edge(from string, kind graph.EdgeKind, to string, line int, attrs map[string]string) {
	b.edgeWith(from, kind, to, graph.Certain, line, attrs)
}

// edgeWith adds an edge of the given confidence. Of two edges with the
// same key, the first is kept.
func (b *builder) edgeWith(from string, kind graph.EdgeKind, to string, conf graph.Confidence, line int, attrs map[string]string) {
	e := graph.Edge{From: from, To: to, Kind: kind, Confidence: conf, Pos: graph.Pos{File: b.file, Line: line}}
	if b.edgeIdx[e.Key()] {
		return
	}
	b.edgeIdx[e.Key()] = true
	for k, v := range attrs {
		if v != "" {
			e.SetAttr(k, v)
		}
	}
	b.edges = append(b.edges, e)
}

func (b *builder) warnf(line int, format string, args ...any) {
	b.diags = append(b.diags, ingest.Diagnostic{Pos: ingest.Position{File: b.file, Line: line}, Msg: fmt.Sprintf(format, args...)})
}

// resource adds the node of a resource.
func (b *builder) resource(r resource, line int) {
	attrs := map[string]string{
		graph.AttrProvider: providerGCP,
		attrType:           r.typ,
		attrProject:        r.project,
		attrResourceName:   r.name,
		attrResourceType:   r.assetType,
	}
	switch r.typ {
	case typeServiceAccount:
		attrs["email"] = r.label
		attrs[graph.AttrAccount] = r.project
	case typeSecret:
		attrs[graph.AttrName] = r.name[strings.LastIndex(r.name, "/")+1:]
		attrs[graph.AttrLongLived] = "true"
		attrs[graph.AttrAccount] = r.project
	case typeBucket:
		attrs[graph.AttrName] = strings.TrimPrefix(r.name, "projects/_/buckets/")
	case typeProject:
		attrs[graph.AttrAccount] = r.project
	case typeArtifactRepo:
		// resource.name reads projects/P/locations/L/repositories/R.
		parts := strings.Split(r.name, "/")
		attrs["location"] = parts[3]
		attrs[graph.AttrName] = parts[5]
	}
	for k, v := range r.attrs {
		attrs[k] = v
	}
	b.node(r.kind, r.id, r.label, line, attrs)
}

// condition is an IAM condition.
type condition struct {
	title, expression string
}

// grant adds one role given to one member on a resource: the member's
// identity, a Policy node for the grant and HAS_POLICY resource -> grant.
func (b *builder) grant(r resource, role, memberText string, cond condition, line int, extra map[string]string) {
	if role == "" || memberText == "" {
		return
	}
	m := parseMember(memberText)
	if m.deleted {
		return
	}
	if m.unsupported {
		kind, _, _ := strings.Cut(memberText, ":")
		b.warnf(line, "binding for %s: member of type %q is not read", role, safeWord(kind))
		return
	}
	if m.id != "" {
		attrs := map[string]string{graph.AttrProvider: providerGCP, attrType: m.typ}
		for k, v := range m.attrs {
			attrs[k] = v
		}
		b.node(graph.NodeIdentity, m.id, m.label, line, attrs)
	}
	if cond.expression != "" {
		if _, err := gcppolicy.Parse(cond.expression); err != nil {
			b.warnf(line, "binding for %s: condition does not parse (%v); its edges will be possible", role, err)
		}
	}
	id := graph.GCPGrantID(r.id, role, memberText, cond.expression)
	attrs := map[string]string{
		graph.AttrProvider:  providerGCP,
		attrType:            typeGrant,
		attrResource:        r.id,
		attrResourceName:    r.name,
		attrResourceType:    r.assetType,
		attrProject:         r.project,
		attrRole:            role,
		attrMember:          memberText,
		attrMemberID:        m.id,
		graph.AttrLevel:     gcppolicy.LevelOf(role),
		graph.AttrCondition: cond.expression,
		attrCondTitle:       cond.title,
		attrSource:          b.source,
	}
	if b.source != sourceTerraform {
		// gcloud and Cloud Asset Inventory print the policy in force.
		attrs[graph.AttrLiveExport] = "true"
	}
	for k, v := range extra {
		attrs[k] = v
	}
	b.node(graph.NodePolicy, id, role+" for "+memberText, line, attrs)
	b.edge(r.id, graph.EdgeHasPolicy, id, line, nil)
}

// safeWord keeps a member type in a message only when it looks like one.
func safeWord(s string) string {
	if len(s) > 32 {
		return "?"
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "?"
		}
	}
	return s
}

// policy adds the grants of an allow policy object ({"bindings": [...]})
// read from JSON and returns the number of bindings read.
func (b *builder) policy(r *reader, res resource, pol *jval, extra map[string]string) int {
	n := 0
	for _, bd := range pol.items("bindings") {
		line, _ := r.pos(bd.off)
		role := bd.getStr("role")
		if role == "" {
			b.warnf(line, "binding without a role; skipped")
			continue
		}
		cond := condition{}
		if c := bd.get("condition"); c != nil {
			cond = condition{title: c.getStr("title"), expression: c.getStr("expression")}
			if cond.expression == "" {
				b.warnf(line, "binding for %s: condition without an expression", role)
			}
		}
		for _, mv := range bd.items("members") {
			if mv.kind != 's' {
				continue
			}
			ml, _ := r.pos(mv.off)
			b.grant(res, role, mv.str, cond, ml, extra)
		}
		n++
	}
	return n
}

// customRole adds a custom role with its permissions.
func (b *builder) customRole(name, title string, perms []string, line int, extra map[string]string) {
	attrs := map[string]string{
		graph.AttrProvider: providerGCP,
		attrType:           typeCustomRole,
		graph.AttrName:     name,
		attrPermissions:    graph.JoinList(perms),
		graph.AttrLevel:    gcppolicy.Custom(name, perms).Level,
		"title":            title,
	}
	for k, v := range extra {
		attrs[k] = v
	}
	b.node(graph.NodePolicy, graph.GCPRoleID(name), name, line, attrs)
}

// wifProvider adds a workload identity pool provider: who may enter the
// pool, as the linker matches it against CI jobs.
func (b *builder) wifProvider(pool, provider, issuer, cond string, mapping map[string]string, line int, extra map[string]string) {
	if pool == "" || provider == "" {
		b.warnf(line, "workload identity provider without a pool or provider id; skipped")
		return
	}
	if cond != "" {
		if _, err := gcppolicy.Parse(cond); err != nil {
			b.warnf(line, "provider %s: attribute_condition does not parse (%v); its edges will be possible", provider, err)
		}
	}
	for k, v := range mapping {
		if _, err := gcppolicy.Parse(v); err != nil {
			b.warnf(line, "provider %s: mapping of %s does not parse (%v)", provider, safeKey(k), err)
		}
	}
	attrs := map[string]string{
		graph.AttrProvider: providerGCP,
		attrType:           typeWIFProvider,
		"pool":             pool,
		"provider_id":      provider,
		attrIssuer:         strings.TrimSuffix(issuer, "/"),
		attrAttrCondition:  cond,
		attrAttrMapping:    mappingJSON(mapping),
	}
	for k, v := range extra {
		attrs[k] = v
	}
	b.node(graph.NodePolicy, graph.GCPWIFProviderID(pool, provider), "workload identity provider "+pool+"/"+provider, line, attrs)
}

// safeKey keeps a mapping key in a message when it is a plain attribute name.
func safeKey(s string) string {
	if len(s) > 64 {
		return "?"
	}
	for _, c := range s {
		if !(c == '.' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "?"
		}
	}
	return s
}

func mappingJSON(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	out, err := json.Marshal(m) // keys sorted
	if err != nil {
		return ""
	}
	return string(out)
}

// ParseMapping reads the attribute_mapping attribute of a provider node.
func ParseMapping(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, errors.New("attribute_mapping is not a JSON object of strings")
	}
	return m, nil
}

// serviceAccount adds a service account identity.
func (b *builder) serviceAccount(email, project string, line int, extra map[string]string) resource {
	r := serviceAccountRes(email, project)
	if project != "" && project != "-" {
		r.project = project
	}
	r.attrs = extra
	b.resource(r, line)
	return r
}

// key adds a service account key that authenticates as its account.
func (b *builder) key(email, label string, line int, attrs map[string]string) string {
	id := graph.GCPServiceAccountKeyID(email, label)
	a := map[string]string{
		graph.AttrProvider:  providerGCP,
		attrType:            typeKey,
		graph.AttrLongLived: "true",
	}
	for k, v := range attrs {
		a[k] = v
	}
	b.node(graph.NodeSecret, id, "key of "+strings.ToLower(email), line, a)
	b.edge(id, graph.EdgeAuthenticatesAs, graph.GCPServiceAccountID(email), line, nil)
	return id
}

func (b *builder) fingerprint(s string) string {
	if b.fp == nil {
		return ""
	}
	return b.fp(s)
}
