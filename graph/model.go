// Package graph defines the blast-radius graph model (node and edge kinds,
// stable ids, provenance) and the Store interface that every storage backend
// implements.
//
// Edges point in the direction an attacker moves, so the blast radius of a
// starting node is forward reachability, except for the package layer where
// DEPENDS_ON and EXECUTES are walked backwards from the compromised package.
//
// No node or edge ever carries a secret value. Where an input shows a value,
// ingesters store only a salted fingerprint (attribute AttrFingerprint).
package graph

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// NodeKind names what a node stands for.
type NodeKind string

// Node kinds. Each has a one-line definition because the words mean other
// things in Go and in neighbouring tools.
const (
	// NodePackage is a software package in an ecosystem (npm, PyPI, Go
	// modules, a GitHub Action, a container image), identified by its purl.
	NodePackage NodeKind = "Package"
	// NodeRepository is a source repository that holds workflows and lockfiles.
	NodeRepository NodeKind = "Repository"
	// NodeRuntime is a place where code runs: a CI job, a function, a
	// container, a host.
	NodeRuntime NodeKind = "Runtime"
	// NodeSecret is a reference to credential material (never its value),
	// including pseudo-secrets such as a job's OIDC token.
	NodeSecret NodeKind = "Secret"
	// NodeIdentity is who a credential authenticates as: an IAM user or role,
	// a service account, a federated CI subject.
	NodeIdentity NodeKind = "Identity"
	// NodeResource is a service or data store where a blast radius ends.
	NodeResource NodeKind = "Resource"
	// NodePolicy is a permission document, kept to explain edges and to
	// derive them; the blast radius never walks through it.
	NodePolicy NodeKind = "Policy"
)

// NodeKinds lists every node kind in a fixed order.
var NodeKinds = []NodeKind{NodePackage, NodeRepository, NodeRuntime, NodeSecret, NodeIdentity, NodeResource, NodePolicy}

// EdgeKind names a relation; each is a verb read from source to target.
type EdgeKind string

// Edge kinds of the attack direction, then the structural kinds that the
// linker uses to derive them.
const (
	// EdgeDependsOn: Package -> Package it depends on.
	EdgeDependsOn EdgeKind = "DEPENDS_ON"
	// EdgeExecutes: Runtime -> Package whose code runs there.
	EdgeExecutes EdgeKind = "EXECUTES"
	// EdgeExposes: Runtime -> Secret that code running there can read.
	EdgeExposes EdgeKind = "EXPOSES"
	// EdgeAuthenticatesAs: Secret -> Identity the credential acts as.
	EdgeAuthenticatesAs EdgeKind = "AUTHENTICATES_AS"
	// EdgeCanAssume: Identity -> Identity it can become (both sides allow it).
	EdgeCanAssume EdgeKind = "CAN_ASSUME"
	// EdgeCanReadSecret: Identity -> Secret whose value it can read.
	EdgeCanReadSecret EdgeKind = "CAN_READ_SECRET"
	// EdgeCanMint: Identity -> Secret it can create (a new access key, say).
	EdgeCanMint EdgeKind = "CAN_MINT"
	// EdgeCanModify: Identity -> Runtime, Repository or Resource whose code
	// or content it can change. A runner host, and a job whose cache a later
	// job restores, modify the jobs they reach from a Runtime.
	EdgeCanModify EdgeKind = "CAN_MODIFY"
	// EdgeCanPublish: Identity -> Package it can publish new versions of.
	EdgeCanPublish EdgeKind = "CAN_PUBLISH"
	// EdgeCanAccess: Identity -> Resource it can read, write or administer,
	// Repository a job's token reaches, or Identity whose definition it
	// can read.
	EdgeCanAccess EdgeKind = "CAN_ACCESS"
	// EdgeRunsOn: Runtime -> Runtime that hosts it (a job on a runner host).
	EdgeRunsOn EdgeKind = "RUNS_ON"
	// EdgeObserved: Identity -> Resource or Identity, seen in access logs.
	EdgeObserved EdgeKind = "OBSERVED"
	// EdgeCanInvoke: Identity -> Runtime it can send input to (invoke a
	// function, reach a listening port, write code the runtime loads). A
	// Kubernetes workload and its cluster's pod network (a Resource) reach
	// each other the same way.
	// Walks follow it only when they assume application flaws.
	EdgeCanInvoke EdgeKind = "CAN_INVOKE"
	// EdgeCanReceive: Identity -> Secret held by a runtime that sends
	// messages the identity can receive (a topic it can subscribe to).
	// Walks follow it only when they assume application flaws.
	EdgeCanReceive EdgeKind = "CAN_RECEIVE"
	// EdgeCanGrant: Identity -> the grant node of another identity
	// (AWSAdminGrantID), which it can make an administrator by attaching
	// or writing a policy. The grant pays off only for the holder of that
	// identity, which the edge's holder attribute names, so walks take the
	// edge only once they act as the holder.
	EdgeCanGrant EdgeKind = "CAN_GRANT"

	// EdgeHolds: Secret -> Secret whose value it stores (a CI secret that
	// holds an access key, a vault entry that holds a password).
	EdgeHolds EdgeKind = "HOLDS"
	// EdgeDefines: Repository -> Runtime whose code and configuration it holds.
	EdgeDefines EdgeKind = "DEFINES"
	// EdgeLocks: Repository -> Package version that one of its lockfiles pins.
	EdgeLocks EdgeKind = "LOCKS"
	// EdgeVersionOf: Package version -> its unversioned name node.
	EdgeVersionOf EdgeKind = "VERSION_OF"
	// EdgeHasPolicy: Identity or Resource -> Policy attached to it.
	EdgeHasPolicy EdgeKind = "HAS_POLICY"
	// EdgeMemberOf: Identity -> group Identity it belongs to.
	EdgeMemberOf EdgeKind = "MEMBER_OF"
)

// EdgeKinds lists every edge kind in a fixed order.
var EdgeKinds = []EdgeKind{
	EdgeDependsOn, EdgeExecutes, EdgeExposes, EdgeAuthenticatesAs, EdgeCanAssume,
	EdgeCanReadSecret, EdgeCanMint, EdgeCanModify, EdgeCanPublish, EdgeCanAccess,
	EdgeRunsOn, EdgeObserved, EdgeHolds, EdgeDefines, EdgeLocks, EdgeVersionOf,
	EdgeHasPolicy, EdgeMemberOf, EdgeCanInvoke, EdgeCanReceive, EdgeCanGrant,
}

// Confidence is how sure an edge is.
type Confidence string

const (
	// Certain edges follow from the input with nothing left unknown.
	Certain Confidence = "certain"
	// Possible edges depend on something the input does not show (a
	// condition that cannot be decided, a default that is not written down).
	Possible Confidence = "possible"
)

// Weaker returns the weaker of two confidences.
func (c Confidence) Weaker(o Confidence) Confidence {
	if c == Possible || o == Possible {
		return Possible
	}
	return Certain
}

// Well-known attribute keys. Attributes are strings so that both stores keep
// them as plain properties; lists are comma-separated and sorted.
const (
	AttrFingerprint  = "fingerprint"   // salted fingerprint of a value seen in the input
	AttrStoredInline = "stored_inline" // "true" when the value sat in a file, not a secret manager
	AttrVia          = "via"           // EXPOSES: env, ci-secret, file, oidc, metadata, token
	AttrActions      = "actions"       // CAN_ACCESS and friends: the permissions that make the edge
	AttrLevel        = "level"         // CAN_ACCESS: read, write or admin
	AttrReason       = "reason"        // a sentence explaining a derived edge
	AttrCondition    = "condition"     // the condition that decided an edge
	AttrHolder       = "holder"        // CAN_GRANT: the identity an attacker must hold for the grant to count
	AttrLongLived    = "long_lived"    // Secret: "true" for keys and stored tokens
	AttrProvider     = "provider"      // aws, gcp, github, npm ...
	AttrAccount      = "account"       // cloud account or project
	AttrRepository   = "repository"    // owner/name of the repository a fact belongs to
	// AttrRepositoryHost is the host of the forge of AttrRepository
	// (gitlab.com, a GitLab server, bitbucket.org), unset for github.com.
	// RepoIDOf reads the two.
	AttrRepositoryHost = "repository_host"
	// AttrInsteadOf is set on a job's EXPOSES edge to an organisation
	// secret that the job reads because no input but a workflow states
	// the repository secret of the name: the id of that repository secret.
	AttrInsteadOf = "instead_of"
	// AttrCheckoutHost, on a CI job, is the forge host under which the
	// files of its checkout (lockfiles, manifests, key files) were read,
	// when it differs from AttrRepositoryHost. That happens to a GitLab
	// pipeline in a folder that also holds .github, and to one whose
	// variables name a server the origin does not. CheckoutRepoIDOf reads
	// it.
	AttrCheckoutHost = "checkout_host"
	// AttrNPMProject and AttrPyPIProject, on a repository, are the package
	// name that its top-level package.json or pyproject.toml gives, which a
	// release from the top publishes. AttrNPMManifest and AttrPyPIManifest
	// are "true" once that file was read, named a package or not, so the
	// linker does not fall back to a lockfile's name.
	AttrNPMProject   = "npm_project"
	AttrPyPIProject  = "pypi_project"
	AttrNPMManifest  = "npm_manifest"
	AttrPyPIManifest = "pypi_manifest"
	// AttrCargoProject, on a repository, is the crate name that the
	// [package] table of its top-level Cargo.toml gives, which cargo
	// publish from the top publishes to crates.io. A workspace root
	// without a [package] table, and a package that may not go to
	// crates.io (publish = false, or a publish list without crates-io),
	// give none.
	AttrCargoProject = "cargo_project"
	// AttrGemProject, on a repository, is the gem name that the one
	// .gemspec at its top assigns as a literal (spec.name = "..."), which
	// gem push and Bundler's rake release from the top publish to
	// rubygems.org. None when the top holds more than one .gemspec, or
	// when the gemspec's allowed_push_host names another server.
	AttrGemProject = "gem_project"
	// AttrMavenProject, on a repository, is the groupId:artifactId that
	// its top-level pom.xml gives (the groupId may come from <parent>),
	// which mvn deploy from the top publishes. None when either is not a
	// literal, or when distributionManagement names a repository other
	// than Maven Central's.
	AttrMavenProject = "maven_project"
	// AttrNuGetProject, on a repository, is the <PackageId> of the one
	// .csproj at its top, which dotnet nuget push from the top is taken to
	// publish. None without a literal PackageId, with IsPackable false,
	// or when the top holds more than one .csproj.
	AttrNuGetProject = "nuget_project"
	// AttrPyPISetupPyProject and AttrPyPISetupCfgProject are the package
	// name that a top-level setup.py passes to setup() as a literal, and
	// the one that setup.cfg's [metadata] gives. setuptools reads them
	// when pyproject.toml has no [project] or [tool.poetry] name, setup.py
	// before setup.cfg.
	AttrPyPISetupPyProject  = "pypi_setup_py_project"
	AttrPyPISetupCfgProject = "pypi_setup_cfg_project"
	// AttrPyPISetupPyNameUnknown is "true" when setup.py may pass setup()
	// a name that is not a literal: a computed name= argument, ** unpacking
	// without a literal name, or a file that Python rejects. setuptools
	// then does not take setup.cfg's name, so no name is known.
	AttrPyPISetupPyNameUnknown = "pypi_setup_py_name_unknown"
	// AttrNPMLockProject is the project name the root entry of a top-level
	// package-lock.json or npm-shrinkwrap.json records, and
	// AttrNPMLockProjectFile which of the two it came from.
	// AttrPyPILockProject is the one root package that a top-level uv.lock
	// installs editable from its own folder.
	AttrNPMLockProject     = "npm_lock_project"
	AttrNPMLockProjectFile = "npm_lock_project_file"
	AttrPyPILockProject    = "pypi_lock_project"
	// AttrReleasesProject marks a registry account that a release of the
	// project at the top of its repository (AttrRepository) uses.
	AttrReleasesProject = "releases_project"
	// AttrGPRRelease marks a job of a workflow that only runs when
	// called, and that publishes to GitHub Packages' npm registry with
	// its GITHUB_TOKEN. Its value is GPRReleaseProject for a release of
	// the package at the top of the repository, GPRReleaseProjectMaybe
	// when the tool publishes only if configured to, and GPRReleaseOther
	// for a release of another package.
	AttrGPRRelease = "gpr_release"
	// AttrReleasesProjectCertain marks such an account when one of those
	// releases publishes whatever the tool's configuration sets (all but
	// semantic-release's).
	AttrReleasesProjectCertain = "releases_project_certain"
	AttrLockfile               = "lockfile"       // DEPENDS_ON and LOCKS: the lockfile that states it
	AttrDirect                 = "direct"         // LOCKS: "true" for a direct dependency
	AttrChain                  = "chain"          // LOCKS and EXECUTES: direct dependency that pulls it in
	AttrInstallHook            = "install_script" // Package version: "true" when it runs code at install
	AttrName                   = "name"           // a secret's name as its consumers refer to it
	// AttrDefinedAt, on a node that a module call gives, is the file and
	// line of the called module where the node's block is written. The
	// node's own position is the calling module block's.
	AttrDefinedAt = "defined_at"
	// AttrPullPolicy, on an EXECUTES edge from a runtime to an image, is
	// when the runtime pulls the image's tag: a Kubernetes workload's
	// imagePullPolicy (PullAlways, PullIfNotPresent or PullNever), or
	// PullOnDeploy. Unset when unknown.
	AttrPullPolicy = "pull_policy"
)

// Values of AttrPullPolicy, as Kubernetes spells them. A node pulls a tag
// again each time it starts a container with PullAlways, only when it
// has no image of that tag with PullIfNotPresent, and never with
// PullNever.
const (
	PullAlways       = "Always"
	PullIfNotPresent = "IfNotPresent"
	PullNever        = "Never"
	// PullOnDeploy is no Kubernetes value. It marks a runtime that
	// resolves the tag to an image digest when it is deployed and runs
	// that digest until the next deploy: a Cloud Run revision, a Lambda
	// function.
	PullOnDeploy = "OnDeploy"
)

// Values of AttrGPRRelease.
const (
	GPRReleaseProject      = "project"
	GPRReleaseProjectMaybe = "project-maybe"
	GPRReleaseOther        = "other"
)

// Pos is the position a fact was read from: a file and a line, or a log
// file and the record number within it. Line 0 means the whole file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
}

func (p Pos) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// Node is one vertex of the graph as a store returns it: the facts of every
// source that asserts it, merged.
type Node struct {
	ID    string            `json:"id"`
	Kind  NodeKind          `json:"kind"`
	Label string            `json:"label,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
	// Pos is where the fact was read; for merged nodes the first position
	// in source order, the rest in Also.
	Pos       Pos       `json:"pos"`
	Also      []Pos     `json:"also,omitempty"`
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
	// Facts lists each source's fact, in source order, when sources state
	// the node with different attributes, and is nil otherwise. Attrs takes
	// each attribute from the first source that sets it, so a reader that
	// needs one source's values, such as the file and repository of each
	// manifest that declares a workload, reads these. They are the store's
	// own facts, which readers must not change.
	Facts []NodeFact `json:"-"`
}

// Edge is one directed relation.
type Edge struct {
	From       string            `json:"from"`
	To         string            `json:"to"`
	Kind       EdgeKind          `json:"kind"`
	Confidence Confidence        `json:"confidence"`
	Attrs      map[string]string `json:"attrs,omitempty"`
	Evidence   *Evidence         `json:"evidence,omitempty"`
	Pos        Pos               `json:"pos"`
	Also       []Pos             `json:"also,omitempty"`
	FirstSeen  time.Time         `json:"firstSeen"`
	LastSeen   time.Time         `json:"lastSeen"`
	// Facts lists each source's fact, in source order, when sources state
	// the edge with different attributes, and is nil otherwise. Attrs takes each
	// attribute from the first source that sets it, so a reader that needs
	// one source's values, such as which lockfile pins a package and
	// whether for development only, reads these. They are the store's
	// own facts, which readers must not change.
	Facts []EdgeFact `json:"-"`
}

// Key identifies an edge regardless of its attributes.
func (e Edge) Key() EdgeKey { return EdgeKey{From: e.From, Kind: e.Kind, To: e.To} }

// EdgeKey identifies an edge: at most one edge of a kind joins two nodes.
type EdgeKey struct {
	From string
	Kind EdgeKind
	To   string
}

func (k EdgeKey) String() string { return k.From + " -" + string(k.Kind) + "-> " + k.To }

// Attr returns the attribute value or "".
func (n Node) Attr(key string) string { return n.Attrs[key] }

// AttrLiveExport is "true" on the facts read from an export of a live
// system: an AWS account's authorization details (aws iam
// get-account-authorization-details), objects that a Kubernetes API
// server returned (kubectl get -o yaml or json), and Google Cloud allow
// policies that gcloud get-iam-policy or a Cloud Asset Inventory export
// printed.
const AttrLiveExport = "live_export"

// AttrLivePolicy is "true" on the facts of a Google Cloud resource read
// from an export that states the resource's whole allow policy as it is:
// gcloud get-iam-policy, or the iamPolicy of a Cloud Asset Inventory
// export. A grant on the resource that such an export does not list is
// not in force. Search results (gcloud asset search-all-iam-policies)
// list only the bindings that match the query, so they do not set it.
const AttrLivePolicy = "live_policy"

// AttrResourceVersion is the metadata.resourceVersion of an object that a
// Kubernetes API server returned. Of two dumps of one object, the one with
// the higher version is the later state.
const AttrResourceVersion = "resource_version"

// AttrLiveUID is the metadata.uid of an object that a Kubernetes API
// server returned. Resource versions compare only between dumps of one
// object: two clusters, whose ids the graph does not tell apart, give
// their objects different uids.
const AttrLiveUID = "live_uid"

// LiveFacts returns the facts of the node's sources that are exports of
// the live system, the one readers prefer first (see newerLive). It
// returns nil when no source is one, or when the sources agree, because
// Facts is nil and Attrs then states them all.
func (n Node) LiveFacts() []NodeFact {
	var out []NodeFact
	for _, f := range n.Facts {
		if f.Attrs[AttrLiveExport] != "true" {
			continue
		}
		if len(out) > 0 && newerLive(f.Attrs, out[0].Attrs) {
			out = append([]NodeFact{f}, out...)
		} else {
			out = append(out, f)
		}
	}
	return out
}

// LatestLiveFacts returns, for each object in the node's live exports
// (one uid, AttrLiveUID), the fact of its latest export, in source order.
// Objects of one name in two clusters have different uids, so each keeps
// its own. It returns nil when Facts is nil.
func (n Node) LatestLiveFacts() []NodeFact {
	var out []NodeFact
	at := map[string]int{}
	for _, f := range n.Facts {
		if f.Attrs[AttrLiveExport] != "true" {
			continue
		}
		uid := f.Attrs[AttrLiveUID]
		i, ok := at[uid]
		switch {
		case !ok:
			at[uid] = len(out)
			out = append(out, f)
		case newerLive(f.Attrs, out[i].Attrs):
			out[i] = f
		}
	}
	return out
}

// LatestLiveVersions maps the uid (AttrLiveUID) of each object in the
// node's live exports to the resource version of its latest export
// (LatestLiveFacts).
func (n Node) LatestLiveVersions() map[string]string {
	out := map[string]string{}
	if len(n.Facts) == 0 {
		if n.Attrs[AttrLiveExport] == "true" {
			out[n.Attrs[AttrLiveUID]] = n.Attrs[AttrResourceVersion]
		}
		return out
	}
	for _, f := range n.LatestLiveFacts() {
		out[f.Attrs[AttrLiveUID]] = f.Attrs[AttrResourceVersion]
	}
	return out
}

// newerLive reports whether the live fact with attributes a states a later
// state of the object than the one with b. That holds when both are of
// one object (AttrLiveUID), both resource versions parse as integers, and
// a's is higher. Otherwise the first stays preferred. API servers give integers that grow with each change, and
// Kubernetes 1.35 documents that the versions of objects of one resource
// compare as integers.
func newerLive(a, b map[string]string) bool {
	if a[AttrLiveUID] != b[AttrLiveUID] {
		// Two objects, such as one binding's name in two clusters.
		return false
	}
	va, errA := strconv.ParseUint(a[AttrResourceVersion], 10, 64)
	vb, errB := strconv.ParseUint(b[AttrResourceVersion], 10, 64)
	return errA == nil && errB == nil && va > vb
}

// PolicyAttr returns an attribute that states what a policy grants
// (trust_policy, document, a Kubernetes role's rules and labels, a
// binding's role) as the rules read it. Where the node's sources state it
// differently and one of them is an export of the live system, that is
// the export's value, since it is what an attacker meets now. Of two
// exports, it is the value of the one with the higher resource version
// (LiveFacts). Otherwise it is Attr's.
func (n Node) PolicyAttr(key string) string {
	for _, f := range n.LiveFacts() {
		if f.Attrs[key] != "" {
			return f.Attrs[key]
		}
	}
	return n.Attrs[key]
}

// PolicyPos returns where the value PolicyAttr returns is stated: the
// position of the fact it comes from, or the node's Pos when no fact of
// Facts sets key. A finding about a role's trust policy then points at the
// file that states the policy, not at a workflow that names the role.
func (n Node) PolicyPos(key string) Pos {
	for _, f := range n.LiveFacts() {
		if f.Attrs[key] != "" {
			return f.Pos
		}
	}
	for _, f := range n.Facts {
		if f.Attrs[key] != "" && f.Attrs[key] == n.Attrs[key] {
			return f.Pos
		}
	}
	return n.Pos
}

// AttrValues returns the distinct non-empty values that the node's sources
// give an attribute, in source order (see Edge.AttrValues).
func (n Node) AttrValues(key string) []string {
	return attrValues(n.Attrs, n.Facts, func(f NodeFact) map[string]string { return f.Attrs }, key)
}

// Attr returns the attribute value or "".
func (e Edge) Attr(key string) string { return e.Attrs[key] }

// AttrValues returns the distinct non-empty values that the edge's sources
// give an attribute, in source order. Attr gives only the first of them
// when sources differ, such as two access logs that each list the session
// keys issued in their own records.
func (e Edge) AttrValues(key string) []string {
	return attrValues(e.Attrs, e.Facts, func(f EdgeFact) map[string]string { return f.Attrs }, key)
}

// attrValues returns the distinct non-empty values of attribute key in
// the attributes of facts, or in merged when there are no facts.
func attrValues[F any](merged map[string]string, facts []F, attrsOf func(F) map[string]string, key string) []string {
	if len(facts) == 0 {
		if v := merged[key]; v != "" {
			return []string{v}
		}
		return nil
	}
	var out []string
	for _, f := range facts {
		if v := attrsOf(f)[key]; v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// SetAttr sets an attribute, allocating the map when needed.
func (n *Node) SetAttr(key, value string) {
	if n.Attrs == nil {
		n.Attrs = map[string]string{}
	}
	n.Attrs[key] = value
}

// SetAttr sets an attribute, allocating the map when needed.
func (e *Edge) SetAttr(key, value string) {
	if e.Attrs == nil {
		e.Attrs = map[string]string{}
	}
	e.Attrs[key] = value
}

// Seen is one source address or user agent in access-log evidence.
type Seen struct {
	Value string    `json:"value"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	Count int64     `json:"count"`
}

// MaxSeen bounds the addresses and agents kept per evidence edge so that
// hostile or huge logs cannot grow one edge without limit.
const MaxSeen = 64

// Evidence aggregates access-log records for one OBSERVED edge.
type Evidence struct {
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
	Count  int64     `json:"count"`
	Denied int64     `json:"denied,omitempty"` // calls that failed with an access error
	// LastAllowed is the time of the last call that was not denied.
	LastAllowed time.Time `json:"lastAllowed,omitzero"`
	Actions     []string  `json:"actions,omitempty"`
	Addrs       []Seen    `json:"addrs,omitempty"`
	Agents      []Seen    `json:"agents,omitempty"`
	Keys        []string  `json:"keys,omitempty"` // access key ids used, never secret keys
	// KeyUses holds the calls of each key id in Keys on its own, sorted by
	// key id. Evidence written before it was kept has Keys without
	// KeyUses, and so has evidence merged from such evidence: only then
	// are the times of one key's calls unknown.
	KeyUses []KeyUse `json:"keyUses,omitempty"`
	// Records points at a few of the log records behind the evidence.
	Records []Pos `json:"records,omitempty"`
}

// KeyUse is the calls that one access key id signed, within the calls of
// one evidence record.
type KeyUse struct {
	Key   string    `json:"key"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// LastAllowed is the time of the key's last call that was not
	// denied, zero when every call was denied.
	LastAllowed time.Time `json:"lastAllowed,omitzero"`
	Count       int64     `json:"count"`            // calls that were not denied
	Denied      int64     `json:"denied,omitempty"` // calls that failed with an access error
	// Detailed is true when Actions, Addrs, Agents and Records below are
	// the key's own. Key uses written before they were kept have none,
	// and a merge with such a use keeps none.
	Detailed bool     `json:"detailed,omitempty"`
	Actions  []string `json:"actions,omitempty"`
	Addrs    []Seen   `json:"addrs,omitempty"`
	Agents   []Seen   `json:"agents,omitempty"`
	Records  []Pos    `json:"records,omitempty"`
}

// MaxKeySeen bounds the actions, addresses and agents kept for each key
// of an evidence record, and maxKeyRecords its log records, so that the
// 64 keys of one edge hold a few thousand entries at most.
const (
	MaxKeySeen    = 16
	maxKeyRecords = 4
)

// Lists returns the actions, addresses, agents and records to show for
// the calls of key use u of ev: u's own where it keeps them, else ev's,
// which hold the calls of every key. shared names the lists that are ev's
// ("actions", "addresses", "agents", "records"). A list of u that holds
// MaxKeySeen entries may have left out a later one, such as a new address
// after a compromise, so ev's list stands for it.
func (ev *Evidence) Lists(u KeyUse) (actions []string, addrs, agents []Seen, records []Pos, shared []string) {
	if !u.Detailed {
		return ev.Actions, ev.Addrs, ev.Agents, ev.Records, []string{"actions", "addresses", "agents", "records"}
	}
	actions, addrs, agents, records = u.Actions, u.Addrs, u.Agents, u.Records
	if len(actions) >= MaxKeySeen {
		actions, shared = ev.Actions, append(shared, "actions")
	}
	if len(addrs) >= MaxKeySeen {
		addrs, shared = ev.Addrs, append(shared, "addresses")
	}
	if len(agents) >= MaxKeySeen {
		agents, shared = ev.Agents, append(shared, "agents")
	}
	return actions, addrs, agents, records, shared
}

// KeyUse returns the calls of key id key, and false when the evidence
// does not know them: the key signed none of its calls, or the evidence
// names keys without their own times.
func (ev *Evidence) KeyUse(key string) (KeyUse, bool) {
	if !ev.perKey() {
		return KeyUse{}, false
	}
	i, ok := slices.BinarySearchFunc(ev.KeyUses, key, func(u KeyUse, k string) int { return strings.Compare(u.Key, k) })
	if !ok {
		return KeyUse{}, false
	}
	return ev.KeyUses[i], true
}

// perKey reports whether KeyUses covers every call of Keys.
func (ev *Evidence) perKey() bool {
	return len(ev.Keys) == 0 || len(ev.KeyUses) > 0
}

// Add records one call. Denied calls count towards Denied only.
func (ev *Evidence) Add(at time.Time, action, addr, agent, key string, denied bool, rec Pos) {
	if ev.perKey() {
		ev.KeyUses = addKeyUse(ev.KeyUses, key, at, denied, action, addr, agent, rec)
	}
	if denied {
		ev.Denied++
	} else {
		ev.Count++
		if at.After(ev.LastAllowed) {
			ev.LastAllowed = at
		}
	}
	if ev.First.IsZero() || at.Before(ev.First) {
		ev.First = at
	}
	if at.After(ev.Last) {
		ev.Last = at
	}
	ev.Actions = addString(ev.Actions, action)
	ev.Keys = addString(ev.Keys, key)
	ev.Addrs = addSeen(ev.Addrs, addr, at, 1)
	ev.Agents = addSeen(ev.Agents, agent, at, 1)
	if len(ev.Records) < 8 && rec.File != "" {
		ev.Records = append(ev.Records, rec)
	}
}

// Merge folds another evidence record into ev.
func (ev *Evidence) Merge(o *Evidence) {
	if o == nil {
		return
	}
	// Evidence written before LastAllowed was kept has allowed calls
	// without their time, which may be as late as its Last. The merged
	// evidence does not know them either, so it keeps no LastAllowed.
	unknown := !ev.knowsLastAllowed() || !o.knowsLastAllowed()
	ev.Count += o.Count
	ev.Denied += o.Denied
	if !o.First.IsZero() && (ev.First.IsZero() || o.First.Before(ev.First)) {
		ev.First = o.First
	}
	if o.Last.After(ev.Last) {
		ev.Last = o.Last
	}
	if o.LastAllowed.After(ev.LastAllowed) {
		ev.LastAllowed = o.LastAllowed
	}
	if unknown {
		ev.LastAllowed = time.Time{}
	}
	for _, a := range o.Actions {
		ev.Actions = addString(ev.Actions, a)
	}
	if ev.perKey() && o.perKey() {
		for _, u := range o.KeyUses {
			ev.KeyUses = mergeKeyUse(ev.KeyUses, u)
		}
	} else {
		ev.KeyUses = nil
	}
	for _, k := range o.Keys {
		ev.Keys = addString(ev.Keys, k)
	}
	for _, s := range o.Addrs {
		ev.Addrs = mergeSeen(ev.Addrs, s)
	}
	for _, s := range o.Agents {
		ev.Agents = mergeSeen(ev.Agents, s)
	}
	for _, r := range o.Records {
		if len(ev.Records) < 8 {
			ev.Records = append(ev.Records, r)
		}
	}
}

// RenameKey names the calls of key id from by key id to, adding them to
// the calls of to when the evidence has both. A reader calls it when it
// finds that a log names one credential by two ids.
func (ev *Evidence) RenameKey(from, to string) {
	i, ok := slices.BinarySearch(ev.Keys, from)
	if !ok || from == to {
		return
	}
	ev.Keys = slices.Delete(ev.Keys, i, i+1)
	ev.Keys = addString(ev.Keys, to)
	j, ok := slices.BinarySearchFunc(ev.KeyUses, from, func(u KeyUse, k string) int { return strings.Compare(u.Key, k) })
	if !ok {
		return
	}
	u := ev.KeyUses[j]
	ev.KeyUses = slices.Delete(ev.KeyUses, j, j+1)
	u.Key = to
	ev.KeyUses = mergeKeyUse(ev.KeyUses, u)
}

// knowsLastAllowed reports whether LastAllowed gives the time of the last
// allowed call: it does unless the evidence has allowed calls without it.
func (ev *Evidence) knowsLastAllowed() bool {
	return ev.Count == 0 || !ev.LastAllowed.IsZero()
}

// Clone returns a deep copy.
func (ev *Evidence) Clone() *Evidence {
	if ev == nil {
		return nil
	}
	c := &Evidence{}
	c.Merge(ev)
	return c
}

func addString(list []string, s string) []string { return addBounded(list, s, MaxSeen) }

// addBounded inserts s into the sorted set list unless it holds limit items.
func addBounded(list []string, s string, limit int) []string {
	if s == "" {
		return list
	}
	i := sort.SearchStrings(list, s)
	if i < len(list) && list[i] == s {
		return list
	}
	if len(list) >= limit {
		return list
	}
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = s
	return list
}

func addKeyUse(list []KeyUse, key string, at time.Time, denied bool, action, addr, agent string, rec Pos) []KeyUse {
	if key == "" {
		return list
	}
	u := KeyUse{Key: key, First: at, Last: at, Detailed: true}
	if denied {
		u.Denied = 1
	} else {
		u.Count = 1
		u.LastAllowed = at
	}
	u.Actions = addString(u.Actions, action)
	u.Addrs = addSeen(u.Addrs, addr, at, 1)
	u.Agents = addSeen(u.Agents, agent, at, 1)
	if rec.File != "" {
		u.Records = []Pos{rec}
	}
	return mergeKeyUse(list, u)
}

// mergeKeyUse folds u into the entry of its key, or inserts it in key
// order. Like addString, it drops a new key once the list holds MaxSeen,
// so the keys of KeyUses stay those of Keys.
func mergeKeyUse(list []KeyUse, u KeyUse) []KeyUse {
	i, ok := slices.BinarySearchFunc(list, u.Key, func(c KeyUse, k string) int { return strings.Compare(c.Key, k) })
	if ok {
		cur := &list[i]
		cur.Count += u.Count
		cur.Denied += u.Denied
		if !u.First.IsZero() && (cur.First.IsZero() || u.First.Before(cur.First)) {
			cur.First = u.First
		}
		if u.Last.After(cur.Last) {
			cur.Last = u.Last
		}
		if u.LastAllowed.After(cur.LastAllowed) {
			cur.LastAllowed = u.LastAllowed
		}
		cur.mergeDetail(u)
		return list
	}
	if len(list) >= MaxSeen {
		return list
	}
	u.Actions, u.Addrs, u.Agents, u.Records = slices.Clone(u.Actions), slices.Clone(u.Addrs), slices.Clone(u.Agents), slices.Clone(u.Records)
	return slices.Insert(list, i, u)
}

// mergeDetail folds the actions, addresses, agents and records of another
// use of the same key into u, each list bounded by MaxKeySeen (records by
// maxKeyRecords). A use without them leaves u without them.
func (u *KeyUse) mergeDetail(o KeyUse) {
	if !u.Detailed || !o.Detailed {
		u.Detailed = false
		u.Actions, u.Addrs, u.Agents, u.Records = nil, nil, nil, nil
		return
	}
	for _, a := range o.Actions {
		u.Actions = addBounded(u.Actions, a, MaxKeySeen)
	}
	for _, s := range o.Addrs {
		u.Addrs = mergeSeenBounded(u.Addrs, s, MaxKeySeen)
	}
	for _, s := range o.Agents {
		u.Agents = mergeSeenBounded(u.Agents, s, MaxKeySeen)
	}
	for _, r := range o.Records {
		if len(u.Records) < maxKeyRecords {
			u.Records = append(u.Records, r)
		}
	}
}

func addSeen(list []Seen, value string, at time.Time, n int64) []Seen {
	if value == "" {
		return list
	}
	return mergeSeen(list, Seen{Value: value, First: at, Last: at, Count: n})
}

func mergeSeen(list []Seen, s Seen) []Seen { return mergeSeenBounded(list, s, MaxSeen) }

// mergeSeenBounded folds s into the entry of its value, or inserts it in
// value order unless list holds limit entries.
func mergeSeenBounded(list []Seen, s Seen, limit int) []Seen {
	i := sort.Search(len(list), func(i int) bool { return list[i].Value >= s.Value })
	if i < len(list) && list[i].Value == s.Value {
		cur := &list[i]
		cur.Count += s.Count
		if s.First.Before(cur.First) {
			cur.First = s.First
		}
		if s.Last.After(cur.Last) {
			cur.Last = s.Last
		}
		return list
	}
	if len(list) >= limit {
		return list
	}
	list = append(list, Seen{})
	copy(list[i+1:], list[i:])
	list[i] = s
	return list
}

// JoinList renders a set of strings as a sorted comma-separated attribute.
func JoinList(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		if it != "" && !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// SplitList is the inverse of JoinList.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// AttrObserved is "true" on a node that an access log names. A store keeps
// it on a node's merged view only while every source that asserts the node
// sets it, so a node that some other input declares reads as declared.
const AttrObserved = "observed"

// DropObservedUnlessAll removes AttrObserved from merged attributes when
// one of the facts' attribute sets lacks it. merged must be a map of the
// caller's own.
func DropObservedUnlessAll(merged map[string]string, facts ...map[string]string) {
	if merged[AttrObserved] == "" {
		return
	}
	for _, f := range facts {
		if f[AttrObserved] != "true" {
			delete(merged, AttrObserved)
			return
		}
	}
}
