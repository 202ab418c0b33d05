// Package gcppolicy holds the semantics of Google Cloud IAM policies that
// the ingester and the linker share. It tells what a role allows, from a
// built-in table of the predefined roles that matter for reach or from a
// custom role's permissions. It evaluates, in three-valued logic, the CEL
// expressions of IAM conditions and of workload identity attribute
// conditions and mappings.
//
// # Limitations
//
// The role table lists only the permissions that move an attacker: token
// creation, actAs, key creation, secret access, setIamPolicy, uploads to
// Artifact Registry and the permissions that deploy code as a service
// account. Other predefined roles
// get a level from their name and nothing else. Only a subset of CEL is
// evaluated (see Parse); anything else evaluates to unknown.
package gcppolicy

import (
	"sort"
	"strings"
)

// Permissions the linker acts on.
const (
	PermGetAccessToken  = "iam.serviceAccounts.getAccessToken"
	PermSignJwt         = "iam.serviceAccounts.signJwt"
	PermActAs           = "iam.serviceAccounts.actAs"
	PermKeysCreate      = "iam.serviceAccountKeys.create"
	PermSASetIamPolicy  = "iam.serviceAccounts.setIamPolicy"
	PermSecretAccess    = "secretmanager.versions.access"
	PermSecretSetIam    = "secretmanager.secrets.setIamPolicy"
	PermProjectSetIam   = "resourcemanager.projects.setIamPolicy"
	PermFolderSetIam    = "resourcemanager.folders.setIamPolicy"
	PermOrgSetIam       = "resourcemanager.organizations.setIamPolicy"
	PermBucketSetIam    = "storage.buckets.setIamPolicy"
	PermObjectsGet      = "storage.objects.get"
	PermObjectsCreate   = "storage.objects.create"
	PermClustersGetCred = "container.clusters.getCredentials"
	// PermUploadArtifacts uploads to an Artifact Registry repository: for
	// a Docker repository, pushes an image and moves its tags.
	PermUploadArtifacts = "artifactregistry.repositories.uploadArtifacts"
)

// DeployPermissions create or change a compute resource that runs as a
// service account the caller may act as: together with actAs on that
// account they let the caller run code as it. Setting an instance's
// metadata, or the metadata every instance of a project reads, rewrites
// the startup script that the instance runs as its account.
var DeployPermissions = []string{
	"compute.instances.create",
	"compute.instances.setServiceAccount",
	"compute.instances.setMetadata",
	"compute.projects.setCommonInstanceMetadata",
	"run.services.create",
	"run.services.update",
	"run.jobs.create",
	"cloudfunctions.functions.create",
	"cloudfunctions.functions.update",
	"cloudbuild.builds.create",
	"composer.environments.create",
	"dataflow.jobs.create",
	"container.nodes.create",
	"appengine.versions.create",
	"cloudscheduler.jobs.create",
}

// Levels of access, as CAN_ACCESS edges carry them.
const (
	LevelRead  = "read"
	LevelWrite = "write"
	LevelAdmin = "admin"
)

// Role is the part of a role's permissions that decides reach.
type Role struct {
	Name  string
	Level string
	// Services lists the services whose resources the role acts on
	// ("storage", "secretmanager"); "*" for every service.
	Services []string
	// Perms are the permissions of interest the role holds.
	Perms map[string]bool
	// Maybe are permissions the table cannot settle for this role.
	Maybe map[string]bool
	// Known is false for a custom role whose definition is not in the input.
	Known bool
}

// Has reports whether the role holds a permission.
func (r Role) Has(perm string) bool { return r.Perms[perm] }

// HasMaybe reports whether the role may hold a permission that the table
// cannot settle.
func (r Role) HasMaybe(perm string) bool { return r.Maybe[perm] }

// Deploys reports whether the role holds a deploy permission.
func (r Role) Deploys() bool {
	for _, p := range DeployPermissions {
		if r.Perms[p] {
			return true
		}
	}
	return false
}

// AppliesTo reports whether the role acts on resources of a service
// (storage, secretmanager, iam, container, resourcemanager, ...).
func (r Role) AppliesTo(service string) bool {
	for _, s := range r.Services {
		if s == "*" || s == service {
			return true
		}
	}
	return false
}

// SetsIamPolicy reports whether the role may change the allow policy of
// resources of the given service, which lets it grant itself any role.
func (r Role) SetsIamPolicy(service string) bool {
	switch service {
	case "resourcemanager":
		return r.Perms[PermProjectSetIam] || r.Perms[PermFolderSetIam] || r.Perms[PermOrgSetIam]
	case "storage":
		return r.Perms[PermBucketSetIam]
	case "secretmanager":
		return r.Perms[PermSecretSetIam]
	case "iam":
		return r.Perms[PermSASetIamPolicy]
	}
	return false
}

// SortedPerms lists the permissions of interest the role holds.
func (r Role) SortedPerms() []string {
	out := make([]string, 0, len(r.Perms))
	for p := range r.Perms {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

type entry struct {
	level    string
	services []string
	perms    []string
	maybe    []string
}

var (
	impersonate = []string{PermGetAccessToken, PermSignJwt, "iam.serviceAccounts.signBlob",
		"iam.serviceAccounts.getOpenIdToken", "iam.serviceAccounts.implicitDelegation"}
	setAllIam = []string{PermProjectSetIam, PermFolderSetIam, PermOrgSetIam, PermBucketSetIam,
		PermSecretSetIam, PermSASetIamPolicy}
)

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// predefined lists the predefined roles whose permissions decide reach.
// Basic roles act on every service. roles/editor's access to secret
// payloads is left open: the table does not settle it.
var predefined = map[string]entry{
	"roles/owner": {LevelAdmin, []string{"*"}, join(setAllIam, DeployPermissions,
		[]string{PermActAs, PermKeysCreate, PermObjectsGet, PermObjectsCreate, PermClustersGetCred, PermUploadArtifacts}), nil},
	"roles/editor": {LevelAdmin, []string{"*"}, join(DeployPermissions,
		[]string{PermActAs, PermKeysCreate, PermObjectsGet, PermObjectsCreate, PermClustersGetCred, PermUploadArtifacts}),
		[]string{PermSecretAccess}},
	"roles/viewer":  {LevelRead, []string{"*"}, nil, nil},
	"roles/browser": {LevelRead, []string{"resourcemanager"}, nil, nil},

	"roles/iam.serviceAccountTokenCreator": {LevelWrite, []string{"iam"}, impersonate, nil},
	"roles/iam.serviceAccountUser":         {LevelWrite, []string{"iam"}, []string{PermActAs}, nil},
	"roles/iam.workloadIdentityUser": {LevelWrite, []string{"iam"},
		[]string{PermGetAccessToken, "iam.serviceAccounts.getOpenIdToken"}, nil},
	"roles/iam.serviceAccountKeyAdmin": {LevelAdmin, []string{"iam"}, []string{PermKeysCreate}, nil},
	"roles/iam.serviceAccountAdmin":    {LevelAdmin, []string{"iam"}, []string{PermSASetIamPolicy}, nil},
	"roles/iam.securityAdmin":          {LevelAdmin, []string{"*"}, setAllIam, nil},
	"roles/iam.securityReviewer":       {LevelRead, []string{"*"}, nil, nil},
	"roles/iam.serviceAccountViewer":   {LevelRead, []string{"iam"}, nil, nil},
	"roles/iam.serviceAccountOpenIdTokenCreator": {LevelWrite, []string{"iam"},
		[]string{"iam.serviceAccounts.getOpenIdToken"}, nil},

	"roles/resourcemanager.projectIamAdmin":    {LevelAdmin, []string{"resourcemanager"}, []string{PermProjectSetIam}, nil},
	"roles/resourcemanager.folderAdmin":        {LevelAdmin, []string{"resourcemanager"}, []string{PermFolderSetIam, PermProjectSetIam}, nil},
	"roles/resourcemanager.folderIamAdmin":     {LevelAdmin, []string{"resourcemanager"}, []string{PermFolderSetIam}, nil},
	"roles/resourcemanager.organizationAdmin":  {LevelAdmin, []string{"resourcemanager"}, []string{PermOrgSetIam, PermFolderSetIam, PermProjectSetIam}, nil},
	"roles/resourcemanager.organizationViewer": {LevelRead, []string{"resourcemanager"}, nil, nil},
	"roles/resourcemanager.projectCreator":     {LevelWrite, []string{"resourcemanager"}, nil, nil},
	"roles/resourcemanager.tagUser":            {LevelWrite, []string{"resourcemanager"}, nil, nil},

	"roles/secretmanager.admin":                {LevelAdmin, []string{"secretmanager"}, []string{PermSecretAccess, PermSecretSetIam}, nil},
	"roles/secretmanager.secretAccessor":       {LevelRead, []string{"secretmanager"}, []string{PermSecretAccess}, nil},
	"roles/secretmanager.viewer":               {LevelRead, []string{"secretmanager"}, nil, nil},
	"roles/secretmanager.secretVersionAdder":   {LevelWrite, []string{"secretmanager"}, nil, nil},
	"roles/secretmanager.secretVersionManager": {LevelWrite, []string{"secretmanager"}, nil, nil},

	"roles/storage.admin":              {LevelAdmin, []string{"storage"}, []string{PermObjectsGet, PermObjectsCreate, PermBucketSetIam}, nil},
	"roles/storage.objectAdmin":        {LevelAdmin, []string{"storage"}, []string{PermObjectsGet, PermObjectsCreate}, nil},
	"roles/storage.objectUser":         {LevelWrite, []string{"storage"}, []string{PermObjectsGet, PermObjectsCreate}, nil},
	"roles/storage.objectCreator":      {LevelWrite, []string{"storage"}, []string{PermObjectsCreate}, nil},
	"roles/storage.objectViewer":       {LevelRead, []string{"storage"}, []string{PermObjectsGet}, nil},
	"roles/storage.legacyBucketOwner":  {LevelAdmin, []string{"storage"}, []string{PermObjectsCreate, PermBucketSetIam}, nil},
	"roles/storage.legacyBucketWriter": {LevelWrite, []string{"storage"}, []string{PermObjectsCreate}, nil},
	"roles/storage.legacyBucketReader": {LevelRead, []string{"storage"}, nil, nil},
	"roles/storage.legacyObjectOwner":  {LevelAdmin, []string{"storage"}, []string{PermObjectsGet}, nil},
	"roles/storage.legacyObjectReader": {LevelRead, []string{"storage"}, []string{PermObjectsGet}, nil},

	"roles/container.admin":         {LevelAdmin, []string{"container"}, []string{PermClustersGetCred, "container.nodes.create"}, nil},
	"roles/container.clusterAdmin":  {LevelAdmin, []string{"container"}, []string{PermClustersGetCred}, nil},
	"roles/container.developer":     {LevelWrite, []string{"container"}, []string{PermClustersGetCred}, nil},
	"roles/container.viewer":        {LevelRead, []string{"container"}, []string{PermClustersGetCred}, nil},
	"roles/container.clusterViewer": {LevelRead, []string{"container"}, []string{PermClustersGetCred}, nil},

	"roles/compute.admin":             {LevelAdmin, []string{"compute"}, []string{"compute.instances.create", "compute.instances.setServiceAccount"}, nil},
	"roles/compute.instanceAdmin":     {LevelAdmin, []string{"compute"}, []string{"compute.instances.create", "compute.instances.setServiceAccount"}, nil},
	"roles/compute.instanceAdmin.v1":  {LevelAdmin, []string{"compute"}, []string{"compute.instances.create", "compute.instances.setServiceAccount"}, nil},
	"roles/run.admin":                 {LevelAdmin, []string{"run"}, []string{"run.services.create", "run.services.update", "run.jobs.create"}, nil},
	"roles/run.developer":             {LevelWrite, []string{"run"}, []string{"run.services.create", "run.services.update", "run.jobs.create"}, nil},
	"roles/run.sourceDeveloper":       {LevelWrite, []string{"run"}, []string{"run.services.create", "run.services.update"}, nil},
	"roles/cloudfunctions.admin":      {LevelAdmin, []string{"cloudfunctions"}, []string{"cloudfunctions.functions.create", "cloudfunctions.functions.update"}, nil},
	"roles/cloudfunctions.developer":  {LevelWrite, []string{"cloudfunctions"}, []string{"cloudfunctions.functions.create", "cloudfunctions.functions.update"}, nil},
	"roles/cloudbuild.builds.editor":  {LevelWrite, []string{"cloudbuild"}, []string{"cloudbuild.builds.create"}, nil},
	"roles/cloudbuild.builds.builder": {LevelWrite, []string{"cloudbuild"}, []string{"cloudbuild.builds.create", PermUploadArtifacts}, nil},
	"roles/composer.admin":            {LevelAdmin, []string{"composer"}, []string{"composer.environments.create"}, nil},
	"roles/dataflow.admin":            {LevelAdmin, []string{"dataflow"}, []string{"dataflow.jobs.create"}, nil},
	"roles/dataflow.developer":        {LevelWrite, []string{"dataflow"}, []string{"dataflow.jobs.create"}, nil},
	"roles/appengine.deployer":        {LevelWrite, []string{"appengine"}, []string{"appengine.versions.create"}, nil},
	"roles/appengine.appAdmin":        {LevelAdmin, []string{"appengine"}, []string{"appengine.versions.create"}, nil},
	"roles/cloudscheduler.admin":      {LevelAdmin, []string{"cloudscheduler"}, []string{"cloudscheduler.jobs.create"}, nil},

	// Every Artifact Registry role that writes to repositories may upload
	// to them. The create-on-push roles may also create a repository by
	// pushing to it.
	"roles/artifactregistry.reader":                {LevelRead, []string{"artifactregistry"}, nil, nil},
	"roles/artifactregistry.writer":                {LevelWrite, []string{"artifactregistry"}, []string{PermUploadArtifacts}, nil},
	"roles/artifactregistry.createOnPushWriter":    {LevelWrite, []string{"artifactregistry"}, []string{PermUploadArtifacts}, nil},
	"roles/artifactregistry.repoAdmin":             {LevelAdmin, []string{"artifactregistry"}, []string{PermUploadArtifacts}, nil},
	"roles/artifactregistry.createOnPushRepoAdmin": {LevelAdmin, []string{"artifactregistry"}, []string{PermUploadArtifacts}, nil},
	"roles/artifactregistry.admin":                 {LevelAdmin, []string{"artifactregistry"}, []string{PermUploadArtifacts}, nil},
}

// serviceAliases maps the service part of a predefined role name to the
// service prefix of its permissions where the two differ.
var serviceAliases = map[string]string{
	"cloudsql":             "cloudsql",
	"cloudkms":             "cloudkms",
	"pubsub":               "pubsub",
	"bigquery":             "bigquery",
	"artifactregistry":     "artifactregistry",
	"containerregistry":    "storage",
	"cloudresourcemanager": "resourcemanager",
}

// Predefined reports whether a role name is in the built-in table.
func Predefined(name string) bool {
	_, ok := predefined[name]
	return ok
}

// Lookup returns what a predefined role allows. A role missing from the
// table gets a level from its name (owner, editor and *admin are admin,
// viewer and reader read, the rest write) and acts on the service its name
// names. A custom role name (projects/... or organizations/...) gives a
// role that is not Known: use Custom with its permissions when the input
// shows them.
func Lookup(name string) Role {
	if e, ok := predefined[name]; ok {
		return Role{Name: name, Level: e.level, Services: e.services, Perms: set(e.perms), Maybe: set(e.maybe), Known: true}
	}
	if !strings.HasPrefix(name, "roles/") {
		return Role{Name: name, Level: LevelWrite, Perms: map[string]bool{}, Maybe: map[string]bool{}}
	}
	svc, _, _ := strings.Cut(strings.TrimPrefix(name, "roles/"), ".")
	if a, ok := serviceAliases[svc]; ok {
		svc = a
	}
	return Role{Name: name, Level: LevelOf(name), Services: []string{svc}, Perms: map[string]bool{}, Maybe: map[string]bool{}, Known: true}
}

// Custom returns what a custom role allows from its permissions.
func Custom(name string, permissions []string) Role {
	r := Role{Name: name, Perms: map[string]bool{}, Maybe: map[string]bool{}, Known: true}
	svcs := map[string]bool{}
	for _, p := range permissions {
		r.Perms[p] = true
		svc, _, _ := strings.Cut(p, ".")
		svcs[svc] = true
	}
	for s := range svcs {
		r.Services = append(r.Services, s)
	}
	sort.Strings(r.Services)
	r.Level = levelOfPerms(permissions)
	return r
}

// LevelOf classifies a role by its name: roles/owner, roles/editor and
// roles ending in admin are admin; viewer, reader and browser roles read;
// the rest write.
func LevelOf(name string) string {
	if e, ok := predefined[name]; ok {
		return e.level
	}
	last := strings.ToLower(name[strings.LastIndexAny(name, "/.")+1:])
	last = strings.TrimSuffix(last, ".v1")
	switch {
	case name == "roles/owner" || name == "roles/editor" || strings.HasSuffix(last, "admin") || strings.HasSuffix(last, "owner"):
		return LevelAdmin
	case strings.HasSuffix(last, "viewer") || strings.HasSuffix(last, "reader") || last == "browser":
		return LevelRead
	}
	return LevelWrite
}

// readVerbs are the last parts of permissions that only read.
var readVerbs = map[string]bool{"get": true, "list": true, "getIamPolicy": true, "access": true,
	"search": true, "read": true, "view": true, "listEffectiveTags": true, "listTagBindings": true}

func levelOfPerms(perms []string) string {
	lv := LevelRead
	for _, p := range perms {
		verb := p[strings.LastIndex(p, ".")+1:]
		switch {
		case verb == "setIamPolicy":
			return LevelAdmin
		case !readVerbs[verb]:
			lv = LevelWrite
		}
	}
	return lv
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
