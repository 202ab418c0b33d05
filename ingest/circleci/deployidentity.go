package circleci

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// deployIdentities names the cloud identity the job deploys as, for each
// deploy that names none (see pkgcmd.NameDeployIdentities). That is the
// role or service account that the job exchanges its OIDC token for, or
// the identity of an AWS key written out in an environment or a run step.
// Else the job possibly deploys as the identity of the project's and the
// contexts' variables, which contain the credentials it does not set.
// Every login's identity is written, also one that no deploy uses. Each
// run step runs in a shell of its own (j.shells), so a login that a run
// step exports reaches the deploys of later steps only when the step
// writes the credentials where they read them (keepsCredentials).
func (c *converter) deployIdentities(j *jobState, effects []pkgcmd.Effect) {
	pkgcmd.NameDeployIdentitiesInShells(effects, j.shells, func(a pkgcmd.DeployAuth) (string, bool) {
		switch {
		case a.Kind == pkgcmd.AuthOIDC:
			return c.oidcIdentity(j, a.Login)
		case a.Kind == pkgcmd.AuthKey:
			if id := c.literalAWSIdentity(j, a.Key); id != "" {
				return id, false
			}
		}
		switch a.Cloud {
		case "aws":
			return c.variablesIdentity(j, graph.CIAWSIdentityID, "aws", "AWS", j.line, deployReason("AWS")), false
		case "gcp":
			return c.variablesIdentity(j, graph.CIGCPIdentityID, "gcp", "Google Cloud", j.line, deployReason("Google Cloud")), false
		}
		return "", false
	})
	// A login hands the job the identity's credentials whether or not a
	// deploy follows it, so the token's subject lists every login's.
	for _, e := range effects {
		if e.Login != nil {
			c.oidcIdentity(j, *e.Login)
		}
	}
}

// deployReason is the reason of the edge to the identity a deploy acts as.
func deployReason(cloud string) string {
	return "the job deploys with " + cloud + " credentials it does not set itself, so the project's or a context's variables hold them; which ones, and whose they are, is not in the input"
}

// literalAWSIdentity writes and returns the identity of an AWS secret key
// written out in an environment or in a run step's command, with the
// key's AUTHENTICATES_AS edge. It returns "" when key is no literal.
func (c *converter) literalAWSIdentity(j *jobState, key string) string {
	const k = "AWS_SECRET_ACCESS_KEY"
	key, _ = c.subst(key, j.scope)
	if !literalCredential(k, key) {
		return ""
	}
	// envValue names the literal of an environment, of the job or of a
	// step, by its variable.
	secret, line := graph.CircleCIInlineSecretID(j.rid, k), j.line
	found, _ := scriptFindings(j)
	for _, sf := range found {
		if sf.f.Value == key {
			secret, line = sf.id, sf.line
			break
		}
	}
	id := graph.CIAWSIdentityID(secret)
	c.b.Node(id, graph.NodeIdentity, "AWS identity of "+k+" (literal in "+j.inv.name+")", line, attrs{
		graph.AttrProvider: "aws", "type": "ci-credentials",
	})
	c.b.Edge(secret, graph.EdgeAuthenticatesAs, id, graph.Certain, line, attrs{
		graph.AttrReason: "the key written into the job's file authenticates as the AWS identity it belongs to, which is not in the input",
	})
	return id
}

// oidcIdentity writes and returns the identity that a login of the job
// gives it: the role or service account it names, for certain. When a
// variable the input does not set names it, the result is the identity
// of the job's OIDC token, and only possible.
func (c *converter) oidcIdentity(j *jobState, l pkgcmd.CloudLogin) (string, bool) {
	if account, name, ok := pkgcmd.RoleARN(l.Identity); ok && l.Cloud == "aws" {
		c.b.Node(l.Identity, graph.NodeIdentity, name, j.line, attrs{
			graph.AttrProvider: "aws", "type": "role", "account": account, graph.AttrName: name,
		})
		c.exchangedFor(j, l.Identity)
		return l.Identity, true
	}
	if sa := l.Identity; l.Cloud == "gcp" && pkgcmd.ServiceAccountEmail(sa) {
		id := graph.GCPServiceAccountID(sa)
		c.b.Node(id, graph.NodeIdentity, sa, j.line, attrs{
			graph.AttrProvider: "gcp", "type": "service-account", "email": sa,
		})
		c.exchangedFor(j, id)
		return id, true
	}
	tok := graph.CircleCIOIDCTokenID(j.rid)
	id, label := graph.CIAWSIdentityID(tok), "AWS role that the OIDC token of "+j.inv.name+" assumes"
	reason := "the job exchanges its OIDC token for the credentials of a role that a variable the input does not set names"
	if l.Cloud == "gcp" {
		id, label = graph.CIGCPIdentityID(tok), "Google Cloud principal of the OIDC token of "+j.inv.name
		reason = "the job exchanges its OIDC token for the credentials of a workload identity pool's principal, or of a service account that a variable the input does not set names"
	}
	c.b.Node(id, graph.NodeIdentity, label, j.line, attrs{graph.AttrProvider: l.Cloud, "type": "ci-credentials"})
	c.b.Edge(tok, graph.EdgeAuthenticatesAs, id, graph.Possible, j.line, attrs{graph.AttrReason: reason})
	return id, false
}

// exchangedFor lists id among the identities that the job exchanges its
// OIDC token for, for the linker.
func (c *converter) exchangedFor(j *jobState, id string) {
	if !slices.Contains(j.oidcRoles, id) {
		j.oidcRoles = append(j.oidcRoles, id)
	}
}

// awsCLILogins are the commands of the circleci/aws-cli orb that assume a
// role with the job's OIDC token when given its ARN.
var awsCLILogins = map[string]bool{
	"setup": true, "assume_role_with_web_identity": true, "assume-role-with-web-identity": true,
}

// orbLogin records the login of an aws-cli orb step that assumes the
// role of its role_arn parameter (role-arn before version 4) with the
// job's OIDC token. The parameter's variables take the values of the
// job's environment. A login into a profile that later steps do not
// select reaches their deploys only possibly.
func (c *converter) orbLogin(j *jobState, o *orb, elem string, params *yaml.Node, scope map[string]*yaml.Node) {
	if o.name != "circleci/aws-cli" || !awsCLILogins[elem] {
		return
	}
	role := text(lookup(params, "role_arn"))
	if role == "" {
		role = text(lookup(params, "role-arn"))
	}
	role, _ = c.subst(strings.TrimSpace(role), scope)
	if role == "" {
		return
	}
	// The orb writes the role's credentials to the profile of its
	// profile_name parameter. Later steps read it when it is the default
	// profile or the one the job's AWS_PROFILE selects.
	profile := text(lookup(params, "profile_name"))
	if profile == "" {
		profile = text(lookup(params, "profile-name"))
	}
	profile, _ = c.subst(strings.TrimSpace(profile), scope)
	kept := profile == "" || profile == "default" || profile == j.scan.Env()["AWS_PROFILE"]
	j.shells = append(j.shells, pkgcmd.Shell{Start: len(j.scan.Effects()), Keeps: kept})
	j.scan.Add(pkgcmd.Effect{Login: &pkgcmd.CloudLogin{Cloud: "aws", Identity: pkgcmd.ResolveVars(role, j.scan.Env()),
		Token: "CIRCLE_OIDC_TOKEN_V2", KeyBefore: j.scan.Env()["AWS_SECRET_ACCESS_KEY"]}})
}

// keepsCredentials reports whether a command writes credentials where
// later run steps read them. These are $BASH_ENV, which CircleCI sources at
// the start of each step, an aws configure set of a key or session token,
// and the AWS CLI's credentials file when a redirection, tee, cp or mv
// writes it. Setting the region, or reading the file, keeps nothing.
func keepsCredentials(cmd string) bool {
	if keepsInConfig(cmd) {
		return true
	}
	// A line that writes assignments to $BASH_ENV keeps credentials when
	// it names an AWS variable. One that writes something else, such as a
	// file's lines, may keep them.
	for line := range strings.SplitSeq(strings.ReplaceAll(cmd, "\\\n", " "), "\n") {
		if writesBashEnv(line) && (strings.Contains(line, "AWS_") || !strings.Contains(line, "=")) {
			return true
		}
	}
	return false
}

// writesBashEnv matches a redirection or tee to $BASH_ENV.
var writesBashEnv = regexp.MustCompile(`(?:>|\btee\b[^|;&\n]*)\s*["']?\$\{?BASH_ENV\b`).MatchString

// keepsInConfig matches an aws configure set of a key or session token,
// or a write to the AWS CLI's credentials file.
var keepsInConfig = regexp.MustCompile(`\baws\s+configure\s+set\s[^|;&\n]*\b(?:aws_access_key_id|aws_secret_access_key|aws_session_token)\b` +
	`|(?:>|\btee\b[^|;&\n]*)\s*["']?[^\s"'|;&<>]*\.aws/credentials\b` +
	`|\b(?:cp|mv)\s[^|;&\n]*\s["']?[^\s"'|;&<>]*\.aws/credentials["']?[ \t]*(?:$|[|;&\n])`).MatchString
