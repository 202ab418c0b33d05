package image

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in       string
		ok       bool
		name     string
		pinned   string
		purl     string
		unpinned string
	}{
		{"node:20", true, "node", "tag", "pkg:docker/node@20", "pkg:docker/node"},
		{"docker.io/library/node:20", true, "node", "tag", "pkg:docker/node@20", "pkg:docker/node"},
		{"index.docker.io/example-org/api", true, "example-org/api", "tag", "pkg:docker/example-org/api@latest", "pkg:docker/example-org/api"},
		{"ghcr.io/example-org/tools/runner:1.2@sha256:abcd", true, "ghcr.io/example-org/tools/runner", "digest",
			"pkg:docker/example-org/tools/runner@sha256:abcd?repository_url=ghcr.io", "pkg:docker/example-org/tools/runner?repository_url=ghcr.io"},
		{"localhost:5000/app:dev", true, "localhost:5000/app", "tag", "pkg:docker/app@dev?repository_url=localhost:5000", "pkg:docker/app?repository_url=localhost:5000"},
		{"registry.example.com:5000/team/app:1.2", true, "registry.example.com:5000/team/app", "tag",
			"pkg:docker/team/app@1.2?repository_url=registry.example.com:5000", "pkg:docker/team/app?repository_url=registry.example.com:5000"},
		{"redis@sha256:abcd", true, "redis", "digest", "pkg:docker/redis@sha256:abcd", "pkg:docker/redis"},
		{"quay.io/argoproj/argocd:v3.0.0", true, "quay.io/argoproj/argocd", "tag",
			"pkg:docker/argoproj/argocd@v3.0.0?repository_url=quay.io", "pkg:docker/argoproj/argocd?repository_url=quay.io"},
		{"nginx: 14.6", false, "", "", "", ""},
		{"${IMAGE}", false, "", "", "", ""},
		{"$CI_REGISTRY_IMAGE:latest", false, "", "", "", ""},
		{"${{ matrix.image }}", false, "", "", "", ""},
		{"node:", false, "", "", "", ""},
		{"node@", false, "", "", "", ""},
		{"ghcr.io/", false, "", "", "", ""},
		{"a b", false, "", "", "", ""},
		{"", false, "", "", "", ""},
	}
	for _, tt := range tests {
		r, ok := Parse(tt.in)
		if ok != tt.ok {
			t.Errorf("Parse(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if got := r.Name(); got != tt.name {
			t.Errorf("Parse(%q).Name() = %q, want %q", tt.in, got, tt.name)
		}
		if got := r.Pinned(); got != tt.pinned {
			t.Errorf("Parse(%q).Pinned() = %q, want %q", tt.in, got, tt.pinned)
		}
		if got := r.PURL(true); got != tt.purl {
			t.Errorf("Parse(%q).PURL(true) = %q, want %q", tt.in, got, tt.purl)
		}
		if got := r.PURL(false); got != tt.unpinned {
			t.Errorf("Parse(%q).PURL(false) = %q, want %q", tt.in, got, tt.unpinned)
		}
	}
}

// A reference whose tag or digest is a Terraform variable names its image
// still; one whose name holds a variable names none.
func TestParseComputedVersion(t *testing.T) {
	for _, tt := range []struct {
		ref, name string // name "" for no image
	}{
		{"gcr.io/p1/app:${var.tag}", "gcr.io/p1/app"},
		{"registry.example.com:5000/team/app:${local.version}", "registry.example.com:5000/team/app"},
		{"europe-west1-docker.pkg.dev/p/r/app@${var.digest}", "europe-west1-docker.pkg.dev/p/r/app"},
		{"nginx:v${var.major}.2", "nginx"},
		{"gcr.io/p1/app:${var.tag}@${var.digest}", "gcr.io/p1/app"},
		{"gcr.io/${var.project}/app:1.0", ""},
		{"${var.image}", ""},
		{"gcr.io/p1/app:1.0", ""},
		{"gcr.io/p1/${var.name}", ""},
		// A '/' after the variable puts the variable in the name, because
		// the ':' before it ends a registry host and the variable sets its port.
		{"registry.example.com:${var.port}/team/app:${var.tag}", ""},
		{"localhost:${var.port}/app:1.0", ""},
		{"registry.example.com:50${var.port_suffix}/app:1.0", ""},
		{"gcr.io/p1/app:${var.tag}/x", ""},
		{"gcr.io/p1/app@${var.digest}/x", ""},
		// A '/' inside the variable's text is not part of the name.
		{`gcr.io/p1/app:${var.tags["team/app"]}`, "gcr.io/p1/app"},
	} {
		r, ok := ParseComputedVersion(tt.ref)
		got := ""
		if ok {
			got = r.Name()
		}
		if got != tt.name {
			t.Errorf("ParseComputedVersion(%q) names %q, want %q", tt.ref, got, tt.name)
		}
	}
}
