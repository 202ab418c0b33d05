package actions

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// cloudIdentity is a cloud identity that the job acts as once a step has
// set up its credentials: the role that aws-actions/configure-aws-credentials
// assumes, the AWS identity of the access keys it is given, or the
// service account of google-github-actions/auth.
type cloudIdentity struct {
	// label names the identity in reasons, and name in its node's label
	// when other inputs label it so (a role's name), else label does.
	id, label, name string
	attrs           attrs
	line            int
	// maybe is set when a condition decides whether the job acts as it:
	// the step that sets it up has an if:, or the identity is computed
	// at run time.
	maybe bool
	// holder is the identity whose credentials assume this one, and
	// holderText the reason of that CAN_ASSUME edge. holder is nil when
	// the job holds the identity through a credential of its own.
	holder     *cloudIdentity
	holderText string
	// secretName and inlineID name the credential the job holds that
	// acts as the identity: a repository secret or an inline secret.
	secretName, inlineID string
	// oidcToken is set when the job's OIDC token stands for the
	// identity, whose name the workflow computes.
	oidcToken bool
	// oidcRole is set for a role or service account that the job
	// assumes with its OIDC token.
	oidcRole bool
}

// cloudLogin is a registry login that a step assumed with the job's cloud
// identities current at the time.
type cloudLogin struct {
	// host is the registry logged in to. ecr is set instead for
	// amazon-ecr-login, which logs in to the registries of accounts
	// (ecrAccounts, every account when empty) in the job's region
	// (ecrRegion, any when empty).
	host        string
	ecr         bool
	ecrAccounts []string
	ecrRegion   string
	idents      []cloudIdentity
	// helper is set for gcloud auth configure-docker, which makes gcloud
	// Docker's credential helper: each push then logs in as the Google
	// Cloud identity the job has at that time, and idents is empty.
	helper bool
	maybe  bool
	tool   string
}

// identsAt returns the identities the login acts as for a push of j assumed
// now.
func (l cloudLogin) identsAt(j *job) []cloudIdentity {
	if l.helper {
		return j.gcpIdents
	}
	return l.idents
}

// matches reports whether the login counts for a push to host.
func (l cloudLogin) matches(host string) bool {
	if !l.ecr {
		return l.host == host
	}
	account, region, ok := registry.ECRHost(host)
	if !ok {
		return false
	}
	return (len(l.ecrAccounts) == 0 || slices.Contains(l.ecrAccounts, account)) && (l.ecrRegion == "" || l.ecrRegion == region)
}

// registryHost returns the one registry host the login covers, or "" when
// it covers the ECR registries of accounts or regions the input does not
// show, or of several accounts.
func (l cloudLogin) registryHost() string {
	if !l.ecr {
		return l.host
	}
	if len(l.ecrAccounts) != 1 || l.ecrRegion == "" {
		return ""
	}
	return l.ecrAccounts[0] + ".dkr.ecr." + l.ecrRegion + ".amazonaws.com"
}

// cloudCredit is a cloud identity that pushes an image, and the tool it
// logged in to the image's registry with.
type cloudCredit struct {
	ident cloudIdentity
	maybe bool
	tool  string
}

// roleARN matches the ARN of an IAM role written out in full.
var roleARN = regexp.MustCompile(`^arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$`)

// serviceAccountEmail matches the email of a Google Cloud service account.
var serviceAccountEmail = regexp.MustCompile(`^[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$`)

// conditional reports whether a step's if: decides whether it runs.
// success() is the condition of every step, and always() runs the step
// also after a failure, so neither makes the step conditional.
func conditional(st *yaml.Node) bool {
	n := lookup(st, "if")
	if n == nil || isNull(n) {
		return false
	}
	s, _ := scalar(n)
	s = strings.TrimSpace(s)
	if inner, ok := strings.CutPrefix(s, "${{"); ok {
		s = strings.TrimSpace(strings.TrimSuffix(inner, "}}"))
	}
	return s != "success()" && s != "always()" && s != "true"
}

// continuesOnError reports whether a step's continue-on-error lets the job
// go on when the step fails: any value but false, expressions included.
func continuesOnError(st *yaml.Node) bool {
	n := lookup(st, "continue-on-error")
	if n == nil || isNull(n) {
		return false
	}
	s, _ := scalar(n)
	return strings.TrimSpace(s) != "false"
}

// isTrue reports whether a boolean input of configure-aws-credentials is
// true, which the action takes as true, True or TRUE.
func isTrue(s string) bool {
	switch strings.TrimSpace(s) {
	case "true", "True", "TRUE":
		return true
	}
	return false
}

// isFalse reports whether a boolean input of configure-aws-credentials is
// false, which the action takes as false, False or FALSE.
func isFalse(s string) bool {
	switch strings.TrimSpace(s) {
	case "false", "False", "FALSE":
		return true
	}
	return false
}

// setIdentity makes ident the job's identity of one cloud (*idents). An
// unconditional step replaces the identities before it; a conditional one
// leaves them possible, beside its own.
func setIdentity(idents *[]cloudIdentity, ident cloudIdentity) {
	if !ident.maybe {
		*idents = []cloudIdentity{ident}
		return
	}
	for i := range *idents {
		(*idents)[i].maybe = true
	}
	*idents = append(*idents, ident)
}

// credentialOf returns the credential that an input or a variable of a
// step holds: the name of the one secret it reads, or the inline secret of
// a value written into the workflow, also one that a step exported. It
// returns "" for neither.
func (w *workflow) credentialOf(j *job, key, value string, env map[string]string) (secretName, inlineID string) {
	if names := secretNames(value, env); len(names) == 1 {
		return names[0], ""
	}
	if id := j.envLiteral(key, value); id != "" {
		return "", id
	}
	if looksLikeCredential(key, value) {
		return "", graph.GHAInlineSecretID(j.rid, key)
	}
	return "", ""
}

// awsKeys returns the AWS identity of access keys that the job holds as
// the secret or inline value of key, or nil.
func (w *workflow) awsKeys(j *job, key, value string, env map[string]string, line int) *cloudIdentity {
	name, inline := w.credentialOf(j, key, value, env)
	cred := inline
	label := "a secret access key written into the workflow"
	if name != "" {
		cred = graph.GHASecretID(w.idRepo, name)
		label = "secret " + name
	}
	if cred == "" {
		return nil
	}
	return &cloudIdentity{
		id: graph.CIAWSIdentityID(cred), label: "the AWS identity of " + label, line: line,
		attrs:      attrs{graph.AttrProvider: "aws", "type": "ci-credentials"},
		secretName: name, inlineID: inline,
	}
}

// readAWSCredentials records the AWS identity that a step of
// aws-actions/configure-aws-credentials gives the job: the role of
// role-to-assume, assumed with the access keys of aws-secret-access-key,
// with the session of the job's current identity (role-chaining, or a job
// without the id-token permission), or else with the job's OIDC token, or
// the keys' own identity without a role. A
// role that an expression names is not known: the keys' identity, or the
// job's OIDC token, stands for it, as a possible one. It also records
// aws-region, the region of amazon-ecr-login, which the action exports as
// AWS_REGION and AWS_DEFAULT_REGION.
func (w *workflow) readAWSCredentials(j *job, input func(string) string, env map[string]string, line int, cond bool) {
	if r := strings.TrimSpace(input("aws-region")); r != "" && !strings.Contains(r, "$") {
		j.awsRegion = r
	} else if r != "" {
		j.awsRegion = ""
	}
	// The action exports credentials and region to the environment unless
	// output-env-credentials is false. With aws-profile it writes them to
	// that profile instead, unless output-env-credentials is true (the
	// action's action.yml, inputs aws-profile and output-env-credentials).
	envOutput := !isFalse(input("output-env-credentials"))
	if strings.TrimSpace(input("aws-profile")) != "" {
		envOutput = isTrue(input("output-env-credentials"))
	}
	if r := strings.TrimSpace(input("aws-region")); r != "" && envOutput {
		// The action exports the region to the later steps, in place of
		// the job's env of those names, unless output-env-credentials is
		// false.
		if j.exported == nil {
			j.exported = map[string]string{}
		}
		j.exported["AWS_REGION"] = r
		j.exported["AWS_DEFAULT_REGION"] = r
	}

	keys := w.awsKeys(j, "aws-secret-access-key", input("aws-secret-access-key"), env, line)
	role := strings.TrimSpace(input("role-to-assume"))
	// role-chaining assumes the role with the credentials the job holds
	// already, those of earlier steps or of its env. Access keys given to
	// the step take their place. A job that may not request an OIDC token
	// assumes it the same way, because the action then falls back to the
	// credentials the environment gives.
	chaining := isTrue(input("role-chaining"))
	noOIDC := j.perms.Default || !j.perms.has("id-token", "write")
	ambient := !chaining && role != "" && noOIDC && input("web-identity-token-file") == ""
	var sessions []cloudIdentity
	if keys == nil && (chaining || ambient) {
		sessions = slices.Clone(w.awsIdentities(j, env, line))
	}
	var assumed []cloudIdentity
	if len(sessions) == 0 {
		if ident, ok := w.assumedAWSRole(j, input, keys, nil, false, chaining, ambient, role, line); ok {
			assumed = append(assumed, ident)
		}
	}
	// Each identity the job may have when the step runs is a session the
	// role may be assumed with.
	for i := range sessions {
		session := &sessions[i]
		sessionMaybe := len(sessions) > 1 || session.maybe
		if ident, ok := w.assumedAWSRole(j, input, keys, session, sessionMaybe, chaining, ambient, role, line); ok {
			assumed = append(assumed, ident)
		}
	}
	if len(assumed) == 0 {
		return
	}
	w.assumedWithOIDC(j, assumed)

	// Without credentials in the environment, later steps act as the
	// identity only when they pass its outputs on or name its profile,
	// which is not read.
	noEnv := !envOutput
	for i := range assumed {
		assumed[i].maybe = assumed[i].maybe || cond || noEnv
	}
	// The step replaces the job's credentials with those it sets up, also
	// when it is not known which identity they are, unless it may not run
	// or does not export them.
	if !cond && !noEnv {
		j.awsIdents = assumed
		return
	}
	for i := range j.awsIdents {
		j.awsIdents[i].maybe = true
	}
	j.awsIdents = append(j.awsIdents, assumed...)
}

// assumedAWSRole returns the identity a step of configure-aws-credentials
// gives the job when it starts from keys, else from session (nil for none,
// possible when sessionMaybe is set), else from the job's OIDC token. It
// reports false when the step fails or sets up no identity.
func (w *workflow) assumedAWSRole(j *job, input func(string) string, keys, session *cloudIdentity, sessionMaybe, chaining, ambient bool, role string, line int) (cloudIdentity, bool) {
	if role != "" && !strings.HasPrefix(role, "arn:aws") && !strings.Contains(role, "$") {
		// The action makes a role name an ARN in the account of the
		// credentials it starts from. The OIDC token and a web identity
		// token file give it none, so then the step fails.
		switch {
		case keys != nil:
			// The keys' account is not in the workflow: the case of a
			// computed role below stands for it.
		case session != nil && session.attrs["account"] != "":
			role = "arn:aws:iam::" + session.attrs["account"] + ":role/" + role
		case session != nil:
			// The session's account is not in the workflow either: the
			// session stands for the role below.
		default:
			// The OIDC token and a web identity token file name no
			// account, so the step fails.
			// NOTE: role-chaining from credentials the workflow does not
			// show (a self-hosted runner's) is not read.
			return cloudIdentity{}, false
		}
	}
	var ident cloudIdentity
	switch m := roleARN.FindStringSubmatch(role); {
	case m != nil:
		ident = cloudIdentity{id: role, label: "role " + role, name: m[2], line: line,
			attrs: attrs{graph.AttrProvider: "aws", "type": "role", "account": m[1], graph.AttrName: m[2]}}
		switch {
		case keys != nil:
			ident.holder = keys
			ident.holderText = "configure-aws-credentials assumes " + role + " with " + strings.TrimPrefix(keys.label, "the AWS identity of ") +
				"; the role's trust policy decides whether that identity may"
		case session != nil:
			ident.holder = session
			ident.maybe = sessionMaybe
			via := " (role-chaining)"
			if ambient {
				via = ", because the job may not request an OIDC token"
			}
			ident.holderText = "configure-aws-credentials assumes " + role + " with the session of " + session.label +
				via + "; the role's trust policy decides whether that identity may"
		case chaining || ambient:
			// Assumed with credentials the workflow does not show (a
			// self-hosted runner's); on a GitHub-hosted runner there are
			// none, and the step fails.
			ident.maybe = true
		case input("web-identity-token-file") == "":
			ident.oidcRole = true
		}
	case role != "" && keys != nil:
		ident = *keys
		ident.maybe = true
	case role != "" && session != nil:
		ident = *session
		ident.maybe = true
	case role != "":
		if j.perms.Default || !j.perms.has("id-token", "write") {
			return cloudIdentity{}, false
		}
		tok := graph.GHAOIDCTokenID(j.rid)
		ident = cloudIdentity{id: graph.CIAWSIdentityID(tok), label: "the AWS role that the OIDC token of " + j.id + " assumes", line: line,
			attrs: attrs{graph.AttrProvider: "aws", "type": "ci-credentials"}, maybe: true, oidcToken: true}
	case keys != nil:
		ident = *keys
	default:
		return cloudIdentity{}, false
	}
	return ident, true
}

// readGCPCredentials records the Google Cloud identity that a step of
// google-github-actions/auth gives the job: the service account of a
// credentials_json key, or the service_account that workload identity
// federation impersonates. Without either, the job acts as a principal
// of the workload identity pool, which the job's OIDC token stands for.
func (w *workflow) readGCPCredentials(j *job, input func(string) string, env map[string]string, line int, cond bool) {
	sa := strings.ToLower(strings.TrimSpace(input("service_account")))
	var ident cloudIdentity
	name, inline := w.credentialOf(j, "credentials_json", input("credentials_json"), env)
	switch {
	case name != "" || inline != "":
		cred, label := inline, "a key written into the workflow"
		if name != "" {
			cred, label = graph.GHASecretID(w.idRepo, name), "secret "+name
		}
		ident = cloudIdentity{id: graph.CIGCPIdentityID(cred), label: "the service account of " + label, line: line,
			attrs: attrs{graph.AttrProvider: "gcp", "type": "ci-credentials"}, secretName: name, inlineID: inline}
	case input("workload_identity_provider") == "":
		return
	case serviceAccountEmail.MatchString(sa):
		ident = cloudIdentity{id: graph.GCPServiceAccountID(sa), label: "service account " + sa, name: sa, line: line,
			attrs: attrs{graph.AttrProvider: "gcp", "type": "service-account", "email": sa}, oidcRole: true}
	default:
		if j.perms.Default || !j.perms.has("id-token", "write") {
			return
		}
		tok := graph.GHAOIDCTokenID(j.rid)
		ident = cloudIdentity{id: graph.CIGCPIdentityID(tok), label: "the Google Cloud principal of the OIDC token of " + j.id, line: line,
			attrs: attrs{graph.AttrProvider: "gcp", "type": "ci-credentials"}, maybe: true, oidcToken: true}
	}
	ident.maybe = ident.maybe || cond
	w.assumedWithOIDC(j, []cloudIdentity{ident})
	setIdentity(&j.gcpIdents, ident)
}

// awsIdentities returns the AWS identities the job acts as: those that
// configure-aws-credentials set up, or else the access keys of the
// AWS_SECRET_ACCESS_KEY variable of env, which the AWS tools read.
func (w *workflow) awsIdentities(j *job, env map[string]string, line int) []cloudIdentity {
	if len(j.awsIdents) > 0 {
		return j.awsIdents
	}
	if v, ok := env["AWS_SECRET_ACCESS_KEY"]; ok {
		if keys := w.awsKeys(j, "AWS_SECRET_ACCESS_KEY", v, env, line); keys != nil {
			return []cloudIdentity{*keys}
		}
	}
	return nil
}

// cloudLogin records a login to a registry host assumed with idents.
func (j *job) cloudLogin(l cloudLogin) {
	if len(l.idents) > 0 || l.helper {
		l.idents = slices.Clone(l.idents)
		j.cloudLogins = append(j.cloudLogins, l)
	}
}

// ecrLogin records the login of aws-actions/amazon-ecr-login. With
// registry-type public it logs in to ECR Public. Otherwise it logs in to
// the private registries of the accounts that registries lists, or else of
// each identity's account, in the region of the job's AWS configuration.
func (w *workflow) ecrLogin(j *job, input func(string) string, env map[string]string, line int, cond bool) {
	j.cloudLogin(w.ecrLoginOf(j, input, env, line, cond))
}

// ecrLoginOf returns the login that ecrLogin records.
func (w *workflow) ecrLoginOf(j *job, input func(string) string, env map[string]string, line int, cond bool) cloudLogin {
	idents := w.awsIdentities(j, env, line)
	l := cloudLogin{idents: idents, maybe: cond, tool: "aws-actions/amazon-ecr-login"}
	if strings.EqualFold(strings.TrimSpace(input("registry-type")), "public") {
		l.host = registry.PublicECR
		return l
	}
	l.ecr = true
	l.ecrRegion = j.awsRegion
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if r, ok := env[k]; ok {
			l.ecrRegion = ""
			if !strings.Contains(r, "$") {
				l.ecrRegion = strings.TrimSpace(r)
			}
			break
		}
	}
	reg := input("registries")
	if strings.Contains(reg, "$") {
		reg = "" // The accounts are computed at run time, so any may match.
	}
	for _, a := range strings.Split(reg, ",") {
		if a = strings.TrimSpace(a); a != "" {
			l.ecrAccounts = append(l.ecrAccounts, a)
		}
	}
	if len(l.ecrAccounts) == 0 {
		for _, id := range idents {
			if id.attrs["account"] == "" {
				l.ecrAccounts = nil
				break
			}
			l.ecrAccounts = append(l.ecrAccounts, id.attrs["account"])
		}
	}
	return l
}

// writeCloudIdentity writes an identity that pushes an image, with the
// credential the job holds that acts as it.
func (w *workflow) writeCloudIdentity(j *job, ident cloudIdentity) {
	label := ident.label
	if ident.name != "" {
		label = ident.name
	}
	w.b.node(ident.id, graph.NodeIdentity, label, ident.line, ident.attrs)
	switch {
	case ident.secretName != "":
		sid := w.secretNode(ident.line, ident.secretName)
		w.b.edge(sid, graph.EdgeAuthenticatesAs, ident.id, graph.Certain, ident.line, attrs{
			graph.AttrReason: "the job gives secret " + ident.secretName + " to the cloud's tools as its credentials",
		})
	case ident.inlineID != "":
		w.b.edge(ident.inlineID, graph.EdgeAuthenticatesAs, ident.id, graph.Certain, ident.line, attrs{
			graph.AttrReason: "the job gives the value written into the workflow to the cloud's tools as its credentials",
		})
	case ident.oidcToken:
		w.b.edge(graph.GHAOIDCTokenID(j.rid), graph.EdgeAuthenticatesAs, ident.id, graph.Possible, ident.line, attrs{
			graph.AttrReason: "the job exchanges its OIDC token for the credentials of an identity that an expression names",
		})
	}
	if h := ident.holder; h != nil {
		w.writeCloudIdentity(j, *h)
		w.b.edge(h.id, graph.EdgeCanAssume, ident.id, graph.Possible, ident.line, attrs{graph.AttrReason: ident.holderText})
	}
}

// assumedWithOIDC writes the roles and service accounts that a step
// assumes with the job's OIDC token, and lists them for the linker. When
// the input holds no trust policy or grant that decides it, the linker
// lets the job's OIDC subject assume them, possibly.
func (w *workflow) assumedWithOIDC(j *job, assumed []cloudIdentity) {
	for _, ident := range assumed {
		if !ident.oidcRole {
			continue
		}
		w.writeCloudIdentity(j, ident)
		if !slices.Contains(j.oidcRoles, ident.id) {
			j.oidcRoles = append(j.oidcRoles, ident.id)
		}
	}
}

// oidcIdentities lists the identities that the job assumes with its OIDC
// token, for the linker (attr oidc_identities).
func (j *job) oidcIdentities() []string {
	out := slices.Clone(j.oidcRoles)
	for _, p := range j.pushes {
		for _, c := range p.clouds {
			if c.ident.oidcRole && !slices.Contains(out, c.ident.id) {
				out = append(out, c.ident.id)
			}
		}
	}
	slices.Sort(out)
	return out
}

// cloudPublish writes CAN_PUBLISH from a cloud identity to an image the
// job pushes after logging in with it: certain when neither the login,
// the identity nor the push depends on a condition.
func (w *workflow) cloudPublish(j *job, p imagePush, c cloudCredit, name string) {
	w.writeCloudIdentity(j, c.ident)
	host := registry.ImageHost(p.image)
	conf, text := graph.Certain, "the job logs in to "+host+" with "+c.tool+" as "+c.ident.label+" and pushes the image"
	if c.maybe || p.maybe {
		conf = graph.Possible
		text += "; a condition decides whether the job acts as that identity, logs in or pushes"
	}
	w.b.node(name, graph.NodePackage, p.image.Name(), p.line, attrs{"ecosystem": "docker", "name": p.image.Name()})
	w.b.edge(c.ident.id, graph.EdgeCanPublish, name, conf, p.line, attrs{graph.AttrReason: text, "step": p.step})
}

// cloudActionLogin reads a docker/login-action step that logs in with the
// job's cloud credentials, and reports whether it does. Given an ECR host
// and no password, the action logs in with the job's AWS credentials. To
// Google's registries, the user oauth2accesstoken logs in with an access
// token that google-github-actions/auth returned as a step output.
func (w *workflow) cloudActionLogin(j *job, host, user, pw string, line int, env map[string]string) bool {
	_, _, ecr := registry.ECRHost(host)
	switch {
	case (ecr || host == registry.PublicECR) && strings.TrimSpace(pw) == "":
		j.cloudLogin(cloudLogin{host: host, idents: w.awsIdentities(j, env, line), maybe: j.cond, tool: "docker/login-action"})
		return true
	case registry.GoogleHost(host) && strings.TrimSpace(user) == "oauth2accesstoken" && len(secretNames(pw, env)) == 0 && strings.Contains(pw, "steps."):
		if m := accessTokenOutput.FindStringSubmatch(pw); m != nil {
			if tokens, ok := j.gcpAuthSteps[m[1]]; ok && !tokens {
				// The auth step returns no access token, so the password
				// is empty and the login fails.
				return true
			}
		}
		j.cloudLogin(cloudLogin{host: host, idents: j.gcpIdents, maybe: j.cond, tool: "docker/login-action"})
		return true
	}
	return false
}

// accessTokenOutput matches the access_token output of a step, and
// captures the step's id.
var accessTokenOutput = regexp.MustCompile(`\bsteps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.access_token\b`)

// cloudScriptLogin reads a script's login to a registry whose password a
// cloud's tool prints on the same line: aws ecr get-login-password, from
// the job's AWS credentials, or gcloud auth print-access-token, from its
// Google Cloud ones. It reports whether the line logged in so.
func (w *workflow) cloudScriptLogin(j *job, host, ln string, line int, env map[string]string) bool {
	switch {
	case registry.AWSPassword(ln):
		j.cloudLogin(cloudLogin{host: host, idents: w.awsIdentities(j, env, line), maybe: j.cond, tool: "aws ecr get-login-password"})
		return true
	case registry.GCloudPassword(ln):
		j.cloudLogin(cloudLogin{host: host, idents: j.gcpIdents, maybe: j.cond, tool: "gcloud auth print-access-token"})
		return true
	}
	return false
}

// cloudPushScope writes CAN_ACCESS from a cloud identity to the images it
// can push to a registry, for a push whose image names are computed at
// run time.
func (w *workflow) cloudPushScope(j *job, p imagePush, c cloudCredit) {
	w.writeCloudIdentity(j, c.ident)
	scope := graph.RegistryScopeID(p.scope)
	w.b.node(scope, graph.NodeResource, "images pushed to "+p.scope, p.line, attrs{
		graph.AttrProvider: "registry", "type": "registry-scope", "registry": p.scope, "scope": "true",
	})
	conf, text := graph.Certain, "the job logs in to "+p.scope+" with "+c.tool+" as "+c.ident.label+" and pushes images whose names are computed at run time"
	if c.maybe || p.maybe {
		conf = graph.Possible
		text += "; a condition decides whether the job acts as that identity, logs in or pushes"
	}
	w.b.edge(c.ident.id, graph.EdgeCanAccess, scope, conf, p.line, attrs{
		graph.AttrReason: text, graph.AttrLevel: "write", "step": p.step,
	})
}
