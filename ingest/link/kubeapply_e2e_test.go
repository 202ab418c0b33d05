package link_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// applyLock locks event-stream 3.3.6, whose install script npm ci runs.
const applyLock = `{"name": "api", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "api", "version": "1.0.0", "dependencies": {"event-stream": "3.3.6"}},
  "node_modules/event-stream": {"version": "3.3.6", "hasInstallScript": true, "resolved": "https://registry.npmjs.org/event-stream/-/event-stream-3.3.6.tgz"}
 }}`

// applyWorkflow installs the locked packages and then runs deploy, the
// command that line 16 of the file runs, with the cluster's kubeconfig
// from a secret.
func applyWorkflow(deploy string) string {
	return `name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      KUBECONFIG: ${{ github.workspace }}/kubeconfig
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - name: kubeconfig
        env:
          KUBECONFIG_DATA: ${{ secrets.KUBECONFIG }}
        run: echo "$KUBECONFIG_DATA" > kubeconfig
      - name: deploy
        run: ` + deploy + `
`
}

// applyAPI declares service account api in namespace prod, annotated with
// an IAM role for EKS, and Deployment api that runs as it and reads
// Secret api-db.
const applyAPI = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/api-irsa
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      serviceAccountName: api
      automountServiceAccountToken: false
      containers:
        - name: api
          image: ghcr.io/o/api:1.4
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
`

// applyWorker declares Deployment worker in namespace prod, which reads
// Secret worker-db. Tests put it outside k8s/ or below it.
const applyWorker = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: prod
spec:
  template:
    spec:
      automountServiceAccountToken: false
      containers:
        - name: worker
          image: ghcr.io/o/worker:1.4
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: worker-db
                  key: password
`

func applyRepos(deploy string, extra map[string]string) map[string]map[string]string {
	files := map[string]string{
		"package-lock.json":            applyLock,
		"k8s/api.yaml":                 applyAPI,
		"ops/worker.yaml":              applyWorker,
		".github/workflows/deploy.yml": applyWorkflow(deploy),
	}
	for k, v := range extra {
		files[k] = v
	}
	return map[string]map[string]string{"api": files}
}

var (
	applyJob    = graph.GHAJobID("o/api", ".github/workflows/deploy.yml", "deploy")
	applyAPIRun = graph.K8sWorkloadID("prod", "Deployment", "api")
	applyRole   = "arn:aws:iam::111122223333:role/api-irsa"
)

// A package that the deploy job installs reaches the job. Through the
// job's kubectl apply -f k8s/ it reaches the Deployment that k8s/api.yaml
// declares, its Secret, the web identity token the EKS webhook mounts and
// the IAM role of its service account, possibly, since no trust policy is
// in the input. ops/worker.yaml lies outside k8s/, so Deployment worker and its
// Secret are not reached.
func TestApplyReachesWorkload(t *testing.T) {
	repos := applyRepos("kubectl apply -f k8s/ -n prod", nil)
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "runtime:", "k8s:workload:", "secret:k8s:", "arn:aws:iam::")
	want := []string{
		applyRole + " (possible)",
		applyAPIRun + " (certain)",
		applyJob + " (certain)",
		graph.K8sIRSATokenID("prod", "api") + " (certain)",
		"secret:k8s:prod/api-db (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// The edge from the job to the workload is certain for a plain manifest,
// and its reason names the manifest, the command and the step's line.
func TestApplyEdgeReason(t *testing.T) {
	s := ingestRepos(t, applyRepos("kubectl apply -f k8s/ -n prod", nil), nil)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.From == applyJob {
			got = append(got, e.To+" "+string(e.Confidence)+" "+e.Pos.String()[strings.LastIndex(e.Pos.String(), "/")+1:]+": "+e.Attr(graph.AttrReason))
		}
	}
	want := []string{applyAPIRun + " certain deploy.yml:16: deploy / deploy applies k8s/api.yaml (kubectl apply -f k8s/ -n prod at .github/workflows/deploy.yml:16) " +
		"with the cluster credentials it holds, so code that runs in the job can change Deployment prod/api to run its own image as the workload's service account"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY from the job (-want +got):\n%s", diff)
	}
}

// kubectl -f reads a folder's own files, and with -R those below it too.
// A file named alone and a pattern the shell expands work as well. Standard input, a URL and a
// folder that the input does not show link nothing. kubectl refuses a
// manifest whose namespace differs from that of -n, so -n staging
// changes nothing that k8s/api.yaml declares.
func TestApplyPaths(t *testing.T) {
	worker := graph.K8sWorkloadID("prod", "Deployment", "worker")
	below := map[string]string{"k8s/jobs/worker.yaml": applyWorker}
	tests := []struct {
		name, deploy string
		extra        map[string]string
		want         []string
	}{
		{"folder", "kubectl apply -f k8s/", below, []string{applyAPIRun + " (certain)"}},
		{"recursive", "kubectl apply -R -f k8s/", below, []string{applyAPIRun + " (certain)", worker + " (certain)"}},
		{"file", "kubectl apply -f ops/worker.yaml", nil, []string{worker + " (certain)"}},
		{"pattern", "kubectl apply -f k8s/*.yaml", below, []string{applyAPIRun + " (certain)"}},
		{"replace", "kubectl replace -f k8s/api.yaml --namespace=prod", nil, []string{applyAPIRun + " (certain)"}},
		{"stdin", "cat k8s/api.yaml | kubectl apply -f -", nil, nil},
		{"kustomize pipe", "kustomize build k8s | kubectl apply -f -", nil, []string{applyAPIRun + " (possible)"}},
		{"kustomize envsubst pipe", "kustomize build k8s | envsubst | kubectl apply -f -", nil, []string{applyAPIRun + " (possible)"}},
		{"url", "kubectl apply -f https://example.com/api.yaml", nil, nil},
		{"unknown variable", "kubectl apply -f $MANIFESTS", nil, nil},
		{"other namespace", "kubectl apply -f k8s/ -n staging", nil, nil},
		{"dry run", "kubectl apply -f k8s/ --dry-run=server", nil, nil},
	}
	for _, tt := range tests {
		got := reachedIn(t, applyRepos(tt.deploy, tt.extra), "pkg:npm/event-stream@3.3.6", "k8s:workload:")
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", tt.name, diff)
		}
	}
}

// The step's working directory resolves the path.
func TestApplyWorkingDirectory(t *testing.T) {
	repos := applyRepos("kubectl apply -f api.yaml\n        working-directory: k8s", nil)
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:")
	if diff := cmp.Diff([]string{applyAPIRun + " (certain)"}, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// A manifest without a namespace is read in default. -n prod puts its
// workload in prod, so the job changes the workload the manifest declares
// and the one in prod that a dump of the cluster declares.
func TestApplyNamespaceUnset(t *testing.T) {
	unset := strings.ReplaceAll(applyWorker, "  namespace: prod\n", "")
	dump := strings.ReplaceAll(applyWorker, "worker-db", "worker-prod-db")
	repos := applyRepos("kubectl apply -f k8s/worker.yaml -n prod", map[string]string{"k8s/worker.yaml": unset})
	delete(repos["api"], "ops/worker.yaml")
	repos["cluster"] = map[string]string{"prod.yaml": dump}
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:", "secret:k8s:")
	want := []string{
		graph.K8sWorkloadID("default", "Deployment", "worker") + " (certain)",
		graph.K8sWorkloadID("prod", "Deployment", "worker") + " (certain)",
		"secret:k8s:default/worker-db (certain)",
		"secret:k8s:prod/worker-prod-db (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// kubectl apply -k builds the kustomization, which is not rendered: the
// workloads under its folder are possible targets.
func TestApplyKustomize(t *testing.T) {
	repos := applyRepos("kubectl apply -k ops", map[string]string{"ops/kustomization.yaml": "resources:\n  - worker.yaml\n"})
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:")
	want := []string{graph.K8sWorkloadID("prod", "Deployment", "worker") + " (possible)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// kustomize build DIR piped into kubectl apply -f - applies what the
// kustomization builds, as kubectl apply -k DIR does.
func TestApplyKustomizePipe(t *testing.T) {
	for _, deploy := range []string{"kustomize build ops | kubectl apply -f -", "kubectl kustomize ops | kubectl apply -f -"} {
		repos := applyRepos(deploy, map[string]string{"ops/kustomization.yaml": "resources:\n  - worker.yaml\n"})
		got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:")
		want := []string{graph.K8sWorkloadID("prod", "Deployment", "worker") + " (possible)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", deploy, diff)
		}
	}
}

// helm upgrade of release api links the workloads whose pod labels name
// the release in a rendered copy of the chart, possible. Without one it
// links nothing, and a warning names the job.
func TestApplyHelm(t *testing.T) {
	rendered := strings.Replace(applyAPI, "    spec:\n      serviceAccountName", "    metadata:\n      labels:\n        app.kubernetes.io/instance: api\n    spec:\n      serviceAccountName", 1)
	chart := map[string]string{"chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n"}
	withRendered := map[string]string{"rendered/api.yaml": rendered}
	for k, v := range chart {
		withRendered[k] = v
	}
	const deploy = "helm upgrade --install api ./chart -n prod"
	got := reachedIn(t, applyRepos(deploy, withRendered), "pkg:npm/event-stream@3.3.6", "k8s:workload:")
	if diff := cmp.Diff([]string{applyAPIRun + " (possible)"}, got); diff != "" {
		t.Errorf("rendered: reached (-want +got):\n%s", diff)
	}

	var logs strings.Builder
	repos := applyRepos(deploy, chart)
	s := ingestRepos(t, repos, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	res, err := query.Run(context.Background(), s, query.Start{Packages: []string{"pkg:npm/event-stream@3.3.6"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Reached {
		if strings.HasPrefix(r.Node.ID, "k8s:workload:") {
			t.Errorf("not rendered: reaches %s", r.Node.ID)
		}
	}
	if !strings.Contains(logs.String(), "Helm releases whose workloads no input shows") || !strings.Contains(logs.String(), "releases=api") {
		t.Errorf("log %q, want the warning for release api", logs.String())
	}
}

// The workload is taken over, not run: the plan checks whether it changed
// since the compromise, with the times of its field managers' changes.
func TestApplyPlanChecksWorkload(t *testing.T) {
	s := ingestRepos(t, applyRepos("kubectl apply -f k8s/ -n prod", nil), nil)
	ctx := context.Background()
	res, err := query.Run(ctx, s, query.Start{Packages: []string{"pkg:npm/event-stream@3.3.6"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Reached {
		if r.Node.ID == applyAPIRun && !r.TakenOver {
			t.Errorf("%s not taken over", applyAPIRun)
		}
	}

	plan, err := query.BuildPlan(ctx, s, res)
	if err != nil {
		t.Fatal(err)
	}
	var check *query.Item
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID == applyAPIRun {
				if it.Kind != "check" {
					t.Errorf("%s item for the workload, want check: %s", it.Kind, it.Action)
				}
				check = it
			}
		}
	}
	if check == nil {
		t.Fatal("no item for the workload")
	}

	const cmd = `kubectl get deployment/api --namespace=prod -o 'jsonpath={range .metadata.managedFields[*]}{.time}{"\t"}{.manager}{"\t"}{.operation}{"\t"}{.subresource}{"\n"}{end}'`
	if check.Command != cmd {
		t.Errorf("check command %q, want %q", check.Command, cmd)
	}
	if !strings.Contains(check.Action, "deploy / deploy applies its manifests or chart") {
		t.Errorf("check action %q, want it to name the job that applies the manifests", check.Action)
	}
}

// A GitLab job and a CircleCI job that install the locked packages and
// apply k8s/ from the folder they cd into reach the Deployment, certain.
func TestApplyGitLabCircleCI(t *testing.T) {
	for name, ci := range map[string]map[string]string{
		"gitlab": {".gitlab-ci.yml": `deploy:
  script:
    - npm ci
    - cd k8s
    - kubectl apply -f . -n prod
`},
		"circleci": {".circleci/config.yml": `version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:20.11
    steps:
      - checkout
      - run: npm ci
      - run: cd k8s && kubectl apply -f . -n prod
workflows:
  main:
    jobs:
      - deploy
`},
	} {
		repos := applyRepos("true", ci)
		delete(repos["api"], ".github/workflows/deploy.yml")
		got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:")
		if diff := cmp.Diff([]string{applyAPIRun + " (certain)"}, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", name, diff)
		}
	}
}

// Two repositories declare Deployment api in namespace prod: base, whose
// file sorts first, and web, whose deploy job applies its own copy. The
// workload is one node, and web's apply changes it, although its merged
// attributes name base's manifest.
func TestApplyWorkloadOfTwoRepositories(t *testing.T) {
	repos := map[string]map[string]string{
		"base": {"deploy/api.yaml": applyAPI},
		"web": {
			"package-lock.json":            applyLock,
			"k8s/api.yaml":                 applyAPI,
			".github/workflows/deploy.yml": applyWorkflow("kubectl apply -f k8s/"),
		},
	}
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:", "secret:k8s:")
	want := []string{
		applyAPIRun + " (certain)",
		graph.K8sIRSATokenID("prod", "api") + " (certain)",
		"secret:k8s:prod/api-db (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}
