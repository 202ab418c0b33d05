package pkgcmd

import (
	"strings"
	"testing"
)

// A deploy acts with a key in its environment, which the AWS CLI reads
// first, else as the role of AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE.
// A login before the deploy takes the place of both, unless the key is a
// literal.
func TestNameDeployIdentitiesAuth(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/deployer"
	const other = "arn:aws:iam::111122223333:role/other"
	login := func(arn string) Effect {
		return Effect{Login: &CloudLogin{Cloud: "aws", Identity: arn, Token: "TOKEN"}}
	}
	lambda := func(env Env) Effect {
		return Effect{Deploy: &Deploy{Service: DeployLambda, Name: "api", CredEnv: env}}
	}
	gcp := Effect{Deploy: &Deploy{Service: DeployFunctions, Name: "api"}}
	tests := []struct {
		name    string
		effects []Effect
		want    string // the DeployAuth of the last deploy, as kind:key:identity
	}{
		{"nothing", []Effect{lambda(nil)}, "0::"},
		{"login", []Effect{login(role), lambda(nil)}, "2::" + role},
		{"last login", []Effect{login(other), login(role), lambda(nil)}, "2::" + role},
		{"literal key beats login", []Effect{login(role), lambda(Env{"AWS_SECRET_ACCESS_KEY": "canary-key-X9x9"})}, "1:canary-key-X9x9:"},
		{"computed key gives way to login", []Effect{login(role), lambda(Env{"AWS_SECRET_ACCESS_KEY": "$(jq -r .SecretAccessKey creds.json)"})}, "2::" + role},
		{"variable key gives way to login", []Effect{login(role), lambda(Env{"AWS_SECRET_ACCESS_KEY": "$DEPLOY_SECRET"})}, "2::" + role},
		{"variable key", []Effect{lambda(Env{"AWS_SECRET_ACCESS_KEY": "$DEPLOY_SECRET", "AWS_ROLE_ARN": other, "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/t"})}, "1:$DEPLOY_SECRET:"},
		{"login beats web identity variables", []Effect{login(role), lambda(Env{"AWS_ROLE_ARN": other, "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/t"})}, "2::" + role},
		{"web identity variables", Effects([]string{"aws", "lambda", "update-function-code", "--function-name", "api", "--zip-file", "fileb://a.zip"},
			Env{"AWS_ROLE_ARN": "$ROLE", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/t", "ROLE": role}), "2::" + role},
		{"role without token file", []Effect{lambda(Env{"AWS_ROLE_ARN": role})}, "0::"},
		{"login of another cloud", []Effect{{Login: &CloudLogin{Cloud: "gcp", Identity: "sa@p.iam.gserviceaccount.com"}}, lambda(nil)}, "0::"},
		{"gcp login", []Effect{{Login: &CloudLogin{Cloud: "gcp", Identity: "sa@p.iam.gserviceaccount.com"}}, gcp}, "2::sa@p.iam.gserviceaccount.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			NameDeployIdentities(tt.effects, func(a DeployAuth) (string, bool) {
				got = string(rune('0'+a.Kind)) + ":" + a.Key + ":" + a.Login.Identity
				return "", false
			})
			if got != tt.want {
				t.Errorf("auth %q, want %q", got, tt.want)
			}
		})
	}
}

// loginOf reads the role or service account and the token of the
// commands that exchange an OIDC token for a cloud identity.
func TestLoginOf(t *testing.T) {
	env := Env{"ROLE_ARN": "arn:aws:iam::111122223333:role/deployer"}
	tests := []struct {
		argv []string
		want CloudLogin
		ok   bool
	}{
		{[]string{"aws", "sts", "assume-role-with-web-identity", "--role-arn", "$ROLE_ARN", "--role-session-name", "ci",
			"--web-identity-token", "${ID_TOKEN}", "--query", "Credentials", "--output", "text"},
			CloudLogin{Cloud: "aws", Identity: "arn:aws:iam::111122223333:role/deployer", Token: "ID_TOKEN"}, true},
		{[]string{"aws", "sts", "assume-role-with-web-identity", "--role-arn=$OTHER_ARN", "--web-identity-token", "file:///tmp/token"},
			CloudLogin{Cloud: "aws", Identity: "$OTHER_ARN", TokenFile: "/tmp/token"}, true},
		{[]string{"aws", "sts", "assume-role", "--role-arn", "arn:aws:iam::111122223333:role/deployer", "--role-session-name", "ci"}, CloudLogin{}, false},
		{[]string{"gcloud", "iam", "workload-identity-pools", "create-cred-config", "projects/1/locations/global/workloadIdentityPools/p/providers/q",
			"--service-account", "Deployer@example-proj.iam.gserviceaccount.com", "--output-file=cred.json", "--credential-source-file=token"},
			CloudLogin{Cloud: "gcp", Identity: "deployer@example-proj.iam.gserviceaccount.com", TokenFile: "token"}, true},
	}
	for _, tt := range tests {
		e, ok := loginOf(tt.argv, env)
		if ok != tt.ok {
			t.Errorf("%q: ok %v, want %v", tt.argv, ok, tt.ok)
			continue
		}
		if ok && *e.Login != tt.want {
			t.Errorf("%q: %+v, want %+v", tt.argv, *e.Login, tt.want)
		}
	}
}

// A literal key that the job set before its last login (the login's
// KeyBefore) leaves both the key and the login possible, with the reason.
// An AWS login of an earlier shell that keeps nothing leaves its role
// possible, and so are the credentials the deploy has without it: a kept
// login of an earlier shell, else none. A login in the deploy's own shell
// counts as before, and so does a login whose shell keeps the credentials.
// A Google Cloud login counts too, because its configuration is a file.
// The reasons survive EncodeDeploy.
func TestNameDeployIdentitiesOrder(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/deployer"
	const other = "arn:aws:iam::111122223333:role/other"
	const key = "canary-early-key-X9x9"
	login := func(arn, before string) Effect {
		return Effect{Login: &CloudLogin{Cloud: "aws", Identity: arn, KeyBefore: before}}
	}
	lambda := func(env Env) Effect {
		return Effect{Deploy: &Deploy{Service: DeployLambda, Name: "api", CredEnv: env}}
	}
	// identity names a key "key", a login its role and nothing "vars";
	// only a login's role is certain.
	identity := func(a DeployAuth) (string, bool) {
		switch a.Kind {
		case AuthKey:
			return "key", false
		case AuthOIDC:
			return a.Login.Identity, true
		}
		return "vars", false
	}
	keyEnv := Env{"AWS_SECRET_ACCESS_KEY": key}
	gcpLogin := Effect{Login: &CloudLogin{Cloud: "gcp", Identity: "sa@p.iam.gserviceaccount.com"}}
	gcpDeploy := Effect{Deploy: &Deploy{Service: DeployFunctions, Name: "api"}}
	tests := []struct {
		name    string
		effects []Effect
		shells  []Shell
		as, may string // may as id=reason, with reason shortened to "key" or "shell"
	}{
		{"key before the login", []Effect{login(role, key), lambda(keyEnv)}, nil, "", "key=key,arn:aws:iam::111122223333:role/deployer=key"},
		{"key after the login", []Effect{login(role, ""), lambda(keyEnv)}, nil, "", "key="},
		{"other key before the login", []Effect{login(role, "canary-other-key-X9x9"), lambda(keyEnv)}, nil, "", "key="},
		{"same shell", []Effect{login(role, ""), lambda(nil)}, []Shell{{0, false}}, role, ""},
		{"later shell", []Effect{login(role, ""), lambda(nil)}, []Shell{{0, false}, {1, false}}, "",
			role + "=shell,vars=shell"},
		{"later shell, kept", []Effect{login(role, ""), lambda(nil)}, []Shell{{0, true}, {1, false}}, role, ""},
		{"later shell, an earlier login kept", []Effect{login(other, ""), login(role, ""), lambda(nil)},
			[]Shell{{0, true}, {1, false}, {2, false}}, "", role + "=shell," + other + "=shell"},
		{"later shell, key of the deploy's own", []Effect{login(role, ""), lambda(keyEnv)}, []Shell{{0, false}, {1, false}}, "",
			role + "=shell,key=shell"},
		{"gcp login in an earlier shell", []Effect{gcpLogin, gcpDeploy}, []Shell{{0, false}, {1, false}},
			"sa@p.iam.gserviceaccount.com", ""},
	}
	short := map[string]string{keyBeforeLogin: "key", loginElsewhere: "shell", "": ""}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Fresh deploys, since NameDeployIdentities fills them in.
			effects := make([]Effect, len(tt.effects))
			for i, e := range tt.effects {
				if e.Deploy != nil {
					d := *e.Deploy
					e.Deploy = &d
				}
				effects[i] = e
			}
			NameDeployIdentitiesInShells(effects, tt.shells, identity)
			d, ok := DecodeDeploy(EncodeDeploy(*effects[len(effects)-1].Deploy))
			if !ok {
				t.Fatal("deploy does not decode")
			}

			var may []string
			for i, id := range d.MayAs {
				reason, ok := short[d.MayAsReason(i)]
				if !ok {
					reason = "?" + d.MayAsReason(i)
				}
				may = append(may, id+"="+reason)
			}

			if got := strings.Join(d.As, ","); got != tt.as {
				t.Errorf("as %q, want %q", got, tt.as)
			}
			if got := strings.Join(may, ","); got != tt.may {
				t.Errorf("may as %q, want %q", got, tt.may)
			}
		})
	}
}

// Effects records on a login the AWS key of its environment, which
// NameDeployIdentities compares with the deploy's.
func TestLoginKeyBefore(t *testing.T) {
	env := Env{"AWS_SECRET_ACCESS_KEY": "canary-early-key-X9x9"}
	es := Effects([]string{"aws", "sts", "assume-role-with-web-identity", "--role-arn", "arn:aws:iam::111122223333:role/deployer",
		"--role-session-name", "ci", "--web-identity-token", "$TOKEN"}, env)
	if len(es) != 1 || es[0].Login == nil {
		t.Fatalf("effects %+v, want one login", es)
	}
	if got := es[0].Login.KeyBefore; got != "canary-early-key-X9x9" {
		t.Errorf("KeyBefore %q, want the environment's key", got)
	}
}
