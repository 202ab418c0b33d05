package pkgcmd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestImageDeploys reads the commands that make a function, service or
// workload run an image, and those that look alike but deploy a folder,
// nothing, or workloads the words do not name.
func TestImageDeploys(t *testing.T) {
	const ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com/api"
	const artifact = "europe-west1-docker.pkg.dev/p/r/api"
	lambda := func(name, region, account, img string) ImageDeploy {
		return ImageDeploy{Deploy: Deploy{Service: DeployLambda, Name: name, Region: region, Account: account}, Image: img}
	}
	run := func(name, region, project, img string) ImageDeploy {
		return ImageDeploy{Deploy: Deploy{Service: DeployRun, Name: name, Region: region, Project: project}, Image: img}
	}
	runJob := func(name, region, project, img string) ImageDeploy {
		return ImageDeploy{Deploy: Deploy{Service: DeployRunJob, Name: name, Region: region, Project: project}, Image: img}
	}
	k8s := func(kind, name, ns, container, img string) ImageDeploy {
		return ImageDeploy{Deploy: Deploy{Service: DeployKubernetes, Name: name}, Kind: kind, Namespace: ns, Container: container, Image: img}
	}
	tests := []struct {
		cmd  string
		env  Env
		want []ImageDeploy
	}{
		{"aws lambda update-function-code --function-name api --image-uri " + ecr + ":$TAG", Env{"AWS_REGION": "us-east-1"},
			[]ImageDeploy{lambda("api", "us-east-1", "", ecr+":$TAG")}},
		// A variable with a plain value is expanded, as the shell does.
		{"aws lambda update-function-code --function-name arn:aws:lambda:eu-west-1:111122223333:function:api --image-uri=" + ecr + ":$TAG",
			Env{"TAG": "v7"}, []ImageDeploy{lambda("api", "eu-west-1", "111122223333", ecr+":v7")}},
		{"aws lambda create-function --function-name api --package-type Image --code ImageUri=" + ecr + ":1 --role r", nil,
			[]ImageDeploy{lambda("api", "", "", ecr+":1")}},
		{"aws lambda update-function-code --function-name api --image-uri " + ecr + ":1 --dry-run", nil, nil},
		{"aws lambda update-function-code --function-name api --zip-file fileb://a.zip", nil, nil},

		{"gcloud run deploy api --image " + artifact + ":${{github.sha}} --region europe-west1", Env{"CLOUDSDK_CORE_PROJECT": "p"},
			[]ImageDeploy{run("api", "europe-west1", "p", artifact+":${{github.sha}}")}},
		{"gcloud beta run services update projects/p/locations/us-east1/services/api --image=" + artifact + "@sha256:abc", nil,
			[]ImageDeploy{run("api", "us-east1", "p", artifact+"@sha256:abc")}},
		{"gcloud run deploy api --image " + artifact + ":1", Env{"CLOUDSDK_RUN_REGION": "asia-east1"},
			[]ImageDeploy{run("api", "asia-east1", "", artifact+":1")}},
		{"gcloud run deploy api --source .", nil, nil},
		{"gcloud run deploy api --image " + artifact + ":1 --platform gke --cluster c", nil, nil},
		// A variable that holds the image's registry and path is
		// expanded; one that holds a URL or a credential is not.
		{"gcloud run deploy api --image $IMAGE:$SHA --region europe-west1", Env{"IMAGE": artifact},
			[]ImageDeploy{run("api", "europe-west1", "", artifact+":$SHA")}},
		{"gcloud run deploy api --image ${REGISTRY}/api:1 --region europe-west1", Env{"REGISTRY": "europe-west1-docker.pkg.dev/p/r"},
			[]ImageDeploy{run("api", "europe-west1", "", artifact+":1")}},
		{"gcloud run deploy api --image $IMAGE:1 --region europe-west1", Env{"IMAGE": "https://europe-west1-docker.pkg.dev/p/r/api"},
			[]ImageDeploy{run("api", "europe-west1", "", "$IMAGE:1")}},
		// A Cloud Run job is deployed and updated like a service.
		{"gcloud run jobs deploy nightly --image " + artifact + ":$SHA --region europe-west1 --project p", nil,
			[]ImageDeploy{runJob("nightly", "europe-west1", "p", artifact+":$SHA")}},
		{"gcloud run jobs update nightly --image=" + artifact + ":2", Env{"CLOUDSDK_RUN_REGION": "us-east1"},
			[]ImageDeploy{runJob("nightly", "us-east1", "", artifact+":2")}},
		{"gcloud run jobs execute nightly --region europe-west1", nil, nil},

		{"kubectl set image deployment/api api=ghcr.io/example-org/api:$SHA -n prod", nil,
			[]ImageDeploy{k8s("Deployment", "api", "prod", "api", "ghcr.io/example-org/api:$SHA")}},
		// TYPE NAME..., several containers, the namespace before the
		// command, and no namespace.
		{"kubectl --namespace=prod set image deploy api web app=a:1 sidecar=b:2", nil, []ImageDeploy{
			k8s("Deployment", "api", "prod", "app", "a:1"), k8s("Deployment", "api", "prod", "sidecar", "b:2"),
			k8s("Deployment", "web", "prod", "app", "a:1"), k8s("Deployment", "web", "prod", "sidecar", "b:2"),
		}},
		{"kubectl set image statefulsets.apps/db *=postgres:16 cronjob/report report=r:1", nil, []ImageDeploy{
			k8s("StatefulSet", "db", "", "*", "postgres:16"), k8s("StatefulSet", "db", "", "report", "r:1"),
			k8s("CronJob", "report", "", "*", "postgres:16"), k8s("CronJob", "report", "", "report", "r:1"),
		}},
		{"kubectl -nstaging set image ds/agent agent=a:1", nil, []ImageDeploy{k8s("DaemonSet", "agent", "staging", "agent", "a:1")}},
		{"kubectl set image deployment -l app=api api=a:1", nil, nil},
		{"kubectl set image -f api.yaml api=a:1 --local -o yaml", nil, nil},
		{"kubectl set image deployment/api api=a:1 --dry-run=client", nil, nil},
		{"kubectl set image configmap/api api=a:1", nil, nil},
		{"kubectl set env deployment/api A=1", nil, nil},
	}
	for _, tt := range tests {
		var got []ImageDeploy
		for _, e := range Effects(strings.Fields(tt.cmd), tt.env) {
			if e.ImageDeploy != nil {
				got = append(got, *e.ImageDeploy)
			}
			if e.Deploy != nil && tt.want != nil {
				t.Errorf("%s: a deploy of a folder too", tt.cmd)
			}
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

// TestImageDeployRef parses deployed images: a variable tag or digest
// leaves the image's name, a variable name nothing.
func TestImageDeployRef(t *testing.T) {
	tests := []struct {
		image, name, version string
		computed, ok         bool
	}{
		{"ghcr.io/example-org/api:1.4", "ghcr.io/example-org/api", "1.4", false, true},
		{"ghcr.io/Example-Org/api:V1", "ghcr.io/example-org/api", "V1", false, true},
		{"ghcr.io/example-org/api:$SHA", "ghcr.io/example-org/api", "latest", true, true},
		{"europe-west1-docker.pkg.dev/p/r/api:${{ github.sha }}", "europe-west1-docker.pkg.dev/p/r/api", "latest", true, true},
		{"registry:5000/api@sha256:${DIGEST}", "registry:5000/api", "latest", true, true},
		{"nginx", "nginx", "latest", false, true},
		{"${{ env.IMAGE }}:1", "", "", false, false},
		{"$REGISTRY/api:1", "", "", false, false},
	}
	for _, tt := range tests {
		ref, computed, ok := ImageDeploy{Image: tt.image}.Ref()
		if ok != tt.ok || computed != tt.computed {
			t.Errorf("%s: computed %v ok %v, want %v %v", tt.image, computed, ok, tt.computed, tt.ok)
			continue
		}
		if ok && (ref.Name() != tt.name || ref.Version() != tt.version) {
			t.Errorf("%s: %s version %s, want %s version %s", tt.image, ref.Name(), ref.Version(), tt.name, tt.version)
		}
	}
}

// TestImageDeploysAttr checks that image deploys survive the runtime
// attribute apart from the deploys of folders.
func TestImageDeploysAttr(t *testing.T) {
	ecs := ImageDeploy{Deploy: Deploy{Service: DeployECS, Name: "api", Region: "us-east-1", As: []string{"arn:aws:iam::111122223333:role/deploy,ci"}},
		Image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/api:${{ github.sha }}", Container: "app", Cluster: "prod", Family: "api"}
	k8s := ImageDeploy{Deploy: Deploy{Service: DeployKubernetes, Name: "api"}, Image: "a:1", Container: "*", Kind: "Deployment", Namespace: "prod"}
	withDir := ecs
	withDir.Dir = "services/api"
	attrs := Attrs([]Effect{
		{Deploy: &Deploy{Service: DeployRun, Name: "web"}, Dir: "web"},
		{ImageDeploy: &withDir, Dir: "services/api"},
		{ImageDeploy: &k8s, Dir: "."},
	})
	if diff := cmp.Diff(ImageDeploys(attrs[AttrImageDeploys]), []ImageDeploy{ecs, k8s}); diff != "" {
		t.Errorf("image deploys (-got +want):\n%s", diff)
	}
	if got := Deploys(attrs[AttrDeploys]); len(got) != 1 || got[0].Name != "web" {
		t.Errorf("deploys %+v, want the folder web's alone", got)
	}
}
