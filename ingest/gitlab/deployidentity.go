package gitlab

import (
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// deployIdentities names the cloud identity the job deploys as, for each
// deploy that names none (see pkgcmd.NameDeployIdentities). That is the
// role or service account that the job exchanges an ID token for, or the
// identity of an AWS key written into the job's variables or scripts.
// Else the job possibly deploys as the identity of the project's CI/CD
// variables, which contain the credentials it does not set itself. Every
// login's identity is written, also one that no deploy uses. shells
// holds the index of the first effect of each shell: a login's exports
// do not reach after_script, which starts a shell of its own.
func (c *converter) deployIdentities(j *jobState, effects []pkgcmd.Effect, shells []int) {
	identity := func(a pkgcmd.DeployAuth) (string, bool) {
		switch {
		case a.Kind == pkgcmd.AuthOIDC:
			if id, certain := c.oidcIdentity(j, a.Login); id != "" {
				return id, certain
			}
		case a.Kind == pkgcmd.AuthKey:
			if id := c.literalAWSIdentity(j, a.Key); id != "" {
				return id, false
			}
		}
		switch a.Cloud {
		case "aws":
			return c.awsIdentity(j.line), false
		case "gcp":
			return c.gcpIdentity(j.line), false
		}
		return "", false
	}
	for i, start := range shells {
		end := len(effects)
		if i+1 < len(shells) {
			end = shells[i+1]
		}
		pkgcmd.NameDeployIdentities(effects[start:end], identity)
	}
	// A login hands the job the identity's credentials whether or not a
	// deploy follows it, so the token's subject lists every login's.
	for _, e := range effects {
		if e.Login != nil {
			c.oidcIdentity(j, *e.Login)
		}
	}
}

// literalAWSIdentity writes and returns the identity of an AWS secret key
// written out in the job's variables or scripts, with the key's
// AUTHENTICATES_AS edge. It returns "" when key is no literal of the file.
func (c *converter) literalAWSIdentity(j *jobState, key string) string {
	const k = "AWS_SECRET_ACCESS_KEY"
	if !literal.LooksLikeCredential(k, key) {
		return ""
	}
	var secret, file string
	line := j.line
	if vr, ok := j.vars[k]; ok && vr.v != nil && vr.value == key {
		owner := vr.v.owner
		if owner == "" {
			owner = "variables"
		}
		file = c.inRepo(vr.v.file)
		secret = graph.GitLabInlineSecretID(c.project, file, owner, k)
		line = c.lineOf(j, vr.v)
	} else {
		found, _ := c.scriptFindings(j)
		for _, sf := range found {
			if sf.f.Value == key {
				secret, file, line = sf.id, c.inRepo(sf.s.file), sf.line
				break
			}
		}
	}
	if secret == "" {
		return ""
	}
	id := graph.CIAWSIdentityID(secret)
	c.b.Node(id, graph.NodeIdentity, "AWS identity of "+k+" (literal in "+file+")", line, attrs{
		graph.AttrProvider: "aws", "type": "ci-credentials",
	})
	c.b.Edge(secret, graph.EdgeAuthenticatesAs, id, graph.Certain, line, attrs{
		graph.AttrReason: "the key written into the job's file authenticates as the AWS identity it belongs to, which is not in the input",
	})
	return id
}

// oidcIdentity writes and returns the identity that a job's login gives
// it: the role or service account it names, for certain. When a variable
// the input does not set names it, the result is the identity of the ID
// token exchanged, and only possible. It returns "" when the login names
// neither an identity nor an ID token of the job.
func (c *converter) oidcIdentity(j *jobState, l pkgcmd.CloudLogin) (string, bool) {
	token := c.loginToken(j, l)
	line := j.line
	if token != "" {
		line = c.readLine(j, token)
	}

	if account, name, ok := pkgcmd.RoleARN(l.Identity); ok && l.Cloud == "aws" {
		c.b.Node(l.Identity, graph.NodeIdentity, name, line, attrs{
			graph.AttrProvider: "aws", "type": "role", "account": account, graph.AttrName: name,
		})
		c.exchangedFor(j, token, l.Identity)
		return l.Identity, true
	}
	if sa := l.Identity; l.Cloud == "gcp" && pkgcmd.ServiceAccountEmail(sa) {
		id := graph.GCPServiceAccountID(sa)
		c.b.Node(id, graph.NodeIdentity, sa, line, attrs{
			graph.AttrProvider: "gcp", "type": "service-account", "email": sa,
		})
		c.exchangedFor(j, token, id)
		return id, true
	}

	if token == "" {
		return "", false
	}
	tok := graph.GitLabOIDCTokenID(j.rid, token)
	id, label, reason := graph.CIAWSIdentityID(tok), "AWS role that "+token+" of "+j.r.name+" assumes",
		"the job exchanges "+token+" for the credentials of a role that a variable the input does not set names"
	if l.Cloud == "gcp" {
		id, label = graph.CIGCPIdentityID(tok), "Google Cloud principal of "+token+" of "+j.r.name
		reason = "the job exchanges " + token + " for the credentials of a workload identity pool's principal, or of a service account that a variable the input does not set names"
	}
	c.b.Node(id, graph.NodeIdentity, label, line, attrs{graph.AttrProvider: l.Cloud, "type": "ci-credentials"})
	c.b.Edge(tok, graph.EdgeAuthenticatesAs, id, graph.Possible, line, attrs{graph.AttrReason: reason})
	return id, false
}

// exchangedFor lists id among the identities that the job exchanges its
// ID token for, for the linker.
func (c *converter) exchangedFor(j *jobState, token, id string) {
	if token == "" || slices.Contains(j.oidcRoles[token], id) {
		return
	}
	if j.oidcRoles == nil {
		j.oidcRoles = map[string][]string{}
	}
	j.oidcRoles[token] = append(j.oidcRoles[token], id)
}

// loginToken returns the ID token that a login exchanges: the one of the
// variable it reads, else the one that a script line writes to a file
// (echo "$TOKEN" > file), else the job's only ID token. A login that
// reads CI_JOB_JWT_V2 exchanges that legacy token. It returns "" for
// none.
func (c *converter) loginToken(j *jobState, l pkgcmd.CloudLogin) string {
	if l.Token != "" {
		if slices.Contains(j.idTokens, l.Token) || l.Token == "CI_JOB_JWT_V2" {
			return l.Token
		}
		return ""
	}
	for _, s := range j.scripts {
		if !strings.Contains(s.str, ">") {
			continue
		}
		for _, t := range ciscan.Refs(s.str) {
			if slices.Contains(j.idTokens, t) {
				return t
			}
		}
	}
	if len(j.idTokens) == 1 {
		return j.idTokens[0]
	}
	return ""
}
