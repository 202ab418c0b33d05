package circleci

import (
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// A job whose environment writes out its AWS keys deploys with those keys,
// so it acts as whatever identity the literal key belongs to, not as the
// identity of the project's variables. Keys read from other variables
// leave the variables' identity.
func TestDeployIdentityOfOwnKeys(t *testing.T) {
	job := graph.CircleCIJobID(testRepo, ".circleci/config.yml", "deploy")
	vars := graph.CIAWSIdentityID(graph.CircleCIProjectVariablesID(testRepo))
	literalKey := graph.CIAWSIdentityID(graph.CircleCIInlineSecretID(job, "AWS_SECRET_ACCESS_KEY"))
	tests := []struct {
		name, env, want string
	}{
		{"literal", `      AWS_ACCESS_KEY_ID: AKIAEXAMPLEJOBKEY0002
      AWS_SECRET_ACCESS_KEY: canary-deploy-secret-value-X9x9
`, literalKey},
		{"from another variable", `      AWS_ACCESS_KEY_ID: ${DEPLOY_KEY_ID}
      AWS_SECRET_ACCESS_KEY: ${DEPLOY_SECRET}
`, vars},
		{"none", "      REGION: eu-west-1\n", vars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := `version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:20.0
    environment:
` + tt.env + `    steps:
      - run: aws lambda update-function-code --function-name api --zip-file fileb://fn.zip --region eu-west-1
workflows:
  main:
    jobs: [deploy]
`
			res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range res.Nodes {
				if n.ID != job {
					continue
				}
				for _, item := range graph.SplitList(n.Attrs[pkgcmd.AttrDeploys]) {
					if d, ok := pkgcmd.DecodeDeploy(item); ok {
						got = append(got, strings.Join(append(d.As, d.MayAs...), ","))
					}
				}
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("deploys as %q, want [%q]", got, tt.want)
			}
		})
	}
}
