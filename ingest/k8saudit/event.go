package k8saudit

import (
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/observe"
)

// event holds the fields of an audit.k8s.io Event that the parser uses.
// Request and response bodies are left out but for the name of an object
// being created, so Secret data is never decoded.
type event struct {
	Stage                    string       `json:"stage"`
	Verb                     string       `json:"verb"`
	RequestURI               string       `json:"requestURI"`
	User                     userInfo     `json:"user"`
	ImpersonatedUser         *userInfo    `json:"impersonatedUser"`
	SourceIPs                []string     `json:"sourceIPs"`
	UserAgent                string       `json:"userAgent"`
	ObjectRef                *objectRef   `json:"objectRef"`
	ResponseStatus           status       `json:"responseStatus"`
	RequestReceivedTimestamp observe.Time `json:"requestReceivedTimestamp"`
	StageTimestamp           observe.Time `json:"stageTimestamp"`
	Timestamp                observe.Time `json:"timestamp"`
	RequestObject            struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	} `json:"requestObject"`
}

type userInfo struct {
	Username string              `json:"username"`
	Extra    map[string][]string `json:"extra"`
}

type objectRef struct {
	Resource    string `json:"resource"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Subresource string `json:"subresource"`
}

type status struct {
	Code int `json:"code"`
}

// wrapper is any record of a Kubernetes audit log: an event itself, an
// AKS diagnostic record, a CloudWatch export, or a GKE entry in Cloud
// Logging's format.
type wrapper struct {
	event
	Properties struct {
		Log string `json:"log"`
	} `json:"properties"`
	Message      string       `json:"@message"`
	ProtoPayload *gkePayload  `json:"protoPayload"`
	GKETimestamp observe.Time `json:"timestamp"`
}

// gkePayload is the AuditLog of a GKE audit entry.
type gkePayload struct {
	ServiceName        string `json:"serviceName"`
	MethodName         string `json:"methodName"`
	ResourceName       string `json:"resourceName"`
	AuthenticationInfo struct {
		PrincipalEmail    string `json:"principalEmail"`
		AuthoritySelector string `json:"authoritySelector"`
	} `json:"authenticationInfo"`
	RequestMetadata struct {
		CallerIP                string `json:"callerIp"`
		CallerSuppliedUserAgent string `json:"callerSuppliedUserAgent"`
	} `json:"requestMetadata"`
	Status struct {
		Code int `json:"code"`
	} `json:"status"`
	Timestamp observe.Time `json:"timestamp"`
}

// event turns a GKE entry into an event: the verb is the last part of the
// method name (io.k8s.core.v1.pods.exec.create), the object comes from
// the resource name, and a non-zero status is a 403.
func (p *gkePayload) event(w *wrapper) *event {
	if p.ServiceName != "k8s.io" && !strings.HasPrefix(p.MethodName, "io.k8s.") {
		return nil
	}
	ev := &event{
		Verb:      p.MethodName[strings.LastIndexByte(p.MethodName, '.')+1:],
		UserAgent: p.RequestMetadata.CallerSuppliedUserAgent,
		Timestamp: w.Timestamp,
	}
	if ev.Timestamp.IsZero() {
		ev.Timestamp = p.Timestamp
	}
	ev.User.Username = p.AuthenticationInfo.PrincipalEmail
	if ev.User.Username == "" {
		ev.User.Username = p.AuthenticationInfo.AuthoritySelector
	}
	if ip := p.RequestMetadata.CallerIP; ip != "" {
		ev.SourceIPs = []string{ip}
	}
	if resource, ns, name, sub, ok := ParseResourceName(p.ResourceName); ok {
		ev.ObjectRef = &objectRef{Resource: resource, Namespace: ns, Name: name, Subresource: sub}
	}
	if p.Status.Code != 0 {
		ev.ResponseStatus.Code = 403
	}
	return ev
}

// time returns when the request was made.
func (ev *event) time() time.Time {
	for _, t := range []observe.Time{ev.RequestReceivedTimestamp, ev.StageTimestamp, ev.Timestamp} {
		if !t.IsZero() {
			return t.Time
		}
	}
	return time.Time{}
}

// action returns the verb and the resource: "get:secrets",
// "create:pods/exec", or the path for requests to no resource
// ("get:/healthz").
func (ev *event) action() string {
	verb := ev.Verb
	if verb == "" {
		verb = "request"
	}
	if r := ev.ObjectRef; r != nil && r.Resource != "" {
		if r.Subresource != "" {
			return verb + ":" + r.Resource + "/" + r.Subresource
		}
		return verb + ":" + r.Resource
	}
	path, _, _ := strings.Cut(ev.RequestURI, "?")
	if path != "" {
		return verb + ":" + path
	}
	return verb
}

// target returns the object the request names, or the cluster for
// requests to no resource.
func (ev *event) target() observe.Node {
	r := ev.ObjectRef
	if r == nil || r.Resource == "" {
		return observe.Node{ID: graph.K8sClusterID(), Kind: graph.NodeResource, Attrs: map[string]string{
			graph.AttrProvider: "kubernetes", "type": "k8s-cluster",
		}}
	}
	name := r.Name
	if name == "" && ev.Verb == "create" && r.Subresource == "" {
		name = ev.RequestObject.Metadata.Name
	}
	return Object(r.Resource, r.Namespace, name, r.Subresource)
}
