package pkgcmd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestKubeApplies reads the commands that apply manifests or a chart, and
// those that look alike but read standard input, a URL, a path a variable
// sets, or apply nothing.
func TestKubeApplies(t *testing.T) {
	files := func(cmd, ns string, recursive bool, paths ...string) *KubeApply {
		return &KubeApply{How: ApplyFiles, Paths: paths, Namespace: ns, Recursive: recursive, Command: cmd}
	}
	tests := []struct {
		cmd  string
		env  Env
		want *KubeApply
	}{
		{"kubectl apply -f k8s/ -n prod", nil, files("kubectl apply -f k8s/ -n prod", "prod", false, "k8s")},
		// Global options before the verb, several files, -R and the
		// option forms with "=" and without a space.
		{"kubectl --namespace=prod apply --filename=k8s/api.yaml -fk8s/web.yaml -R", nil,
			files("kubectl apply -f k8s/api.yaml -f k8s/web.yaml -R -n prod", "prod", true, "k8s/api.yaml", "k8s/web.yaml")},
		{"kubectl create -f ./deploy/job.yaml", nil, files("kubectl create -f ./deploy/job.yaml", "", false, "deploy/job.yaml")},
		// -f takes a comma-separated list, and short flags combine.
		{"kubectl apply -f k8s/api.yaml,k8s/web.yaml", nil,
			files("kubectl apply -f k8s/api.yaml -f k8s/web.yaml", "", false, "k8s/api.yaml", "k8s/web.yaml")},
		{"kubectl apply -Rf k8s/ -n prod", nil, files("kubectl apply -f k8s/ -R -n prod", "prod", true, "k8s")},
		{"oc replace -f app.yaml -nstaging --force", nil, files("oc replace -f app.yaml -n staging", "staging", false, "app.yaml")},
		// A variable with a plain value is expanded; one the input does
		// not show leaves the namespace to the kubeconfig.
		{"kubectl apply -f $DIR -n $NS", Env{"DIR": "manifests"}, files("kubectl apply -f manifests", "", false, "manifests")},
		// Standard input and URLs are left out, and so is the command
		// when nothing else is left.
		{"kubectl apply -f - -f k8s/api.yaml", nil, files("kubectl apply -f k8s/api.yaml", "", false, "k8s/api.yaml")},
		{"kubectl apply -f -", nil, nil},
		{"kubectl apply -f https://example.com/app.yaml", nil, nil},
		{"kubectl apply -f $MANIFESTS", nil, nil},
		{"kubectl apply -f /etc/app.yaml", nil, nil},
		{"kubectl apply -f ../other/app.yaml", nil, files("kubectl apply -f ../other/app.yaml", "", false, "../other/app.yaml")},

		{"kubectl apply -k overlays/prod", nil, &KubeApply{How: ApplyKustomize, Paths: []string{"overlays/prod"}, Command: "kubectl apply -k overlays/prod"}},
		{"kubectl apply --kustomize=overlays/prod/ -n prod", nil,
			&KubeApply{How: ApplyKustomize, Paths: []string{"overlays/prod"}, Namespace: "prod", Command: "kubectl apply -k overlays/prod/ -n prod"}},

		{"kubectl apply -f k8s/ --dry-run=client", nil, nil},
		{"kubectl apply -f k8s/ --dry-run", nil, nil},
		{"kubectl apply -f k8s/ --dry-run=none", nil, files("kubectl apply -f k8s/", "", false, "k8s")},
		{"kubectl create deployment api --image=a:1", nil, nil},
		{"kubectl create secret generic db --from-file=password.txt", nil, nil},
		{"kubectl apply view-last-applied -f k8s/api.yaml", nil, nil},
		{"kubectl diff -f k8s/", nil, nil},
		{"kubectl delete -f k8s/", nil, nil},

		{"helm upgrade --install api ./chart -n prod --values values-prod.yaml --set image.tag=$SHA", nil,
			&KubeApply{How: ApplyHelm, Release: "api", Namespace: "prod", Paths: []string{"chart"}, Command: "helm upgrade api ./chart -n prod"}},
		{"helm install --namespace=staging web charts/web --wait", nil,
			&KubeApply{How: ApplyHelm, Release: "web", Namespace: "staging", Paths: []string{"charts/web"}, Command: "helm install web charts/web -n staging"}},
		// A chart from a repository is read as a path, which names no
		// file; one from a registry is not.
		{"helm upgrade -i api bitnami/nginx", nil,
			&KubeApply{How: ApplyHelm, Release: "api", Paths: []string{"bitnami/nginx"}, Command: "helm upgrade api bitnami/nginx"}},
		{"helm upgrade --install api oci://registry.example.com/charts/api", nil, nil},
		{"helm install ./chart --generate-name", nil, nil},
		{"helm upgrade --install $RELEASE ./chart", nil, nil},
		{"helm upgrade --install api ./chart --dry-run", nil, nil},
		{"helm template api ./chart", nil, nil},
		{"helm upgrade --install api ./chart --dry-run=server", nil, nil},
	}
	for _, tt := range tests {
		var got *KubeApply
		for _, e := range Effects(strings.Fields(tt.cmd), tt.env) {
			if e.KubeApply != nil {
				if got != nil {
					t.Errorf("%s: two applies", tt.cmd)
				}
				got = e.KubeApply
			}
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

// TestKubeAppliesAttr makes the paths relative to the checkout through
// the folder the command ran in, and drops those in a folder a variable
// names or outside the checkout.
func TestKubeAppliesAttr(t *testing.T) {
	effects := []Effect{
		{Eco: NPM, Install: true, Dir: "."},
		{KubeApply: &KubeApply{How: ApplyFiles, Paths: []string{"k8s"}, Namespace: "prod", Command: "kubectl apply -f k8s/ -n prod", Line: 31}, Dir: "."},
		{KubeApply: &KubeApply{How: ApplyFiles, Paths: []string{"api.yaml", "../base"}, Command: "kubectl apply -f api.yaml -f ../base"}, Dir: "deploy/prod"},
		{KubeApply: &KubeApply{How: ApplyFiles, Paths: []string{"api.yaml"}, Command: "kubectl apply -f api.yaml"}, Dir: "$HOME/x"},
		{KubeApply: &KubeApply{How: ApplyFiles, Paths: []string{"../x.yaml"}, Command: "kubectl apply -f ../x.yaml"}, Dir: "."},
		{KubeApply: &KubeApply{How: ApplyHelm, Release: "api", Command: "helm upgrade api bitnami/nginx, v2"}, Dir: "."},
	}
	attrs := Attrs(effects)
	got := KubeApplies(attrs[AttrKubeApplies])
	want := []KubeApply{
		{How: ApplyFiles, Paths: []string{"k8s"}, Namespace: "prod", Command: "kubectl apply -f k8s/ -n prod", Line: 31},
		{How: ApplyFiles, Paths: []string{"deploy/prod/api.yaml", "deploy/base"}, Command: "kubectl apply -f api.yaml -f ../base"},
		{How: ApplyHelm, Release: "api", Command: "helm upgrade api bitnami/nginx, v2"},
	}
	// The attribute is a list, which keeps no order.
	byCommand := cmpopts.SortSlices(func(a, b KubeApply) bool { return a.Command < b.Command })
	if diff := cmp.Diff(got, want, byCommand); diff != "" {
		t.Errorf("applies (-got +want):\n%s", diff)
	}
	if attrs[AttrInstalls] != NPM {
		t.Errorf("installs %q, want npm: an apply is no install", attrs[AttrInstalls])
	}
}

func TestFromPipeKustomize(t *testing.T) {
	for _, tt := range []struct {
		words, piped []string
		want         string
	}{
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"kustomize build overlays/prod"}, "kubectl apply -k overlays/prod"},
		{[]string{"kubectl", "apply", "-f-", "-n", "prod"}, []string{"kubectl kustomize deploy"}, "kubectl apply -k deploy -n prod"},
		{[]string{"kubectl", "apply", "--filename=-"}, []string{"envsubst", "kustomize build --load-restrictor LoadRestrictionsNone k8s"}, "kubectl apply -k k8s"},
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"kustomize build"}, "kubectl apply -k ."},
		// Filters between the build and the apply keep the manifests.
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"kustomize build overlays/prod", "envsubst"}, "kubectl apply -k overlays/prod"},
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"kubectl kustomize k8s", "sed s/TAG/1.4/", "tee out.yaml"}, "kubectl apply -k k8s"},
		{[]string{"kubectl", "apply", "-f", "-"}, []string{`kustomize build "k8s"`, `sed -e 's/image: a/image: b/'`}, "kubectl apply -k k8s"},
		// A stage that reads a file of its own breaks the stream.
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"kustomize build k8s", "cat base.yaml"}, "kubectl apply -f -"},
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"kustomize build k8s", "sed s/a/b/ base.yaml"}, "kubectl apply -f -"},
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"kustomize build k8s", "sed -i s/a/b/ base.yaml"}, "kubectl apply -f -"},
		// Not a kustomization, a remote one, or no standard input.
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"helm template api ./chart"}, "kubectl apply -f -"},
		{[]string{"kubectl", "apply", "-f", "-"}, []string{"kustomize build github.com/example-org/base"}, "kubectl apply -f -"},
		{[]string{"kubectl", "apply", "-f", "k8s/"}, []string{"kustomize build x"}, "kubectl apply -f k8s/"},
	} {
		if got := strings.Join(FromPipe(tt.words, tt.piped), " "); got != tt.want {
			t.Errorf("FromPipe(%q, %q) = %q, want %q", tt.words, tt.piped, got, tt.want)
		}
	}
}
