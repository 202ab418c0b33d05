package cloudtrail

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// principal is an identity as the graph names it.
type principal struct {
	id    string
	kind  graph.NodeKind
	attrs map[string]string
}

// caller returns the identity that made the call, or false when the record
// names none the graph can use.
func caller(r *record) (principal, bool) {
	ui := &r.UserIdentity
	arn := parseARN(ui.ARN)
	account := ui.AccountID
	if !isAccount(account) {
		account = arn.account
	}

	switch ui.Type {
	case "Role":
		// A request made with the role itself, as some services log it.
		if isRole(arn) {
			return iamPrincipal(arn), true
		}
		if role, ok := issuerRole(ui, arn); ok {
			return iamPrincipal(role), true
		}
	case "Directory":
		if ui.UserName != "" && isAccount(account) {
			return principal{id: "aws:directory:" + account + ":" + ui.UserName, kind: graph.NodeIdentity, attrs: map[string]string{
				graph.AttrProvider: "aws", "type": "directory-user", graph.AttrAccount: account, graph.AttrName: ui.UserName,
			}}, true
		}
	case "IAMUser":
		if arn.service == "iam" && strings.HasPrefix(arn.resource, "user/") {
			return iamPrincipal(arn), true
		}
		if ui.UserName != "" && isAccount(account) {
			return iamPrincipal(parseARN(graph.IAMARN(account, "user", "/", ui.UserName))), true
		}
	case "AssumedRole":
		if role, ok := issuerRole(ui, arn); ok {
			return iamPrincipal(role), true
		}
	case "Root":
		if isAccount(account) {
			return rootPrincipal(arn.partitionOr("aws"), account), true
		}
	case "AWSAccount":
		if isAccount(account) {
			return rootPrincipal("aws", account), true
		}
	case "FederatedUser":
		iss := &ui.SessionContext.SessionIssuer
		if is := parseARN(iss.ARN); is.service == "iam" {
			return iamPrincipal(is), true
		}
		if arn.service == "sts" && strings.HasPrefix(arn.resource, "federated-user/") {
			return principal{id: arn.String(), kind: graph.NodeIdentity, attrs: map[string]string{
				graph.AttrProvider: "aws", "type": "federated-user", graph.AttrAccount: arn.account,
				graph.AttrName: strings.TrimPrefix(arn.resource, "federated-user/"),
			}}, true
		}
	case "WebIdentityUser":
		host := providerHost(ui.IdentityProvider)
		if host == "" {
			host = providerHost(r.ResponseElements.Provider)
		}
		sub := ui.UserName
		if sub == "" {
			sub = r.ResponseElements.WebIDSubject
		}
		if host != "" && sub != "" {
			attrs := map[string]string{
				graph.AttrProvider: "oidc", "type": "oidc-subject-observed", "issuer": "https://" + host, "sub": sub,
			}
			if isGitHubIssuer(host) {
				githubClaims(sub, attrs)
			}
			return principal{id: "oidc:sub:" + host + ":" + sub, kind: graph.NodeIdentity, attrs: attrs}, true
		}
	case "SAMLUser":
		host := providerHost(ui.IdentityProvider)
		if host != "" && ui.UserName != "" {
			return principal{id: "saml:sub:" + host + ":" + ui.UserName, kind: graph.NodeIdentity, attrs: map[string]string{
				graph.AttrProvider: "saml", "type": "saml-subject-observed", "issuer": host, "sub": ui.UserName,
			}}, true
		}
	case "AWSService":
		if svc := ui.InvokedBy; svc != "" {
			return principal{id: "aws:service:" + svc, kind: graph.NodeIdentity, attrs: map[string]string{
				graph.AttrProvider: "aws", "type": "service", graph.AttrName: svc,
			}}, true
		}
	case "IdentityCenterUser":
		user := ui.UserName
		if user == "" {
			user = ui.OnBehalfOf.UserID
		}
		if user != "" {
			return principal{id: "aws:sso:" + user, kind: graph.NodeIdentity, attrs: map[string]string{
				graph.AttrProvider: "aws", "type": "sso-user", graph.AttrName: user,
			}}, true
		}
	}
	return principal{}, false
}

// issuerRole returns the role behind an assumed-role session: the session
// issuer when the record names it, else the role named in the
// assumed-role ARN (whose path CloudTrail leaves out).
func issuerRole(ui *userIdentity, session arn) (arn, bool) {
	if is := parseARN(ui.SessionContext.SessionIssuer.ARN); is.service == "iam" && strings.HasPrefix(is.resource, "role/") {
		return is, true
	}
	return roleOfSession(session)
}

// roleOfSession turns arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION into
// the role's ARN.
func roleOfSession(session arn) (arn, bool) {
	rest, ok := strings.CutPrefix(session.resource, "assumed-role/")
	if session.service != "sts" || !ok || !isAccount(session.account) {
		return arn{}, false
	}
	name, _, _ := strings.Cut(rest, "/")
	if name == "" {
		return arn{}, false
	}
	return parseARN(iamARN(session.partition, session.account, "role", name)), true
}

func iamARN(partition, account, kind, name string) string {
	id := graph.IAMARN(account, kind, "/", name)
	if partition != "" && partition != "aws" {
		id = "arn:" + partition + strings.TrimPrefix(id, "arn:aws")
	}
	return id
}

// iamPrincipal returns the Identity of an IAM user, role or group ARN.
func iamPrincipal(a arn) principal {
	kind, _, _ := strings.Cut(a.resource, "/")
	name := a.resource[strings.LastIndexByte(a.resource, '/')+1:]
	return principal{id: a.String(), kind: graph.NodeIdentity, attrs: map[string]string{
		graph.AttrProvider: "aws", "type": kind, graph.AttrAccount: a.account, graph.AttrName: name,
	}}
}

func rootPrincipal(partition, account string) principal {
	return principal{id: "arn:" + partition + ":iam::" + account + ":root", kind: graph.NodeIdentity, attrs: map[string]string{
		graph.AttrProvider: "aws", "type": "root", graph.AttrAccount: account, graph.AttrName: "root",
	}}
}

// isGitHubIssuer reports whether an OIDC provider host is GitHub Actions'
// token issuer, on github.com or with an enterprise's own path.
func isGitHubIssuer(host string) bool {
	return host == githubIssuer || strings.HasPrefix(host, githubIssuer+"/")
}

const githubIssuer = "token.actions.githubusercontent.com"

// githubClaims reads the claims a GitHub Actions subject is made of, such
// as repo:OWNER/NAME:ref:refs/heads/main, repo:OWNER/NAME:environment:prod
// or repo:OWNER/NAME:pull_request, into attrs: repository, ref,
// environment, pull_request=true and job_workflow_ref. Subjects
// customised with other claims keep the claims named here that they hold.
func githubClaims(sub string, attrs map[string]string) {
	parts := strings.Split(sub, ":")
	for i := 0; i < len(parts); i++ {
		key := parts[i]
		if key == "pull_request" {
			attrs["pull_request"] = "true"
			continue
		}
		if i+1 >= len(parts) {
			return
		}
		val := parts[i+1]
		i++
		switch key {
		case "repo":
			attrs[graph.AttrRepository] = val
		case "ref":
			attrs["ref"] = val
		case "environment":
			attrs["environment"] = val
		case "job_workflow_ref":
			attrs["job_workflow_ref"] = val
		}
	}
}

// providerHost returns the host of an identity provider given as an IAM
// OIDC or SAML provider ARN, a URL, or a bare host.
func providerHost(p string) string {
	if a := parseARN(p); a.service == "iam" {
		if rest, ok := strings.CutPrefix(a.resource, "oidc-provider/"); ok {
			return rest
		}
		if rest, ok := strings.CutPrefix(a.resource, "saml-provider/"); ok {
			return rest
		}
		return ""
	}
	p = strings.TrimPrefix(p, "https://")
	if strings.ContainsAny(p, " :") {
		return ""
	}
	return p
}

// arn is an Amazon Resource Name split into its parts.
type arn struct {
	partition, service, region, account, resource string
}

// parseARN splits an ARN; the zero arn means s is not one.
func parseARN(s string) arn {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return arn{}
	}
	return arn{partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts[5]}
}

func (a arn) String() string {
	return "arn:" + a.partition + ":" + a.service + ":" + a.region + ":" + a.account + ":" + a.resource
}

func (a arn) partitionOr(def string) string {
	if a.partition == "" {
		return def
	}
	return a.partition
}
