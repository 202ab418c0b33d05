// Package gcpiam reads Google Cloud IAM data in JSON, and converts the
// google_* Terraform resources that ingest/terraform evaluates. Both give
// allow policies (who holds which role on which project, folder,
// organization, service account, bucket, secret or Artifact Registry
// repository), service accounts and their keys, custom roles, workload
// identity pool providers, Artifact Registry repositories and GKE
// clusters.
//
// Each grant (one role for one member on one resource, under an optional
// condition) becomes a Policy node that the linker turns into reach:
// CAN_ACCESS, CAN_ASSUME, CAN_READ_SECRET and CAN_MINT edges. The package
// evaluates nothing itself; gcppolicy holds the role table and the
// condition evaluator both sides use.
//
// # Inputs
//
//   - Allow policies as `gcloud projects|folders|organizations|iam
//     service-accounts|secrets|storage buckets get-iam-policy --format=json`
//     print them ({"bindings": [...], "etag": ..., "version": ...}). The
//     resource is the file's "resource" or "name" field when it has one;
//     else the file name, KIND-ID.iam.json (or KIND-ID.json), KIND being
//     project, folder, organization (org), sa (service-account), bucket or
//     secret, a secret named secret-PROJECT.SECRET; else the name of the
//     folder holding the file, read the same way; else Parser.Resource.
//     A file whose resource none of these gives is rejected.
//   - Cloud Asset Inventory exports (`gcloud asset export`, JSON lines, or
//     a JSON array of assets) with IAM policies, service accounts, custom
//     roles, projects and secrets, and `gcloud asset
//     search-all-iam-policies --format=json` output.
//   - Service account key files ("type": "service_account"): only the
//     account's email and the key id are kept; the private key is
//     fingerprinted and never stored.
//   - `gcloud iam workload-identity-pools providers describe --format=json`
//     output.
//
// # Limitations
//
// Files are read whole, up to ingest.MaxConfigSize. YAML output of gcloud
// is not read. Group memberships are not in allow policies, so a grant to
// a group reaches its members only when the graph holds MEMBER_OF edges.
// Cloud Asset Inventory names projects by number; a secret named by
// project number and the same secret named by project id are two nodes.
package gcpiam

import (
	"bytes"
	"context"
	"io"
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Parser reads Google Cloud IAM JSON files.
type Parser struct {
	// Resource names the resource of policy files that name none, as
	// projects/ID, folders/N, organizations/N, or a full resource name.
	// A command line may set it from a flag, as --repo sets the repository.
	Resource string
}

// New returns a Google Cloud IAM parser.
func New() *Parser { return &Parser{} }

// Format returns "gcp-iam".
func (*Parser) Format() string { return "gcp-iam" }

type layout int

const (
	layoutNone     layout = iota
	layoutPolicy          // get-iam-policy output, optionally with its resource
	layoutAssets          // asset export or search-all-iam-policies output
	layoutKey             // service account key file
	layoutProvider        // workload identity pool provider
)

var policyKeys = []string{"bindings", "etag", "version", "auditConfigs", "resource", "name", "kind"}

func layoutOf(h headInfo) layout {
	switch {
	case !h.array && h.has("bindings") && h.only(policyKeys...):
		return layoutPolicy
	case !h.array && h.has("etag") && h.only("etag", "version", "resource", "name"):
		return layoutPolicy
	case h.strs["type"] == "service_account" && h.has("client_email"):
		return layoutKey
	case !h.array && strings.Contains(h.strs["name"], "/workloadIdentityPools/") &&
		strings.Contains(h.strs["name"], "/providers/") && h.has("attributeMapping", "attributeCondition", "oidc"):
		return layoutProvider
	case h.has("asset_type", "assetType") && strings.HasPrefix(h.strs["name"], "//"):
		return layoutAssets
	case h.has("policy") && strings.HasPrefix(h.strs["resource"], "//"):
		return layoutAssets
	}
	return layoutNone
}

// Detect reports whether the first object of the file is an allow policy,
// an asset record, a service account key or a workload identity provider.
func (*Parser) Detect(f *ingest.File) bool {
	return layoutOf(scanHead(f.Head)) != layoutNone
}

// Parse reads the file and adds its facts.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	r := newReader(data)
	b := newBuilder(f.Path, sourceGcloud, env)

	switch layoutOf(scanHead(data)) {
	case layoutPolicy:
		err = p.readPolicy(f, r, b)
	case layoutAssets:
		b.source = sourceAssets
		err = r.each(func(v *jval) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			readAsset(r, b, v)
			return nil
		})
	case layoutKey:
		err = readKey(f, r, b)
	case layoutProvider:
		err = readProvider(r, b)
	default:
		return ingest.Errorf(ingest.Position{File: f.Path, Line: 1}, "not a Google Cloud IAM policy, asset export, key file or workload identity provider")
	}
	if err != nil {
		return p.positioned(f, r, err)
	}
	res.Nodes = append(res.Nodes, b.nodes...)
	for _, e := range b.edges {
		res.AddEdge(e)
	}
	res.Diags = append(res.Diags, b.diags...)
	res.Records += b.records
	return nil
}

func (p *Parser) positioned(f *ingest.File, r *reader, err error) error {
	if se, ok := err.(*errSyntax); ok {
		line, col := r.pos(se.off)
		return ingest.Errorf(ingest.Position{File: f.Path, Line: line, Col: col}, "%s", se.Error())
	}
	if _, ok := err.(*ingest.Error); ok {
		return err
	}
	return ingest.Errorf(ingest.Position{File: f.Path}, "%v", err)
}

func readAll(f *ingest.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "open: %v", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, ingest.MaxConfigSize+1))
	if err != nil {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "read: %v", err)
	}
	if len(data) > ingest.MaxConfigSize {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "file larger than %d MiB", ingest.MaxConfigSize>>20)
	}
	return data, nil
}

// one decodes a file that holds a single JSON object.
func one(r *reader) (*jval, error) {
	v, err := r.value(0)
	if err != nil {
		return nil, err
	}
	if err := r.trailing(); err != nil {
		return nil, err
	}
	return v, nil
}

// readPolicy reads get-iam-policy output.
func (p *Parser) readPolicy(f *ingest.File, r *reader, b *builder) error {
	v, err := one(r)
	if err != nil {
		return err
	}
	line, _ := r.pos(v.off)
	res := resource{}
	if name := v.getStr("resource", "name"); name != "" {
		if res = resourceFromName(name, ""); !res.valid() {
			return ingest.Errorf(ingest.Position{File: f.Path, Line: line}, "the resource field is not a resource name this format reads")
		}
	}
	if !res.valid() {
		res = resourceFromFileName(path.Base(f.RelPath))
	}
	if !res.valid() {
		res = resourceFromFileName(path.Base(path.Dir(strings.ReplaceAll(f.Path, "\\", "/"))))
	}
	if !res.valid() && p.Resource != "" {
		res = resourceFromName(p.Resource, "")
	}
	if !res.valid() {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: line},
			"cannot tell which resource this policy belongs to: add a \"resource\" field, name the file like project-ID.iam.json, or set the parser's default resource")
	}
	if v.get("bindings") != nil && v.get("bindings").kind != 'a' {
		l, c := r.pos(v.get("bindings").off)
		return ingest.Errorf(ingest.Position{File: f.Path, Line: l, Col: c}, "bindings is not a list")
	}
	res.attrs = map[string]string{graph.AttrLivePolicy: "true"}
	b.resource(res, line)
	b.records += b.policy(r, res, v, nil)
	return nil
}

// readAsset reads one asset record of an export or search result.
func readAsset(r *reader, b *builder, v *jval) {
	if v.kind != 'o' {
		line, _ := r.pos(v.off)
		b.warnf(line, "asset record is not an object; skipped")
		return
	}
	line, _ := r.pos(v.off)
	name := v.getStr("name", "resource")
	assetType := v.getStr("asset_type", "assetType")
	data := v.get("resource").get("data")

	switch assetType {
	case "iam.googleapis.com/Role":
		roleName := data.getStr("name")
		if roleName == "" {
			_, roleName = serviceOfFullName(name)
		}
		if roleName != "" {
			b.customRole(roleName, data.getStr("title"), data.strings("includedPermissions"), line, nil)
		}
		b.records++
		return
	case "iam.googleapis.com/ServiceAccount":
		if email := data.getStr("email"); email != "" {
			b.serviceAccount(email, data.getStr("projectId"), line, map[string]string{"unique_id": data.getStr("uniqueId")})
		}
		if v.get("iam_policy") == nil && v.get("iamPolicy") == nil {
			b.records++
			return
		}
	}

	res := resourceFromName(name, assetType)
	if assetType == "iam.googleapis.com/ServiceAccount" && data.getStr("email") != "" {
		res = serviceAccountRes(data.getStr("email"), data.getStr("projectId"))
	}
	b.records++
	if !res.valid() {
		b.warnf(line, "asset name is not a resource name this format reads; skipped")
		return
	}
	if res.typ == typeProject {
		number := data.getStr("projectNumber")
		if id := data.getStr("projectId"); id != "" && id != res.project {
			if number == "" {
				number = res.project
			}
			res = projectRes(id)
		}
		res.attrs = map[string]string{"number": number, "parent": parentOf(v, data)}
	}
	if res.typ == typeArtifactRepo {
		res.attrs = artifactRepoAttrs(data)
	}
	if res.project == "" {
		if pr := v.getStr("project"); strings.HasPrefix(pr, "projects/") {
			res.project = strings.TrimPrefix(pr, "projects/")
		}
	}
	// An export's iamPolicy is the resource's whole allow policy. A search
	// result's policy contains only the bindings that match the query.
	for _, key := range []string{"iam_policy", "iamPolicy"} {
		if pol := v.get(key); pol != nil && pol.kind == 'o' {
			if res.attrs == nil {
				res.attrs = map[string]string{}
			}
			res.attrs[graph.AttrLivePolicy] = "true"
		}
	}
	b.resource(res, line)
	if res.typ == typeOther && v.get("iam_policy") == nil && v.get("iamPolicy") == nil && v.get("policy") == nil {
		return
	}
	for _, key := range []string{"iam_policy", "iamPolicy", "policy"} {
		if pol := v.get(key); pol != nil && pol.kind == 'o' {
			b.policy(r, res, pol, nil)
		}
	}
}

// artifactRepoAttrs reads the settings of an Artifact Registry repository
// asset that decide whether a push moves its images' tags: format, mode,
// the immutable tags of a Docker repository, and the upstreams a virtual
// repository serves images from.
func artifactRepoAttrs(data *jval) map[string]string {
	a := map[string]string{"format": data.getStr("format"), "mode": data.getStr("mode")}
	if it := data.get("dockerConfig").get("immutableTags"); it != nil && it.kind == 'b' {
		a["immutable_tags"] = boolText(it.b)
	}
	var upstreams []string
	for _, p := range data.get("virtualRepositoryConfig").items("upstreamPolicies") {
		upstreams = append(upstreams, upstreamID(p.getStr("repository")))
	}
	a["upstreams"] = graph.JoinList(upstreams)
	return a
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// parentOf returns the parent of a project asset (folders/N or
// organizations/N) from its data or ancestors.
func parentOf(v, data *jval) string {
	if p := data.get("parent"); p != nil {
		if t, id := p.getStr("type"), p.getStr("id"); t != "" && id != "" {
			return strings.TrimSuffix(t, "s") + "s/" + id
		}
	}
	anc := v.strings("ancestors")
	if len(anc) > 1 {
		return anc[1]
	}
	return ""
}

// readKey reads a service account key file, keeping the account and the
// key id; the private key is fingerprinted only.
func readKey(f *ingest.File, r *reader, b *builder) error {
	v, err := one(r)
	if err != nil {
		return err
	}
	line, _ := r.pos(v.off)
	email := v.getStr("client_email")
	if !strings.Contains(email, "@") {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: line}, "key file: client_email is not an email address")
	}
	project := v.getStr("project_id")
	b.serviceAccount(email, project, line, nil)
	keyID := v.getStr("private_key_id")
	private := v.getStr("private_key")
	attrs := map[string]string{
		"key_id":             keyID,
		attrProject:          project,
		graph.AttrRepository: f.Repo,
		"file":               f.RelPath,
	}
	if host := graph.RepoHostAttr(f.Forge()); host != "" {
		attrs[graph.AttrRepositoryHost] = host
	}
	if private == "" {
		b.warnf(line, "key file without a private key: it holds no credential")
		return nil
	}
	fp := b.fingerprint(private)
	attrs[graph.AttrFingerprint] = fp
	attrs[graph.AttrStoredInline] = "true"
	label := keyID
	if label == "" {
		label = "inline"
		if len(fp) >= 12 {
			label = "inline-" + fp[:12]
		}
	}
	b.key(email, label, line, attrs)
	b.records++
	return nil
}

// readProvider reads a workload identity pool provider description.
func readProvider(r *reader, b *builder) error {
	v, err := one(r)
	if err != nil {
		return err
	}
	line, _ := r.pos(v.off)
	name := v.getStr("name")
	pool, provider := poolOf(name)
	mapping := map[string]string{}
	if m := v.get("attributeMapping"); m != nil && m.kind == 'o' {
		for i, k := range m.keys {
			if m.vals[i].kind == 's' {
				mapping[k] = m.vals[i].str
			}
		}
	}
	number := ""
	if parts := strings.Split(name, "/"); len(parts) > 1 && parts[0] == "projects" {
		number = parts[1]
	}
	extra := map[string]string{"project_number": number}
	if v.get("disabled") != nil && v.get("disabled").b {
		extra["disabled"] = "true"
	}
	b.wifProvider(pool, provider, v.get("oidc").getStr("issuerUri"), v.getStr("attributeCondition"), mapping, line, extra)
	b.records++
	return nil
}
