package link

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam/gcppolicy"
)

// gcpNow is the time IAM conditions on request.time are decided at.
var gcpNow = time.Now

// gcpGrant is one role given to one member on one resource.
type gcpGrant struct {
	node     graph.Node
	resource string
	role     gcppolicy.Role
	member   string // as the policy writes it
	memberID string
	cond     *gcppolicy.Expr
	condText string
	condBad  bool // the condition does not parse
	// stale is the reason a grant is not in force: a configuration
	// declares it and the exported allow policy lacks it (staleGrant). Such
	// a grant gives possible edges only.
	stale string
}

// gcpView indexes the Google Cloud part of the graph.
type gcpView struct {
	v      *view
	now    time.Time
	grants []*gcpGrant
	// alias maps a project number to its project id, and a service
	// account's unique id to its email, where the graph shows both.
	alias map[string]string
	// children lists the declared resources, secrets and service accounts
	// of each project, and the projects and folders of each folder or
	// organization, by scope node id.
	children map[string][]graph.Node
	// deploys holds the members that hold a deploy permission, by project.
	deploys map[string]map[string]bool
	// groupMembers maps a group to its members (MEMBER_OF), domains to
	// their accounts, and accounts lists every user and service account.
	groupMembers map[string][]graph.Edge
	domains      map[string][]string
	accounts     []string
	below        map[string][]graph.Node // descendants, by scope
	// images lists the image names under Artifact Registry Docker hosts,
	// by project id.
	images map[string][]arImage
	// virtuals lists the virtual Artifact Registry repositories that read
	// from a repository, by the upstream's id.
	virtuals map[string][]graph.Node
	// livePolicies and liveGrants are what exports of allow policies
	// state (indexLive).
	livePolicies map[string]graph.Pos
	liveGrants   map[liveGrantKey]bool
}

func isGCP(n graph.Node) bool { return n.Attr(graph.AttrProvider) == "gcp" }

// linkGCP derives reach from Google Cloud allow policies, workload
// identity federation and GKE workload identity.
func (v *view) linkGCP() {
	g := &gcpView{v: v, now: gcpNow(), alias: map[string]string{}, children: map[string][]graph.Node{},
		deploys: map[string]map[string]bool{}, groupMembers: map[string][]graph.Edge{},
		domains: map[string][]string{}, below: map[string][]graph.Node{}}
	g.index()
	if len(g.grants) > 0 {
		g.indexArtifactImages()
	}
	for _, gr := range g.grants {
		g.linkGrant(gr)
	}
	g.linkFederation()
	g.linkGKE()
	g.linkKeyFiles()
}

// index collects grants, custom roles and the resource hierarchy.
func (g *gcpView) index() {
	custom := map[string][]string{}
	for _, n := range g.v.byKind[graph.NodePolicy] {
		if isGCP(n) && n.Attr("type") == "custom-role" {
			custom[n.Attr(graph.AttrName)] = graph.SplitList(n.Attr("permissions"))
		}
	}
	for _, n := range g.v.byKind[graph.NodeResource] {
		if isGCP(n) && n.Attr("type") == "project" && n.Attr("number") != "" {
			g.alias[graph.GCPProjectID(n.Attr("number"))] = n.ID
		}
	}
	for _, n := range g.v.byKind[graph.NodeIdentity] {
		for _, e := range g.v.edgesFrom(graph.EdgeMemberOf, n.ID) {
			g.groupMembers[e.To] = append(g.groupMembers[e.To], e)
		}
		if !isGCP(n) {
			continue
		}
		switch n.Attr("type") {
		case "service-account":
			if n.Attr("unique_id") != "" {
				g.alias[graph.GCPServiceAccountID(n.Attr("unique_id"))] = n.ID
			}
			g.accounts = append(g.accounts, n.ID)
		case "user":
			g.accounts = append(g.accounts, n.ID)
		}
		if n.Attr("type") == "user" {
			if _, domain, ok := strings.Cut(n.Attr("email"), "@"); ok {
				g.domains[domain] = append(g.domains[domain], n.ID)
			}
		}
	}

	for _, kind := range []graph.NodeKind{graph.NodeResource, graph.NodeSecret, graph.NodeIdentity} {
		for _, n := range g.v.byKind[kind] {
			if !isGCP(n) {
				continue
			}
			switch n.Attr("type") {
			case "project":
				if p := n.Attr("parent"); p != "" {
					g.addChild(scopeID(p), n)
				}
			case "folder":
				if p := n.Attr("parent"); p != "" {
					g.addChild(scopeID(p), n)
				}
			case "bucket", "gke-cluster", "resource", "secretmanager", "service-account", typeArtifactRepo:
				if p := n.Attr("project"); p != "" && !strings.Contains(p, "${") {
					g.addChild(g.canon(graph.GCPProjectID(p)), n)
				}
			}
		}
	}

	g.indexLive()
	for _, n := range g.v.byKind[graph.NodePolicy] {
		if !isGCP(n) || n.Attr("type") != "iam-grant" {
			continue
		}
		gr := &gcpGrant{node: n, resource: g.canon(n.Attr("resource")), member: n.Attr("member"),
			memberID: g.canon(n.Attr("member_id")), condText: n.Attr(graph.AttrCondition), stale: g.staleGrant(n)}
		name := n.Attr("role")
		if perms, ok := custom[name]; ok {
			gr.role = gcppolicy.Custom(name, perms)
		} else {
			gr.role = gcppolicy.Lookup(name)
		}
		if gr.condText != "" {
			e, err := gcppolicy.Parse(gr.condText)
			if err != nil {
				gr.condBad = true
			} else {
				gr.cond = e
			}
		}
		g.grants = append(g.grants, gr)
	}
	sort.SliceStable(g.grants, func(i, j int) bool { return g.grants[i].node.ID < g.grants[j].node.ID })

	// Members holding a deploy permission, per project, for actAs.
	for _, gr := range g.grants {
		if !gr.role.Deploys() || gr.cond != nil || gr.condBad || gr.stale != "" {
			continue
		}
		for _, m := range g.members(gr) {
			for _, p := range g.projectsUnder(gr.resource) {
				if g.deploys[p] == nil {
					g.deploys[p] = map[string]bool{}
				}
				g.deploys[p][m.id] = true
			}
		}
	}
}

func (g *gcpView) addChild(scope string, n graph.Node) {
	g.children[scope] = append(g.children[scope], n)
}

// canon maps an id that names a project by number or an account by
// unique id to the id the graph declares.
func (g *gcpView) canon(id string) string {
	if a, ok := g.alias[id]; ok {
		return a
	}
	return id
}

// scopeID turns folders/N or organizations/N into a node id.
func scopeID(parent string) string {
	kind, id, _ := strings.Cut(parent, "/")
	switch kind {
	case "folders":
		return graph.GCPFolderID(id)
	case "organizations":
		return graph.GCPOrganizationID(id)
	case "projects":
		return graph.GCPProjectID(id)
	}
	return parent
}

func isScope(id string) bool {
	return strings.HasPrefix(id, "gcp:project:") || strings.HasPrefix(id, "gcp:folder:") || strings.HasPrefix(id, "gcp:organization:")
}

// descendants lists the declared nodes under a scope, projects and
// folders included, each once.
func (g *gcpView) descendants(scope string) []graph.Node {
	if out, ok := g.below[scope]; ok {
		return out
	}
	var out []graph.Node
	seen := map[string]bool{scope: true}
	queue := []string{scope}
	for len(queue) > 0 && len(out) < 100000 {
		s := queue[0]
		queue = queue[1:]
		for _, c := range g.children[s] {
			if seen[c.ID] {
				continue
			}
			seen[c.ID] = true
			out = append(out, c)
			if isScope(c.ID) {
				queue = append(queue, c.ID)
			}
		}
	}
	g.below[scope] = out
	return out
}

// projectsUnder lists the project ids a grant on a resource covers.
func (g *gcpView) projectsUnder(id string) []string {
	if strings.HasPrefix(id, "gcp:project:") {
		return []string{strings.TrimPrefix(id, "gcp:project:")}
	}
	var out []string
	if isScope(id) {
		for _, d := range g.descendants(id) {
			if strings.HasPrefix(d.ID, "gcp:project:") {
				out = append(out, strings.TrimPrefix(d.ID, "gcp:project:"))
			}
		}
	}
	return out
}

// grantee is an identity a grant applies to.
type grantee struct {
	id   string
	conf graph.Confidence
	via  string // the group, domain or role through which the grant reaches it
}

// members expands a grant's member to the identities it applies to: the
// member itself, the members of a group (MEMBER_OF), the accounts of a
// domain, every account for allAuthenticatedUsers and allUsers, and the
// holders of a basic role for projectOwner:P and its kind.
func (g *gcpView) members(gr *gcpGrant) []grantee {
	var out []grantee
	if gr.memberID != "" {
		out = append(out, grantee{id: gr.memberID, conf: graph.Certain})
	}
	kind, value, _ := strings.Cut(gr.member, ":")
	switch kind {
	case "group":
		for _, e := range g.groupMembers[gr.memberID] {
			out = append(out, grantee{id: e.From, conf: e.Confidence, via: "as a member of " + gr.member})
		}
	case "domain":
		for _, id := range g.domains[strings.ToLower(value)] {
			out = append(out, grantee{id: id, conf: graph.Certain, via: "as an account of " + gr.member})
		}
	case "allUsers", "allAuthenticatedUsers":
		for _, id := range g.accounts {
			out = append(out, grantee{id: id, conf: graph.Certain, via: "through " + kind})
		}
	case "projectOwner", "projectEditor", "projectViewer":
		role := "roles/" + strings.ToLower(strings.TrimPrefix(kind, "project"))
		project := g.canon(graph.GCPProjectID(value))
		for _, o := range g.grants {
			if o.resource == project && o.role.Name == role && o.memberID != "" && o.cond == nil && !o.condBad && o.stale == "" {
				out = append(out, grantee{id: o.memberID, conf: graph.Certain, via: "as a holder of " + role + " on " + project})
			}
		}
	}
	return out
}

// target is a node a grant reaches and how.
type target struct {
	node  graph.Node
	scope string // the scope the grant is on, when it reaches a descendant
}

func (g *gcpView) nodeOf(id string) graph.Node {
	if n, ok := g.v.node(id); ok {
		return n
	}
	n := graph.Node{ID: id, Label: id}
	switch {
	case strings.HasPrefix(id, "gcp:sa:"):
		n.Kind = graph.NodeIdentity
		n.SetAttr("type", "service-account")
	case strings.HasPrefix(id, "gcp:secret:"):
		n.Kind = graph.NodeSecret
		n.SetAttr("type", "secretmanager")
	default:
		n.Kind = graph.NodeResource
	}
	return n
}

// typeArtifactRepo is the type ingest/gcpiam gives an Artifact Registry
// repository.
const typeArtifactRepo = "artifact-repository"

// service returns the service whose permissions act on a node.
func service(n graph.Node) string {
	switch n.Attr("type") {
	case "bucket":
		return "storage"
	case "secretmanager":
		return "secretmanager"
	case "service-account":
		return "iam"
	case "gke-cluster":
		return "container"
	case typeArtifactRepo:
		return "artifactregistry"
	case "project", "folder", "organization":
		return "resourcemanager"
	}
	svc, _, _ := strings.Cut(n.Attr("resource_type"), ".")
	return svc
}

// decide evaluates a grant's condition for a target. The resource is
// unknown when the target is a scope standing for all it contains.
func (g *gcpView) decide(gr *gcpGrant, t graph.Node, wholeScope bool) (gcppolicy.Decision, string) {
	if gr.condText == "" {
		return gcppolicy.True, ""
	}
	if gr.condBad {
		return gcppolicy.Unknown, "the condition does not parse"
	}
	res := gcppolicy.UnknownValue("the grant covers every resource of " + t.ID + ", and the condition names some")
	if !wholeScope {
		fields := map[string]gcppolicy.Value{}
		if s := t.Attr("resource_name"); s != "" && !strings.Contains(s, "${") {
			fields["name"] = gcppolicy.String(s)
		}
		if s := t.Attr("resource_type"); s != "" {
			fields["type"] = gcppolicy.String(s)
			svc, _, _ := strings.Cut(s, "/")
			fields["service"] = gcppolicy.String(svc)
		}
		res = gcppolicy.OpenMap(fields, "")
	}
	env := gcppolicy.Env{
		"resource": res,
		"request":  gcppolicy.OpenMap(map[string]gcppolicy.Value{"time": gcppolicy.Now(g.now)}, ""),
	}
	return gr.cond.Decide(env)
}

// linkGrant derives the edges one grant gives.
func (g *gcpView) linkGrant(gr *gcpGrant) {
	members := g.members(gr)
	if len(members) == 0 {
		return
	}
	t := g.nodeOf(gr.resource)
	for _, k := range []string{"resource_name", "resource_type"} {
		if t.Attr(k) == "" && gr.node.Attr(k) != "" {
			t.Attrs = copyAttrs(t.Attrs)
			t.SetAttr(k, gr.node.Attr(k))
		}
	}
	targets := []target{{node: t}}
	if isScope(t.ID) {
		for _, d := range g.descendants(t.ID) {
			targets = append(targets, target{node: d, scope: t.ID})
		}
	}
	for _, tg := range targets {
		whole := isScope(tg.node.ID)
		d, why := g.decide(gr, tg.node, whole)
		if d == gcppolicy.False {
			continue
		}
		for _, m := range members {
			if m.id == tg.node.ID {
				continue
			}
			conf := m.conf
			if d == gcppolicy.Unknown || gr.stale != "" {
				conf = graph.Possible
			}
			g.grantEdges(gr, m, tg, conf, why)
		}
	}
}

// grantEdges adds what a grant lets a member do to one target.
func (g *gcpView) grantEdges(gr *gcpGrant, m grantee, tg target, conf graph.Confidence, why string) {
	r := gr.role
	t := tg.node
	setIam := r.SetsIamPolicy(service(t)) || tg.scope != "" && r.SetsIamPolicy("resourcemanager")
	if perm := scopeSetIamPerm(t); perm != "" && tg.scope == "" {
		// A project, folder or organization has a permission of its own
		// that sets its policy: folders.setIamPolicy sets no project's.
		setIam = r.Has(perm)
	}
	unknownRole := !r.Known && tg.scope == ""

	switch {
	case t.Kind == graph.NodeIdentity && t.Attr("type") == "service-account":
		switch {
		case r.Has(gcppolicy.PermGetAccessToken) || r.Has(gcppolicy.PermSignJwt):
			g.edge(gr, m, tg, graph.EdgeCanAssume, conf, why, gcppolicy.PermGetAccessToken, "lets it create access tokens for")
		case setIam:
			g.edge(gr, m, tg, graph.EdgeCanAssume, conf, why, setIamPerm(t, tg), "lets it grant itself roles/iam.serviceAccountTokenCreator on")
		case r.Has(gcppolicy.PermActAs):
			c, how := conf, "lets it act as"
			if !g.deploys[strings.TrimPrefix(g.canon(graph.GCPProjectID(t.Attr("project"))), "gcp:project:")][m.id] {
				c = graph.Possible
				how = "lets it act as (it also needs a permission to deploy a VM, Cloud Run service or function in the account's project, which the input does not show it holds)"
			} else {
				how = "lets it act as (it can deploy compute in the account's project), so it can run code as"
			}
			g.edge(gr, m, tg, graph.EdgeCanAssume, c, why, gcppolicy.PermActAs, how)
		case unknownRole:
			g.edge(gr, m, tg, graph.EdgeCanAssume, graph.Possible, orWhy(why, "the custom role "+r.Name+" is not in the input"), "", "may let it impersonate")
		}
		if r.Has(gcppolicy.PermKeysCreate) || setIam {
			g.mint(gr, m, tg, conf, why)
		}
	case t.Kind == graph.NodeSecret:
		switch {
		case r.Has(gcppolicy.PermSecretAccess):
			g.edge(gr, m, tg, graph.EdgeCanReadSecret, conf, why, gcppolicy.PermSecretAccess, "lets it read the value of")
		case setIam:
			g.edge(gr, m, tg, graph.EdgeCanReadSecret, conf, why, setIamPerm(t, tg), "lets it grant itself roles/secretmanager.secretAccessor on")
		case r.HasMaybe(gcppolicy.PermSecretAccess):
			g.edge(gr, m, tg, graph.EdgeCanReadSecret, graph.Possible, orWhy(why, "the role table does not settle whether "+r.Name+" holds "+gcppolicy.PermSecretAccess), gcppolicy.PermSecretAccess, "may let it read the value of")
		case unknownRole:
			g.edge(gr, m, tg, graph.EdgeCanReadSecret, graph.Possible, orWhy(why, "the custom role "+r.Name+" is not in the input"), "", "may let it read the value of")
		}
	default:
		g.linkArtifactPublish(gr, m, tg, conf, why)
		if tg.scope != "" && !setIam && !r.AppliesTo(service(t)) {
			return
		}
		lv := r.Level
		perm := ""
		if setIam {
			lv, perm = gcppolicy.LevelAdmin, setIamPerm(t, tg)
		}
		c := conf
		if unknownRole {
			c = graph.Possible
			why = orWhy(why, "the custom role "+r.Name+" is not in the input")
		}
		g.edge(gr, m, tg, graph.EdgeCanAccess, c, why, perm, "gives it "+lv+" access to", lv)
	}
}

func orWhy(why, dflt string) string {
	if why != "" {
		return why
	}
	return dflt
}

// setIamPerm names the setIamPolicy permission that makes a target the
// member's: on the target itself, or on the scope above it.
func setIamPerm(t graph.Node, tg target) string {
	if tg.scope != "" {
		switch {
		case strings.HasPrefix(tg.scope, "gcp:folder:"):
			return gcppolicy.PermFolderSetIam
		case strings.HasPrefix(tg.scope, "gcp:organization:"):
			return gcppolicy.PermOrgSetIam
		}
		return gcppolicy.PermProjectSetIam
	}
	if perm := scopeSetIamPerm(t); perm != "" {
		return perm
	}
	switch service(t) {
	case "storage":
		return gcppolicy.PermBucketSetIam
	case "secretmanager":
		return gcppolicy.PermSecretSetIam
	case "iam":
		return gcppolicy.PermSASetIamPolicy
	}
	return gcppolicy.PermProjectSetIam
}

// scopeSetIamPerm returns the permission that sets the IAM policy of a
// project, folder or organization node, or "" for any other node.
func scopeSetIamPerm(t graph.Node) string {
	switch t.Attr("type") {
	case "project":
		return gcppolicy.PermProjectSetIam
	case "folder":
		return gcppolicy.PermFolderSetIam
	case "organization":
		return gcppolicy.PermOrgSetIam
	}
	return ""
}

// edge adds one derived edge of a grant; level is set for CAN_ACCESS.
func (g *gcpView) edge(gr *gcpGrant, m grantee, tg target, kind graph.EdgeKind, conf graph.Confidence, why, perm, how string, level ...string) {
	t := tg.node
	e := graph.Edge{From: m.id, To: t.ID, Kind: kind, Confidence: conf, Pos: gr.node.Pos}
	actions := []string{gr.role.Name}
	if perm != "" {
		actions = append(actions, perm)
	}
	e.SetAttr(graph.AttrActions, graph.JoinList(actions))
	if len(level) > 0 {
		e.SetAttr(graph.AttrLevel, level[0])
	}
	where := t.ID
	if tg.scope != "" {
		where += ", which " + tg.scope + " holds,"
	}
	reason := fmt.Sprintf("%s: %s on %s %s %s", gr.node.ID, gr.role.Name, gr.resource, how, where)
	if perm != "" {
		reason += " (" + perm + ")"
	}
	if m.via != "" {
		reason += "; it reaches " + m.id + " " + m.via
	}
	reason += conditionReason(gr, &e, conf, why)
	e.SetAttr(graph.AttrReason, reason)
	g.v.addEdge(e)
}

// conditionReason returns the end of a reason that describes how a
// grant's condition was decided, and why a stale grant is not in force,
// and records the condition on the edge.
func conditionReason(gr *gcpGrant, e *graph.Edge, conf graph.Confidence, why string) string {
	if gr.stale != "" {
		return grantCondition(gr, e, conf, why) + "; undecided: " + gr.stale
	}
	return grantCondition(gr, e, conf, why)
}

// grantCondition describes how a grant's condition was decided.
func grantCondition(gr *gcpGrant, e *graph.Edge, conf graph.Confidence, why string) string {
	if gr.condText != "" {
		title := gr.node.Attr("condition_title")
		e.SetAttr(graph.AttrCondition, gr.condText)
		if conf == graph.Possible && why != "" {
			return fmt.Sprintf("; condition %q is undecided: %s", title, why)
		}
		return fmt.Sprintf("; condition %q holds", title)
	}
	if conf == graph.Possible && why != "" {
		return "; undecided: " + why
	}
	return ""
}

// mint adds CAN_MINT to a new key of a service account.
func (g *gcpView) mint(gr *gcpGrant, m grantee, tg target, conf graph.Confidence, why string) {
	email := strings.TrimPrefix(tg.node.ID, "gcp:sa:")
	key := graph.GCPServiceAccountKeyID(email, "new")
	kn := graph.Node{ID: key, Kind: graph.NodeSecret, Label: "new key of " + email, Pos: tg.node.Pos}
	kn.SetAttr(graph.AttrProvider, "gcp")
	kn.SetAttr("type", "sa-key")
	kn.SetAttr("minted", "true")
	kn.SetAttr(graph.AttrLongLived, "true")
	g.v.addNode(kn)
	g.v.addEdge(graph.Edge{From: key, To: tg.node.ID, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: tg.node.Pos})
	perm := gcppolicy.PermKeysCreate
	how := "lets it create a key for"
	if !gr.role.Has(gcppolicy.PermKeysCreate) {
		perm = setIamPerm(tg.node, tg)
		how = "lets it grant itself roles/iam.serviceAccountKeyAdmin and create a key for"
	}
	g.edge(gr, m, target{node: graph.Node{ID: key, Kind: graph.NodeSecret}, scope: tg.scope}, graph.EdgeCanMint, conf, why, perm, how)
}

// ---- workload identity federation

// wifProvider is a workload identity pool provider.
type wifProvider struct {
	node    graph.Node
	pool    string
	issuer  string
	cond    *gcppolicy.Expr
	condBad bool
	mapping map[string]*gcppolicy.Expr
}

// linkFederation matches each CI job's OIDC subject against the workload
// identity providers of each pool whose principals hold grants.
func (g *gcpView) linkFederation() {
	providers := map[string][]*wifProvider{}
	for _, n := range g.v.byKind[graph.NodePolicy] {
		if !isGCP(n) || n.Attr("type") != "wif-provider" || n.Attr("disabled") == "true" {
			continue
		}
		p := &wifProvider{node: n, pool: n.Attr("pool"), issuer: n.Attr("issuer"), mapping: map[string]*gcppolicy.Expr{}}
		if c := n.Attr("attribute_condition"); c != "" {
			if e, err := gcppolicy.Parse(c); err == nil {
				p.cond = e
			} else {
				p.condBad = true
			}
		}
		var m map[string]string
		_ = json.Unmarshal([]byte(n.Attr("attribute_mapping")), &m)
		for k, src := range m {
			if e, err := gcppolicy.Parse(src); err == nil {
				p.mapping[k] = e
			}
		}
		providers[p.pool] = append(providers[p.pool], p)
	}
	var subjects []graph.Node
	for _, n := range g.v.byKind[graph.NodeIdentity] {
		if n.Attr("type") == "oidc-subject" && !g.v.calledSubjects[n.ID] {
			subjects = append(subjects, n)
		}
	}
	for _, w := range g.v.byKind[graph.NodeIdentity] {
		if !isGCP(w) || w.Attr("type") != "wif-principal" || strings.HasSuffix(w.Attr("pool"), ".svc.id.goog") {
			continue
		}
		for _, j := range subjects {
			if ps := providers[w.Attr("pool")]; len(ps) > 0 {
				g.federate(j, w, ps)
			} else {
				g.federateUnseen(j, w)
			}
		}
	}
}

// federate adds CAN_ASSUME from a job's subject to a pool principal when a
// provider of the pool admits one of the job's tokens and maps it to the
// principal.
func (g *gcpView) federate(j, w graph.Node, ps []*wifProvider) {
	best, bestWhy, bestClaim := gcppolicy.False, "", ""
	var bestP *wifProvider
	for _, p := range ps {
		// A provider without an OIDC issuer (an AWS or SAML provider)
		// admits no CI job token.
		if p.issuer == "" || !sameIssuer(p.issuer, j.Attr("issuer")) {
			continue
		}
		lits := p.literals(w)
		for _, cs := range g.claimSets(j, lits) {
			d, why := p.admits(cs.claims, w)
			if d > best {
				best, bestWhy, bestClaim, bestP = d, why, cs.describe, p
			}
		}
	}
	if best == gcppolicy.False {
		return
	}
	conf := graph.Certain
	reason := fmt.Sprintf("workload identity provider %s admits the job's token (%s) and maps it to %s", bestP.node.ID, bestClaim, w.ID)
	if c := bestP.node.Attr("attribute_condition"); c != "" {
		reason += fmt.Sprintf("; attribute_condition %q", c)
	} else {
		reason += "; the provider has no attribute_condition"
	}
	if best == gcppolicy.Unknown {
		conf = graph.Possible
		reason += "; undecided: " + bestWhy
	}
	e := graph.Edge{From: j.ID, To: w.ID, Kind: graph.EdgeCanAssume, Confidence: conf, Pos: bestP.node.Pos}
	e.SetAttr(graph.AttrActions, "sts.googleapis.com/token.exchange")
	e.SetAttr(graph.AttrReason, reason)
	if c := bestP.node.Attr("attribute_condition"); c != "" {
		e.SetAttr(graph.AttrCondition, c)
	}
	g.v.addEdge(e)
}

// federateUnseen links a job to a principal of a pool whose providers are
// not in the input, when the principal names the job's repository, owner
// or subject as the forge's usual mapping gives them (GitHub's repository
// and repository_owner, GitLab's project_path and namespace_path):
// possible, never certain.
func (g *gcpView) federateUnseen(j, w graph.Node) {
	repo := j.Attr(graph.AttrRepository)
	owner, _, _ := strings.Cut(repo, "/")
	val := w.Attr("value")
	match := false
	forge := "GitHub"
	repoAttr, ownerAttr := "repository", "repository_owner"
	if isGitLabSubject(j) {
		forge = "GitLab"
		repoAttr, ownerAttr = "project_path", "namespace_path"
		owner = path.Dir(repo)
	}
	switch w.Attr("selector_kind") {
	case "attribute":
		switch w.Attr("attribute") {
		case repoAttr:
			match = val == repo
		case ownerAttr:
			match = val == owner
		}
	case "subject":
		match = contains(graph.SplitList(j.Attr("subs")), val)
	}
	if !match || repo == "" {
		return
	}
	e := graph.Edge{From: j.ID, To: w.ID, Kind: graph.EdgeCanAssume, Confidence: graph.Possible, Pos: w.Pos}
	e.SetAttr(graph.AttrActions, "sts.googleapis.com/token.exchange")
	e.SetAttr(graph.AttrReason, fmt.Sprintf("%s names the job's %s as %s's usual attribute mapping gives it; undecided: no provider of pool %s is in the input, so its issuer, attribute_condition and mapping are not known",
		w.ID, w.Attr("selector_kind"), forge, w.Attr("pool")))
	g.v.addEdge(e)
}

// literals lists the strings a provider and a principal compare claims
// with, so that claims a job can choose (a branch, an environment) are
// tried at each value that may decide.
func (p *wifProvider) literals(w graph.Node) []string {
	var out []string
	if p.cond != nil {
		out = append(out, p.cond.Literals()...)
	}
	for _, k := range sortedMapKeys(p.mapping) {
		out = append(out, p.mapping[k].Literals()...)
	}
	if v := w.Attr("value"); v != "" {
		out = append(out, v)
		if _, ref, ok := strings.Cut(v, ":ref:"); ok {
			out = append(out, ref)
		}
		if _, env, ok := strings.Cut(v, ":environment:"); ok {
			out = append(out, env)
		}
	}
	return out
}

func sortedMapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// admits decides whether a token with the given claims passes the
// provider's attribute condition and maps to the principal.
func (p *wifProvider) admits(claims map[string]gcppolicy.Value, w graph.Node) (gcppolicy.Decision, string) {
	env := gcppolicy.Env{"assertion": gcppolicy.Map(claims)}
	google := map[string]gcppolicy.Value{}
	attrs := map[string]gcppolicy.Value{}
	for _, k := range sortedMapKeys(p.mapping) {
		v := p.mapping[k].Eval(env)
		if name, ok := strings.CutPrefix(k, "attribute."); ok {
			attrs[name] = v
		} else if name, ok := strings.CutPrefix(k, "google."); ok {
			google[name] = v
		}
	}
	env["google"] = gcppolicy.Map(google)
	env["attribute"] = gcppolicy.Map(attrs)

	cond, why := gcppolicy.True, ""
	switch {
	case p.condBad:
		cond, why = gcppolicy.Unknown, "the attribute_condition does not parse"
	case p.cond != nil:
		cond, why = p.cond.Decide(env)
	}
	if cond == gcppolicy.False {
		return gcppolicy.False, ""
	}

	match, mwhy := gcppolicy.False, ""
	val := w.Attr("value")
	switch w.Attr("selector_kind") {
	case "all":
		match = gcppolicy.True
	case "subject":
		if s, ok := google["subject"]; ok {
			match, mwhy = gcppolicy.Equal(s, gcppolicy.String(val)), s.Why()
		}
	case "attribute":
		if a, ok := attrs[w.Attr("attribute")]; ok {
			match, mwhy = gcppolicy.Equal(a, gcppolicy.String(val)), a.Why()
		}
	case "group":
		if _, ok := google["groups"]; ok {
			match, mwhy = gcppolicy.Unknown, "the groups claim is not known"
		}
	}
	d := min(cond, match)
	if d == gcppolicy.Unknown {
		if cond == gcppolicy.Unknown {
			return d, why
		}
		return d, orWhy(mwhy, "a mapped attribute is not known")
	}
	return d, ""
}

// claimSet is one set of claims a job's token can carry.
type claimSet struct {
	claims   map[string]gcppolicy.Value
	describe string
}

// unknownClaims are GitHub token claims whose values the input does not show.
var unknownClaims = []string{"sha", "repository_id", "repository_owner_id", "run_id", "run_number",
	"run_attempt", "actor", "actor_id", "workflow_sha", "job_workflow_sha", "runner_environment",
	"repository_visibility", "jti", "nbf", "exp", "iat", "ref_protected", "enterprise", "enterprise_id",
	"check_run_id", "environment_node_id"}

// scenario is a kind of run of a job: its event, the refs it can run on,
// and its environment.
type scenario struct {
	event   string
	refs    []string // glob patterns
	env     string   // "" for none, "*" when the workflow computes it
	subKind string   // environment, pull_request or ref
}

// claimSets lists the claim sets of a job's tokens. A claim the job can
// choose (the branch of a push to any branch) is tried at every literal
// of the provider it can take, and once at a value none of them is.
func (g *gcpView) claimSets(j graph.Node, lits []string) []claimSet {
	if isGitLabSubject(j) {
		return gitlabClaimSets(j, lits)
	}
	repo := j.Attr(graph.AttrRepository)
	owner, _, _ := strings.Cut(repo, "/")
	rt := g.v.get("runtime:gha:" + strings.TrimPrefix(j.ID, "oidc:gha:"))
	events := graph.SplitList(j.Attr("events"))
	var branches []string
	for _, b := range graph.SplitList(rt.Attr("branches")) {
		branches = append(branches, "refs/heads/"+b)
	}
	refsFor := func(event string) []string {
		switch event {
		case "pull_request":
			return []string{"refs/pull/*/merge"}
		case "pull_request_target":
			return []string{"refs/heads/*"}
		case "push":
			if len(branches) > 0 {
				return branches
			}
		}
		return []string{"refs/*"}
	}
	var scens []scenario
	for _, sub := range graph.SplitList(j.Attr("subs")) {
		rest := strings.TrimPrefix(sub, "repo:"+repo+":")
		switch {
		case strings.HasPrefix(rest, "environment:"):
			env := strings.TrimPrefix(rest, "environment:")
			for _, ev := range orList(events, "workflow_dispatch") {
				scens = append(scens, scenario{event: ev, refs: refsFor(ev), env: env, subKind: "environment"})
			}
		case rest == "pull_request":
			n := 0
			for _, ev := range events {
				if ev == "pull_request" || ev == "pull_request_target" {
					scens = append(scens, scenario{event: ev, refs: refsFor(ev), subKind: "pull_request"})
					n++
				}
			}
			if n == 0 {
				scens = append(scens, scenario{event: "pull_request", refs: refsFor("pull_request"), subKind: "pull_request"})
			}
		case strings.HasPrefix(rest, "ref:"):
			ref := strings.TrimPrefix(rest, "ref:")
			if ref == "*" {
				ref = "refs/*"
			}
			var evs []string
			for _, ev := range events {
				if ev == "pull_request" || ev == "pull_request_target" {
					continue
				}
				if ev == "push" && ref == "refs/*" && len(branches) > 0 {
					continue
				}
				if ev != "push" && ref != "refs/*" {
					continue
				}
				evs = append(evs, ev)
			}
			for _, ev := range orList(evs, "push") {
				scens = append(scens, scenario{event: ev, refs: []string{ref}, subKind: "ref"})
			}
		}
	}

	var out []claimSet
	for _, s := range scens {
		for _, ref := range candidates(s.refs, lits, "refs/") {
			envs := []gcppolicy.Value{gcppolicy.String(s.env)}
			if s.env == "*" {
				envs = candidates([]string{"*"}, lits, "")
			}
			for _, env := range envs {
				out = append(out, g.claimSet(j, rt, repo, owner, s, ref, env))
				if len(out) >= 4096 {
					return out
				}
			}
		}
	}
	return out
}

func orList(list []string, dflt string) []string {
	if len(list) == 0 {
		return []string{dflt}
	}
	return list
}

// candidates lists the values to try for a claim matching patterns: each
// pattern without "*", each literal a pattern covers, and, when a pattern
// has "*", a value none of the literals is.
func candidates(patterns, lits []string, prefix string) []gcppolicy.Value {
	var out []gcppolicy.Value
	seen := map[string]bool{}
	wild := false
	var tried []string
	for _, p := range patterns {
		if !strings.Contains(p, "*") {
			if !seen[p] {
				seen[p] = true
				out = append(out, gcppolicy.String(p))
				tried = append(tried, p)
			}
			continue
		}
		wild = true
		for _, l := range lits {
			if !seen[l] && strings.HasPrefix(l, prefix) && gcppolicy.Glob(p, l) {
				seen[l] = true
				out = append(out, gcppolicy.String(l))
				tried = append(tried, l)
			}
		}
	}
	if wild {
		out = append(out, gcppolicy.Strings("the job can run with other values", patterns, tried...))
	}
	return out
}

// claimSet builds the claims of one run.
func (g *gcpView) claimSet(j, rt graph.Node, repo, owner string, s scenario, ref, env gcppolicy.Value) claimSet {
	c := map[string]gcppolicy.Value{
		"iss":              gcppolicy.String(strings.TrimSuffix(j.Attr("issuer"), "/")),
		"aud":              gcppolicy.Strings("the job chooses the audience it requests", []string{"*"}),
		"repository":       gcppolicy.String(repo),
		"repository_owner": gcppolicy.String(owner),
		"event_name":       gcppolicy.String(s.event),
		"ref":              ref,
		"head_ref":         gcppolicy.String(""),
		"base_ref":         gcppolicy.String(""),
	}
	for _, k := range unknownClaims {
		c[k] = gcppolicy.UnknownValue("the " + k + " claim is not in the input")
	}
	if s.event == "pull_request" || s.event == "pull_request_target" {
		c["head_ref"] = gcppolicy.UnknownValue("the head_ref claim is not in the input")
		c["base_ref"] = gcppolicy.UnknownValue("the base_ref claim is not in the input")
	}
	refText, refKnown := ref.Str()
	switch {
	case refKnown && strings.HasPrefix(refText, "refs/heads/"):
		c["ref_type"] = gcppolicy.String("branch")
	case refKnown && strings.HasPrefix(refText, "refs/tags/"):
		c["ref_type"] = gcppolicy.String("tag")
	default:
		c["ref_type"] = gcppolicy.UnknownValue("the ref_type claim is not in the input")
	}
	refPat := refText
	if !refKnown {
		refPat = "*"
	}
	if envText, _ := env.Str(); s.env != "" {
		c["environment"] = env
		if s.env == "*" {
			envText = "*"
		}
		c["sub"] = subValue("repo:"+repo+":environment:"+envText, env.Known())
	} else if s.subKind == "pull_request" {
		c["sub"] = gcppolicy.String("repo:" + repo + ":pull_request")
	} else {
		c["sub"] = subValue("repo:"+repo+":ref:"+refPat, refKnown)
	}
	if wf := rt.Attr("workflow"); wf != "" && rt.Attr("reusable_call") != "true" {
		c["job_workflow_ref"] = subValue(repo+"/"+wf+"@"+refPat, refKnown)
		c["workflow_ref"] = c["job_workflow_ref"]
	} else {
		c["job_workflow_ref"] = gcppolicy.UnknownValue("the job_workflow_ref claim is not in the input")
		c["workflow_ref"] = gcppolicy.UnknownValue("the workflow_ref claim is not in the input")
	}
	if name := rt.Attr("workflow_name"); name != "" {
		c["workflow"] = gcppolicy.String(name)
	} else {
		c["workflow"] = gcppolicy.UnknownValue("the workflow claim is not in the input")
	}
	desc := "event " + s.event + ", ref "
	if refKnown {
		desc += refText
	} else {
		desc += "other than those the provider names"
	}
	if e, ok := env.Str(); ok && e != "" {
		desc += ", environment " + e
	}
	return claimSet{claims: c, describe: desc}
}

func subValue(s string, known bool) gcppolicy.Value {
	if known {
		return gcppolicy.String(s)
	}
	return gcppolicy.Strings("the job can run with other values", []string{s})
}

// ---- GKE workload identity

// linkGKE links Kubernetes service accounts to the workload identity
// principals that stand for them and, through their gcp_service_account
// annotation, to the Google service account they run as.
func (g *gcpView) linkGKE() {
	var principals []graph.Node
	for _, n := range g.v.byKind[graph.NodeIdentity] {
		if isGCP(n) && n.Attr("type") == "wif-principal" && n.Attr("ksa") != "" {
			principals = append(principals, n)
		}
	}
	for _, k := range g.v.byKind[graph.NodeIdentity] {
		rest, ok := strings.CutPrefix(k.ID, "k8s:sa:")
		if !ok {
			continue
		}
		parts := strings.Split(rest, "/")
		if len(parts) < 2 {
			continue
		}
		ns, name := parts[len(parts)-2], parts[len(parts)-1]
		annotated := strings.ToLower(k.Attr("gcp_service_account"))
		for _, w := range principals {
			if w.Attr("namespace") != ns || w.Attr("ksa") != name {
				continue
			}
			pool := w.Attr("workload_pool")
			trusted := annotated != "" && g.trusts(graph.GCPServiceAccountID(annotated), w.ID)
			conf := graph.Possible
			reason := fmt.Sprintf("GKE workload identity: %s stands for Kubernetes service account %s/%s in workload pool %s", w.ID, ns, name, pool)
			if trusted || k.Attr("workload_pool") == pool || k.Attr("project")+".svc.id.goog" == pool {
				conf = graph.Certain
				if trusted {
					reason += fmt.Sprintf("; its annotation names %s, which grants this principal roles/iam.workloadIdentityUser", annotated)
				}
			} else {
				reason += "; undecided: whether the cluster running it belongs to that pool is not in the input"
			}
			e := graph.Edge{From: k.ID, To: w.ID, Kind: graph.EdgeCanAssume, Confidence: conf, Pos: w.Pos}
			e.SetAttr(graph.AttrActions, "sts.googleapis.com/token.exchange")
			e.SetAttr(graph.AttrReason, reason)
			g.v.addEdge(e)
			if trusted {
				sa := graph.GCPServiceAccountID(annotated)
				e := graph.Edge{From: k.ID, To: sa, Kind: graph.EdgeCanAssume, Confidence: graph.Certain, Pos: k.Pos}
				e.SetAttr(graph.AttrActions, "roles/iam.workloadIdentityUser,"+gcppolicy.PermGetAccessToken)
				e.SetAttr(graph.AttrReason, fmt.Sprintf("the annotation iam.gke.io/gcp-service-account of %s names %s, which grants roles/iam.workloadIdentityUser to %s",
					k.ID, sa, "serviceAccount:"+pool+"["+ns+"/"+name+"]"))
				g.v.addEdge(e)
			}
		}
	}
}

// trusts reports whether a grant lets a principal create tokens for a
// service account, directly or on the account's project.
func (g *gcpView) trusts(sa, principal string) bool {
	project := ""
	if n, ok := g.v.node(sa); ok {
		project = g.canon(graph.GCPProjectID(n.Attr("project")))
	}
	for _, gr := range g.grants {
		if gr.memberID != principal || !gr.role.Has(gcppolicy.PermGetAccessToken) || gr.condText != "" || gr.stale != "" {
			continue
		}
		if gr.resource == sa || project != "" && gr.resource == project {
			return true
		}
	}
	return false
}

// linkKeyFiles exposes a key file committed to a repository to the jobs of
// that repository: a job that checks the repository out can read it.
func (g *gcpView) linkKeyFiles() {
	byRepo := map[string][]graph.Node{}
	for _, s := range g.v.byKind[graph.NodeSecret] {
		if isGCP(s) && s.Attr("type") == "sa-key" && s.Attr(graph.AttrStoredInline) == "true" && s.Attr(graph.AttrRepository) != "" {
			repo := graph.RepoIDOf(s)
			byRepo[repo] = append(byRepo[repo], s)
		}
	}
	if len(byRepo) == 0 {
		return
	}
	for _, rt := range g.v.byKind[graph.NodeRuntime] {
		for _, s := range byRepo[graph.CheckoutRepoIDOf(rt)] {
			e := graph.Edge{From: rt.ID, To: s.ID, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: s.Pos}
			e.SetAttr(graph.AttrVia, "file")
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the key file %s is committed to %s; undecided: whether the job checks the repository out",
				s.Attr("file"), rt.Attr(graph.AttrRepository)))
			g.v.addEdge(e)
		}
	}
}
