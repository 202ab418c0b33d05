package link

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// deployerTrust declares the role deployer, which GitLab jobs of
// example-org/api on branch main may assume with an ID token.
const deployerTrust = `
resource "aws_iam_role" "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow",
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/gitlab.com" },
      Action    = "sts:AssumeRoleWithWebIdentity",
      Condition = { StringEquals = { "gitlab.com:sub" = "project_path:example-org/api:ref_type:branch:ref:main" } }
    }]
  })
}
`

// canModify lists the CAN_MODIFY edges to runtime to, as "from
// confidence".
func canModify(t *testing.T, s graph.Store, to string) []string {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.To == to {
			out = append(out, e.From+" "+string(e.Confidence))
		}
	}
	return out
}

// TestDeployAsLoggedInRole follows a GitLab job and a CircleCI job that
// assume the role deployer with their OIDC token and then upload the
// function api. The deployer, and not the identity of the CI variables,
// gets CAN_MODIFY to the function, for certain, since the file names the
// role. The GitLab job's subject may assume the role by its trust policy
// in the input. The CircleCI job's subject possibly may, because no trust
// policy decides it. Either way the package that only the job installs
// reaches the function through the deployer.
func TestDeployAsLoggedInRole(t *testing.T) {
	gitlabJob := graph.GitLabJobID(deployRepo, ".gitlab-ci.yml", "deploy")
	circleJob := graph.CircleCIJobID(deployRepo, ".circleci/config.yml", "deploy")
	tests := []struct {
		name, file, text, tf string
		subject              string
		assume               graph.Confidence
	}{
		{"gitlab", ".gitlab-ci.yml", `deploy:
  id_tokens:
    AWS_TOKEN:
      aud: https://gitlab.com
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
  script:
    - npm ci
    - zip -r api.zip .
    - >
      export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s"
      $(aws sts assume-role-with-web-identity --role-arn ` + deployer + `
      --role-session-name "gitlab-$CI_JOB_ID" --web-identity-token $AWS_TOKEN
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))
    - aws lambda update-function-code --function-name api --zip-file fileb://api.zip --region us-east-1
`, lambdaTerraform + deployerTrust, graph.GitLabOIDCSubjectID(gitlabJob, "AWS_TOKEN"), graph.Certain},
		{"circleci", ".circleci/config.yml", `version: 2.1
orbs:
  aws-cli: circleci/aws-cli@5.1.0
jobs:
  deploy:
    docker:
      - image: cimg/node:20.0
    steps:
      - checkout
      - aws-cli/setup:
          role_arn: ` + deployer + `
      - run: npm ci && zip -r api.zip . && aws lambda update-function-code --function-name api --zip-file fileb://api.zip --region us-east-1
workflows:
  main:
    jobs:
      - deploy:
          context: aws
`, lambdaTerraform, graph.CircleCIOIDCSubjectID(circleJob), graph.Possible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := deployStore(t, map[string]string{
				"infra/main.tf":     tt.tf,
				tt.file:             tt.text,
				"package-lock.json": deployLock,
			}, nil)
			want := []string{deployer + " certain"}
			if got := canModify(t, s, lambdaID); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("CAN_MODIFY to the function from:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}

			es, err := s.Expand(context.Background(), []string{tt.subject}, graph.Out, graph.EdgeCanAssume)
			if err != nil {
				t.Fatal(err)
			}
			var assume []string
			for _, e := range es {
				assume = append(assume, e.To+" "+string(e.Confidence))
			}
			if want := []string{deployer + " " + string(tt.assume)}; strings.Join(assume, "\n") != strings.Join(want, "\n") {
				t.Errorf("subject assumes %q, want %q", assume, want)
			}

			got := reachedBy(t, s, devDep)
			if k := lastHop(got[lambdaID]); k != graph.EdgeCanModify {
				t.Errorf("%s reaches the function by %q, want through the deployer's CAN_MODIFY", devDep, k)
			}
			if got[deployer] == nil {
				t.Errorf("%s does not reach the deployer", devDep)
			}
		})
	}
}

// TestDeployAsTokenRole deploys as a role that a CI/CD variable names. The
// identity of the job's ID token gets the possible CAN_MODIFY, and its
// reason names the doubt.
func TestDeployAsTokenRole(t *testing.T) {
	job := graph.GitLabJobID(deployRepo, ".gitlab-ci.yml", "deploy")
	s := deployStore(t, map[string]string{
		"infra/main.tf": lambdaTerraform,
		".gitlab-ci.yml": `deploy:
  id_tokens:
    AWS_TOKEN:
      aud: https://gitlab.com
  script:
    - >
      export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s"
      $(aws sts assume-role-with-web-identity --role-arn $DEPLOY_ROLE_ARN --role-session-name ci
      --web-identity-token $AWS_TOKEN --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))
    - aws lambda update-function-code --function-name api --zip-file fileb://api.zip --region us-east-1
`,
		"package-lock.json": deployLock,
	}, nil)
	ident := graph.CIAWSIdentityID(graph.GitLabOIDCTokenID(job, "AWS_TOKEN"))
	es, err := s.Expand(context.Background(), []string{ident}, graph.Out, graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].To != lambdaID || es[0].Confidence != graph.Possible {
		t.Fatalf("CAN_MODIFY from the token's identity %v, want one possible edge to %s", es, lambdaID)
	}
	if r := es[0].Attr(graph.AttrReason); !strings.Contains(r, "OIDC token") || strings.Contains(r, "CI variables") {
		t.Errorf("reason %q, want the OIDC token's doubt", r)
	}
}

// TestDeployAsKeyOrLogin follows a GitLab job that exports a literal AWS
// key before it assumes the deployer, and a CircleCI job that assumes the
// deployer in one run step and deploys in the next, which is a shell of
// its own. Either may deploy as the deployer, so the deployer gets a
// possible CAN_MODIFY to the function whose reason names the doubt, next
// to the identity the job acts as otherwise: the key's, or the CI
// variables'.
func TestDeployAsKeyOrLogin(t *testing.T) {
	tests := []struct {
		name, file, text string
		other, doubt     string
	}{
		{"key before the login", ".gitlab-ci.yml", `deploy:
  id_tokens:
    AWS_TOKEN:
      aud: https://gitlab.com
  script:
    - export AWS_ACCESS_KEY_ID=AKIAEXAMPLEJOBKEY0004
    - export AWS_SECRET_ACCESS_KEY=canary-early-secret-value-X9x9
    - >
      export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s"
      $(aws sts assume-role-with-web-identity --role-arn ` + deployer + `
      --role-session-name "gitlab-$CI_JOB_ID" --web-identity-token $AWS_TOKEN
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))
    - aws lambda update-function-code --function-name api --zip-file fileb://api.zip --region us-east-1
`, graph.CIAWSIdentityID(graph.GitLabInlineSecretID(deployRepo, ".gitlab-ci.yml", "deploy", "script@7")),
			"literal AWS key before"},
		{"login in an earlier run step", ".circleci/config.yml", `version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:20.0
    steps:
      - checkout
      - run: |
          export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" \
            $(aws sts assume-role-with-web-identity --role-arn ` + deployer + ` --role-session-name ci \
            --web-identity-token "$CIRCLE_OIDC_TOKEN_V2" --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))
      - run: aws lambda update-function-code --function-name api --zip-file fileb://api.zip --region us-east-1
workflows:
  main:
    jobs:
      - deploy:
          context: aws
`, graph.CIAWSIdentityID(graph.CircleCIProjectVariablesID(deployRepo)), "earlier shell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := deployStore(t, map[string]string{
				"infra/main.tf":     lambdaTerraform + deployerTrust,
				tt.file:             tt.text,
				"package-lock.json": deployLock,
			}, nil)
			got := canModify(t, s, lambdaID)
			slices.Sort(got)
			want := []string{deployer + " possible", tt.other + " possible"}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("CAN_MODIFY to the function from:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			es, err := s.Expand(context.Background(), []string{deployer}, graph.Out, graph.EdgeCanModify)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				if e.To == lambdaID && !strings.Contains(e.Attr(graph.AttrReason), tt.doubt) {
					t.Errorf("reason %q, want it to name %q", e.Attr(graph.AttrReason), tt.doubt)
				}
			}
		})
	}
}
