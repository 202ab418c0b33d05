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

// deployIdentitiesOf returns the identities that the one deploy of job id
// deploys as and may deploy as, and the oidc_identities of the job's OIDC
// subject.
func deployIdentitiesOf(t *testing.T, text, id string) (as, may, subject string) {
	t.Helper()
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	var ds []pkgcmd.Deploy
	for _, n := range res.Nodes {
		switch n.ID {
		case id:
			ds = pkgcmd.Deploys(n.Attrs[pkgcmd.AttrDeploys])
		case graph.CircleCIOIDCSubjectID(id):
			subject = n.Attrs["oidc_identities"]
		}
	}
	if len(ds) != 1 {
		t.Fatalf("deploys %v, want one", ds)
	}
	return strings.Join(ds[0].As, ","), strings.Join(ds[0].MayAs, ","), subject
}

// A job deploys as the credentials it names, and not as the identity of
// the project's variables. It names them in an environment of the job or
// of the run step, in the run step's command, or as the role that the
// aws-cli orb assumes with the job's OIDC token. A role that a variable
// the file does not set names is possibly the OIDC token's. Of two logins
// the last before the deploy counts, and the subject lists every role the
// job assumes, also one that no deploy uses. A literal key of the job's
// environment is set before any login, which may replace it, so the key's
// identity and the role are both possible.
func TestDeployIdentityNamedByJob(t *testing.T) {
	job := graph.CircleCIJobID(testRepo, ".circleci/config.yml", "deploy")
	const role = "arn:aws:iam::111122223333:role/deployer"
	const otherRole = "arn:aws:iam::111122223333:role/publisher"
	const deploy = "aws lambda update-function-code --function-name api --zip-file fileb://fn.zip --region eu-west-1"
	stepKey := graph.CIAWSIdentityID(graph.CircleCIInlineSecretID(job, "AWS_SECRET_ACCESS_KEY"))
	tests := []struct {
		name, orbs, env, steps string
		as, may, subject       string
	}{
		{"step environment key", "", "", `      - run:
          command: ` + deploy + `
          environment:
            AWS_ACCESS_KEY_ID: AKIAEXAMPLESTEPKEY001
            AWS_SECRET_ACCESS_KEY: canary-step-secret-value-X9x9
`, "", stepKey, ""},
		{"job environment role", "", `    environment:
      AWS_ROLE_ARN: ` + role + `
      AWS_WEB_IDENTITY_TOKEN_FILE: /tmp/web-identity-token
`, `      - run: echo "$CIRCLE_OIDC_TOKEN_V2" > "$AWS_WEB_IDENTITY_TOKEN_FILE"
      - run: ` + deploy + "\n", role, "", role},
		{"step environment role", "", "", `      - run: echo "$CIRCLE_OIDC_TOKEN_V2" > /tmp/web-identity-token
      - run:
          command: ` + deploy + `
          environment:
            AWS_ROLE_ARN: ` + role + `
            AWS_WEB_IDENTITY_TOKEN_FILE: /tmp/web-identity-token
`, role, "", role},
		{"exported key", "", "", `      - run: |
          export AWS_SECRET_ACCESS_KEY=canary-exported-secret-value-X9x9
          ` + deploy + "\n",
			// The key is on line 8, in the block of the run step of line 7.
			"", graph.CIAWSIdentityID(graph.CircleCIInlineSecretID(job, "run@7")), ""},
		{"exported role", "", "", `      - run: |
          echo "$CIRCLE_OIDC_TOKEN_V2" > /tmp/web-identity-token
          export AWS_ROLE_ARN=` + role + ` AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/web-identity-token
          ` + deploy + "\n", role, "", role},
		{"aws-cli orb", "orbs:\n  aws-cli: circleci/aws-cli@5.1.0\n", "", `      - aws-cli/setup:
          role_arn: ` + role + `
      - run: ` + deploy + "\n", role, "", role},
		{"two aws-cli orb logins", "orbs:\n  aws-cli: circleci/aws-cli@5.1.0\n", "", `      - aws-cli/setup:
          role_arn: ` + role + `
      - aws-cli/setup:
          role_arn: ` + otherRole + `
      - run: ` + deploy + "\n", otherRole, "", role + "," + otherRole},
		{"aws-cli orb login after the deploy", "orbs:\n  aws-cli: circleci/aws-cli@5.1.0\n", "", `      - run: ` + deploy + `
      - aws-cli/setup:
          role_arn: ` + role + "\n", "", graph.CIAWSIdentityID(graph.CircleCIProjectVariablesID(testRepo)), role},
		{"aws-cli orb after a key of the job's environment", "orbs:\n  aws-cli: circleci/aws-cli@5.1.0\n", `    environment:
      AWS_ACCESS_KEY_ID: AKIAEXAMPLEJOBKEY0005
      AWS_SECRET_ACCESS_KEY: canary-job-secret-value-X9x9
`, `      - aws-cli/setup:
          role_arn: ` + role + `
      - run: ` + deploy + "\n", "", stepKey + "," + role, role},
		{"aws-cli orb, named profile", "orbs:\n  aws-cli: circleci/aws-cli@5.1.0\n", "", `      - aws-cli/setup:
          role_arn: ` + role + `
          profile_name: deployer
      - run: ` + deploy + "\n", "", role + "," + graph.CIAWSIdentityID(graph.CircleCIProjectVariablesID(testRepo)), role},
		{"aws-cli orb, profile the job selects", "orbs:\n  aws-cli: circleci/aws-cli@5.1.0\n", `    environment:
      AWS_PROFILE: deployer
`, `      - aws-cli/setup:
          role_arn: ` + role + `
          profile_name: deployer
      - run: ` + deploy + "\n", role, "", role},
		{"aws-cli orb, default profile named", "orbs:\n  aws-cli: circleci/aws-cli@3.1.0\n", "", `      - aws-cli/setup:
          role-arn: ` + role + `
          profile-name: default
      - run: ` + deploy + "\n", role, "", role},
		{"aws-cli orb, role from the environment", "orbs:\n  aws-cli: circleci/aws-cli@5.1.0\n", `    environment:
      AWS_ROLE_ARN: ` + role + "\n", `      - aws-cli/setup:
          role_arn: ${AWS_ROLE_ARN}
      - run: ` + deploy + "\n", role, "", role},
		{"aws-cli orb, role from a context", "orbs:\n  aws-cli: circleci/aws-cli@5.1.0\n", "", `      - aws-cli/setup:
          role_arn: ${DEPLOY_ROLE_ARN}
      - run: ` + deploy + "\n", "", graph.CIAWSIdentityID(graph.CircleCIOIDCTokenID(job)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "version: 2.1\n" + tt.orbs + `jobs:
  deploy:
    docker:
      - image: cimg/node:20.0
` + tt.env + `    steps:
` + tt.steps + `workflows:
  main:
    jobs: [deploy]
`
			as, may, subject := deployIdentitiesOf(t, text, job)
			if as != tt.as || may != tt.may {
				t.Errorf("deploys as %q and may as %q, want %q and %q", as, may, tt.as, tt.may)
			}
			if subject != tt.subject {
				t.Errorf("subject's oidc_identities %q, want %q", subject, tt.subject)
			}
		})
	}
}

// Each run step runs in a shell of its own, and CircleCI sources
// $BASH_ENV at the start of each step. A login whose output a run step
// exports reaches a deploy of that step for certain. A deploy of a later
// step only possibly acts as the login's role, or else as the identity
// of the project's variables, unless the step writes the credentials
// where later steps read them: $BASH_ENV, aws configure set, or
// ~/.aws/credentials.
func TestDeployIdentityAcrossRunSteps(t *testing.T) {
	job := graph.CircleCIJobID(testRepo, ".circleci/config.yml", "deploy")
	const role = "arn:aws:iam::111122223333:role/deployer"
	const deploy = "      - run: aws lambda update-function-code --function-name api --zip-file fileb://fn.zip --region eu-west-1\n"
	const assume = `      - run: |
          export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" \
            $(aws sts assume-role-with-web-identity --role-arn ` + role + ` --role-session-name ci \
            --web-identity-token "$CIRCLE_OIDC_TOKEN_V2" \
            --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))
`
	vars := graph.CIAWSIdentityID(graph.CircleCIProjectVariablesID(testRepo))
	tests := []struct {
		name, steps string
		as, may     string
	}{
		{"deploy in the login's step", strings.TrimSuffix(assume, "\n") + "\n          " +
			strings.TrimPrefix(deploy, "      - run: "), role, ""},
		{"deploy in a later step", assume + deploy, "", role + "," + vars},
		{"exports written to BASH_ENV", assume +
			`          echo "export AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN=$AWS_SESSION_TOKEN" >> "$BASH_ENV"
` + deploy, role, ""},
		{"aws configure set", assume +
			"          aws configure set aws_access_key_id \"$AWS_ACCESS_KEY_ID\"\n" +
			"          aws configure set aws_secret_access_key \"$AWS_SECRET_ACCESS_KEY\"\n" +
			"          aws configure set aws_session_token \"$AWS_SESSION_TOKEN\"\n" + deploy, role, ""},
		{"credentials file", assume +
			"          printf '[default]\\naws_access_key_id=%s\\naws_secret_access_key=%s\\naws_session_token=%s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" > ~/.aws/credentials\n" +
			deploy, role, ""},
		{"aws configure set of the region only", assume +
			"          aws configure set region eu-west-1\n" +
			"          aws configure set default.output json\n" + deploy, "", role + "," + vars},
		{"credentials file copied into place", assume +
			"          printf '[default]\\naws_access_key_id=%s\\n' \"$AWS_ACCESS_KEY_ID\" > /tmp/creds\n" +
			"          cp /tmp/creds ~/.aws/credentials\n" + deploy, role, ""},
		{"BASH_ENV given another variable", assume +
			"          echo 'export PATH=\"$HOME/.local/bin:$PATH\"' >> \"$BASH_ENV\"\n" + deploy, "", role + "," + vars},
		{"BASH_ENV given a file's lines", assume +
			"          env | grep '^AWS_' | sed 's/^/export /' > /tmp/aws.env\n" +
			"          cat /tmp/aws.env >> $BASH_ENV\n" + deploy, role, ""},
		{"credentials file only read", assume +
			"          test -f ~/.aws/credentials && echo found\n" + deploy, "", role + "," + vars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := `version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:20.0
    steps:
` + tt.steps + `workflows:
  main:
    jobs: [deploy]
`
			as, may, _ := deployIdentitiesOf(t, text, job)
			if as != tt.as || may != tt.may {
				t.Errorf("deploys as %q and may as %q, want %q and %q", as, may, tt.as, tt.may)
			}
		})
	}
}
