package gitlab

import (
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// deploysOf returns the deploys the job runtime id records.
func deploysOf(t *testing.T, text, id string) []pkgcmd.Deploy {
	t.Helper()
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, n := range res.Nodes {
		if n.ID != id {
			continue
		}
		var out []pkgcmd.Deploy
		for _, item := range graph.SplitList(n.Attrs[pkgcmd.AttrDeploys]) {
			if d, ok := pkgcmd.DecodeDeploy(item); ok {
				out = append(out, d)
			}
		}
		return out
	}
	t.Fatalf("no node %s", id)
	return nil
}

// A job that writes its own AWS keys into variables: deploys with those
// keys, so it acts as whatever identity the literal key belongs to, not
// as the identity of the project's CI/CD variables. A key read from
// another variable leaves the CI/CD variables' identity.
func TestDeployIdentityOfOwnKeys(t *testing.T) {
	job := graph.GitLabJobID(testProject, ".gitlab-ci.yml", "deploy")
	vars := graph.CIAWSIdentityID(graph.GitLabAllVariablesID(testProject))
	literalKey := graph.CIAWSIdentityID(graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "deploy", "AWS_SECRET_ACCESS_KEY"))
	tests := []struct {
		name, vars, want string
	}{
		{"literal", `    AWS_ACCESS_KEY_ID: AKIAEXAMPLEJOBKEY0001
    AWS_SECRET_ACCESS_KEY: canary-deploy-secret-value-X9x9
`, literalKey},
		{"from another variable", `    AWS_ACCESS_KEY_ID: $DEPLOY_KEY_ID
    AWS_SECRET_ACCESS_KEY: $DEPLOY_SECRET
`, vars},
		{"none", "    REGION: eu-west-1\n", vars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "deploy:\n  variables:\n" + tt.vars + `  script:
    - aws lambda update-function-code --function-name api --zip-file fileb://fn.zip --region eu-west-1
`
			ds := deploysOf(t, text, job)
			if len(ds) != 1 {
				t.Fatalf("deploys %v, want one", ds)
			}
			if got := strings.Join(append(ds[0].As, ds[0].MayAs...), ","); got != tt.want {
				t.Errorf("deploys as %q, want %q", got, tt.want)
			}
		})
	}
}

// A job that exchanges an ID token for a role's credentials deploys as
// that role, for certain when the file names it. When a variable the file
// does not set names it, the job possibly deploys as the token's role.
// The CI/CD variables' identity is left out. A login after the deploy
// leaves the deploy on that identity, and so does one in script for a
// deploy in after_script, whose shell starts without script's exports.
// Of two logins before the deploy the last counts. The token's subject lists every role the job exchanges it
// for, whether or not a deploy uses the role.
func TestDeployIdentityOfLogin(t *testing.T) {
	job := graph.GitLabJobID(testProject, ".gitlab-ci.yml", "deploy")
	const role = "arn:aws:iam::111122223333:role/deployer"
	const otherRole = "arn:aws:iam::111122223333:role/publisher"
	const lambda = "    - aws lambda update-function-code --function-name api --zip-file fileb://fn.zip --region eu-west-1\n"
	const assume = `    - >
      export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s"
      $(aws sts assume-role-with-web-identity --role-arn ROLE
      --role-session-name "gitlab-$CI_JOB_ID" --web-identity-token $AWS_TOKEN
      --duration-seconds 3600 --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))
`
	tokens := "  id_tokens:\n    AWS_TOKEN:\n      aud: https://sts.amazonaws.com\n"
	vars := graph.CIAWSIdentityID(graph.GitLabAllVariablesID(testProject))
	tests := []struct {
		name, text  string
		as, mayAs   string
		subjectRole string // the oidc_identities of the subject of AWS_TOKEN
	}{
		{"assume-role-with-web-identity", "deploy:\n" + tokens + "  script:\n" + strings.Replace(assume, "ROLE", role, 1) + lambda,
			role, "", role},
		{"role from the job's variables", "deploy:\n" + tokens + "  variables:\n    ROLE_ARN: " + role + "\n  script:\n" +
			strings.Replace(assume, "ROLE", "${ROLE_ARN}", 1) + lambda, role, "", role},
		{"role from a CI/CD variable", "deploy:\n" + tokens + "  script:\n" + strings.Replace(assume, "ROLE", "$ROLE_ARN", 1) + lambda,
			"", graph.CIAWSIdentityID(graph.GitLabOIDCTokenID(job, "AWS_TOKEN")), ""},
		{"web identity variables", "deploy:\n" + tokens + "  variables:\n    AWS_ROLE_ARN: " + role +
			"\n    AWS_WEB_IDENTITY_TOKEN_FILE: /tmp/web-identity-token\n  script:\n" +
			"    - echo \"$AWS_TOKEN\" > $AWS_WEB_IDENTITY_TOKEN_FILE\n" + lambda, role, "", role},
		{"web identity exported", "deploy:\n" + tokens + "  script:\n" +
			"    - echo \"$AWS_TOKEN\" > /tmp/web-identity-token\n" +
			"    - export AWS_ROLE_ARN=" + role + " AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/web-identity-token\n" + lambda, role, "", role},
		{"login after the deploy", "deploy:\n" + tokens + "  script:\n" + lambda + strings.Replace(assume, "ROLE", role, 1),
			"", vars, role},
		{"deploy in after_script", "deploy:\n" + tokens + "  script:\n" + strings.Replace(assume, "ROLE", role, 1) +
			"  after_script:\n" + lambda, "", vars, role},
		{"two logins", "deploy:\n" + tokens + "  script:\n" + strings.Replace(assume, "ROLE", role, 1) +
			strings.Replace(assume, "ROLE", otherRole, 1) + lambda, otherRole, "", role + "," + otherRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := deploysOf(t, tt.text, job)
			if len(ds) != 1 {
				t.Fatalf("deploys %v, want one", ds)
			}
			if got := strings.Join(ds[0].As, ","); got != tt.as {
				t.Errorf("deploys as %q, want %q", got, tt.as)
			}
			if got := strings.Join(ds[0].MayAs, ","); got != tt.mayAs {
				t.Errorf("may deploy as %q, want %q", got, tt.mayAs)
			}
			res, err := parseBytes(t, ".gitlab-ci.yml", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			subject := graph.GitLabOIDCSubjectID(job, "AWS_TOKEN")
			for _, n := range res.Nodes {
				if n.ID == subject {
					if got := n.Attrs["oidc_identities"]; got != tt.subjectRole {
						t.Errorf("subject's oidc_identities %q, want %q", got, tt.subjectRole)
					}
				}
				if n.ID == role && n.Attrs["type"] != "role" {
					t.Errorf("role node %v, want type role", n.Attrs)
				}
			}
		})
	}
}

// A job that exchanges an ID token with gcloud iam workload-identity-pools
// create-cred-config deploys as the service account the configuration
// impersonates, or else, possibly, as the pool's principal of the token.
func TestDeployIdentityOfGCPLogin(t *testing.T) {
	job := graph.GitLabJobID(testProject, ".gitlab-ci.yml", "deploy")
	const sa = "deployer@example-proj.iam.gserviceaccount.com"
	text := func(saOpt string) string {
		return `deploy:
  id_tokens:
    GCP_TOKEN:
      aud: https://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/gitlab/providers/gitlab
  script:
    - echo "$GCP_TOKEN" > .ci_job_jwt_file
    - gcloud iam workload-identity-pools create-cred-config projects/123/locations/global/workloadIdentityPools/gitlab/providers/gitlab` +
			saOpt + ` --output-file=.gcp_temp_cred.json --credential-source-file=.ci_job_jwt_file
    - gcloud auth login --cred-file=.gcp_temp_cred.json
    - gcloud functions deploy api --source fn --region=europe-west1 --project example-proj
`
	}
	tests := []struct {
		name, saOpt, as, mayAs string
	}{
		{"service account", " --service-account=" + sa, graph.GCPServiceAccountID(sa), ""},
		{"pool principal", "", "", graph.CIGCPIdentityID(graph.GitLabOIDCTokenID(job, "GCP_TOKEN"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := deploysOf(t, text(tt.saOpt), job)
			if len(ds) != 1 {
				t.Fatalf("deploys %v, want one", ds)
			}
			if got := strings.Join(ds[0].As, ","); got != tt.as {
				t.Errorf("deploys as %q, want %q", got, tt.as)
			}
			if got := strings.Join(ds[0].MayAs, ","); got != tt.mayAs {
				t.Errorf("may deploy as %q, want %q", got, tt.mayAs)
			}
		})
	}
}

// A script that exports a literal AWS key before the deploy deploys with
// that key: the identity of its inline secret, which scriptLiterals names
// by the script item's line (4), takes the place of the CI/CD variables'.
func TestDeployIdentityOfExportedKey(t *testing.T) {
	job := graph.GitLabJobID(testProject, ".gitlab-ci.yml", "deploy")
	text := `deploy:
  script:
    - export AWS_ACCESS_KEY_ID=$DEPLOY_KEY_ID
    - export AWS_SECRET_ACCESS_KEY=canary-exported-secret-value-X9x9
    - aws lambda update-function-code --function-name api --zip-file fileb://fn.zip --region eu-west-1
`
	want := graph.CIAWSIdentityID(graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "deploy", "script@4"))
	ds := deploysOf(t, text, job)
	if len(ds) != 1 {
		t.Fatalf("deploys %v, want one", ds)
	}
	if got := strings.Join(append(ds[0].As, ds[0].MayAs...), ","); got != want {
		t.Errorf("deploys as %q, want %q", got, want)
	}
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range res.Edges {
		if e.To == want && e.Kind == graph.EdgeAuthenticatesAs {
			found = true
			if e.From != strings.TrimPrefix(want, "aws:identity-of:") {
				t.Errorf("AUTHENTICATES_AS from %s", e.From)
			}
		}
	}
	if !found {
		t.Errorf("no AUTHENTICATES_AS edge to %s", want)
	}
}

// A job that exchanges its ID token for a role and deploys nothing still
// holds the role's credentials, so the token's subject lists the role for
// the linker and the role is written.
func TestLoginWithoutDeploy(t *testing.T) {
	job := graph.GitLabJobID(testProject, ".gitlab-ci.yml", "sync")
	const role = "arn:aws:iam::111122223333:role/syncer"
	text := `sync:
  id_tokens:
    AWS_TOKEN:
      aud: https://sts.amazonaws.com
  script:
    - >
      export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s"
      $(aws sts assume-role-with-web-identity --role-arn ` + role + `
      --role-session-name "gitlab-$CI_JOB_ID" --web-identity-token $AWS_TOKEN
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))
    - aws s3 sync build s3://example-org-site
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	subject, roleType := "", ""
	for _, n := range res.Nodes {
		switch n.ID {
		case graph.GitLabOIDCSubjectID(job, "AWS_TOKEN"):
			subject = n.Attrs["oidc_identities"]
		case role:
			roleType = n.Attrs["type"]
		}
	}
	if subject != role {
		t.Errorf("subject's oidc_identities %q, want %q", subject, role)
	}
	if roleType != "role" {
		t.Errorf("role node type %q, want role", roleType)
	}
}

// A literal AWS key in the environment is what the AWS CLI reads first,
// but a login's output usually replaces it (export $(printf ...)), which
// the scanner cannot follow. So a key set before the last login leaves
// both the key's identity and the login's role possible. A key set after
// the login, or with no login, is what the job deploys with. A key in the
// job's variables is set before every script line.
func TestDeployIdentityOfKeyAndLogin(t *testing.T) {
	job := graph.GitLabJobID(testProject, ".gitlab-ci.yml", "deploy")
	const role = "arn:aws:iam::111122223333:role/deployer"
	const lambda = "    - aws lambda update-function-code --function-name api --zip-file fileb://fn.zip --region eu-west-1\n"
	const assume = `    - >
      export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s"
      $(aws sts assume-role-with-web-identity --role-arn ` + role + `
      --role-session-name "gitlab-$CI_JOB_ID" --web-identity-token $AWS_TOKEN
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))
`
	const export = "    - export AWS_SECRET_ACCESS_KEY=canary-exported-secret-value-X9x9\n"
	head := "deploy:\n  id_tokens:\n    AWS_TOKEN:\n      aud: https://sts.amazonaws.com\n"
	// The script starts on line 6 after head: the export is its first
	// item there, and on line 11 after the five lines of assume.
	scriptKey := func(line string) string {
		return graph.CIAWSIdentityID(graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "deploy", "script@"+line))
	}
	varKey := graph.CIAWSIdentityID(graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "deploy", "AWS_SECRET_ACCESS_KEY"))
	tests := []struct {
		name, text string
		as, mayAs  []string
	}{
		{"key exported before the login", head + "  script:\n" + export + assume + lambda, nil, []string{role, scriptKey("6")}},
		{"key exported after the login", head + "  script:\n" + assume + export + lambda, nil, []string{scriptKey("11")}},
		{"key in the job's variables", head + "  variables:\n    AWS_ACCESS_KEY_ID: AKIAEXAMPLEJOBKEY0003\n" +
			"    AWS_SECRET_ACCESS_KEY: canary-variable-secret-value-X9x9\n  script:\n" + assume + lambda, nil, []string{role, varKey}},
		{"key exported again after the login", head + "  script:\n" + export + assume +
			"    - export AWS_SECRET_ACCESS_KEY=canary-other-secret-value-X9x9\n" + lambda, nil, []string{scriptKey("12")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := deploysOf(t, tt.text, job)
			if len(ds) != 1 {
				t.Fatalf("deploys %v, want one", ds)
			}
			as, may := slices.Sorted(slices.Values(ds[0].As)), slices.Sorted(slices.Values(ds[0].MayAs))
			if !slices.Equal(as, tt.as) || !slices.Equal(may, tt.mayAs) {
				t.Errorf("deploys as %q and may as %q, want %q and %q", as, may, tt.as, tt.mayAs)
			}
		})
	}
}
