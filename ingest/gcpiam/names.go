package gcpiam

import (
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Types of the nodes this format writes, in attribute "type".
const (
	typeProject        = "project"
	typeFolder         = "folder"
	typeOrganization   = "organization"
	typeBucket         = "bucket"
	typeSecret         = "secretmanager"
	typeServiceAccount = "service-account"
	typeCluster        = "gke-cluster"
	typeArtifactRepo   = "artifact-repository"
	typeOther          = "resource"
	typeUser           = "user"
	typeGroup          = "group"
	typeDomain         = "domain"
	typePublic         = "public"
	typeWIFPrincipal   = "wif-principal"
	typeWorkforce      = "workforce-principal"
	typeGrant          = "iam-grant"
	typeCustomRole     = "custom-role"
	typeWIFProvider    = "wif-provider"
	typeKey            = "sa-key"
)

const providerGCP = "gcp"

// resource is a Google Cloud resource an allow policy is attached to.
type resource struct {
	id        string
	kind      graph.NodeKind
	typ       string
	name      string // resource name as IAM conditions see it (resource.name)
	assetType string // resource.type in IAM conditions
	project   string
	label     string
	attrs     map[string]string
}

func (r resource) valid() bool { return r.id != "" }

func projectRes(id string) resource {
	return resource{id: graph.GCPProjectID(id), kind: graph.NodeResource, typ: typeProject,
		name: "projects/" + id, assetType: "cloudresourcemanager.googleapis.com/Project",
		project: id, label: "project " + id}
}

func folderRes(id string) resource {
	return resource{id: graph.GCPFolderID(id), kind: graph.NodeResource, typ: typeFolder,
		name: "folders/" + id, assetType: "cloudresourcemanager.googleapis.com/Folder", label: "folder " + id}
}

func orgRes(id string) resource {
	return resource{id: graph.GCPOrganizationID(id), kind: graph.NodeResource, typ: typeOrganization,
		name: "organizations/" + id, assetType: "cloudresourcemanager.googleapis.com/Organization",
		label: "organization " + id}
}

func bucketRes(name, project string) resource {
	name = strings.TrimPrefix(name, "gs://")
	name = strings.TrimPrefix(name, "b/")
	return resource{id: graph.GCPBucketID(name), kind: graph.NodeResource, typ: typeBucket,
		name: "projects/_/buckets/" + name, assetType: "storage.googleapis.com/Bucket",
		project: project, label: "bucket " + name}
}

func secretRes(project, name string) resource {
	return resource{id: graph.GCPSecretID(project, name), kind: graph.NodeSecret, typ: typeSecret,
		name: "projects/" + project + "/secrets/" + name, assetType: "secretmanager.googleapis.com/Secret",
		project: project, label: "secret " + name}
}

func serviceAccountRes(email, project string) resource {
	email = strings.ToLower(email)
	if project == "" || project == "-" {
		project = projectOfEmail(email)
	}
	return resource{id: graph.GCPServiceAccountID(email), kind: graph.NodeIdentity, typ: typeServiceAccount,
		name: "projects/-/serviceAccounts/" + email, assetType: "iam.googleapis.com/ServiceAccount",
		project: project, label: email}
}

func clusterRes(project, location, name string) resource {
	return resource{id: graph.GCPClusterID(project, location, name), kind: graph.NodeResource, typ: typeCluster,
		name:      "projects/" + project + "/locations/" + location + "/clusters/" + name,
		assetType: "container.googleapis.com/Cluster", project: project, label: "cluster " + name}
}

// artifactRepoRes returns an Artifact Registry repository.
func artifactRepoRes(project, location, name string) resource {
	return resource{id: graph.GCPArtifactRepositoryID(project, location, name), kind: graph.NodeResource, typ: typeArtifactRepo,
		name:      "projects/" + project + "/locations/" + location + "/repositories/" + name,
		assetType: assetArtifactRepo, project: project, label: "repository " + name}
}

// assetArtifactRepo is the asset type of an Artifact Registry repository.
const assetArtifactRepo = "artifactregistry.googleapis.com/Repository"

// artifactRepoFromName reads projects/P/locations/L/repositories/R.
func artifactRepoFromName(rel string) (resource, bool) {
	parts := strings.Split(strings.TrimPrefix(rel, "//artifactregistry.googleapis.com/"), "/")
	if len(parts) != 6 || parts[0] != "projects" || parts[2] != "locations" || parts[4] != "repositories" {
		return resource{}, false
	}
	for _, p := range parts {
		if p == "" {
			return resource{}, false
		}
	}
	return artifactRepoRes(parts[1], parts[3], parts[5]), true
}

// projectOfEmail returns the project of a user-managed service account
// (NAME@PROJECT.iam.gserviceaccount.com) or of the App Engine default
// service account (PROJECT@appspot.gserviceaccount.com).
func projectOfEmail(email string) string {
	_, domain, ok := strings.Cut(email, "@")
	if !ok {
		return ""
	}
	if p, ok := strings.CutSuffix(domain, ".iam.gserviceaccount.com"); ok && !strings.HasPrefix(p, "gcp-sa-") {
		return p
	}
	if domain == "appspot.gserviceaccount.com" {
		name, _, _ := strings.Cut(email, "@")
		return name
	}
	return ""
}

// servicePrefix maps the host of a full resource name to its service.
func serviceOfFullName(name string) (svc, rel string) {
	rest, ok := strings.CutPrefix(name, "//")
	if !ok {
		return "", name
	}
	host, rel, _ := strings.Cut(rest, "/")
	svc, _, _ = strings.Cut(host, ".")
	return svc, rel
}

// resourceFromName reads a resource from a full resource name
// (//storage.googleapis.com/b) or a relative one (projects/p), with the
// asset type when the input gives one.
func resourceFromName(name, assetType string) resource {
	svc, rel := serviceOfFullName(strings.TrimSpace(name))
	parts := strings.Split(rel, "/")
	n := len(parts)
	for _, p := range parts {
		if p == "" {
			return resource{}
		}
	}
	switch {
	case svc == "storage" && n == 1:
		return bucketRes(parts[0], "")
	case n == 4 && parts[0] == "projects" && parts[2] == "buckets":
		return bucketRes(parts[3], "")
	case n == 2 && parts[0] == "b" && (svc == "" || svc == "storage"):
		return bucketRes(parts[1], "")
	case n == 2 && parts[0] == "projects":
		return projectRes(parts[1])
	case n == 2 && parts[0] == "folders":
		return folderRes(parts[1])
	case n == 2 && parts[0] == "organizations":
		return orgRes(parts[1])
	case n == 4 && parts[0] == "projects" && parts[2] == "serviceAccounts":
		return serviceAccountRes(parts[3], parts[1])
	case n == 4 && parts[0] == "projects" && parts[2] == "secrets":
		return secretRes(parts[1], parts[3])
	case n == 6 && parts[0] == "projects" && (parts[4] == "clusters") && (parts[2] == "locations" || parts[2] == "zones"):
		return clusterRes(parts[1], parts[3], parts[5])
	case svc == "artifactregistry" || svc == "" && assetType == assetArtifactRepo:
		if r, ok := artifactRepoFromName(rel); ok {
			return r
		}
	}
	if svc == "" && assetType == "storage.googleapis.com/Bucket" && n == 1 {
		return bucketRes(parts[0], "")
	}
	full := name
	if !strings.HasPrefix(full, "//") {
		return resource{}
	}
	r := resource{id: graph.GCPResourceID(full), kind: graph.NodeResource, typ: typeOther,
		name: rel, assetType: assetType, label: rel}
	if n >= 2 && parts[0] == "projects" {
		r.project = parts[1]
	}
	return r
}

// fileNameKinds maps the first word of a policy file's name to the kind
// of resource the rest of the name names.
var fileNameKinds = map[string]string{
	"project": "project", "projects": "project",
	"folder": "folder", "folders": "folder",
	"organization": "organization", "organizations": "organization", "org": "organization",
	"sa": "sa", "service-account": "sa", "serviceaccount": "sa", "service-accounts": "sa",
	"bucket": "bucket", "buckets": "bucket",
	"secret": "secret", "secrets": "secret",
}

// resourceFromFileName reads the resource of a policy file from its name:
// KIND-ID[.iam][.json], KIND being project, folder, organization (or
// org), sa (or service-account), bucket or secret; a secret is named
// secret-PROJECT.SECRET.
func resourceFromFileName(base string) resource {
	name := strings.TrimSuffix(base, ".json")
	for _, suf := range []string{".iam", "-iam-policy", ".iam-policy", "-iam", ".policy", "-policy"} {
		name = strings.TrimSuffix(name, suf)
	}
	var kind, id string
	longest := 0
	for k, v := range fileNameKinds {
		if rest, ok := strings.CutPrefix(name, k+"-"); ok && len(k) > longest {
			kind, id, longest = v, rest, len(k)
		}
	}
	if id == "" {
		return resource{}
	}
	switch kind {
	case "project":
		return projectRes(id)
	case "folder":
		return folderRes(id)
	case "organization":
		return orgRes(id)
	case "sa":
		if strings.Contains(id, "@") {
			return serviceAccountRes(id, "")
		}
	case "bucket":
		return bucketRes(id, "")
	case "secret":
		if p, s, ok := strings.Cut(id, "."); ok && p != "" && s != "" {
			return secretRes(p, s)
		}
	}
	return resource{}
}

// member is an IAM member as a graph identity.
type member struct {
	id    string
	typ   string
	label string
	attrs map[string]string
	// skip is the reason no identity is written for the member, or "".
	skip string
	// unsupported is set for a member form this format does not read.
	unsupported bool
	// deleted is set for a deleted principal, which holds nothing.
	deleted bool
}

var gkeMember = regexp.MustCompile(`^([^\[\]]+\.svc\.id\.goog)\[([^/\[\]]+)/([^/\[\]]+)\]$`)

// parseMember maps a member string of an allow policy to an identity.
func parseMember(m string) member {
	kind, value, _ := strings.Cut(m, ":")
	switch kind {
	case "user":
		return member{id: graph.GCPUserID(value), typ: typeUser, label: strings.ToLower(value),
			attrs: map[string]string{"email": strings.ToLower(value)}}
	case "group":
		return member{id: graph.GCPGroupID(value), typ: typeGroup, label: strings.ToLower(value),
			attrs: map[string]string{"email": strings.ToLower(value)}}
	case "domain":
		return member{id: graph.GCPDomainID(value), typ: typeDomain, label: "domain " + strings.ToLower(value),
			attrs: map[string]string{"domain": strings.ToLower(value)}}
	case "serviceAccount":
		if g := gkeMember.FindStringSubmatch(value); g != nil {
			return wifMember(g[1], "subject/ns/"+g[2]+"/sa/"+g[3], "")
		}
		r := serviceAccountRes(value, "")
		return member{id: r.id, typ: typeServiceAccount, label: r.label,
			attrs: map[string]string{"email": r.label, graph.AttrAccount: r.project, "project": r.project}}
	case "allUsers", "allAuthenticatedUsers":
		return member{id: graph.GCPPublicID(kind), typ: typePublic, label: kind}
	case "deleted":
		return member{skip: "the member was deleted", deleted: true}
	case "projectOwner", "projectEditor", "projectViewer":
		// Resolved by the linker to the members of the basic role.
		return member{skip: "a convenience member the linker resolves"}
	case "principal", "principalSet":
		return principalMember(m)
	}
	return member{unsupported: true, skip: "member type not read"}
}

// principalMember reads principal:// and principalSet:// identifiers.
func principalMember(m string) member {
	if m == "principalSet://goog/public:all" {
		return member{id: graph.GCPPublicID("allUsers"), typ: typePublic, label: "allUsers"}
	}
	_, rest, _ := strings.Cut(m, "://iam.googleapis.com/")
	parts := strings.Split(rest, "/")
	for i := 0; i+1 < len(parts); i++ {
		switch parts[i] {
		case "workloadIdentityPools":
			number := ""
			if len(parts) > 1 && parts[0] == "projects" {
				number = parts[1]
			}
			if sel := strings.Join(parts[min(i+2, len(parts)):], "/"); sel != "" {
				return wifMember(parts[i+1], sel, number)
			}
		case "workforcePools":
			if sel := strings.Join(parts[min(i+2, len(parts)):], "/"); sel != "" {
				return member{id: graph.GCPWIFPrincipalID("workforce:"+parts[i+1], sel), typ: typeWorkforce,
					label: "workforce pool " + parts[i+1] + " " + sel,
					attrs: map[string]string{"pool": parts[i+1], "selector": sel}}
			}
		}
	}
	return member{unsupported: true, skip: "principal identifier not read"}
}

// wifMember returns the principal (set) of a workload identity pool.
func wifMember(pool, selector, number string) member {
	a := map[string]string{"pool": pool, "selector": selector, "project_number": number}
	kind, value, _ := strings.Cut(selector, "/")
	switch {
	case selector == "*":
		a["selector_kind"] = "all"
	case kind == "subject":
		a["selector_kind"] = "subject"
		a["value"] = value
		if rest, ok := strings.CutPrefix(value, "ns/"); ok && strings.HasSuffix(pool, ".svc.id.goog") {
			if ns, ksa, ok := strings.Cut(rest, "/sa/"); ok {
				a["namespace"], a["ksa"] = ns, ksa
				a["workload_pool"] = pool
			}
		}
	case strings.HasPrefix(kind, "attribute."):
		a["selector_kind"] = "attribute"
		a["attribute"] = strings.TrimPrefix(kind, "attribute.")
		a["value"] = value
	case kind == "group" || kind == "namespace":
		a["selector_kind"] = kind
		a["value"] = value
	default:
		a["selector_kind"] = kind
		a["value"] = value
	}
	return member{id: graph.GCPWIFPrincipalID(pool, selector), typ: typeWIFPrincipal,
		label: "workload identity pool " + pool + " " + selector, attrs: a}
}

// poolOf extracts the pool id from a pool or provider name.
func poolOf(name string) (pool, provider string) {
	parts := strings.Split(name, "/")
	for i := 0; i+1 < len(parts); i++ {
		switch parts[i] {
		case "workloadIdentityPools":
			pool = parts[i+1]
		case "providers":
			provider = parts[i+1]
		}
	}
	return pool, provider
}
