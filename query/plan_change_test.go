package query

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestPlanChecksFunctionItCanChange(t *testing.T) {
	// The compromised job reads a key of user ci, which may update the
	// code of function worker. The compromised code never ran in worker,
	// so the plan checks whether worker changed instead of taking it out
	// of service, and contains the job where the code ran.
	const (
		job = "runtime:gha:o/a/.github/workflows/ci.yml#build"
		key = "secret:gha:o/a/AWS_KEY"
		ci  = "arn:aws:iam::111122223333:user/ci"
		arn = "arn:aws:lambda:eu-west-1:111122223333:function:worker"
		fn  = "runtime:aws:lambda:" + arn
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(key, "type", "actions-secret", "name", "AWS_KEY", "repository", "o/a", "long_lived", "true").
		node(ci, "type", "user", "name", "ci", "account", "111122223333").
		node(fn, "type", "lambda", "arn", arn, "name", "worker").
		edge(job, graph.EdgeExposes, key).
		edge(key, graph.EdgeAuthenticatesAs, ci).
		edge(ci, graph.EdgeCanModify, fn).
		store(t)
	since := time.Date(2026, 11, 30, 9, 15, 0, 0, time.UTC)
	plan := planFrom(t, s, job, Options{Since: since})

	first := plan.Steps[0]
	var kinds []string
	for _, it := range first.Items {
		kinds = append(kinds, it.Kind+" "+it.Node.ID)
	}
	if want := []string{"contain " + job, "check " + fn}; !slices.Equal(kinds, want) {
		t.Fatalf("first step %v, want %v", kinds, want)
	}
	if !strings.Contains(first.Why, "contain each one that changed since the compromise before any credential is replaced") {
		t.Errorf("first step's why %q does not say when to contain a changed runtime", first.Why)
	}
	it := planItem(t, plan, fn)
	want := "aws lambda get-function-configuration --function-name " + arn + " --region eu-west-1 --query '[LastModified,CodeSha256]' --output text"
	if it.Command != want || it.Verify != want {
		t.Errorf("command %q, verify %q, want both %q", it.Command, it.Verify, want)
	}
	for _, part := range []string{
		"Check whether its code or configuration changed since the compromise",
		"user/ci can change it",
		"If it did, set the function's reserved concurrency to 0",
	} {
		if !strings.Contains(it.Action, part) {
			t.Errorf("action %q lacks %q", it.Action, part)
		}
	}
	// The key that can change worker is still revoked, in a later step.
	if k := planItem(t, plan, key); k.Kind != "revoke" && k.Kind != "rotate" {
		t.Errorf("key item kind %q, want revoke or rotate", k.Kind)
	}
}

func TestPlanChecksPushableRepository(t *testing.T) {
	// The compromised job holds a token that can push to o/b. Both jobs of
	// o/b's deploy workflow are reached through that push, not through
	// code that ran there: one item lists the pushes to o/b since the
	// compromise, and the step is a check, not a containment.
	const (
		start   = "secret:gha:o/a/PUSH_PAT"
		pusher  = "github:user:pusher"
		repo    = "repo:github.com/o/b"
		build   = "runtime:gha:o/b/.github/workflows/deploy.yml#build"
		release = "runtime:gha:o/b/.github/workflows/deploy.yml#release"
	)
	s := newG().
		node(start, "type", "actions-secret", "name", "PUSH_PAT", "repository", "o/a", "long_lived", "true").
		node(build, "type", "gha-job", "workflow", ".github/workflows/deploy.yml", "repository", "o/b").
		node(release, "type", "gha-job", "workflow", ".github/workflows/deploy.yml", "repository", "o/b").
		edge(start, graph.EdgeAuthenticatesAs, pusher).
		edge(pusher, graph.EdgeCanModify, repo).
		edge(repo, graph.EdgeDefines, build).
		edge(repo, graph.EdgeDefines, release).
		store(t)
	plan := planFrom(t, s, start, Options{Since: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)})

	first := plan.Steps[0]
	if first.Title != "Check the runtimes that the attacker could change" {
		t.Errorf("first step %q", first.Title)
	}
	if len(first.Items) != 1 {
		t.Fatalf("first step has %d items, want 1 for the repository: %+v", len(first.Items), first.Items)
	}
	it := first.Items[0]
	if it.Kind != "check" || !slices.Equal(it.IDs(), []string{build, release}) && !slices.Equal(it.IDs(), []string{release, build}) {
		t.Errorf("item %s %v, want check of both jobs", it.Kind, it.IDs())
	}
	want := `gh api --paginate repos/o/b/activity --jq '.[] | select(.timestamp[0:19] >= "2026-12-01T06:00:00") | [.timestamp, .activity_type, .ref, .actor.login] | @tsv'`
	if it.Command != want {
		t.Errorf("command\n%s\nwant\n%s", it.Command, want)
	}
	if !strings.Contains(it.Action, "Check whether repository o/b changed since the compromise: github:user:pusher can push to it") ||
		!strings.Contains(it.Action, "If it did, turn off GitHub Actions for it until the pushes you did not make are reverted") {
		t.Errorf("action %q", it.Action)
	}
}

func TestPlanContainsPushableImageTag(t *testing.T) {
	// A push moves a tag at once, so a workload that runs a tag the
	// attacker can push is contained as before, not merely checked.
	const (
		start = "secret:gha:o/a/REGISTRY_TOKEN"
		pub   = "github:user:publisher"
		name  = "pkg:docker/ghcr.io/o/app"
		tag   = "pkg:docker/ghcr.io/o/app@1.2"
		pod   = "runtime:k8s:prod/Deployment/app"
	)
	s := newG().
		node(start, "type", "actions-secret", "name", "REGISTRY_TOKEN", "repository", "o/a", "long_lived", "true").
		node(pod, "type", "k8s-workload", "kind", "Deployment", "namespace", "prod", "name", "app").
		edge(start, graph.EdgeAuthenticatesAs, pub).
		edge(pub, graph.EdgeCanPublish, name).
		edge(tag, graph.EdgeVersionOf, name).
		edge(pod, graph.EdgeExecutes, tag).
		store(t)
	plan := planFrom(t, s, start, Options{})
	if it := planItem(t, plan, pod); it.Kind != "contain" {
		t.Errorf("workload item kind %q, want contain", it.Kind)
	}
}

func TestPlanContainLambdaNamesRegion(t *testing.T) {
	// The function's ARN names its region, which the command passes on so
	// that the call does not go to the shell's default region.
	const (
		pkg = "pkg:npm/bad@1.0.0"
		arn = "arn:aws:lambda:ap-southeast-2:111122223333:function:resize"
		fn  = "runtime:aws:lambda:" + arn
	)
	s := newG().
		node(fn, "type", "lambda", "arn", arn).
		edge(fn, graph.EdgeExecutes, pkg).
		store(t)
	it := planItem(t, planFrom(t, s, pkg, Options{}), fn)
	want := "aws lambda put-function-concurrency --function-name " + arn + " --reserved-concurrent-executions 0 --region ap-southeast-2"
	if it.Kind != "contain" || it.Command != want {
		t.Errorf("%s %q, want contain %q", it.Kind, it.Command, want)
	}
}

func TestPlanContainLambdaWithoutAccount(t *testing.T) {
	// Terraform without the account gives an ARN whose account field is
	// empty, which Lambda rejects as a function name. The function's
	// name and the ARN's region name it instead.
	const (
		pkg = "pkg:npm/bad@1.0.0"
		arn = "arn:aws:lambda:eu-west-1::function:api"
		fn  = "runtime:aws:lambda:" + arn
	)
	s := newG().
		node(fn, "type", "lambda", "arn", arn).
		edge(fn, graph.EdgeExecutes, pkg).
		store(t)
	it := planItem(t, planFrom(t, s, pkg, Options{}), fn)
	want := "aws lambda put-function-concurrency --function-name api --reserved-concurrent-executions 0 --region eu-west-1"
	if it.Kind != "contain" || it.Command != want {
		t.Errorf("%s %q, want contain %q", it.Kind, it.Command, want)
	}
}

func TestPlanContainsFunctionRunningPackage(t *testing.T) {
	// Function worker possibly loads the compromised package, since the
	// job deployed a folder whose lockfile is the one above it. The job's
	// key can certainly update worker, so the walk's surest path to worker
	// is that change. The code may have run in worker all the same, so the
	// plan contains it instead of checking it for a change.
	const (
		pkg = "pkg:npm/bad@1.0.0"
		job = "runtime:gha:o/a/.github/workflows/deploy.yml#deploy"
		key = "secret:gha:o/a/AWS_KEY"
		ci  = "arn:aws:iam::111122223333:user/ci"
		arn = "arn:aws:lambda:eu-west-1:111122223333:function:worker"
		fn  = "runtime:aws:lambda:" + arn
	)
	s := newG().
		node(pkg).
		node(job, "type", "gha-job", "workflow", ".github/workflows/deploy.yml", "repository", "o/a").
		node(key, "type", "actions-secret", "name", "AWS_KEY", "repository", "o/a", "long_lived", "true").
		node(ci, "type", "user", "name", "ci", "account", "111122223333").
		node(fn, "type", "lambda", "arn", arn, "name", "worker").
		edge(job, graph.EdgeExecutes, pkg).
		edge(fn, graph.EdgeExecutes, pkg, "possible").
		edge(job, graph.EdgeExposes, key).
		edge(key, graph.EdgeAuthenticatesAs, ci).
		edge(ci, graph.EdgeCanModify, fn).
		store(t)
	plan := planFrom(t, s, pkg, Options{})
	if it := planItem(t, plan, fn); it.Kind != "contain" {
		t.Errorf("worker's item is %q (%s), want contain: the package may run in it", it.Kind, it.Action)
	}
}

func TestPlanChecksWorkloadChangeTimes(t *testing.T) {
	// A service account token of the radius can patch Deployment prod/api.
	// Rollout history shows no times, so the check lists the time of each
	// field manager's last change, which kubectl prints with jsonpath.
	const (
		job = "runtime:gha:o/a/.github/workflows/ci.yml#build"
		key = "secret:gha:o/a/KUBECONFIG"
		sa  = "k8s:sa:prod/deployer"
		wl  = "k8s:workload:prod/Deployment/api"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(key, "type", "actions-secret", "name", "KUBECONFIG", "repository", "o/a", "long_lived", "true").
		node(sa, "type", "k8s-service-account", "name", "deployer", "namespace", "prod").
		node(wl, "type", "k8s-workload", "kind", "Deployment", "namespace", "prod", "name", "api").
		edge(job, graph.EdgeExposes, key).
		edge(key, graph.EdgeAuthenticatesAs, sa).
		edge(sa, graph.EdgeCanModify, wl).
		store(t)
	it := planItem(t, planFrom(t, s, job, Options{}), wl)
	want := `kubectl get deployment/api --namespace=prod -o 'jsonpath={range .metadata.managedFields[*]}{.time}{"\t"}{.manager}{"\t"}{.operation}{"\t"}{.subresource}{"\n"}{end}'`
	if it.Kind != "check" || it.Command != want {
		t.Errorf("%s %q, want check %q", it.Kind, it.Command, want)
	}
}

func TestPlanChecksCloudRunRevisions(t *testing.T) {
	// A service account of the radius deploys Cloud Run service api. Each
	// deploy of an image or a configuration makes a new revision, so the
	// check lists the service's revisions with the time each was made.
	const (
		job = "runtime:gha:o/a/.github/workflows/ci.yml#build"
		key = "secret:gha:o/a/GCP_KEY"
		sa  = "gcp:sa:deployer@p.iam.gserviceaccount.com"
		run = "runtime:gcp:run:p/europe-west1/api"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(key, "type", "actions-secret", "name", "GCP_KEY", "repository", "o/a", "long_lived", "true").
		node(sa, "type", "service-account", "email", "deployer@p.iam.gserviceaccount.com").
		node(run, "provider", "gcp", "type", "cloud-run-service", "project", "p", "location", "europe-west1", "name", "api").
		edge(job, graph.EdgeExposes, key).
		edge(key, graph.EdgeAuthenticatesAs, sa).
		edge(sa, graph.EdgeCanModify, run).
		store(t)
	it := planItem(t, planFrom(t, s, job, Options{}), run)
	want := "gcloud run revisions list --service api --region europe-west1 --project p --format 'value(metadata.name,metadata.creationTimestamp)'"
	if it.Kind != "check" || it.Command != want || it.Verify != want {
		t.Errorf("%s %q, verify %q, want check %q", it.Kind, it.Command, it.Verify, want)
	}
}

func TestResultMarksTakenOverRuntimes(t *testing.T) {
	// Worker is reached only because the job's key can update its code:
	// taken over. Runner also runs the package itself, possibly, though the
	// surer path kept for it is the same change: not taken over.
	const (
		pkg    = "pkg:npm/bad@1.0.0"
		job    = "runtime:gha:o/a/.github/workflows/deploy.yml#deploy"
		key    = "secret:gha:o/a/AWS_KEY"
		ci     = "arn:aws:iam::111122223333:user/ci"
		worker = "runtime:aws:lambda:arn:aws:lambda:eu-west-1:111122223333:function:worker"
		runner = "runtime:aws:lambda:arn:aws:lambda:eu-west-1:111122223333:function:runner"
	)
	s := newG().
		node(pkg).
		node(job, "type", "gha-job", "workflow", ".github/workflows/deploy.yml", "repository", "o/a").
		node(key, "type", "actions-secret", "name", "AWS_KEY", "repository", "o/a", "long_lived", "true").
		node(ci, "type", "user", "name", "ci", "account", "111122223333").
		node(worker, "type", "lambda").
		node(runner, "type", "lambda").
		edge(job, graph.EdgeExecutes, pkg).
		edge(runner, graph.EdgeExecutes, pkg, "possible").
		edge(job, graph.EdgeExposes, key).
		edge(key, graph.EdgeAuthenticatesAs, ci).
		edge(ci, graph.EdgeCanModify, worker).
		edge(ci, graph.EdgeCanModify, runner).
		store(t)
	for _, st := range []graph.Store{s, generic{s}} {
		res := blast(t, st, pkg, Options{})
		for id, want := range map[string]bool{job: false, worker: true, runner: false} {
			x := res.Get(id)
			if x == nil {
				t.Fatalf("%T: %s is not reached", st, id)
			}
			if x.TakenOver != want {
				t.Errorf("%T: %s taken over %v, want %v", st, id, x.TakenOver, want)
			}
		}
	}
}

func TestPlanCheckRepeatsWithoutCommand(t *testing.T) {
	// No command lists an ECS task's changes, so the action itself requests
	// the second check. A Lambda function's item leaves that to its verify
	// line.
	const (
		start = "secret:gha:o/a/AWS_KEY"
		ci    = "arn:aws:iam::111122223333:user/ci"
		task  = "runtime:aws:ecs-task:app"
		arn   = "arn:aws:lambda:eu-west-1:111122223333:function:worker"
		fn    = "runtime:aws:lambda:" + arn
	)
	s := newG().
		node(start, "type", "actions-secret", "name", "AWS_KEY", "repository", "o/a", "long_lived", "true").
		node(task, "type", "ecs-task").
		node(fn, "type", "lambda", "arn", arn).
		edge(start, graph.EdgeAuthenticatesAs, ci).
		edge(ci, graph.EdgeCanModify, task).
		edge(ci, graph.EdgeCanModify, fn).
		store(t)
	plan := planFrom(t, s, start, Options{})
	const again = "Check again once the credentials that can change it are revoked"
	if it := planItem(t, plan, task); it.Command != "" || !strings.HasSuffix(it.Action, again) {
		t.Errorf("task item: command %q, action %q, want no command and an action ending %q", it.Command, it.Action, again)
	}
	if it := planItem(t, plan, fn); it.Verify == "" || strings.Contains(it.Action, again) {
		t.Errorf("function item: verify %q, action %q, want a verify and no second check in the action", it.Verify, it.Action)
	}
}

func TestPlanContainsImageBuildByItsWorkflow(t *testing.T) {
	// The package runs in a job and in that job's image build: one item
	// disables the workflow, and its action names the job and the build
	// once each.
	const (
		pkg   = "pkg:npm/bad@1.0.0"
		job   = "runtime:gha:o/a/.github/workflows/image.yml#image"
		build = job + "/build@9"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/image.yml", "repository", "o/a").
		node(build, "type", graph.RuntimeImageBuild, graph.AttrJobType, "gha-job", "workflow", ".github/workflows/image.yml", "repository", "o/a").
		edge(job, graph.EdgeExecutes, pkg).
		edge(build, graph.EdgeExecutes, pkg).
		store(t)
	plan := planFrom(t, s, pkg, Options{})
	if n := len(plan.Steps[0].Items); n != 1 {
		t.Fatalf("first step has %d items, want 1: %+v", n, plan.Steps[0].Items)
	}
	it := plan.Steps[0].Items[0]
	want := "Disable the workflow that runs " + job + " and the " + build + " and cancel"
	if !strings.HasPrefix(it.Action, want) && !strings.HasPrefix(it.Action, "Disable the workflow that runs the "+build+" and "+job+" and cancel") {
		t.Errorf("action %q, want it to name the job and the build once each", it.Action)
	}
}

func TestPlanRebuildsImageThatContainsPackage(t *testing.T) {
	// The Dockerfile of ghcr.io/o/api installs the package, and a
	// Deployment runs a tag of the image. The plan contains the workload
	// and then rebuilds the image; an image that only a credential can
	// push (web) is no image to rebuild.
	const (
		pkg    = "pkg:npm/bad@1.0.0"
		df     = "dockerfile:github.com/o/api/Dockerfile"
		api    = "pkg:docker/ghcr.io/o/api"
		apiTag = "pkg:docker/ghcr.io/o/api@1.4"
		deploy = "runtime:k8s:prod/Deployment/api"
		key    = "secret:k8s:prod/registry"
		pusher = "github:user:pusher"
		web    = "pkg:docker/ghcr.io/o/web"
	)
	s := newG().
		node(api, "ecosystem", "docker", "name", "ghcr.io/o/api").
		node(web, "ecosystem", "docker", "name", "ghcr.io/o/web").
		node(deploy, "type", "k8s-workload", "kind", "Deployment", "namespace", "prod", "name", "api").
		edge(df, graph.EdgeDependsOn, pkg).
		edge(api, graph.EdgeDependsOn, df).
		edge(apiTag, graph.EdgeVersionOf, api).
		edge(deploy, graph.EdgeExecutes, apiTag).
		edge(deploy, graph.EdgeExposes, key).
		edge(key, graph.EdgeAuthenticatesAs, pusher).
		edge(pusher, graph.EdgeCanPublish, web).
		store(t)
	plan := planFrom(t, s, pkg, Options{})
	var rebuilt []string
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Kind == "rebuild" {
				rebuilt = append(rebuilt, it.Node.ID)
				if it.Command != "crane ls ghcr.io/o/api" {
					t.Errorf("rebuild command %q, want crane ls ghcr.io/o/api", it.Command)
				}
			}
		}
	}
	if !slices.Equal(rebuilt, []string{api}) {
		t.Errorf("images to rebuild %v, want [%s]", rebuilt, api)
	}
	if plan.Steps[0].Items[0].Node.ID != deploy || plan.Steps[1].Title != "Rebuild the images that contain the compromised code" {
		t.Errorf("steps %q then %q, want the workload contained first and the image rebuilt next", plan.Steps[0].Title, plan.Steps[1].Title)
	}
}

func TestPlanDisablesStartServiceAccount(t *testing.T) {
	// The compromised service account reads a bucket. The attacker holds
	// the account itself, through keys the input may not show, so the
	// plan disables it and deletes every user-managed key.
	const (
		sa     = "gcp:sa:ci@p.iam.gserviceaccount.com"
		bucket = "gcp:storage:data"
	)
	s := newG().
		node(sa, "type", "service-account").
		edge(sa, graph.EdgeCanAccess, bucket, "level=read").
		store(t)
	it := planItem(t, planFrom(t, s, sa, Options{}), sa)
	want := "gcloud iam service-accounts disable ci@p.iam.gserviceaccount.com; " +
		"gcloud iam service-accounts keys list --iam-account ci@p.iam.gserviceaccount.com --managed-by user; " +
		"gcloud iam service-accounts keys delete '<key id>' --iam-account ci@p.iam.gserviceaccount.com"
	if it.Command != want {
		t.Errorf("command\n%s\nwant\n%s", it.Command, want)
	}
	if !strings.Contains(it.Action, "including those the input does not show") {
		t.Errorf("action %q does not ask for the keys the input does not show", it.Action)
	}
}

func TestPlanContainFleetAndNodeGroup(t *testing.T) {
	// An autoscaling group whose instances run the package stops
	// launching more in its region. A node group's nodes are cordoned by
	// the label EKS gives each node of a managed group.
	const (
		pkg   = "pkg:npm/bad@1.0.0"
		fleet = "runtime:aws:ec2:111122223333:aws_autoscaling_group.api"
		nodes = "runtime:aws:ec2:111122223333:aws_eks_node_group.general"
	)
	s := newG().
		node(fleet, "type", "ec2-fleet", "name", "api-fleet", "region", "eu-west-1").
		node(nodes, "type", "eks-node-group", "name", "general").
		edge(fleet, graph.EdgeExecutes, pkg).
		edge(nodes, graph.EdgeExecutes, pkg).
		store(t)
	plan := planFrom(t, s, pkg, Options{})
	for id, want := range map[string]string{
		fleet: "aws autoscaling suspend-processes --auto-scaling-group-name api-fleet --scaling-processes Launch --region eu-west-1",
		nodes: "kubectl cordon -l eks.amazonaws.com/nodegroup=general",
	} {
		if it := planItem(t, plan, id); it.Kind != "contain" || it.Command != want {
			t.Errorf("%s: %s %q, want contain %q", id, it.Kind, it.Command, want)
		}
	}
}

func TestPlanUnresolvedRoleNameIsPlaceholder(t *testing.T) {
	// A role whose name CloudFormation generates is read as ${LogicalId}:
	// the command names a placeholder to fill in, not that text.
	const (
		pkg   = "pkg:npm/bad@1.0.0"
		fn    = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:orders"
		creds = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:orders"
		role  = "arn:aws:iam::111122223333:role/${OrdersFunctionRole}"
	)
	s := newG().
		node(fn, "type", "lambda").
		node(creds, "type", "role-credentials").
		node(role, "type", "role").
		edge(fn, graph.EdgeExecutes, pkg).
		edge(fn, graph.EdgeExposes, creds).
		edge(creds, graph.EdgeAuthenticatesAs, role).
		store(t)
	it := planItem(t, planFrom(t, s, pkg, Options{}), creds)
	if !strings.Contains(it.Command, "--role-name '<deployed name of ${OrdersFunctionRole}>'") {
		t.Errorf("command %q, want the role name as a placeholder", it.Command)
	}
}

func TestPlanUnresolvedRoleVerifyPlaceholder(t *testing.T) {
	// CloudTrail records the deployed role's ARN, never ${LogicalId}: the
	// log query names the role's ARN with the same placeholder as the
	// command, and looks for no resource named the unresolved text.
	const (
		pkg   = "pkg:npm/bad@1.0.0"
		fn    = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:orders"
		creds = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:orders"
		role  = "arn:aws:iam::111122223333:role/${OrdersFunctionRole}"
	)
	s := newG().
		node(fn, "type", "lambda").
		node(creds, "type", "role-credentials").
		node(role, "type", "role").
		edge(fn, graph.EdgeExecutes, pkg).
		edge(fn, graph.EdgeExposes, creds).
		edge(creds, graph.EdgeAuthenticatesAs, role).
		store(t)
	it := planItem(t, planFrom(t, s, pkg, Options{}), creds)
	want := `AttributeValue="arn:aws:iam::111122223333:role/<deployed name of ${OrdersFunctionRole}>"`
	if !strings.Contains(it.Verify, want) {
		t.Errorf("verify %q, want it to contain %q", it.Verify, want)
	}
	if strings.Contains(it.Verify, "role/${") {
		t.Errorf("verify %q looks up the unresolved name", it.Verify)
	}
}

func TestPlanContainFleetNamedByPrefix(t *testing.T) {
	// Terraform appends a unique suffix to a name_prefix, so the
	// commands cannot name the group or label the nodes by the prefix.
	const (
		pkg   = "pkg:npm/bad@1.0.0"
		fleet = "runtime:aws:ec2:111122223333:aws_autoscaling_group.api"
		nodes = "runtime:aws:ec2:111122223333:aws_eks_node_group.spot"
	)
	s := newG().
		node(fleet, "type", "ec2-fleet", "name_prefix", "api-", "region", "eu-west-1").
		node(nodes, "type", "eks-node-group", "name_prefix", "spot-").
		edge(fleet, graph.EdgeExecutes, pkg).
		edge(nodes, graph.EdgeExecutes, pkg).
		store(t)
	plan := planFrom(t, s, pkg, Options{})
	for id, want := range map[string]string{
		fleet: "aws autoscaling suspend-processes --auto-scaling-group-name '<group name starting with api->' --scaling-processes Launch --region eu-west-1",
		nodes: "kubectl cordon -l 'eks.amazonaws.com/nodegroup=<node group name starting with spot->'",
	} {
		if it := planItem(t, plan, id); it.Command != want {
			t.Errorf("%s: %q, want %q", id, it.Command, want)
		}
	}
}

func TestPlanCordonNamesCluster(t *testing.T) {
	// kubectl acts on the cluster of the current context, where a node
	// group of the same name may be another cluster's. Updating the
	// kubeconfig first makes the group's own cluster the current one.
	const (
		pkg   = "pkg:npm/bad@1.0.0"
		nodes = "runtime:aws:ec2:111122223333:aws_eks_node_group.general"
	)
	s := newG().
		node(nodes, "type", "eks-node-group", "name", "general", "eks_cluster", "prod", "region", "eu-west-1").
		edge(nodes, graph.EdgeExecutes, pkg).
		store(t)
	plan := planFrom(t, s, pkg, Options{})
	want := "aws eks update-kubeconfig --name prod --region eu-west-1 && kubectl cordon -l eks.amazonaws.com/nodegroup=general"
	if it := planItem(t, plan, nodes); it.Command != want {
		t.Errorf("command %q, want %q", it.Command, want)
	}
}

func TestPlanRoleWithoutAccountVerifyPlaceholder(t *testing.T) {
	// No input names the role's account, so its ARN has none. CloudTrail
	// writes the account into every ARN, so the check names a placeholder
	// for it instead of an ARN that matches no event.
	const (
		pkg   = "pkg:npm/bad@1.0.0"
		fn    = "runtime:aws:lambda:arn:aws:lambda:us-east-1::function:orders"
		creds = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1::function:orders"
		role  = "arn:aws:iam:::role/orders"
	)
	s := newG().
		node(fn, "type", "lambda").
		node(creds, "type", "role-credentials").
		node(role, "type", "role").
		edge(fn, graph.EdgeExecutes, pkg).
		edge(fn, graph.EdgeExposes, creds).
		edge(creds, graph.EdgeAuthenticatesAs, role).
		store(t)
	it := planItem(t, planFrom(t, s, pkg, Options{}), creds)
	if !strings.Contains(it.Verify, "arn:aws:iam::<account id>:role/orders") {
		t.Errorf("verify %q, want the account as a placeholder", it.Verify)
	}
	if strings.Contains(it.Verify, "arn:aws:iam:::role/orders") {
		t.Errorf("verify %q still names the ARN without its account", it.Verify)
	}
}

func TestPlanChecksProjectOfStatedWriter(t *testing.T) {
	// A mapping file states that the vault's token acts as identity
	// gitlab:pat:release-bot, whose id names no kind, and that it can push
	// to GitLab project o/b. Job test of o/b is reached through that push,
	// so the plan checks the project's pushes since the compromise and
	// does not take its CI/CD out of service.
	const (
		start = "secret:vault:release-bot"
		bot   = "gitlab:pat:release-bot"
		repo  = "repo:gitlab.com/o/b"
		job   = "runtime:gitlab:o/b/.gitlab-ci.yml#test"
	)
	b := newG().
		node(start, "type", "token", "long_lived", "true").
		node(job, "type", "gitlab-job", "repository", "o/b").
		edge(start, graph.EdgeAuthenticatesAs, bot).
		edge(bot, graph.EdgeCanModify, repo).
		edge(repo, graph.EdgeDefines, job)
	b.nodes[bot] = graph.Node{ID: bot, Kind: graph.NodeIdentity, Label: "release bot", Pos: graph.Pos{File: "blastradius-map.yaml"}}
	s := b.store(t)
	plan := planFrom(t, s, start, Options{Since: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)})

	it := planItem(t, plan, job)
	if it.Kind != "check" {
		t.Errorf("item kind %q, want check", it.Kind)
	}
	want := `glab api --hostname gitlab.com --paginate 'projects/o%2Fb/events?action=pushed' | jq -r '.[] | select(.created_at[0:19] >= "2026-12-01T06:00:00") | [.created_at, .author.username, .push_data.ref] | @tsv'`
	if it.Command != want {
		t.Errorf("command\n%s\nwant\n%s", it.Command, want)
	}
}
