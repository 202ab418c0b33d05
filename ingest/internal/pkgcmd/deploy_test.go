package pkgcmd

import (
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDeploys reads the commands that deploy a folder to a function or a
// service, and those that look alike but deploy an image or nothing.
func TestDeploys(t *testing.T) {
	type want struct {
		Deploy
		Dir string // the Effect's folder, relative to the command's
	}
	tests := []struct {
		cmd  string
		env  Env
		want *want
	}{
		{"aws lambda update-function-code --function-name api --zip-file fileb://api.zip", nil,
			&want{Deploy: Deploy{Service: DeployLambda, Name: "api", ZipFile: "api.zip", Guessed: true}}},
		// --region wins over the environment, and AWS_REGION over
		// AWS_DEFAULT_REGION.
		{"aws --region eu-west-1 lambda update-function-code --function-name api --zip-file fileb://a.zip",
			Env{"AWS_REGION": "us-east-1"}, &want{Deploy: Deploy{Service: DeployLambda, Name: "api", Region: "eu-west-1", ZipFile: "a.zip", Guessed: true}}},
		{"aws lambda update-function-code --function-name=api --zip-file fileb://a.zip",
			Env{"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-west-2"},
			&want{Deploy: Deploy{Service: DeployLambda, Name: "api", Region: "us-east-1", ZipFile: "a.zip", Guessed: true}}},
		{"aws lambda update-function-code --function-name api --zip-file fileb://a.zip",
			Env{"AWS_DEFAULT_REGION": "us-west-2"}, &want{Deploy: Deploy{Service: DeployLambda, Name: "api", Region: "us-west-2", ZipFile: "a.zip", Guessed: true}}},
		// A computed region is not known.
		{"aws lambda update-function-code --function-name api --zip-file fileb://a.zip",
			Env{"AWS_REGION": "${{ vars.REGION }}"}, &want{Deploy: Deploy{Service: DeployLambda, Name: "api", ZipFile: "a.zip", Guessed: true}}},
		// An ARN, with an alias, and a partial ARN give the account.
		{"aws lambda update-function-code --function-name arn:aws:lambda:eu-central-1:111122223333:function:report:live --zip-file fileb://r.zip", nil,
			&want{Deploy: Deploy{Service: DeployLambda, Name: "report", Region: "eu-central-1", Account: "111122223333", ZipFile: "r.zip", Guessed: true}}},
		{"aws lambda update-function-code --function-name 111122223333:function:report --s3-bucket b --s3-key k", nil,
			&want{Deploy: Deploy{Service: DeployLambda, Name: "report", Account: "111122223333", Guessed: true}}},
		{"aws lambda create-function --function-name api --runtime nodejs20.x --role arn:aws:iam::111122223333:role/r --handler index.h --zip-file fileb://a.zip", nil,
			&want{Deploy: Deploy{Service: DeployLambda, Name: "api", ZipFile: "a.zip", Guessed: true}}},
		// env -C moves the command, and with it the folder deployed.
		{"env -C services/api aws lambda update-function-code --function-name api --zip-file fileb://a.zip", nil,
			&want{Deploy: Deploy{Service: DeployLambda, Name: "api", ZipFile: "a.zip", Guessed: true}, Dir: "services/api"}},
		// Images, dry runs and other commands deploy no folder.
		{"aws lambda update-function-code --function-name api --image-uri 111122223333.dkr.ecr.us-east-1.amazonaws.com/api:1", nil, nil},
		{"aws lambda create-function --function-name api --package-type Image --code ImageUri=x --role r", nil, nil},
		{"aws lambda update-function-code --function-name api --zip-file fileb://a.zip --dry-run", nil, nil},
		{"aws lambda update-function-configuration --function-name api --timeout 30", nil, nil},
		{"aws lambda invoke --function-name api out.json", nil, nil},

		// gcloud functions deploy: the source defaults to the command's
		// folder.
		{"gcloud functions deploy api --gen2 --runtime nodejs20 --trigger-http", nil,
			&want{Deploy: Deploy{Service: DeployFunctions, Name: "api"}}},
		{"gcloud functions deploy api --source ./fn --region europe-west1 --project example-proj", nil,
			&want{Deploy: Deploy{Service: DeployFunctions, Name: "api", Region: "europe-west1", Project: "example-proj"}, Dir: "./fn"}},
		{"gcloud --project=example-proj beta functions deploy api --source=fn", Env{"CLOUDSDK_FUNCTIONS_REGION": "asia-east1"},
			&want{Deploy: Deploy{Service: DeployFunctions, Name: "api", Region: "asia-east1", Project: "example-proj"}, Dir: "fn"}},
		{"gcloud functions deploy projects/p1/locations/us-east1/functions/api --source .", Env{"CLOUDSDK_CORE_PROJECT": "p2"},
			&want{Deploy: Deploy{Service: DeployFunctions, Name: "api", Region: "us-east1", Project: "p1"}, Dir: "."}},
		{"gcloud functions deploy api --source .", Env{"CLOUDSDK_CORE_PROJECT": "p2"},
			&want{Deploy: Deploy{Service: DeployFunctions, Name: "api", Project: "p2"}, Dir: "."}},
		// Source in Cloud Storage is no folder of the checkout.
		{"gcloud functions deploy api --source gs://bucket/api.zip", nil, nil},
		// gcloud run deploy: only from source.
		{"gcloud run deploy web --source web --region us-east1", Env{"CLOUDSDK_RUN_REGION": "europe-west1"},
			&want{Deploy: Deploy{Service: DeployRun, Name: "web", Region: "us-east1"}, Dir: "web"}},
		{"gcloud run deploy web --source .", Env{"CLOUDSDK_RUN_REGION": "europe-west1"},
			&want{Deploy: Deploy{Service: DeployRun, Name: "web", Region: "europe-west1"}, Dir: "."}},
		{"gcloud run deploy web --image us-docker.pkg.dev/p/r/web:1", nil, nil},
		{"gcloud run deploy web --region us-east1", nil, nil},
		{"gcloud run services update web --region us-east1", nil, nil},
		// A Cloud Run job from source, which is no service deploy.
		{"gcloud run jobs deploy nightly --source batch --region europe-west1", nil,
			&want{Deploy: Deploy{Service: DeployRunJob, Name: "nightly", Region: "europe-west1"}, Dir: "batch"}},
		{"gcloud run jobs deploy nightly --image us-docker.pkg.dev/p/r/n:1", nil, nil},
	}
	for _, tt := range tests {
		var got *want
		for _, e := range Effects(strings.Fields(tt.cmd), tt.env) {
			if e.Deploy == nil {
				continue
			}
			if got != nil {
				t.Errorf("%s: more than one deploy", tt.cmd)
			}
			got = &want{Deploy: *e.Deploy, Dir: e.Dir}
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

// TestDeploysAttr checks that a job's deploys survive the runtime
// attribute, names with commas included, each with the folder it ran in.
func TestDeploysAttr(t *testing.T) {
	effects := []Effect{
		{Eco: NPM, Install: true, Dir: "."},
		{Deploy: &Deploy{Service: DeployLambda, Name: "api", Region: "us-east-1", Account: "111122223333",
			As: []string{"arn:aws:iam::111122223333:role/deploy,ci"}}, Dir: "services/api"},
		{Deploy: &Deploy{Service: DeployRun, Name: "web", MayAs: []string{"gcp:sa:ci@p.iam.gserviceaccount.com"}}, Dir: "web"},
	}
	attrs := Attrs(effects)
	got := Deploys(attrs[AttrDeploys])
	want := []Deploy{
		{Service: DeployLambda, Name: "api", Region: "us-east-1", Account: "111122223333",
			As: []string{"arn:aws:iam::111122223333:role/deploy,ci"}, Dir: "services/api"},
		{Service: DeployRun, Name: "web", MayAs: []string{"gcp:sa:ci@p.iam.gserviceaccount.com"}, Dir: "web"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("deploys (-got +want):\n%s", diff)
	}
	if attrs[AttrInstalls] != NPM {
		t.Errorf("installs %q, want npm: a deploy is no install", attrs[AttrInstalls])
	}
}

// TestDeployZipFolder follows a Lambda deploy's zip file to the zip
// command of the job that wrote it, whose folder is the one deployed.
func TestDeployZipFolder(t *testing.T) {
	type step struct{ dir, cmd string }
	const deploy = "aws lambda update-function-code --function-name api --zip-file fileb://api.zip"
	tests := []struct {
		name  string
		steps []step
		want  string
	}{
		{"cd and back", []step{{"api", "zip -r ../api.zip ."}, {".", deploy}}, "api"},
		{"folder input", []step{{".", "zip -r -q api.zip dist -x '*.map'"}, {".", deploy}}, "dist"},
		{"nested folder", []step{{".", "zip -r out/api api/src"}, {".", "aws lambda update-function-code --function-name api --zip-file fileb://out/api.zip"}}, "api/src"},
		{"files", []step{{".", "zip api.zip index.js package.json"}, {".", deploy}}, "."},
		{"same folder", []step{{"fn", "zip -r api.zip ."}, {"fn", deploy}}, "fn"},
		// Another archive: the command's own folder.
		{"other zip", []step{{"api", "zip -r ../other.zip ."}, {".", deploy}}, "."},
		{"no zip", []step{{"web", deploy}}, "web"},
	}
	for _, tt := range tests {
		var effects []Effect
		for _, st := range tt.steps {
			for _, e := range Effects(strings.Fields(st.cmd), nil) {
				// As the CI readers do: a folder the command names is
				// relative to the one it runs in.
				e.Dir = path.Join(st.dir, e.Dir)
				effects = append(effects, e)
			}
		}
		got := Deploys(Attrs(effects)[AttrDeploys])
		if len(got) != 1 {
			t.Errorf("%s: %d deploys, want 1", tt.name, len(got))
			continue
		}
		if got[0].Dir != tt.want {
			t.Errorf("%s: folder %q, want %q", tt.name, got[0].Dir, tt.want)
		}
		// Only a zip command of the job shows the folder a zip holds.
		if guessed := tt.name == "other zip" || tt.name == "no zip"; got[0].Guessed != guessed {
			t.Errorf("%s: guessed %v, want %v", tt.name, got[0].Guessed, guessed)
		}
	}
}
