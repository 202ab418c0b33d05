package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// deployWorkflow deploys from scripts and from the deploy actions, after
// cloud logins that give the account, the project and the identities.
const deployWorkflow = `name: deploy
on: push
permissions:
  id-token: write
jobs:
  lambda:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          path: src
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deployer
          aws-region: eu-west-1
      - run: |
          cd src/services/api
          npm ci --omit=dev
          zip -r ../api.zip .
          aws lambda update-function-code --function-name api --zip-file fileb://../api.zip
      - uses: aws-actions/aws-lambda-deploy@v1
        with:
          function-name: worker
          code-artifacts-dir: src/worker
      - uses: aws-actions/aws-lambda-deploy@v1
        with:
          function-name: image-fn
          package-type: Image
          image-uri: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/fn:1
  google:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh
          service_account: deployer@example-proj.iam.gserviceaccount.com
      - run: gcloud functions deploy api --source fn --region europe-west1
      - uses: google-github-actions/deploy-cloud-functions@v3
        with:
          name: events
          runtime: nodejs20
          source_dir: events
          project_id: other-proj
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: web
          source: ./web
          region: us-east1
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: image-web
          image: us-docker.pkg.dev/example-proj/r/web:1
`

// TestDeploysOfJobs checks the deploys each job records. Folders are
// relative to the repository, which the lambda job checks out into src.
// The region comes from the login's exports, the account from the role,
// the project from the service account, and the identities from the login.
func TestDeploysOfJobs(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/workflows/deploy.yml", []byte(deployWorkflow))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	const role = "arn:aws:iam::111122223333:role/deployer"
	sa := graph.GCPServiceAccountID("deployer@example-proj.iam.gserviceaccount.com")
	tests := []struct {
		job  string
		want []pkgcmd.Deploy
	}{
		{"lambda", []pkgcmd.Deploy{
			{Service: pkgcmd.DeployLambda, Name: "api", Dir: "services/api", Region: "eu-west-1", Account: "111122223333", As: []string{role}},
			{Service: pkgcmd.DeployLambda, Name: "worker", Dir: "worker", Region: "eu-west-1", Account: "111122223333", As: []string{role}},
		}},
		// The attribute lists the deploys sorted.
		{"google", []pkgcmd.Deploy{
			// deploy-cloud-functions deploys to us-central1 without a
			// region input, and project_id wins over the login's project.
			{Service: pkgcmd.DeployFunctions, Name: "events", Dir: "events", Region: "us-central1", Project: "other-proj", As: []string{sa}},
			{Service: pkgcmd.DeployFunctions, Name: "api", Dir: "fn", Region: "europe-west1", Project: "example-proj", As: []string{sa}},
			{Service: pkgcmd.DeployRun, Name: "web", Dir: "web", Region: "us-east1", Project: "example-proj", As: []string{sa}},
		}},
	}
	for _, tt := range tests {
		rt := findNode(t, res, graph.GHAJobID(testRepo, ".github/workflows/deploy.yml", tt.job))
		got := pkgcmd.Deploys(rt.Attr(pkgcmd.AttrDeploys))
		// The step lines are checked in TestECSStarterWorkflow.
		if diff := cmp.Diff(got, tt.want, cmpopts.IgnoreFields(pkgcmd.Deploy{}, "Line")); diff != "" {
			t.Errorf("job %s: deploys (-got +want):\n%s", tt.job, diff)
		}
	}
	// The identities are in the graph for the linker's CAN_MODIFY.
	findNode(t, res, role)
	findNode(t, res, sa)
}
