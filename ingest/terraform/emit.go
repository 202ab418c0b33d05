package terraform

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam"
)

// emitter turns the evaluated blocks of one file into facts.
type emitter struct {
	m   *module
	ev  *evaluator
	env *ingest.Env
	idx *moduleIndex
	ff  *fileFacts
	// alias is the aws provider alias of the block being emitted, "" for
	// the default provider.
	alias string
	// cur is the instance of the block being emitted.
	cur *block
}

// refs returns what expr reads, in the instance being emitted when expr
// is one of its arguments (see evaluator.refsIn).
func (e *emitter) refs(expr hcl.Expression) refInfo { return e.ev.refsIn(expr, e.cur) }

// refsTo returns the blocks of one type that expr reads, as refs does.
func (e *emitter) refsTo(expr hcl.Expression, typ string) []*block {
	return e.ev.refsTo(expr, typ, e.cur)
}

// moduleIndex finds declared blocks by the names other blocks use.
type moduleIndex struct {
	// arns maps "user", "role" and "group" to name -> ARN.
	arns map[string]map[string]string
	// profiles maps an instance profile name to its block.
	profiles map[string]*block
	// roleProfiles maps a role ARN to the ARNs of the instance profiles
	// that hold it.
	roleProfiles map[string][]string
	// dbPasswords maps the address of a database instance (the block's
	// address when it is read as one) to the id of its master password.
	// randomDBs and varDBs map to those ids from the address of the
	// random_password instance or variable (var.x) a password is made of.
	dbPasswords map[string]string
	randomDBs   map[string][]string
	varDBs      map[string][]string
	// management holds the aliases of the aws providers of the management
	// account ("" for the default one).
	management map[string]bool
	// varKeys maps a variable (var.x) to the instances whose connection
	// blocks read their SSH private key from it: whatever holds the
	// variable's value holds the private key of their key pair.
	varKeys map[string][]*block
}

func newModuleIndex(m *module, ev *evaluator) *moduleIndex {
	idx := &moduleIndex{
		arns:         map[string]map[string]string{},
		profiles:     map[string]*block{},
		roleProfiles: map[string][]string{},
		dbPasswords:  map[string]string{},
		randomDBs:    map[string][]string{},
		varDBs:       map[string][]string{},
		management:   m.managementScopes(),
		varKeys:      map[string][]*block{},
	}
	for _, b := range m.blocksOfType("aws_instance") {
		if b.attr("key_name") == nil {
			continue
		}
		for _, c := range connections(b.syn.Body) {
			a := c.Body.Attributes["private_key"]
			if a == nil {
				continue
			}
			if ri := ev.refs(a.Expr); len(ri.blocks) == 0 && len(ri.vars) == 1 {
				name := ri.vars[0].addr
				idx.varKeys[name] = append(idx.varKeys[name], b)
			}
		}
	}
	for _, kind := range []string{"user", "role", "group"} {
		idx.arns[kind] = map[string]string{}
		for _, b := range ev.instancesOf(m.blocksOfType("aws_iam_" + kind)) {
			bv := ev.objs[b.addr]
			name, _ := str(bv.attrs["name"])
			arn, _ := str(bv.attrs["arn"])
			if _, dup := idx.arns[kind][name]; !dup {
				idx.arns[kind][name] = arn
			}
		}
	}
	for _, b := range ev.instancesOf(m.blocksOfType("aws_iam_instance_profile")) {
		bv := ev.objs[b.addr]
		if name, ok := str(bv.attrs["name"]); ok {
			idx.profiles[name] = b
		}
		arn, _ := str(bv.attrs["arn"])
		for _, role := range profileRoleNames(bv) {
			roleARN := idx.identityARN(ev.account, "role", role)
			idx.roleProfiles[roleARN] = append(idx.roleProfiles[roleARN], arn)
		}
	}
	for _, typ := range []string{"aws_db_instance", "aws_rds_cluster"} {
		for _, b := range ev.instancesOf(m.blocksOfType(typ)) {
			a := b.attr(dbPasswordArg[typ])
			arn, ok := str(ev.objs[b.addr].attrs["arn"])
			if a == nil || !ok {
				continue
			}
			id := dbPasswordID(arn)
			idx.dbPasswords[b.addr] = id
			ri := ev.refsIn(a.Expr, b)
			for _, r := range ri.blocks {
				if rb := r.inst; rb.typ == "random_password" && !rb.data && randomAttrs[r.attr] {
					idx.randomDBs[rb.addr] = append(idx.randomDBs[rb.addr], id)
				}
			}
			if len(ri.blocks) == 0 && len(ri.vars) == 1 {
				name := ri.vars[0].addr
				idx.varDBs[name] = append(idx.varDBs[name], id)
			}
		}
	}
	return idx
}

// identityARN returns the ARN of a user, role or group given by name or
// ARN, using the declared path when the module declares it.
func (idx *moduleIndex) identityARN(account, kind, nameOrARN string) string {
	if strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN
	}
	if arn, ok := idx.arns[kind][nameOrARN]; ok {
		return arn
	}
	return graph.IAMARN(account, kind, "/", nameOrARN)
}

// emitModule converts every file of the module.
func emitModule(m *module, ev *evaluator, env *ingest.Env) map[string]*fileFacts {
	idx := newModuleIndex(m, ev)
	out := map[string]*fileFacts{}
	for _, f := range m.files {
		ff := &fileFacts{err: f.err}
		out[f.name] = ff
		if f.err != nil {
			continue
		}
		if !f.vars {
			e := &emitter{m: m, ev: ev, env: env, idx: idx, ff: ff}
			for _, b := range m.blocksInFile(f) {
				ff.records++
				e.block(b)
			}
		}
	}
	callFacts(ev, out, func(cm *module, cev *evaluator) map[string]*fileFacts {
		return emitModule(cm, cev, env)
	})
	for _, f := range m.files {
		ff := out[f.name]
		if f.err != nil {
			continue
		}
		ff.nodes = dedupeNodes(ff.nodes)
		ff.edges = dedupeEdges(ff.edges)
		ff.diags = append(ff.diags, m.diags[f.name]...)
		ff.diags = append(ff.diags, ev.diags[f.name]...)
		ingest.SortDiagnostics(ff.diags)
	}
	return out
}

// dedupeNodes drops repeats of a node with the same id, kind and
// attributes, such as an AWS managed policy attached twice.
func dedupeNodes(ns []graph.Node) []graph.Node {
	seen := map[string]bool{}
	out := ns[:0]
	for _, n := range ns {
		key := string(n.Kind) + " " + n.ID + " " + attrKey(n.Attrs)
		if !seen[key] {
			seen[key] = true
			out = append(out, n)
		}
	}
	return out
}

func dedupeEdges(es []graph.Edge) []graph.Edge {
	seen := map[string]bool{}
	out := es[:0]
	for _, e := range es {
		key := e.Key().String() + " " + attrKey(e.Attrs)
		if !seen[key] {
			seen[key] = true
			out = append(out, e)
		}
	}
	return out
}

func attrKey(attrs map[string]string) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		sb.WriteString(k + "\x00" + attrs[k] + "\x00")
	}
	return sb.String()
}

// block emits the facts of one resource block, for each of its instances;
// data sources give none.
func (e *emitter) block(b *block) {
	for _, ib := range e.ev.instancesOf([]*block{b}) {
		e.blockInstance(ib)
	}
}

// blockInstance emits the facts of one instance of a resource block.
func (e *emitter) blockInstance(b *block) {
	bv := e.ev.objs[b.addr]
	if b.data || bv == nil {
		return
	}
	e.cur = b
	defer func() { e.cur = nil }()
	if isGoogle(b.typ) {
		e.google(b, bv)
		return
	}
	defer e.ev.useScope(b)()
	e.alias = providerAlias(b, "aws")
	switch b.typ {
	case "aws_iam_user", "aws_iam_role", "aws_iam_group":
		e.identity(b, bv)
	case "aws_iam_policy":
		e.managedPolicy(b, bv)
	case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
		e.inlinePolicy(b, bv)
	case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment":
		e.attachment(b, bv)
	case "aws_iam_role_policy_attachments_exclusive", "aws_iam_user_policy_attachments_exclusive",
		"aws_iam_group_policy_attachments_exclusive":
		e.exclusiveAttachments(b, bv)
	case "aws_iam_policy_attachment":
		e.policyAttachment(b, bv)
	case "aws_iam_group_membership":
		e.groupMembership(b, bv)
	case "aws_iam_user_group_membership":
		e.userGroupMembership(b, bv)
	case "aws_iam_access_key":
		e.accessKey(b, bv)
	case "aws_iam_openid_connect_provider":
		e.oidcProvider(b, bv)
	case "aws_iam_user_login_profile":
		e.loginProfile(b, bv)
	case "aws_iam_instance_profile":
		e.instanceProfile(b, bv)
	case "aws_instance":
		e.instance(b, bv)
	case "aws_autoscaling_group":
		e.autoscalingGroup(b, bv)
	case "aws_eks_cluster":
		e.eksCluster(b, bv)
	case "aws_eks_node_group":
		e.eksNodeGroup(b, bv)
	case "aws_lambda_function":
		e.lambda(b, bv)
	case "aws_lambda_layer_version":
		e.layerCode(b)
	case "aws_ecs_task_definition":
		e.ecsTask(b, bv)
	case "aws_ecs_service":
		e.ecsService(b, bv)
	case "aws_elastic_beanstalk_environment":
		e.beanstalk(b, bv)
	case "aws_secretsmanager_secret":
		e.smSecret(b, bv)
	case "aws_secretsmanager_secret_policy":
		e.smSecretPolicy(b, bv)
	case "aws_secretsmanager_secret_version":
		e.smSecretVersion(b, bv)
	case "aws_ssm_parameter":
		e.ssmParameter(b, bv)
	case "aws_s3_bucket", "aws_dynamodb_table", "aws_sqs_queue", "aws_sns_topic",
		"aws_kms_key", "aws_ecr_repository", "aws_db_instance", "aws_rds_cluster":
		e.resource(b, bv)
	case "aws_s3_bucket_policy", "aws_sqs_queue_policy", "aws_sns_topic_policy",
		"aws_kms_key_policy", "aws_ecr_repository_policy":
		e.resourcePolicy(b, bv)
	case "aws_s3_bucket_public_access_block":
		e.publicAccessBlock(b, bv)
	case "aws_s3_object", "aws_s3_bucket_object":
		e.s3Object(b, bv)
	case "aws_dynamodb_table_item":
		e.dynamoItem(b, bv)
	case "aws_api_gateway_api_key":
		e.apiKey(b, bv)
	case "aws_organizations_policy":
		e.orgPolicy(b, bv)
	case "aws_organizations_policy_attachment":
		e.orgPolicyAttachment(b, bv)
	case "aws_organizations_organization":
		e.organization(b)
	case "aws_organizations_account":
		e.orgAccount(b, bv)
	case "aws_organizations_organizational_unit":
		e.orgUnit(b, bv)
	case "aws_cognito_user_pool":
		e.cognitoUserPool(b, bv)
	case "aws_cognito_identity_pool":
		e.cognitoIdentityPool(b, bv)
	case "aws_cognito_identity_pool_roles_attachment":
		e.cognitoRoles(b, bv)
	case "kubernetes_service_account", "kubernetes_service_account_v1":
		e.k8sServiceAccount(b, bv)
	case "github_repository":
		e.githubRepository(b, bv)
	case "github_actions_secret", "github_actions_environment_secret":
		e.githubSecret(b, bv)
	case "github_actions_organization_secret":
		e.githubOrgSecret(b, bv)
	case "github_actions_organization_secret_repositories":
		e.githubOrgSecretRepos(b, bv)
	case "gitlab_project_variable", "gitlab_group_variable":
		e.gitlabVariable(b, bv)
	}
}

// node adds a node at rng. Empty attributes are dropped; references left
// unresolved in the id or any attribute are listed in attr unresolved.
func (e *emitter) node(kind graph.NodeKind, id, label string, rng hcl.Range, attrs map[string]string) {
	clean := ingest.NodeAttrs(placeholderRef, id, attrs)
	if e.alias != "" && clean[graph.AttrProvider] == providerAWS {
		clean["tf_provider"] = "aws." + e.alias
	}
	e.ff.nodes = append(e.ff.nodes, graph.Node{ID: id, Kind: kind, Label: label, Attrs: clean, Pos: graph.Pos{Line: e.line(rng)}})
}

// inOtherFile reports whether rng lies in another file than the block
// being emitted: in an override file whose arguments merged into it.
func (e *emitter) inOtherFile(rng hcl.Range) bool {
	return e.cur != nil && rng.Filename != "" && rng.Filename != e.cur.file.name
}

// line returns the line of a fact at rng. The facts of a block stay in
// its file, so a fact at an argument that an override file merged into
// the block is placed at the block's own line.
func (e *emitter) line(rng hcl.Range) int {
	if e.inOtherFile(rng) {
		return e.cur.syn.DefRange().Start.Line
	}
	return rng.Start.Line
}

// edge adds an edge at rng.
func (e *emitter) edge(from string, kind graph.EdgeKind, to string, rng hcl.Range, attrs map[string]string) {
	ed := graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: graph.Pos{Line: e.line(rng)}}
	for k, v := range attrs {
		if v != "" {
			ed.SetAttr(k, v)
		}
	}
	e.ff.edges = append(e.ff.edges, ed)
}

// heldEdge adds an edge to a credential a value holds; it is possible when
// the holding is uncertain, with the reason.
func (e *emitter) heldEdge(from string, kind graph.EdgeKind, h heldSecret, rng hcl.Range, attrs map[string]string) {
	e.edge(from, kind, h.id, rng, attrs)
	if h.doubt != "" {
		ed := &e.ff.edges[len(e.ff.edges)-1]
		ed.Confidence = graph.Possible
		ed.SetAttr(graph.AttrReason, h.doubt)
	}
}

// warnf adds a warning at rng, in the file rng lies in: a warning about
// an argument of an override file is the override file's.
func (e *emitter) warnf(rng hcl.Range, format string, args ...any) {
	if e.inOtherFile(rng) {
		e.ev.warnf(rng, format, args...)
		return
	}
	e.ff.diags = append(e.ff.diags, diagAt(rng, fmt.Sprintf(format, args...)))
}

// fingerprint returns the salted fingerprint of a value seen in the input.
func (e *emitter) fingerprint(s string) string {
	if e.env == nil || e.env.Fingerprint == nil {
		return ""
	}
	return e.env.Fingerprint(s)
}

// attrStr returns an evaluated argument as a string; ok is false when it
// is absent, null or unknown.
func attrStr(bv *blockVal, name string) (string, bool) {
	s, ok := str(bv.attrs[name])
	return s, ok && s != ""
}

// require returns a string argument the block cannot do without, warning
// at the block when it is missing or unresolved.
func (e *emitter) require(b *block, bv *blockVal, name string) (string, bool) {
	if s, ok := attrStr(bv, name); ok {
		return s, true
	}
	rng := b.syn.DefRange()
	if a := b.attr(name); a != nil {
		rng = a.Expr.Range()
	}
	switch d := bv.diags[name]; {
	case d.HasErrors():
		e.warnf(rng, "%s: %s could not be evaluated: %s; block skipped", b.addr, name, summary(d))
	case b.attr(name) == nil:
		e.warnf(rng, "%s: %s is missing; block skipped", b.addr, name)
	default:
		e.warnf(rng, "%s: %s could not be resolved; block skipped", b.addr, name)
	}
	return "", false
}

// policy returns the policy document of a block argument in compact JSON,
// warning when it cannot be evaluated, resolved or parsed.
func (e *emitter) policy(b *block, bv *blockVal, name string) (string, bool) {
	a := b.attr(name)
	if a == nil {
		return "", false
	}
	return e.policyValue(b.addr+": "+name, a.Expr.Range(), bv.attrs[name], bv.diags[name])
}

// policyExpr is policy for an expression of a nested block.
func (e *emitter) policyExpr(b *block, what string, expr hcl.Expression) (string, bool) {
	v, diags := e.ev.value(expr, b)
	return e.policyValue(b.addr+": "+what, expr.Range(), v, diags)
}

func (e *emitter) policyValue(what string, rng hcl.Range, v cty.Value, diags hcl.Diagnostics) (string, bool) {
	doc, _, ok := e.policyOrGap(what, rng, v, diags)
	return doc, ok
}

// policyOrGap works like policyValue and also returns why a document is
// unknown when the input sets it but does not show it.
func (e *emitter) policyOrGap(what string, rng hcl.Range, v cty.Value, diags hcl.Diagnostics) (doc, gap string, ok bool) {
	if diags.HasErrors() {
		e.warnf(rng, "%s could not be evaluated: %s", what, summary(diags))
		return "", "the policy could not be evaluated", false
	}
	s, ok := str(v)
	if !ok {
		if v.IsKnown() && v.IsNull() {
			return "", "", false
		}
		e.warnf(rng, "%s could not be resolved", what)
		return "", "the policy could not be resolved", false
	}
	if s == "" {
		return "", "", false
	}
	doc, err := normalizePolicy(s)
	if err != nil {
		if u := unresolvedRefs(s); len(u) > 0 {
			e.warnf(rng, "%s could not be resolved: it depends on %s", what, strings.Join(u, ", "))
			return "", "the policy depends on " + strings.Join(u, ", "), false
		}
		e.warnf(rng, "%s is not a valid JSON policy document", what)
		return "", "", false
	}
	return doc, "", true
}

// setResourcePolicy sets attr resource_policy from the block's policy
// argument. An unknown policy sets policy_unresolved=true and unresolved
// (the reason) instead.
func (e *emitter) setResourcePolicy(b *block, bv *blockVal, attrs map[string]string) {
	a := b.attr("policy")
	if a == nil {
		return
	}
	doc, gap, ok := e.policyOrGap(b.addr+": policy", a.Expr.Range(), bv.attrs["policy"], bv.diags["policy"])
	switch {
	case ok:
		attrs["resource_policy"] = doc
	case gap != "":
		attrs["policy_unresolved"] = "true"
		attrs["unresolved"] = gap
	}
}

// placeholderRef matches "${reference}" text left by unresolved Terraform
// references. IAM policy variables such as ${aws:username} do not match.
var placeholderRef = regexp.MustCompile(`\$\{((?:var|local|data|module|each|count|path|self|terraform|provider)\.[^{}]*|[a-z][a-z0-9]*_[a-z0-9_-]*\.[^{}]*)\}`)

// unresolvedRefs lists the references left unresolved in texts.
func unresolvedRefs(texts ...string) []string {
	return ingest.Placeholders(placeholderRef, texts...)
}

// holds adds HOLDS edges from a secret to the credentials its value comes
// from, and, when the value is written out in the input, its fingerprint
// to attrs.
func (e *emitter) holds(from string, b *block, expr hcl.Expression, attrs map[string]string, rng hcl.Range) {
	ri := e.refs(expr)
	for _, h := range e.heldBy(ri) {
		e.heldEdge(from, graph.EdgeHolds, h, rng, nil)
	}
	if !ri.literal() {
		return
	}
	v, diags := e.ev.value(expr, b)
	if s, ok := str(v); ok && s != "" && !diags.HasErrors() {
		inlineValueAttrs(attrs, e.fingerprint(s), s)
	}
}

// inlineValueAttrs marks a credential whose value is written out: its
// fingerprint and, when the value is a long-lived AWS access key id, the
// id, which names the key at IAM and in CloudTrail.
func inlineValueAttrs(attrs map[string]string, fingerprint, value string) {
	attrs[graph.AttrFingerprint] = fingerprint
	attrs[graph.AttrStoredInline] = "true"
	if longLivedKeyID.MatchString(value) {
		attrs["key_id"] = value
	}
}

// keyAttrs are the attributes of aws_iam_access_key that carry the key.
var keyAttrs = map[string]bool{"": true, "id": true, "secret": true, "ses_smtp_password_v4": true,
	"encrypted_secret": true, "encrypted_ses_smtp_password_v4": true}

// randomAttrs are the attributes of random_password that carry the value.
var randomAttrs = map[string]bool{"": true, "result": true, "bcrypt_hash": true}

// heldSecret is a credential that a value contains, with the doubt, if any,
// about something the input does not show.
type heldSecret struct {
	id, doubt string
}

// elementOfOutput is the doubt of each credential of a module output that
// contains several, when a reference selects one element of the output.
const elementOfOutput = "the value is one element of a module output that contains several credentials, and which one is not read"

// outputHeld returns the credentials that an output of a called module
// contains, read in the instances of the call that the reference names. A
// call that was not read, such as one of a registry source, gives none.
func (e *emitter) outputHeld(o outputRef) []heldSecret {
	st := e.ev.called[o.call]
	if st == nil {
		return nil
	}
	prefix := e.ev.m.prefix + "module." + o.call + o.key
	var held []heldSecret
	for _, child := range st.children {
		if o.key != "" && child.m.prefix != prefix+"." {
			continue
		}
		a := child.m.outputs[o.output]
		if a == nil {
			continue
		}
		ce := &emitter{m: child.m, ev: child, env: e.env, idx: newModuleIndex(child.m, child), ff: e.ff}
		held = append(held, ce.heldBy(child.refs(a.Expr))...)
	}
	for i := range held {
		held[i].doubt = firstOf(o.doubt, held[i].doubt)
		if o.element && len(held) > 1 {
			held[i].doubt = firstOf(held[i].doubt, elementOfOutput)
		}
	}
	return held
}

// heldBy returns the credentials a value reads: access keys, Google Cloud
// service account keys, Secrets Manager secrets, SSM parameters, console
// passwords, API keys and database master passwords (read directly, or through the random_password
// or the variable the password is made of).
func (e *emitter) heldBy(ri refInfo) []heldSecret {
	var out []heldSecret
	seen := map[string]int{}
	add := func(id, doubt string) {
		if id == "" {
			return
		}
		if i, ok := seen[id]; ok {
			// A certain reference outweighs a doubtful one.
			if doubt == "" {
				out[i].doubt = ""
			}
			return
		}
		seen[id] = len(out)
		out = append(out, heldSecret{id: id, doubt: doubt})
	}
	for _, r := range ri.blocks {
		b := r.inst
		bv := e.ev.objs[b.addr]
		if bv == nil {
			continue
		}
		switch {
		case b.typ == "aws_iam_access_key" && !b.data && keyAttrs[r.attr]:
			add(e.accessKeyID(b, bv), r.doubt)
		case b.typ == "aws_secretsmanager_secret_version" && (r.attr == "" || r.attr == "secret_string" || r.attr == "secret_binary"),
			b.typ == "aws_ssm_parameter" && (r.attr == "" || r.attr == "value" || r.attr == "insecure_value"):
			arn, _ := attrStr(bv, "arn")
			add(arn, r.doubt)
		case b.typ == "aws_iam_user_login_profile" && !b.data && (r.attr == "password" || r.attr == "encrypted_password"):
			add(e.loginProfileID(bv), r.doubt)
		case b.typ == "aws_api_gateway_api_key" && r.attr == "value":
			add(e.apiKeyID(bv), r.doubt)
		case b.typ == "google_service_account_key" && !b.data && (r.attr == "" || r.attr == "private_key"):
			sa, _ := attrStr(bv, "service_account_id")
			if id, ok := gcpiam.TerraformKeyID(sa, b.name); ok {
				add(id, r.doubt)
			}
		case b.typ == "random_password" && !b.data && randomAttrs[r.attr]:
			for _, id := range e.idx.randomDBs[b.addr] {
				add(id, r.doubt)
			}
		case (b.typ == "aws_db_instance" || b.typ == "aws_rds_cluster") && !b.data && r.attr == dbPasswordArg[b.typ]:
			add(e.idx.dbPasswords[b.addr], r.doubt)
		}
	}
	for _, o := range ri.outputs {
		for _, h := range e.outputHeld(o) {
			add(h.id, h.doubt)
		}
	}
	for _, v := range ri.vars {
		for _, id := range e.idx.varDBs[v.addr] {
			add(id, v.doubt)
		}
		for _, ib := range e.idx.varKeys[v.addr] {
			restore := e.ev.useScope(ib)
			name, _ := attrStr(e.ev.objs[ib.addr], "key_name")
			add(e.keyPairID(name), v.doubt)
			restore()
		}
	}
	return out
}

// identityARN returns the ARN of a user, role or group given by name or
// ARN, using the declared path when the module declares it.
func (e *emitter) identityARN(kind, nameOrARN string) string {
	return e.idx.identityARN(e.ev.account, kind, nameOrARN)
}

// accessKeyID returns the id of the access key of an aws_iam_access_key
// block, or "" when its user is unknown.
func (e *emitter) accessKeyID(b *block, bv *blockVal) string {
	user, ok := attrStr(bv, "user")
	if !ok {
		return ""
	}
	return graph.AWSAccessKeyID(e.identityARN("user", user), b.name)
}
