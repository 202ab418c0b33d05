// Package k8saudit reads Kubernetes API server audit logs and records who
// was seen doing what to which object. Each user or service account gets
// an OBSERVED edge to each object its requests named, with the requests
// aggregated as evidence: times, verbs and resources, source addresses,
// user agents.
//
// It reads audit.k8s.io/v1 Event objects as the API server's log backend
// writes them (JSON Lines), as a JSON array, as AKS diagnostic records
// (the event as JSON text under properties.log), as CloudWatch exports of
// EKS logs (the event under @message), and GKE audit entries in Cloud
// Logging's format (protoPayload with serviceName k8s.io).
//
// A request whose response code is 400 or more counts as denied, so an
// edge whose requests all failed carries denied_only=true and is never
// walked. Events of the RequestReceived and ResponseStarted stages are
// counted but add no evidence, because the ResponseComplete event of the
// same request follows. Request and response bodies are never decoded,
// except the name in a created object's metadata.
//
// Limitations: audit events do not name their cluster, so objects and
// service accounts of two clusters with the same namespace and name share
// an id; ingest each cluster's logs with that in mind.
package k8saudit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
	"github.com/blastradius-dev/blastradius/ingest/internal/observe"
)

// Parser reads Kubernetes audit logs.
type Parser struct{}

// New returns a Kubernetes audit log parser.
func New() *Parser { return &Parser{} }

// Format returns "k8s-audit".
func (*Parser) Format() string { return "k8s-audit" }

var (
	auditVersion = regexp.MustCompile(`"apiVersion"\s*:\s*"audit\.k8s\.io/`)
	eventKind    = regexp.MustCompile(`"kind"\s*:\s*"Event"`)
	aksCategory  = regexp.MustCompile(`"category"\s*:\s*"kube-audit(-admin)?"`)
)

// Detect reports whether the head of the file holds audit events: an
// audit.k8s.io Event, or an Event with a verb, or AKS kube-audit records.
func (*Parser) Detect(f *ingest.File) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(f.Head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(h) == 0 || (h[0] != '{' && h[0] != '[') {
		return false
	}
	if auditVersion.Match(h) || aksCategory.Match(h) {
		return true
	}
	return eventKind.Match(h) && bytes.Contains(h, []byte(`"verb"`)) &&
		(bytes.Contains(h, []byte(`"objectRef"`)) || bytes.Contains(h, []byte(`"requestURI"`)))
}

// Parse reads the events of the file one at a time.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	rc, err := f.Open()
	if err != nil {
		return ingest.Errorf(ingest.Position{File: f.Path}, "open: %v", err)
	}
	defer rc.Close()

	s := jsonstream.NewSize(rc, f.Size)
	defer s.Release()
	s.SkipBOM()
	if _, ok := s.Peek(); !ok && s.Err() == nil {
		return ingest.Errorf(ingest.Position{File: f.Path}, "file is empty")
	}
	b := &builder{file: f.Path, res: res, obs: observe.New(f.Path)}
	err = jsonstream.Records(ctx, s, []string{"items", "records"}, b.record)
	var je *jsonstream.Error
	switch {
	case errors.As(err, &je):
		pos := ingest.Position{File: f.Path, Line: je.Line, Col: je.Col}
		if res.Records == 0 {
			return &ingest.Error{Pos: pos, Msg: je.Msg}
		}
		res.Warnf(pos, "%s; the rest of the file was skipped", je.Msg)
	case err != nil:
		return err
	}
	if res.Records == 0 && b.firstBad > 0 {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: b.firstBad}, "no record is a Kubernetes audit event")
	}
	b.obs.Flush(res)
	return nil
}

type builder struct {
	file     string
	res      *ingest.Result
	obs      *observe.Builder
	index    int
	firstBad int
}

// record reads one record.
func (b *builder) record(rec jsonstream.Record) error {
	b.index++
	if rec.TooLong {
		b.res.Warnf(ingest.Position{File: b.file, Line: rec.Line}, "line longer than %d MiB skipped", jsonstream.MaxLine>>20)
		return nil
	}
	ev, err := decode(rec.Raw)
	if err != nil {
		b.res.Warnf(ingest.Position{File: b.file, Line: rec.Line}, "record %d %v; skipped", b.index, err)
		if b.firstBad == 0 {
			b.firstBad = rec.Line
		}
		return nil
	}
	b.res.Records++
	if ev == nil {
		return nil
	}
	at := graph.Pos{File: b.file, Line: b.index}
	b.add(ev, at)
	return nil
}

var (
	errNotObject = errors.New("is not a JSON object")
	errInvalid   = errors.New("is not valid JSON")
)

// decode reads one record as an event. It returns nil, nil for a valid
// record that is no audit event of a request (a record of another kind in
// a mixed log).
func decode(raw []byte) (*event, error) {
	if len(raw) == 0 || raw[0] != '{' {
		if !json.Valid(raw) {
			return nil, errInvalid
		}
		return nil, errNotObject
	}
	var w wrapper
	if err := json.Unmarshal(raw, &w); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, errInvalid
		}
	}
	switch {
	case w.Properties.Log != "":
		return inner(w.Properties.Log)
	case w.Message != "":
		return inner(w.Message)
	case w.ProtoPayload != nil:
		return w.ProtoPayload.event(&w), nil
	case w.Verb != "" || w.ObjectRef != nil:
		return &w.event, nil
	}
	return nil, nil
}

// inner decodes an event carried as JSON text by a wrapping record.
func inner(text string) (*event, error) {
	var ev event
	if err := json.Unmarshal([]byte(text), &ev); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, fmt.Errorf("carries an event that %w", errInvalid)
		}
	}
	if ev.Verb == "" && ev.ObjectRef == nil {
		return nil, nil
	}
	return &ev, nil
}

// add turns one event into facts.
func (b *builder) add(ev *event, at graph.Pos) {
	switch ev.Stage {
	case "RequestReceived", "ResponseStarted":
		return
	}
	caller, ok := Identity(ev.User.Username)
	if !ok {
		return
	}
	if arn := first(ev.User.Extra["arn"]); arn != "" {
		caller.Attrs["iam_arn"] = arn
	}
	b.obs.Node(caller, at)

	call := observe.Call{
		At:     at,
		Time:   ev.time(),
		Action: ev.action(),
		Addr:   first(ev.SourceIPs),
		Agent:  ev.UserAgent,
		Denied: ev.ResponseStatus.Code >= 400,
	}
	actor := caller
	if ev.ImpersonatedUser != nil {
		if imp, ok := Identity(ev.ImpersonatedUser.Username); ok {
			b.obs.Node(imp, at)
			c := call
			c.From, c.To, c.Action = caller.ID, imp.ID, "impersonate"
			b.obs.Observe(c)
			actor = imp
		}
	}
	target := ev.target()
	b.obs.Node(target, at)
	call.From, call.To = actor.ID, target.ID
	b.obs.Observe(call)
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// Identity returns the identity a Kubernetes user name stands for:
// system:serviceaccount:NS:NAME is a service account, system:anonymous and
// system:node:NAME keep their names as users of their own type, and any
// other name is a user. It reports false for an empty name.
func Identity(username string) (observe.Node, bool) {
	switch {
	case username == "":
		return observe.Node{}, false
	case strings.HasPrefix(username, "system:serviceaccount:"):
		rest := strings.TrimPrefix(username, "system:serviceaccount:")
		ns, name, ok := strings.Cut(rest, ":")
		if ok && ns != "" && name != "" {
			return observe.Node{ID: graph.K8sServiceAccountID(ns, name), Kind: graph.NodeIdentity, Attrs: map[string]string{
				graph.AttrProvider: "kubernetes", "type": "service-account", "namespace": ns, graph.AttrName: name,
			}}, true
		}
	}
	typ := "user"
	switch {
	case username == "system:anonymous" || username == "system:unauthenticated":
		typ = "anonymous"
	case strings.HasPrefix(username, "system:node:"):
		typ = "node"
	}
	return observe.Node{ID: graph.K8sUserID(username), Kind: graph.NodeIdentity, Attrs: map[string]string{
		graph.AttrProvider: "kubernetes", "type": typ, graph.AttrName: username,
	}}, true
}

// workloadKinds maps the resources whose objects run pods to their kinds.
var workloadKinds = map[string]string{
	"pods": "Pod", "deployments": "Deployment", "statefulsets": "StatefulSet", "daemonsets": "DaemonSet",
	"jobs": "Job", "cronjobs": "CronJob", "replicasets": "ReplicaSet", "replicationcontrollers": "ReplicationController",
}

// Object returns the node a request on an object of a resource names:
// Secrets are Secret nodes, service accounts Identities (their token
// subresource the Secret of their token), workloads Runtimes, roles and
// bindings Policies, and other objects Resources. A request that names no
// object (a list, a create without a name) names the namespace, or the
// cluster for cluster-scoped resources.
func Object(resource, namespace, name, subresource string) observe.Node {
	attrs := map[string]string{graph.AttrProvider: "kubernetes", "namespace": namespace, graph.AttrName: name}
	switch {
	case resource == "secrets":
		ns, n := namespace, name
		if ns == "" {
			ns = "*"
		}
		if n == "" {
			n = "*"
		}
		attrs["type"] = "k8s-secret"
		return observe.Node{ID: graph.K8sSecretID(ns, n), Kind: graph.NodeSecret, Attrs: attrs}
	case name == "" && namespace != "":
		return observe.Node{ID: graph.K8sNamespaceID(namespace), Kind: graph.NodeResource, Attrs: map[string]string{
			graph.AttrProvider: "kubernetes", "type": "k8s-namespace", graph.AttrName: namespace,
		}}
	case name == "":
		return observe.Node{ID: graph.K8sClusterID(), Kind: graph.NodeResource, Attrs: map[string]string{
			graph.AttrProvider: "kubernetes", "type": "k8s-cluster",
		}}
	case resource == "serviceaccounts" && subresource == "token":
		attrs["type"] = "serviceaccount-token"
		return observe.Node{ID: graph.K8sServiceAccountTokenID(namespace, name), Kind: graph.NodeSecret, Attrs: attrs}
	case resource == "serviceaccounts":
		attrs["type"] = "service-account"
		return observe.Node{ID: graph.K8sServiceAccountID(namespace, name), Kind: graph.NodeIdentity, Attrs: attrs}
	case workloadKinds[resource] != "" && namespace != "":
		kind := workloadKinds[resource]
		attrs["type"] = "k8s-workload"
		attrs["kind"] = kind
		return observe.Node{ID: graph.K8sWorkloadID(namespace, kind, name), Kind: graph.NodeRuntime, Attrs: attrs}
	case resource == "roles" && namespace != "":
		attrs["type"] = "k8s-role"
		return observe.Node{ID: graph.K8sRoleID(namespace, name), Kind: graph.NodePolicy, Attrs: attrs}
	case resource == "rolebindings" && namespace != "":
		attrs["type"] = "k8s-rolebinding"
		return observe.Node{ID: graph.K8sRoleBindingID(namespace, name), Kind: graph.NodePolicy, Attrs: attrs}
	case resource == "clusterroles":
		attrs["type"] = "k8s-clusterrole"
		return observe.Node{ID: graph.K8sClusterRoleID(name), Kind: graph.NodePolicy, Attrs: attrs}
	case resource == "clusterrolebindings":
		attrs["type"] = "k8s-clusterrolebinding"
		return observe.Node{ID: graph.K8sClusterRoleBindingID(name), Kind: graph.NodePolicy, Attrs: attrs}
	case resource == "namespaces":
		return observe.Node{ID: graph.K8sNamespaceID(name), Kind: graph.NodeResource, Attrs: map[string]string{
			graph.AttrProvider: "kubernetes", "type": "k8s-namespace", graph.AttrName: name,
		}}
	}
	attrs["type"] = resource
	return observe.Node{ID: ObjectID(resource, namespace, name), Kind: graph.NodeResource, Attrs: attrs}
}

// ObjectID returns the id of an object no other id function covers:
// k8s:object:RESOURCE/NAMESPACE/NAME, or k8s:object:RESOURCE/NAME for
// cluster-scoped resources.
func ObjectID(resource, namespace, name string) string {
	if namespace == "" {
		return "k8s:object:" + resource + "/" + name
	}
	return "k8s:object:" + resource + "/" + namespace + "/" + name
}

// ParseResourceName splits the resource name of a GKE audit entry,
// GROUP/VERSION/namespaces/NS/RESOURCE/NAME/SUBRESOURCE or
// GROUP/VERSION/RESOURCE/NAME for cluster-scoped resources (the core
// group written "core"), into its parts. ok is false for anything else.
func ParseResourceName(rn string) (resource, namespace, name, subresource string, ok bool) {
	parts := strings.Split(strings.Trim(rn, "/"), "/")
	if len(parts) < 3 {
		return "", "", "", "", false
	}
	rest := parts[2:]
	if len(rest) >= 2 && rest[0] == "namespaces" && len(rest) > 2 {
		namespace, rest = rest[1], rest[2:]
	}
	resource = rest[0]
	if len(rest) > 1 {
		name = rest[1]
	}
	if len(rest) > 2 {
		subresource = rest[2]
	}
	return resource, namespace, name, subresource, resource != ""
}
