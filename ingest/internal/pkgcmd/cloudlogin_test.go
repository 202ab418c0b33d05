package pkgcmd

import (
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
