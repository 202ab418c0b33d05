package registry

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConfigureDockerHosts(t *testing.T) {
	tests := []struct {
		cmd  string
		want []string
		ok   bool
	}{
		{"gcloud auth configure-docker europe-west1-docker.pkg.dev,us-docker.pkg.dev --quiet",
			[]string{"europe-west1-docker.pkg.dev", "us-docker.pkg.dev"}, true},
		// --project takes the next word, which is no registry.
		{"gcloud --quiet auth configure-docker --project example-proj us-docker.pkg.dev",
			[]string{"us-docker.pkg.dev"}, true},
		{"gcloud auth configure-docker", GCRHosts, true},
		{"gcloud auth login", nil, false},
		{"docker login gcr.io", nil, false},
	}
	for _, tt := range tests {
		got, ok := ConfigureDockerHosts(strings.Fields(tt.cmd))
		if ok != tt.ok {
			t.Errorf("%q: ok %v, want %v", tt.cmd, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q hosts (-want +got):\n%s", tt.cmd, diff)
		}
	}
}

func TestECRHost(t *testing.T) {
	account, region, ok := ECRHost("111122223333.dkr.ecr.eu-west-1.amazonaws.com")
	if !ok || account != "111122223333" || region != "eu-west-1" {
		t.Errorf("ECRHost = %q, %q, %v; want 111122223333, eu-west-1, true", account, region, ok)
	}
	for _, h := range []string{"public.ecr.aws", "ghcr.io", "111122223333.dkr.ecr.eu-west-1.amazonaws.com.example.net"} {
		if _, _, ok := ECRHost(h); ok {
			t.Errorf("ECRHost(%q) is a private ECR host, want not", h)
		}
	}
}

func TestCloudPasswordLines(t *testing.T) {
	if !AWSPassword("aws ecr get-login-password --region eu-west-1 | docker login -u AWS --password-stdin 1.dkr") {
		t.Error("aws ecr get-login-password not read as an AWS password")
	}
	if !AWSPassword("aws --region us-east-1 ecr-public get-login-password | docker login") {
		t.Error("aws ecr-public get-login-password not read as an AWS password")
	}
	if AWSPassword("echo aws; ecr get-login-password") {
		t.Error("a command other than aws read as an AWS password")
	}
	if !GCloudPassword("gcloud auth print-access-token | docker login -u oauth2accesstoken --password-stdin https://gcr.io") {
		t.Error("gcloud auth print-access-token not read as a Google Cloud password")
	}
}
