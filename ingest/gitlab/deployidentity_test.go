package gitlab

import (
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
