// Package kubernetes reads Kubernetes manifests: YAML files of one or more
// documents, List objects, and the JSON that `kubectl get -o json` prints.
//
// It records service accounts, users and groups as Identity nodes, and
// Secret objects as Secret nodes with key names and value fingerprints,
// never values. Roles, ClusterRoles and their bindings become Policy nodes
// joined to their subjects by HAS_POLICY. The pods of each workload become
// a Runtime that executes its container images and exposes the Secrets it
// mounts or reads into its environment. A pod that can take over its node
// (a privileged container, or a host path with the container runtime's
// socket or the node's credentials) RUNS_ON the node. The linker derives
// the rest, because it depends on objects in other files: which service
// account token a pod receives, what RBAC grants, and which cloud roles an
// annotated service account reaches.
//
// A document with Helm template directives ({{ }}) is skipped with a
// warning at its position, and the other documents of the file still go
// in. Namespaced objects without a namespace are read in namespace
// "default", where kubectl creates them without -n, and one warning per
// file counts them.
//
// Limitations: a file is read whole and may be at most
// ingest.MaxConfigSize bytes. Every manifest is taken to belong to one
// cluster. Kustomize overlays and Helm charts are not rendered: ingest
// their rendered output instead. Annotations other than the cloud identity
// ones are never read, because kubectl's last-applied-configuration copy of
// a Secret contains its values.
package kubernetes

import (
	"bytes"
	"context"
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Parser reads Kubernetes manifests.
type Parser struct{}

// New returns a Kubernetes manifest parser.
func New() *Parser { return &Parser{} }

// Format returns "kubernetes".
func (*Parser) Format() string { return "kubernetes" }

var (
	yamlAPIVersion = regexp.MustCompile(`(?m)^["']?apiVersion["']?[ \t]*:`)
	yamlKind       = regexp.MustCompile(`(?m)^["']?kind["']?[ \t]*:`)
	jsonAPIVersion = regexp.MustCompile(`"apiVersion"\s*:`)
	// jsonKind matches the kinds this package reads and their lists, so
	// that other JSON with a kind field, such as audit events, is left alone.
	jsonKind = regexp.MustCompile(`"kind"\s*:\s*"(List|` + kindAlternation() + `)(List)?"`)
)

// Detect reports whether a YAML file has top-level apiVersion and kind
// keys, or a JSON file names an object kind this package reads.
func (*Parser) Detect(f *ingest.File) bool {
	switch strings.ToLower(path.Ext(f.Path)) {
	case ".yaml", ".yml":
		return yamlAPIVersion.Match(f.Head) && yamlKind.Match(f.Head)
	case ".json":
		return jsonAPIVersion.Match(f.Head) && jsonKind.Match(f.Head)
	}
	return false
}

// Parse reads every document of the file. It rejects a file when no
// document can be read, and otherwise warns about each unreadable one.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})

	r := newReader(f, env, res)
	var firstErr *ingest.Error
	parsed := 0
	for _, d := range splitDocuments(data) {
		if err := ctx.Err(); err != nil {
			return err
		}
		root, perr := d.decode(f.Path)
		switch {
		case perr != nil && perr.helm:
			res.Warnf(perr.pos, "%s", perr.msg)
		case perr != nil:
			if firstErr == nil {
				firstErr = &ingest.Error{Pos: perr.pos, Msg: perr.msg}
			}
			res.Warnf(perr.pos, "%s; document skipped", perr.msg)
		case root != nil:
			parsed++
			r.object(root)
		}
	}
	if parsed == 0 && firstErr != nil {
		res.Diags = nil
		return firstErr
	}
	r.finish()
	return nil
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

// provider is the provider attribute of every node this package writes.
const provider = "kubernetes"

// attrNamespaceUnset is "true" on a workload whose manifest names no
// namespace, so that it was read in namespace default.
const attrNamespaceUnset = "namespace_unset"

// attrManifestRepo and attrManifest, on a workload read from a file of a
// repository, are the id of that repository and the file's path in it.
const (
	attrManifestRepo = "manifest_repo"
	attrManifest     = "manifest"
)

// workloadKinds are the kinds whose objects run pods, with the path from
// the object to its pod spec.
var workloadKinds = map[string][]string{
	"Pod":                   {"spec"},
	"Deployment":            {"spec", "template", "spec"},
	"StatefulSet":           {"spec", "template", "spec"},
	"DaemonSet":             {"spec", "template", "spec"},
	"ReplicaSet":            {"spec", "template", "spec"},
	"ReplicationController": {"spec", "template", "spec"},
	"Job":                   {"spec", "template", "spec"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template", "spec"},
}

// otherKinds are the other kinds this package reads.
var otherKinds = []string{
	"ServiceAccount", "Secret", "Namespace", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
	"Service", "NetworkPolicy",
}

// readKind reports whether objects of a kind give facts.
func readKind(kind string) bool {
	if _, ok := workloadKinds[kind]; ok {
		return true
	}
	for _, k := range otherKinds {
		if k == kind {
			return true
		}
	}
	return false
}

func kindAlternation() string {
	kinds := append([]string(nil), otherKinds...)
	for k := range workloadKinds {
		kinds = append(kinds, k)
	}
	return strings.Join(kinds, "|")
}

// label returns "namespace/name", or name for cluster-scoped objects.
func label(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// newNode returns a node with the provider attribute set.
func newNode(id string, kind graph.NodeKind, lbl string, typ string) graph.Node {
	n := graph.Node{ID: id, Kind: kind, Label: lbl}
	n.SetAttr(graph.AttrProvider, provider)
	if typ != "" {
		n.SetAttr("type", typ)
	}
	return n
}
