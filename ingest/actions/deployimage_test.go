package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// imageDeployWorkflow deploys images with the deploy actions and with a
// command, after cloud logins that give the account, the project and the
// identities.
const imageDeployWorkflow = `name: release
on: push
permissions:
  id-token: write
jobs:
  aws:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deployer
          aws-region: eu-west-1
      - uses: aws-actions/aws-lambda-deploy@v1
        with:
          function-name: fn
          package-type: Image
          image-uri: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/fn:${{ github.sha }}
      - id: web
        uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: .aws/task-definition.json
          container-name: web
          image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:${{ github.sha }}
      - id: sidecar
        uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: ${{ steps.web.outputs.task-definition }}
          container-name: log-router
          image: public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0
      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: ${{ steps.sidecar.outputs.task-definition }}
          service: web
          cluster: prod
      # Registers the task definition without a service to update.
      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: ${{ steps.web.outputs.task-definition }}
  google:
    runs-on: ubuntu-latest
    steps:
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh
          service_account: deployer@example-proj.iam.gserviceaccount.com
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: api
          image: europe-west1-docker.pkg.dev/example-proj/r/api:${{ github.sha }}
          region: europe-west1
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: web
          source: ./web
      - run: kubectl set image deployment/api api=ghcr.io/${{ github.repository }}:${{ github.sha }} -n prod
`

// TestImageDeploysOfJobs checks the image deploys each job records: the
// ECS deploy has one per container its render steps set, and the
// kubectl deploy names the repository that the expression names, and
// no identity. Deploys of folders stay apart.
func TestImageDeploysOfJobs(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/workflows/release.yml", []byte(imageDeployWorkflow))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	const role = "arn:aws:iam::111122223333:role/deployer"
	sa := graph.GCPServiceAccountID("deployer@example-proj.iam.gserviceaccount.com")
	aws := pkgcmd.Deploy{Region: "eu-west-1", Account: "111122223333", As: []string{role}}
	ecs := func(container, img string) pkgcmd.ImageDeploy {
		d := aws
		d.Service, d.Name = pkgcmd.DeployECS, "web"
		return pkgcmd.ImageDeploy{Deploy: d, Image: img, Container: container, Cluster: "prod"}
	}
	lambda := aws
	lambda.Service, lambda.Name = pkgcmd.DeployLambda, "fn"
	tests := []struct {
		job  string
		want []pkgcmd.ImageDeploy
	}{
		// The attribute lists the deploys sorted.
		{"aws", []pkgcmd.ImageDeploy{
			ecs("log-router", "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0"),
			ecs("web", "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:${{ github.sha }}"),
			{Deploy: lambda, Image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/fn:${{ github.sha }}"},
		}},
		{"google", []pkgcmd.ImageDeploy{
			{Deploy: pkgcmd.Deploy{Service: pkgcmd.DeployRun, Name: "api", Region: "europe-west1", Project: "example-proj", As: []string{sa}},
				Image: "europe-west1-docker.pkg.dev/example-proj/r/api:${{ github.sha }}"},
			{Deploy: pkgcmd.Deploy{Service: pkgcmd.DeployKubernetes, Name: "api"},
				Image: "ghcr.io/" + testRepo + ":${{ github.sha }}", Container: "api", Kind: "Deployment", Namespace: "prod"},
		}},
	}
	for _, tt := range tests {
		rt := findNode(t, res, graph.GHAJobID(testRepo, ".github/workflows/release.yml", tt.job))
		got := pkgcmd.ImageDeploys(rt.Attr(pkgcmd.AttrImageDeploys))
		// The step lines are checked in TestECSStarterWorkflow.
		if diff := cmp.Diff(got, tt.want, cmpopts.IgnoreFields(pkgcmd.Deploy{}, "Line")); diff != "" {
			t.Errorf("job %s: image deploys (-got +want):\n%s", tt.job, diff)
		}
	}

	rt := findNode(t, res, graph.GHAJobID(testRepo, ".github/workflows/release.yml", "google"))
	deploys := pkgcmd.Deploys(rt.Attr(pkgcmd.AttrDeploys))
	if len(deploys) != 1 || deploys[0].Name != "web" {
		t.Errorf("deploys of folders %+v, want web's alone", deploys)
	}
}
