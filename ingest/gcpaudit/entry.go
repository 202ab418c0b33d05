package gcpaudit

import (
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/observe"
	"github.com/blastradius-dev/blastradius/ingest/k8saudit"
)

// attrKeyID is the key id of a service account key Secret.
const attrKeyID = "key_id"

// entry holds the fields of a LogEntry that the parser uses. Request and
// response bodies are left out, but for the name a request gives, so no
// secret payload is ever decoded.
type entry struct {
	Timestamp        observe.Time `json:"timestamp"`
	ReceiveTimestamp observe.Time `json:"receiveTimestamp"`
	ProtoPayload     *auditLog    `json:"protoPayload"`
	Resource         struct {
		Type   string            `json:"type"`
		Labels map[string]string `json:"labels"`
	} `json:"resource"`
}

type auditLog struct {
	ServiceName        string `json:"serviceName"`
	MethodName         string `json:"methodName"`
	ResourceName       string `json:"resourceName"`
	AuthenticationInfo struct {
		PrincipalEmail               string `json:"principalEmail"`
		PrincipalSubject             string `json:"principalSubject"`
		AuthoritySelector            string `json:"authoritySelector"`
		ServiceAccountKeyName        string `json:"serviceAccountKeyName"`
		ServiceAccountDelegationInfo []struct {
			FirstPartyPrincipal struct {
				PrincipalEmail string `json:"principalEmail"`
			} `json:"firstPartyPrincipal"`
			PrincipalSubject string `json:"principalSubject"`
		} `json:"serviceAccountDelegationInfo"`
	} `json:"authenticationInfo"`
	AuthorizationInfo []struct {
		Granted *bool `json:"granted"`
	} `json:"authorizationInfo"`
	RequestMetadata struct {
		CallerIP                string `json:"callerIp"`
		CallerSuppliedUserAgent string `json:"callerSuppliedUserAgent"`
		RequestAttributes       struct {
			Time observe.Time `json:"time"`
		} `json:"requestAttributes"`
	} `json:"requestMetadata"`
	Status struct {
		Code int `json:"code"`
	} `json:"status"`
	Request struct {
		Name string `json:"name"`
	} `json:"request"`
	Timestamp observe.Time `json:"timestamp"`
}

// time returns when the call was made.
func (e *entry) time() time.Time {
	for _, t := range []observe.Time{e.Timestamp, e.ProtoPayload.RequestMetadata.RequestAttributes.Time, e.ProtoPayload.Timestamp, e.ReceiveTimestamp} {
		if !t.IsZero() {
			return t.Time
		}
	}
	return time.Time{}
}

// denied reports a call that failed, or that was not granted.
func (e *entry) denied() bool {
	p := e.ProtoPayload
	if p.Status.Code != 0 {
		return true
	}
	for _, a := range p.AuthorizationInfo {
		if a.Granted != nil && !*a.Granted {
			return true
		}
	}
	return false
}

// caller returns the principal that made the call.
func (e *entry) caller() (observe.Node, bool) {
	a := &e.ProtoPayload.AuthenticationInfo
	if a.PrincipalEmail != "" {
		return principal(a.PrincipalEmail, e.isKubernetes())
	}
	if a.PrincipalSubject != "" {
		return subject(a.PrincipalSubject)
	}
	if e.isKubernetes() && a.AuthoritySelector != "" {
		return k8saudit.Identity(a.AuthoritySelector)
	}
	return observe.Node{}, false
}

// isKubernetes reports a GKE audit entry.
func (e *entry) isKubernetes() bool {
	p := e.ProtoPayload
	return p.ServiceName == "k8s.io" || strings.HasPrefix(p.MethodName, "io.k8s.")
}

// principal returns the identity of a principal email. In GKE entries,
// Kubernetes service accounts and system users appear by their
// Kubernetes names.
func principal(email string, kubernetes bool) (observe.Node, bool) {
	switch {
	case strings.HasPrefix(email, "system:"):
		return k8saudit.Identity(email)
	case strings.HasSuffix(strings.ToLower(email), ".gserviceaccount.com"):
		return serviceAccount(email), true
	case strings.Contains(email, "@"):
		return observe.Node{ID: graph.GCPUserID(email), Kind: graph.NodeIdentity, Attrs: map[string]string{
			graph.AttrProvider: "gcp", "type": "user", "email": strings.ToLower(email),
		}}, true
	case kubernetes:
		return k8saudit.Identity(email)
	}
	return observe.Node{}, false
}

func serviceAccount(email string) observe.Node {
	email = strings.ToLower(email)
	attrs := map[string]string{graph.AttrProvider: "gcp", "type": "service-account", "email": email}
	if _, domain, ok := strings.Cut(email, "@"); ok {
		if project, ok := strings.CutSuffix(domain, ".iam.gserviceaccount.com"); ok {
			attrs["project"] = project
		}
	}
	return observe.Node{ID: graph.GCPServiceAccountID(email), Kind: graph.NodeIdentity, Attrs: attrs}
}

// subject returns the principal of a principalSubject. A workload or
// workforce identity pool principal,
// principal://iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/POOL/subject/SUB,
// gets the id the IAM ingester gives the same member, with the claims of a
// GitHub Actions subject as attrs.
func subject(s string) (observe.Node, bool) {
	rest, ok := strings.CutPrefix(s, "principal://iam.googleapis.com/")
	if !ok || rest == "" {
		return observe.Node{}, false
	}
	parts := strings.Split(rest, "/")
	for i := 0; i+2 < len(parts); i++ {
		pool, selector := parts[i+1], strings.Join(parts[i+2:], "/")
		sub, isSubject := strings.CutPrefix(selector, "subject/")
		if pool == "" || !isSubject || sub == "" {
			continue
		}
		attrs := map[string]string{graph.AttrProvider: "gcp", "type": "wif-principal", "pool": pool,
			"selector": selector, "selector_kind": "subject", "value": sub, "sub": sub}
		switch parts[i] {
		case "workloadIdentityPools":
			if len(parts) > 1 && parts[0] == "projects" {
				attrs["project_number"] = parts[1]
			}
		case "workforcePools":
			pool = "workforce:" + pool
			attrs["type"] = "workforce-principal"
		default:
			continue
		}
		if repo, ok := strings.CutPrefix(sub, "repo:"); ok {
			repo, claims, _ := strings.Cut(repo, ":")
			attrs[graph.AttrRepository] = repo
			if ref, ok := strings.CutPrefix(claims, "ref:"); ok {
				attrs["ref"] = ref
			} else if env, ok := strings.CutPrefix(claims, "environment:"); ok {
				attrs["environment"] = env
			}
		}
		return observe.Node{ID: graph.GCPWIFPrincipalID(pool, selector), Kind: graph.NodeIdentity, Attrs: attrs}, true
	}
	// A principal the log names in another form: kept as written.
	return observe.Node{ID: principalID(rest), Kind: graph.NodeIdentity, Attrs: map[string]string{
		graph.AttrProvider: "gcp", "type": "principal", graph.AttrName: rest,
	}}, true
}

func withLongLived(a map[string]string) map[string]string {
	a[graph.AttrLongLived] = "true"
	return a
}

// principalID returns the id of a principal that is neither an account
// nor a workload identity pool subject, by its name after
// principal://iam.googleapis.com/.
func principalID(name string) string { return "gcp:principal:" + name }

// key returns the service account key that signed the call, named by
// serviceAccountKeyName: //iam.googleapis.com/projects/P/serviceAccounts/EMAIL/keys/ID.
func (e *entry) key() (observe.Node, bool) {
	name := strings.TrimPrefix(e.ProtoPayload.AuthenticationInfo.ServiceAccountKeyName, "//iam.googleapis.com/")
	_, rest, ok := strings.Cut(name, "/serviceAccounts/")
	if !ok {
		return observe.Node{}, false
	}
	email, id, ok := strings.Cut(rest, "/keys/")
	if !ok || !strings.Contains(email, "@") || id == "" {
		return observe.Node{}, false
	}
	return observe.Node{ID: graph.GCPServiceAccountKeyID(email, id), Kind: graph.NodeSecret, Attrs: map[string]string{
		graph.AttrProvider: "gcp", "type": "sa-key", attrKeyID: id, graph.AttrLongLived: "true",
	}}, true
}

// delegates returns the principals that acted through the caller by
// impersonation, as serviceAccountDelegationInfo lists them.
func (e *entry) delegates() []observe.Node {
	var out []observe.Node
	for _, d := range e.ProtoPayload.AuthenticationInfo.ServiceAccountDelegationInfo {
		var n observe.Node
		ok := false
		switch {
		case d.FirstPartyPrincipal.PrincipalEmail != "":
			n, ok = principal(d.FirstPartyPrincipal.PrincipalEmail, false)
		case d.PrincipalSubject != "":
			n, ok = subject(d.PrincipalSubject)
		}
		if ok {
			out = append(out, n)
		}
	}
	return out
}

// mintMethods are the IAM credentials API methods that mint a token or
// signature for a service account.
var mintMethods = map[string]bool{
	"GenerateAccessToken": true, "GenerateIdToken": true, "SignBlob": true, "SignJwt": true,
}

// targets returns what the call was made on.
func (e *entry) targets() []observe.Node {
	p := e.ProtoPayload
	method := p.MethodName[strings.LastIndexByte(p.MethodName, '.')+1:]
	if p.ServiceName == "iamcredentials.googleapis.com" || mintMethods[method] {
		if email := e.mintedFor(); email != "" {
			return []observe.Node{serviceAccount(email)}
		}
	}
	if e.isKubernetes() {
		if resource, ns, name, sub, ok := k8saudit.ParseResourceName(p.ResourceName); ok {
			return []observe.Node{k8saudit.Object(resource, ns, name, sub)}
		}
	}
	if t, ok := e.resource(); ok {
		return []observe.Node{t}
	}
	if project := e.Resource.Labels["project_id"]; project != "" {
		return []observe.Node{{ID: graph.GCPProjectID(project), Kind: graph.NodeResource, Attrs: map[string]string{
			graph.AttrProvider: "gcp", "type": "project", graph.AttrName: project,
		}}}
	}
	return nil
}

// mintedFor returns the email of the service account a minting call was
// made for: in the request's name, the resource's labels, or the
// resource name.
func (e *entry) mintedFor() string {
	for _, name := range []string{e.ProtoPayload.Request.Name, e.ProtoPayload.ResourceName} {
		if _, email, ok := strings.Cut(name, "/serviceAccounts/"); ok && strings.Contains(email, "@") {
			email, _, _ = strings.Cut(email, "/")
			return email
		}
	}
	return e.Resource.Labels["email_id"]
}

// resource returns the node of the call's resource name.
func (e *entry) resource() (observe.Node, bool) {
	p := e.ProtoPayload
	rn := strings.TrimPrefix(p.ResourceName, "//")
	if strings.HasPrefix(p.ResourceName, "//") {
		// A full resource name: //SERVICE/NAME.
		_, rn, _ = strings.Cut(rn, "/")
	}
	if rn == "" {
		return observe.Node{}, false
	}
	parts := strings.Split(rn, "/")
	attrs := func(typ, name string) map[string]string {
		a := map[string]string{graph.AttrProvider: "gcp", "type": typ, graph.AttrName: name}
		if len(parts) > 1 && parts[0] == "projects" && parts[1] != "_" && parts[1] != "-" {
			a["project"] = parts[1]
		}
		return a
	}
	if len(parts) >= 2 && parts[0] == "projects" {
		switch {
		case len(parts) == 2:
			return observe.Node{ID: graph.GCPProjectID(parts[1]), Kind: graph.NodeResource, Attrs: attrs("project", parts[1])}, true
		case parts[2] == "buckets" && len(parts) >= 4:
			return observe.Node{ID: graph.GCPBucketID(parts[3]), Kind: graph.NodeResource, Attrs: attrs("bucket", parts[3])}, true
		case parts[2] == "secrets" && len(parts) >= 4:
			return observe.Node{ID: graph.GCPSecretID(parts[1], parts[3]), Kind: graph.NodeSecret, Attrs: withLongLived(attrs("secretmanager", parts[3]))}, true
		case parts[2] == "serviceAccounts" && len(parts) >= 4:
			email := parts[3]
			if !strings.Contains(email, "@") {
				email = e.Resource.Labels["email_id"]
			}
			if email == "" {
				break
			}
			if len(parts) >= 6 && parts[4] == "keys" {
				return observe.Node{ID: graph.GCPServiceAccountKeyID(email, parts[5]), Kind: graph.NodeSecret, Attrs: map[string]string{
					graph.AttrProvider: "gcp", "type": "sa-key", attrKeyID: parts[5], graph.AttrLongLived: "true",
				}}, true
			}
			return serviceAccount(email), true
		}
	}
	service := p.ServiceName
	if service == "" {
		service = "unknown"
	}
	typ, _, _ := strings.Cut(service, ".")
	return observe.Node{ID: graph.GCPResourceID(service + "/" + rn), Kind: graph.NodeResource, Attrs: attrs(typ, parts[len(parts)-1])}, true
}
