package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestPublishWithCloudIdentity checks that an image pushed to ECR or
// Artifact Registry after a login made with the job's cloud identity is
// published by that identity. The identity is the role that
// configure-aws-credentials assumes, the AWS identity of the access keys it
// is given, or the service account of google-github-actions/auth.
func TestPublishWithCloudIdentity(t *testing.T) {
	res := parseFile(t, "publish-cloud.yml")
	keys := graph.GHASecretID(testRepo, "AWS_SECRET_ACCESS_KEY")
	tests := []struct {
		name     string
		identity string
		want     []string
		conf     graph.Confidence
	}{
		// amazon-ecr-login logs in to the registry of the role's account
		// in the region configure-aws-credentials sets.
		{"amazon-ecr-login", "arn:aws:iam::111122223333:role/gha-ecr-push",
			[]string{"pkg:docker/web?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"}, graph.Certain},
		// aws ecr get-login-password prints a password of the keys'
		// identity; the login is to the host the command names.
		{"get-login-password", graph.CIAWSIdentityID(keys),
			[]string{"pkg:docker/team/api?repository_url=444455556666.dkr.ecr.eu-west-1.amazonaws.com"}, graph.Certain},
		// gcloud auth configure-docker hands the service account's
		// tokens to Docker for the host it names.
		{"configure-docker", graph.GCPServiceAccountID("pusher@example-proj.iam.gserviceaccount.com"),
			[]string{"pkg:docker/example-proj/images/app?repository_url=europe-west1-docker.pkg.dev"}, graph.Certain},
		// The role is assumed only when an if: allows it.
		{"conditional identity", "arn:aws:iam::111122223333:role/gha-release",
			[]string{"pkg:docker/release?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"}, graph.Possible},
		// docker/login-action to ECR without a password logs in with the
		// role that the access keys assume.
		{"login-action to ECR", "arn:aws:iam::555566667777:role/ci/image-push",
			[]string{"pkg:docker/batch?repository_url=555566667777.dkr.ecr.eu-central-1.amazonaws.com"}, graph.Certain},
		// oauth2accesstoken with the auth step's token, and gcloud's token
		// piped into docker login.
		{"access token", graph.GCPServiceAccountID("builder@example-proj.iam.gserviceaccount.com"),
			[]string{
				"pkg:docker/example-proj/images/builder?repository_url=us-docker.pkg.dev",
				"pkg:docker/example-proj/legacy?repository_url=gcr.io",
			}, graph.Certain},
		// A role that an expression names: the job's OIDC token stands
		// for it.
		{"computed role", graph.CIAWSIdentityID(graph.GHAOIDCTokenID(jobID("publish-cloud.yml", "ecr-public"))),
			[]string{"pkg:docker/example-org/tool?repository_url=public.ecr.aws"}, graph.Possible},
		// A container's login in a conditional step, with the keys of the
		// step's env.
		{"container in a conditional step", graph.CIAWSIdentityID(graph.GHASecretID(testRepo, "MIRROR_AWS_SECRET")),
			[]string{"pkg:docker/mirror?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"}, graph.Possible},
		// The login step runs only when an if: allows it.
		{"conditional login", "arn:aws:iam::111122223333:role/gha-nightly",
			[]string{"pkg:docker/nightly?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"}, graph.Possible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := targets(res, tt.identity, graph.EdgeCanPublish)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("CAN_PUBLISH from %s (-want +got):\n%s", tt.identity, diff)
			}
			if e := findEdge(t, res, tt.identity, graph.EdgeCanPublish, tt.want[0]); e.Confidence != tt.conf {
				t.Errorf("CAN_PUBLISH to %s is %s, want %s", tt.want[0], e.Confidence, tt.conf)
			}
			if n := findNode(t, res, tt.identity); n.Kind != graph.NodeIdentity {
				t.Errorf("%s is a %s, want an Identity", tt.identity, n.Kind)
			}
		})
	}

	// The secret access key acts as its AWS identity; neither key secret
	// is a registry password.
	if e := findEdge(t, res, keys, graph.EdgeAuthenticatesAs, graph.CIAWSIdentityID(keys)); e.Confidence != graph.Certain {
		t.Errorf("AWS_SECRET_ACCESS_KEY authenticates as its identity with %s, want certain", e.Confidence)
	}
	for _, n := range res.Nodes {
		if n.Attr("type") == "registry-account" {
			t.Errorf("registry account %s written, want none: every login is made with a cloud identity", n.ID)
		}
	}

	// The access keys assume the role, as its trust policy allows.
	role := "arn:aws:iam::555566667777:role/ci/image-push"
	keysRole := graph.CIAWSIdentityID(graph.GHASecretID(testRepo, "CI_AWS_SECRET"))
	if e := findEdge(t, res, keysRole, graph.EdgeCanAssume, role); e.Confidence != graph.Possible {
		t.Errorf("the keys assume %s with %s, want possible", role, e.Confidence)
	}
	if n := findNode(t, res, role); n.Attr("account") != "555566667777" || n.Attr("name") != "image-push" {
		t.Errorf("role node has account %q, name %q; want 555566667777, image-push", n.Attr("account"), n.Attr("name"))
	}
	// A push whose image name is computed at run time reaches the images
	// of the registry that the login covers.
	scopeRole := "arn:aws:iam::111122223333:role/gha-scope"
	scope := graph.RegistryScopeID("111122223333.dkr.ecr.us-east-1.amazonaws.com")
	if diff := cmp.Diff([]string{scope}, targets(res, scopeRole, graph.EdgeCanAccess)); diff != "" {
		t.Errorf("CAN_ACCESS from %s (-want +got):\n%s", scopeRole, diff)
	} else if e := findEdge(t, res, scopeRole, graph.EdgeCanAccess, scope); e.Confidence != graph.Certain || e.Attr(graph.AttrLevel) != "write" {
		t.Errorf("registry scope edge is %s, level %q; want certain, write", e.Confidence, e.Attr(graph.AttrLevel))
	}

	// A role is labelled with its name and a service account with its
	// email, as the IAM readers label them.
	if n := findNode(t, res, role); n.Label != "image-push" {
		t.Errorf("role label %q, want image-push", n.Label)
	}
	if n := findNode(t, res, graph.GCPServiceAccountID("pusher@example-proj.iam.gserviceaccount.com")); n.Label != "pusher@example-proj.iam.gserviceaccount.com" {
		t.Errorf("service account label %q, want its email", n.Label)
	}
	tok := graph.GHAOIDCTokenID(jobID("publish-cloud.yml", "ecr-public"))
	if e := findEdge(t, res, tok, graph.EdgeAuthenticatesAs, graph.CIAWSIdentityID(tok)); e.Confidence != graph.Possible {
		t.Errorf("the OIDC token acts as the computed role with %s, want possible", e.Confidence)
	}

	// The roles and service accounts assumed with the job's OIDC token are
	// listed for the linker; the keys' identity is not.
	for job, want := range map[string]string{
		"ecr-action": "arn:aws:iam::111122223333:role/gha-ecr-push",
		"gar":        graph.GCPServiceAccountID("pusher@example-proj.iam.gserviceaccount.com"),
		"ecr-script": "",
	} {
		if got := findNode(t, res, jobID("publish-cloud.yml", job)).Attr("oidc_identities"); got != want {
			t.Errorf("job %s lists oidc_identities %q, want %q", job, got, want)
		}
	}

	// A login to another host than the image's credits nothing.
	for _, img := range []string{
		"pkg:docker/web?repository_url=999988887777.dkr.ecr.us-east-1.amazonaws.com",
		"pkg:docker/web?repository_url=111122223333.dkr.ecr.eu-west-1.amazonaws.com",
		"pkg:docker/example-proj/images/worker?repository_url=europe-west1-docker.pkg.dev",
	} {
		for _, e := range res.Edges {
			if e.To == img {
				t.Errorf("%s %s %s, want no edge: the job logged in to another host", e.From, e.Kind, img)
			}
		}
	}
}

// TestPublishCloudLoginTiming checks when a login's identity is fixed.
// gcloud auth configure-docker makes gcloud Docker's credential helper,
// which gcloud runs at each push with the credentials current then, so an
// auth step after it still pushes. google-github-actions/auth returns an
// access token only with token_format: access_token, so docker/login-action
// given its output without that input gets an empty password and fails.
func TestPublishCloudLoginTiming(t *testing.T) {
	const wif = "          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh\n"
	wf := "on: push\npermissions:\n  id-token: write\n  contents: read\njobs:\n" +
		"  helper-before-auth:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: google-github-actions/setup-gcloud@v2\n" +
		"      - run: gcloud auth configure-docker us-docker.pkg.dev --quiet\n" +
		"      - uses: google-github-actions/auth@v2\n        with:\n" + wif +
		"          service_account: late@example-proj.iam.gserviceaccount.com\n" +
		"      - run: docker push us-docker.pkg.dev/example-proj/images/late:1\n" +
		"  token-without-format:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - id: auth\n        uses: google-github-actions/auth@v2\n        with:\n" + wif +
		"          service_account: notoken@example-proj.iam.gserviceaccount.com\n" +
		"      - uses: docker/login-action@v3\n        with:\n          registry: europe-docker.pkg.dev\n" +
		"          username: oauth2accesstoken\n          password: ${{ steps.auth.outputs.access_token }}\n" +
		"      - run: docker push europe-docker.pkg.dev/example-proj/images/notoken:1\n" +
		"  token-with-format:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - id: auth\n        uses: google-github-actions/auth@v2\n        with:\n" + wif +
		"          service_account: withtoken@example-proj.iam.gserviceaccount.com\n" +
		"          token_format: access_token\n" +
		"      - uses: docker/login-action@v3\n        with:\n          registry: europe-docker.pkg.dev\n" +
		"          username: oauth2accesstoken\n          password: ${{ steps.auth.outputs.access_token }}\n" +
		"      - run: docker push europe-docker.pkg.dev/example-proj/images/withtoken:1\n"
	res, err := parseBytes(t, testRepo, ".github/workflows/gar.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for sa, want := range map[string][]string{
		"late@example-proj.iam.gserviceaccount.com":      {"pkg:docker/example-proj/images/late?repository_url=us-docker.pkg.dev"},
		"notoken@example-proj.iam.gserviceaccount.com":   nil,
		"withtoken@example-proj.iam.gserviceaccount.com": {"pkg:docker/example-proj/images/withtoken?repository_url=europe-docker.pkg.dev"},
	} {
		id := graph.GCPServiceAccountID(sa)
		got := targets(res, id, graph.EdgeCanPublish)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CAN_PUBLISH from %s (-want +got):\n%s", sa, diff)
			continue
		}
		if len(want) > 0 {
			if e := findEdge(t, res, id, graph.EdgeCanPublish, want[0]); e.Confidence != graph.Certain {
				t.Errorf("CAN_PUBLISH from %s is %s, want certain", sa, e.Confidence)
			}
		}
	}
}

// TestPublishECRRegionExported checks the region of amazon-ecr-login.
// configure-aws-credentials exports AWS_REGION and AWS_DEFAULT_REGION
// for the later steps, which replaces the job's env of those names, so the
// login is to the configured region. A step's own env still comes first.
func TestPublishECRRegionExported(t *testing.T) {
	configure := func(role string) string {
		return "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n" +
			"          role-to-assume: arn:aws:iam::111122223333:role/" + role + "\n          aws-region: us-east-1\n"
	}
	wf := "on: push\npermissions:\n  id-token: write\n  contents: read\njobs:\n" +
		"  job-env:\n    runs-on: ubuntu-latest\n    env:\n      AWS_REGION: us-west-2\n    steps:\n" + configure("job-env") +
		"      - uses: aws-actions/amazon-ecr-login@v2\n" +
		"      - run: docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/a:1\n" +
		"  step-env:\n    runs-on: ubuntu-latest\n    steps:\n" + configure("step-env") +
		"      - uses: aws-actions/amazon-ecr-login@v2\n        env:\n          AWS_REGION: us-west-2\n" +
		"      - run: docker push 111122223333.dkr.ecr.us-west-2.amazonaws.com/b:1\n"
	res, err := parseBytes(t, testRepo, ".github/workflows/ecr.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for role, want := range map[string]string{
		"job-env":  "pkg:docker/a?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"step-env": "pkg:docker/b?repository_url=111122223333.dkr.ecr.us-west-2.amazonaws.com",
	} {
		id := "arn:aws:iam::111122223333:role/" + role
		if diff := cmp.Diff([]string{want}, targets(res, id, graph.EdgeCanPublish)); diff != "" {
			t.Errorf("CAN_PUBLISH from %s (-want +got):\n%s", role, diff)
		}
	}
}

// With output-env-credentials: false, configure-aws-credentials exports no
// credentials to later steps, so amazon-ecr-login and docker push use them
// only if a step passes the action's outputs on, which is not read: the
// push is credited to the role as possible.
func TestPublishECRWithoutEnvCredentials(t *testing.T) {
	wf := "on: push\npermissions:\n  id-token: write\n  contents: read\njobs:\n" +
		"  push:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n" +
		"          role-to-assume: arn:aws:iam::111122223333:role/pusher\n          aws-region: us-east-1\n" +
		"          output-env-credentials: false\n" +
		"      - uses: aws-actions/amazon-ecr-login@v2\n" +
		"      - run: docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/a:1\n"
	res, err := parseBytes(t, testRepo, ".github/workflows/ecr.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	e := findEdge(t, res, "arn:aws:iam::111122223333:role/pusher", graph.EdgeCanPublish,
		"pkg:docker/a?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com")
	if e.Confidence != graph.Possible {
		t.Errorf("push credited to the role as %s, want possible", e.Confidence)
	}
}
