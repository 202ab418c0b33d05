package actions

import (
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// configure-aws-credentials turns a role name into an ARN with the account
// of the credentials the step already has: access keys, or the session of
// an earlier step with role-chaining. With the job's OIDC token alone it
// has no account and the step fails, so nothing after it runs.
func TestConfigureAWSRoleNames(t *testing.T) {
	res := parseFile(t, "aws-role-names.yml")
	bareImage := "pkg:docker/bare?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeCanPublish && e.To == bareImage {
			t.Errorf("%s publishes %s, want no publisher: the step that assumes a role by name fails", e.From, bareImage)
		}
	}

	entry := "arn:aws:iam::111122223333:role/gha-entry"
	for _, tt := range []struct {
		role, image string
	}{
		{"arn:aws:iam::111122223333:role/gha-chained", "pkg:docker/chained?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"},
		{"arn:aws:iam::444455556666:role/gha-target", "pkg:docker/target?repository_url=444455556666.dkr.ecr.us-east-1.amazonaws.com"},
	} {
		got := targets(res, tt.role, graph.EdgeCanPublish)
		if !slices.Equal(got, []string{tt.image}) {
			t.Errorf("%s publishes %v, want %s", tt.role, got, tt.image)
			continue
		}
		if e := findEdge(t, res, tt.role, graph.EdgeCanPublish, tt.image); e.Confidence != graph.Certain {
			t.Errorf("%s publishes %s with %s, want certain", tt.role, tt.image, e.Confidence)
		}
		// The first role's session assumes the chained one, as its trust
		// policy allows.
		if e := findEdge(t, res, entry, graph.EdgeCanAssume, tt.role); e.Confidence != graph.Possible {
			t.Errorf("%s assumes %s with %s, want possible", entry, tt.role, e.Confidence)
		}
	}

	// Chained from keys of an unknown account, the role's ARN is not
	// known: the keys' identity stands for it, possibly.
	keys := graph.CIAWSIdentityID(graph.GHASecretID(testRepo, "CHAIN_SECRET"))
	fromKeys := "pkg:docker/fromkeys?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	if e := findEdge(t, res, keys, graph.EdgeCanPublish, fromKeys); e.Confidence != graph.Possible {
		t.Errorf("%s publishes %s with %s, want possible", keys, fromKeys, e.Confidence)
	}
}

// A job without the id-token permission gets no OIDC token, so
// configure-aws-credentials assumes a role with the credentials the job
// already has, as with role-chaining, and makes a role name an ARN in
// their account.
func TestConfigureAWSWithoutOIDCChains(t *testing.T) {
	const workflow = `
name: no oidc
on: push
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.DEPLOY_KEY_ID }}
          aws-secret-access-key: ${{ secrets.DEPLOY_SECRET }}
          aws-region: us-east-1
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deploy
          aws-region: us-east-1
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: publish
          aws-region: us-east-1
      - uses: aws-actions/amazon-ecr-login@v2
      - run: docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1
`
	res, err := parseBytes(t, testRepo, ".github/workflows/deploy.yml", []byte(workflow))
	if err != nil {
		t.Fatal(err)
	}
	keys := graph.CIAWSIdentityID(graph.GHASecretID(testRepo, "DEPLOY_SECRET"))
	deploy := "arn:aws:iam::111122223333:role/deploy"
	publish := "arn:aws:iam::111122223333:role/publish"
	image := "pkg:docker/app?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	if !hasEdge(res, keys, graph.EdgeCanAssume, deploy) {
		t.Errorf("%s does not assume %s, want the keys to assume it", keys, deploy)
	}
	if !hasEdge(res, deploy, graph.EdgeCanAssume, publish) {
		t.Errorf("%s does not assume %s, want the role name made an ARN in the account of %s", deploy, publish, deploy)
	}
	if got := targets(res, publish, graph.EdgeCanPublish); !slices.Equal(got, []string{image}) {
		t.Errorf("%s publishes %v, want %s", publish, got, image)
	}
	job := findNode(t, res, graph.GHAJobID(testRepo, ".github/workflows/deploy.yml", "deploy"))
	if got := job.Attr("oidc_identities"); got != "" {
		t.Errorf("the job's oidc_identities are %q, want none: it may not request an OIDC token", got)
	}
}

// role-chaining assumes the role with whichever session the job has when
// the step runs. After a conditional step that is the session of either of
// two roles, so a role name makes an ARN in either account, and the job
// then acts as the chained role only.
func TestConfigureAWSChainAfterConditional(t *testing.T) {
	const workflow = `
name: chain after a condition
on: push
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111111111111:role/entry
          aws-region: us-east-1
      - if: github.ref == 'refs/heads/main'
        uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::222222222222:role/other
          aws-region: us-east-1
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: chained
          role-chaining: true
          aws-region: us-east-1
      - uses: aws-actions/amazon-ecr-login@v2
      - run: docker push 111111111111.dkr.ecr.us-east-1.amazonaws.com/app:1
`
	res, err := parseBytes(t, testRepo, ".github/workflows/deploy.yml", []byte(workflow))
	if err != nil {
		t.Fatal(err)
	}
	image := "pkg:docker/app?repository_url=111111111111.dkr.ecr.us-east-1.amazonaws.com"
	for _, tt := range []struct{ session, chained string }{
		{"arn:aws:iam::111111111111:role/entry", "arn:aws:iam::111111111111:role/chained"},
		{"arn:aws:iam::222222222222:role/other", "arn:aws:iam::222222222222:role/chained"},
	} {
		if e := findEdge(t, res, tt.session, graph.EdgeCanAssume, tt.chained); e.Confidence != graph.Possible {
			t.Errorf("%s assumes %s with %s, want possible", tt.session, tt.chained, e.Confidence)
		}
		if e := findEdge(t, res, tt.chained, graph.EdgeCanPublish, image); e.Confidence != graph.Possible {
			t.Errorf("%s publishes %s with %s, want possible", tt.chained, image, e.Confidence)
		}
		if hasEdge(res, tt.session, graph.EdgeCanPublish, image) {
			t.Errorf("%s publishes %s, want only the chained roles to: the push runs after the chained step", tt.session, image)
		}
	}
}

// A step with continue-on-error may fail without stopping the job, so the
// credentials the job had before it may still be the ones a later push uses.
func TestConfigureAWSContinueOnError(t *testing.T) {
	const workflow = `
name: continue on error
on: push
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.DEPLOY_KEY_ID }}
          aws-secret-access-key: ${{ secrets.DEPLOY_SECRET }}
          aws-region: us-east-1
      - uses: aws-actions/configure-aws-credentials@v4
        continue-on-error: true
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deploy
          aws-region: us-east-1
      - uses: aws-actions/amazon-ecr-login@v2
      - run: docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1
`
	res, err := parseBytes(t, testRepo, ".github/workflows/deploy.yml", []byte(workflow))
	if err != nil {
		t.Fatal(err)
	}
	image := "pkg:docker/app?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	keys := graph.CIAWSIdentityID(graph.GHASecretID(testRepo, "DEPLOY_SECRET"))
	for _, id := range []string{keys, "arn:aws:iam::111122223333:role/deploy"} {
		if !hasEdge(res, id, graph.EdgeCanPublish, image) {
			t.Errorf("%s does not publish %s, want it to, possibly", id, image)
			continue
		}
		if e := findEdge(t, res, id, graph.EdgeCanPublish, image); e.Confidence != graph.Possible {
			t.Errorf("%s publishes %s with %s, want possible", id, image, e.Confidence)
		}
	}
}

// The action reads its boolean inputs as true, True or TRUE and false,
// False or FALSE.
func TestConfigureAWSBooleanSpellings(t *testing.T) {
	const workflow = `
name: spellings
on: push
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/entry
          aws-region: us-east-1
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: chained
          role-chaining: True
          output-env-credentials: TRUE
          aws-region: us-east-1
      - uses: aws-actions/amazon-ecr-login@v2
      - run: docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1
`
	res, err := parseBytes(t, testRepo, ".github/workflows/deploy.yml", []byte(workflow))
	if err != nil {
		t.Fatal(err)
	}
	chained := "arn:aws:iam::111122223333:role/chained"
	image := "pkg:docker/app?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	if !hasEdge(res, "arn:aws:iam::111122223333:role/entry", graph.EdgeCanAssume, chained) {
		t.Errorf("role/entry does not assume %s, want role-chaining: True read as true", chained)
	}
	if e := findEdge(t, res, chained, graph.EdgeCanPublish, image); e.Confidence != graph.Certain {
		t.Errorf("%s publishes %s with %s, want certain", chained, image, e.Confidence)
	}
}

// Without an OIDC token or access key inputs, the action assumes the role
// with the access keys that the step's environment gives the AWS SDK.
func TestConfigureAWSWithEnvKeys(t *testing.T) {
	const workflow = `
name: env keys
on: push
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      AWS_ACCESS_KEY_ID: ${{ secrets.ENV_KEY_ID }}
      AWS_SECRET_ACCESS_KEY: ${{ secrets.ENV_SECRET }}
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deploy
          aws-region: us-east-1
      - uses: aws-actions/amazon-ecr-login@v2
      - run: docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1
`
	res, err := parseBytes(t, testRepo, ".github/workflows/deploy.yml", []byte(workflow))
	if err != nil {
		t.Fatal(err)
	}
	keys := graph.CIAWSIdentityID(graph.GHASecretID(testRepo, "ENV_SECRET"))
	deploy := "arn:aws:iam::111122223333:role/deploy"
	if !hasEdge(res, keys, graph.EdgeCanAssume, deploy) {
		t.Errorf("%s does not assume %s, want the environment's keys to assume it", keys, deploy)
	}
}

// A job that may not request an OIDC token assumes a role with the
// runner's own credentials, which the workflow does not show: the role is
// possible, and not one the job assumes with its OIDC token.
func TestConfigureAWSRoleWithoutOIDCOrSession(t *testing.T) {
	res := parseFile(t, "aws-role-names.yml")
	role := "arn:aws:iam::111122223333:role/gha-no-oidc"
	image := "pkg:docker/nooidc?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	if e := findEdge(t, res, role, graph.EdgeCanPublish, image); e.Confidence != graph.Possible {
		t.Errorf("%s publishes %s with %s, want possible", role, image, e.Confidence)
	}
	job := findNode(t, res, jobID("aws-role-names.yml", "no-oidc-arn"))
	if ids := job.Attr("oidc_identities"); strings.Contains(ids, role) {
		t.Errorf("oidc_identities %q names %s, which the job cannot assume with an OIDC token", ids, role)
	}
}

// With aws-profile, configure-aws-credentials writes the credentials to
// the profile and not to the environment unless output-env-credentials
// is true, so a later login acts as the role only possibly.
func TestConfigureAWSProfile(t *testing.T) {
	res := parseFile(t, "aws-role-names.yml")
	for _, tt := range []struct {
		role, image string
		want        graph.Confidence
	}{
		{"arn:aws:iam::111122223333:role/gha-profile", "pkg:docker/profile?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com", graph.Possible},
		{"arn:aws:iam::111122223333:role/gha-profile-env", "pkg:docker/profileenv?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com", graph.Certain},
	} {
		if e := findEdge(t, res, tt.role, graph.EdgeCanPublish, tt.image); e.Confidence != tt.want {
			t.Errorf("%s publishes %s with %s, want %s", tt.role, tt.image, e.Confidence, tt.want)
		}
	}
}
