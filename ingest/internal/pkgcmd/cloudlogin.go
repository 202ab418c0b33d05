package pkgcmd

import (
	"path"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// CloudLogin is a command that exchanges an OIDC token of the job for the
// credentials of a cloud identity, which the job's later commands use.
// The commands are aws sts assume-role-with-web-identity and gcloud iam
// workload-identity-pools create-cred-config, whose configuration file
// the Google Cloud tools then read.
type CloudLogin struct {
	// Cloud is "aws" or "gcp".
	Cloud string
	// Identity is the role's ARN (aws) or the service account's email
	// (gcp), with the values of the job's variables put in. It still
	// contains a variable that the input does not set. It is "" when the
	// command names none: the pool's principal then acts on its own.
	Identity string
	// Token is the variable that contains the token exchanged, when the
	// command reads it from one ($GITLAB_OIDC_TOKEN), or "".
	Token string
	// TokenFile is the file that contains the token, when the command
	// reads it from one, or "".
	TokenFile string
	// KeyBefore is the value of AWS_SECRET_ACCESS_KEY in the command's
	// environment, as written, or "". A deploy whose environment holds
	// the same value had the key set before the login. It must not reach
	// the store, a log or an output.
	KeyBefore string
}

// Kinds of DeployAuth.
const (
	// AuthUnknown: nothing before the deploy shows its credentials.
	AuthUnknown = iota
	// AuthKey: AWS_SECRET_ACCESS_KEY is set in the deploy's environment.
	AuthKey
	// AuthOIDC: the job exchanged an OIDC token for the credentials of
	// an identity, by a CloudLogin or by AWS_ROLE_ARN with
	// AWS_WEB_IDENTITY_TOKEN_FILE.
	AuthOIDC
)

// DeployAuth is the source of the credentials that one deploy acts with,
// as far as the commands of its job show it.
type DeployAuth struct {
	// Cloud is the cloud the deploy acts in (DeployCloud).
	Cloud string
	// Kind is AuthUnknown, AuthKey or AuthOIDC.
	Kind int
	// Key is the value of AWS_SECRET_ACCESS_KEY (AuthKey) as written: a
	// literal, or a value that reads variables. It must not reach the
	// store, a log or an output.
	Key string
	// Login is the exchange of the token (AuthOIDC).
	Login CloudLogin
	// Doubt is the reason the deploy only possibly acts with these
	// credentials, or "" when they are the only ones it may act with.
	Doubt string
}

// credentialVars are the variables of a deploy's environment that
// DeployAuth reads.
var credentialVars = []string{"AWS_SECRET_ACCESS_KEY", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"}

// keepCredentialEnv records on each deploy among effects the variables of
// env that name its credentials, those that name a role or a file with
// the values env gives the variables they read.
func keepCredentialEnv(effects []Effect, env Env) {
	var creds Env
	for _, k := range credentialVars {
		if v, ok := env[k]; ok {
			if creds == nil {
				creds = Env{}
			}
			if k != "AWS_SECRET_ACCESS_KEY" {
				v = ResolveVars(strings.TrimSpace(v), env)
			}
			creds[k] = v
		}
	}
	for i := range effects {
		if d := effects[i].Deploy; d != nil {
			d.CredEnv = creds
		}
		if d := effects[i].ImageDeploy; d != nil {
			d.CredEnv = creds
		}
		if l := effects[i].Login; l != nil {
			l.KeyBefore = creds["AWS_SECRET_ACCESS_KEY"]
		}
	}
}

// stsValued are the options of aws sts assume-role-with-web-identity
// that take a value, with the global ones.
var stsValued = union(awsValued, set("--role-arn", "--role-session-name", "--web-identity-token", "--provider-id",
	"--policy-arns", "--policy", "--duration-seconds"))

// wifValued are the options of gcloud iam workload-identity-pools
// create-cred-config that take a value, with the global ones.
var wifValued = union(gcloudValued, set("--output-file", "--credential-source-file", "--credential-source-url",
	"--credential-source-headers", "--credential-source-type", "--credential-source-field-name", "--app-id-uri",
	"--subject-token-type", "--service-account-token-lifetime-seconds", "--executable-command",
	"--executable-timeout-millis", "--executable-output-file", "--credential-cert-path",
	"--credential-cert-private-key-path", "--credential-cert-trust-chain-path", "--workforce-pool-user-project"))

// loginOf reads a command that exchanges an OIDC token for a cloud
// identity's credentials (CloudLogin).
func loginOf(argv []string, env Env) (Effect, bool) {
	if len(argv) == 0 {
		return Effect{}, false
	}
	switch strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe") {
	case "aws":
		c := splitCLI(argv[1:], stsValued)
		if len(c.words) < 2 || c.words[0] != "sts" || c.words[1] != "assume-role-with-web-identity" {
			return Effect{}, false
		}
		role := c.opts["--role-arn"]
		if role == "" || role == "true" {
			return Effect{}, false
		}
		l := CloudLogin{Cloud: "aws", Identity: ResolveVars(role, env)}
		tok := c.opts["--web-identity-token"]
		if m := wholeVarRef(tok); m != "" {
			l.Token = m
		} else if f, ok := strings.CutPrefix(tok, "file://"); ok {
			l.TokenFile = f
		}
		return Effect{Login: &l}, true
	case "gcloud", "gcloud.cmd":
		c := splitCLI(argv[1:], wifValued)
		words := c.words
		if len(words) > 0 && (words[0] == "alpha" || words[0] == "beta") {
			words = words[1:]
		}
		if len(words) < 3 || words[0] != "iam" || words[1] != "workload-identity-pools" || words[2] != "create-cred-config" {
			return Effect{}, false
		}
		l := CloudLogin{Cloud: "gcp", TokenFile: c.opts["--credential-source-file"]}
		if sa := c.opts["--service-account"]; sa != "" && sa != "true" {
			l.Identity = strings.ToLower(ResolveVars(sa, env))
		}
		return Effect{Login: &l}, true
	}
	return Effect{}, false
}

// wholeVarRef returns NAME when s is $NAME or ${NAME}, else "".
func wholeVarRef(s string) string {
	m := varRef.FindStringSubmatch(s)
	if m == nil || len(m[0]) != len(s) {
		return ""
	}
	return m[1] + m[2]
}

// resolveValue matches a value that ResolveVars puts in place of a
// variable: one word, such as an ARN or an email.
var resolveValue = regexp.MustCompile(`^[0-9A-Za-z._~^=*,+@:/-]{1,255}$`)

// ResolveVars puts into s the values env gives its variables, and leaves
// the others as they are. A value that reads variables itself, or that
// looks like a credential, is not put in.
func ResolveVars(s string, env Env) string {
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := varRef.FindStringSubmatch(ref)
		name := m[1] + m[2]
		v, ok := env[name]
		v = strings.TrimSpace(v)
		if !ok || !resolveValue.MatchString(v) || literal.LooksLikeCredential(name, v) {
			return ref
		}
		return v
	})
}

// keyBeforeLogin is the Doubt of a deploy whose AWS key the job set
// before its last login.
const keyBeforeLogin = "the job sets a literal AWS key before it exchanges a token for a role's credentials, and whether it replaces the key with them is not in the input"

// authOf returns the credentials that a deploy of cloud acts with, given
// the last login of that cloud before it, or nil. The AWS CLI reads an
// AWS secret key in the environment first, then a role that AWS_ROLE_ARN
// and AWS_WEB_IDENTITY_TOKEN_FILE name. A login's output commonly
// replaces both (export $(printf ...)), which the scanner cannot follow,
// so after a login only a literal key still counts. It counts for certain
// when the job set it after the login. Set before, the key and the
// login's role are both possible, and authOf returns both with their Doubt.
func authOf(cloud string, env Env, login *CloudLogin) []DeployAuth {
	a := DeployAuth{Cloud: cloud}
	if cloud == "aws" {
		key, hasKey := env["AWS_SECRET_ACCESS_KEY"]
		switch {
		case hasKey && login != nil && literal.LooksLikeCredential("AWS_SECRET_ACCESS_KEY", key) && key == login.KeyBefore:
			k := DeployAuth{Cloud: cloud, Kind: AuthKey, Key: key, Doubt: keyBeforeLogin}
			l := DeployAuth{Cloud: cloud, Kind: AuthOIDC, Login: *login, Doubt: keyBeforeLogin}
			return []DeployAuth{k, l}
		case hasKey && (login == nil || literal.LooksLikeCredential("AWS_SECRET_ACCESS_KEY", key)):
			a.Kind, a.Key = AuthKey, key
			return []DeployAuth{a}
		case login == nil && env["AWS_ROLE_ARN"] != "" && env["AWS_WEB_IDENTITY_TOKEN_FILE"] != "":
			a.Kind = AuthOIDC
			a.Login = CloudLogin{Cloud: "aws", Identity: env["AWS_ROLE_ARN"], TokenFile: env["AWS_WEB_IDENTITY_TOKEN_FILE"]}
			return []DeployAuth{a}
		}
	}
	if login != nil {
		a.Kind, a.Login = AuthOIDC, *login
	}
	return []DeployAuth{a}
}

// roleARN matches the ARN of an IAM role written out in full.
var roleARN = regexp.MustCompile(`^arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$`)

// RoleARN splits the ARN of an IAM role into its account and the role's
// name. ok is false for anything else, such as an ARN that holds a
// variable.
func RoleARN(s string) (account, name string, ok bool) {
	m := roleARN.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// serviceAccountEmail matches the email of a Google Cloud service account.
var serviceAccountEmail = regexp.MustCompile(`^[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$`)

// ServiceAccountEmail reports whether s is the email of a Google Cloud
// service account.
func ServiceAccountEmail(s string) bool { return serviceAccountEmail.MatchString(s) }
