package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// ecsStarterWorkflow has the shape of the usual workflow that deploys to
// ECS. The env context names the region, the repository, the service and
// the container. The build step names the image from the registry output
// of amazon-ecr-login, and writes it to $GITHUB_OUTPUT for the render
// step. The second job logs in with a region that a variable sets.
const ecsStarterWorkflow = `name: Deploy to ECS
on:
  push:
    branches: [main]
env:
  AWS_REGION: us-east-1
  ECR_REPOSITORY: my-repo
  ECS_SERVICE: my-service
  ECS_CLUSTER: my-cluster
  ECS_TASK_DEFINITION: .aws/task-definition.json
  CONTAINER_NAME: app
permissions:
  contents: read
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deployer
          aws-region: ${{ env.AWS_REGION }}
      - id: login-ecr
        uses: aws-actions/amazon-ecr-login@v2
      - id: build-image
        env:
          ECR_REGISTRY: ${{ steps.login-ecr.outputs.registry }}
          IMAGE_TAG: ${{ github.sha }}
        run: |
          docker build -t $ECR_REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG .
          docker push $ECR_REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG
          echo "image=$ECR_REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG" >> $GITHUB_OUTPUT
      - id: task-def
        uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: ${{ env.ECS_TASK_DEFINITION }}
          container-name: ${{ env.CONTAINER_NAME }}
          image: ${{ steps.build-image.outputs.image }}
      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: ${{ steps.task-def.outputs.task-definition }}
          service: ${{ env.ECS_SERVICE }}
          cluster: ${{ env.ECS_CLUSTER }}
  unknown-region:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/other
          aws-region: ${{ vars.REGION }}
      - id: login-ecr
        uses: aws-actions/amazon-ecr-login@v2
      - id: build-image
        env:
          ECR_REGISTRY: ${{ steps.login-ecr.outputs.registry }}
        run: |
          docker build -t $ECR_REGISTRY/other:1 .
          docker push $ECR_REGISTRY/other:1
`

// TestECSStarterWorkflow checks that the pushed and deployed image gets
// its name from the registry output, the env context and $GITHUB_OUTPUT.
// The role publishes my-repo in the registry of its account and region,
// the image is built from the Dockerfile, and the ECS service deploys it.
// Without a known region the output is unknown, and no image is named.
func TestECSStarterWorkflow(t *testing.T) {
	const wf = ".github/workflows/aws.yml"
	res, err := parseBytes(t, testRepo, wf, []byte(ecsStarterWorkflow))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	const role = "arn:aws:iam::111122223333:role/deployer"
	const img = "pkg:docker/my-repo?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	if diff := cmp.Diff([]string{img}, targets(res, role, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from %s (-want +got):\n%s", role, diff)
	}
	if got := targets(res, role, graph.EdgeCanAccess); len(got) != 0 {
		t.Errorf("CAN_ACCESS from %s = %v, want none: the push names its image", role, got)
	}
	const dockerfile = "dockerfile:github.com/example-org/app/Dockerfile"
	if diff := cmp.Diff([]string{dockerfile}, targets(res, img, graph.EdgeDependsOn)); diff != "" {
		t.Errorf("DEPENDS_ON from %s (-want +got):\n%s", img, diff)
	}

	rt := findNode(t, res, graph.GHAJobID(testRepo, wf, "deploy"))
	want := []pkgcmd.ImageDeploy{{
		// Line 40 of the workflow is the deploy action's uses: line.
		Deploy: pkgcmd.Deploy{Service: pkgcmd.DeployECS, Name: "my-service", Region: "us-east-1",
			Account: "111122223333", As: []string{role}, Line: 40},
		Image:     "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-repo:${{ github.sha }}",
		Container: "app", Cluster: "my-cluster",
	}}
	if diff := cmp.Diff(want, pkgcmd.ImageDeploys(rt.Attr(pkgcmd.AttrImageDeploys))); diff != "" {
		t.Errorf("image deploys (-want +got):\n%s", diff)
	}

	const other = "arn:aws:iam::111122223333:role/other"
	for _, kind := range []graph.EdgeKind{graph.EdgeCanPublish, graph.EdgeCanAccess} {
		if got := targets(res, other, kind); len(got) != 0 {
			t.Errorf("%s from %s = %v, want none: the registry's region is not known", kind, other, got)
		}
	}
}

// TestECRRegistryOutput checks the registry that the registry output of
// amazon-ecr-login names in docker/build-push-action's tags: that of the
// one account of registries, or ECR Public. With several accounts the
// action sets no output, so the push is not named.
func TestECRRegistryOutput(t *testing.T) {
	const head = `on: push
permissions:
  id-token: write
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/pusher
          aws-region: eu-west-1
      - id: ecr
        uses: aws-actions/amazon-ecr-login@v2
        with:
`
	const tail = `      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ${{ steps.ecr.outputs.registry }}/team/web:1
`
	const role = "arn:aws:iam::111122223333:role/pusher"
	for _, tt := range []struct {
		name, with string
		want       []string
	}{
		{"registries", "          registries: \"444455556666\"\n",
			[]string{"pkg:docker/team/web?repository_url=444455556666.dkr.ecr.eu-west-1.amazonaws.com"}},
		{"public", "          registry-type: public\n",
			[]string{"pkg:docker/team/web?repository_url=public.ecr.aws"}},
		{"several accounts", "          registries: \"444455556666,777788889999\"\n", nil},
	} {
		res, err := parseBytes(t, testRepo, ".github/workflows/push.yml", []byte(head+tt.with+tail))
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, res)
		if diff := cmp.Diff(tt.want, targets(res, role, graph.EdgeCanPublish)); diff != "" {
			t.Errorf("%s: CAN_PUBLISH from %s (-want +got):\n%s", tt.name, role, diff)
		}
	}
}

// TestRunOutputs checks the outputs that run: steps write to
// $GITHUB_OUTPUT. Values expand the step's variables, and a later write of
// a name replaces an earlier one. Writes to $GITHUB_ENV are not outputs,
// and the outputs of a PowerShell step are not read.
func TestRunOutputs(t *testing.T) {
	j := &job{}
	env := map[string]string{"REG": "ghcr.io/example-org", "TAG": "${{ github.sha }}"}
	j.readRunOutputs("a", "", `echo "image=$REG/app:$TAG" >> "$GITHUB_OUTPUT"
echo "NAME=app" >> $GITHUB_ENV
printf 'plain=%s\n' "$REG" >> ${GITHUB_OUTPUT}
echo "plain=second" >> $GITHUB_OUTPUT
`, env)
	j.readRunOutputs("b", "pwsh", `echo "image=ghcr.io/example-org/b:1" >> $env:GITHUB_OUTPUT`, env)
	want := map[string]map[string]string{"a": {
		"image": "ghcr.io/example-org/app:${{ github.sha }}",
		"plain": "second",
	}}
	if diff := cmp.Diff(want, j.stepOutputs); diff != "" {
		t.Errorf("step outputs (-want +got):\n%s", diff)
	}
}

// TestRunOutputsBranches checks outputs that the branches of a script
// write with different values: the value depends on what the script tests,
// so neither is recorded. A name that a branch writes only once, or with
// the value that every write gives it, keeps that value.
func TestRunOutputsBranches(t *testing.T) {
	j := &job{}
	j.readRunOutputs("s", "", `if [ "$GITHUB_REF" = refs/heads/main ]; then
  echo "stage=prod" >> "$GITHUB_OUTPUT"
else
  echo "stage=staging" >> "$GITHUB_OUTPUT"
fi
[ -n "$NIGHTLY" ] && echo "tag=nightly" >> $GITHUB_OUTPUT || echo "tag=stable" >> $GITHUB_OUTPUT
case "$GITHUB_EVENT_NAME" in
  push) echo "channel=edge" >> $GITHUB_OUTPUT ;;
  *) echo "channel=beta" >> $GITHUB_OUTPUT ;;
esac
echo "image=ghcr.io/example-org/app" >> $GITHUB_OUTPUT
[ -n "$DEBUG" ] && echo "image=ghcr.io/example-org/app" >> $GITHUB_OUTPUT
[ -n "$PUSH" ] && echo "push=true" >> $GITHUB_OUTPUT
echo "seq=first" >> $GITHUB_OUTPUT
echo "seq=second" >> $GITHUB_OUTPUT
`, map[string]string{})
	want := map[string]map[string]string{"s": {
		"image": "ghcr.io/example-org/app",
		"push":  "true",
		"seq":   "second",
	}}
	if diff := cmp.Diff(want, j.stepOutputs); diff != "" {
		t.Errorf("step outputs (-want +got):\n%s", diff)
	}
}

// TestResolveInput checks which expressions of an input are replaced:
// recorded outputs and plain variables. A variable or output that reads
// a secret, an unknown output, and an unset or empty variable are kept.
func TestResolveInput(t *testing.T) {
	j := &job{}
	j.setStepOutput("login", "registry", "111122223333.dkr.ecr.us-east-1.amazonaws.com")
	j.setStepOutput("login", "password", "${{ secrets.ECR_PASSWORD }}")
	env := map[string]string{
		"REPO":     "my-repo",
		"PASSWORD": "${{ secrets.REGISTRY_PASSWORD }}",
		"EMPTY":    "",
	}
	for _, tt := range []struct{ in, want string }{
		{"${{ steps.login.outputs.registry }}/${{env.REPO}}:1", "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-repo:1"},
		{"${{ steps.login.outputs.password }}", "${{ steps.login.outputs.password }}"},
		{"${{ steps.other.outputs.registry }}", "${{ steps.other.outputs.registry }}"},
		{"${{ env.PASSWORD }}", "${{ env.PASSWORD }}"},
		{"${{ env.EMPTY }}-${{ env.UNSET }}", "${{ env.EMPTY }}-${{ env.UNSET }}"},
	} {
		if got := j.resolveInput(tt.in, env); got != tt.want {
			t.Errorf("resolveInput(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
