package graph

import "testing"

func TestReadableID(t *testing.T) {
	tests := map[string]string{
		"pkg:npm/%40acme/tool@1.0.0":                          "pkg:npm/@acme/tool@1.0.0",
		"pkg:npm/left-pad@1.3.0":                              "pkg:npm/left-pad@1.3.0",
		"pkg:docker/acme/app?repository_url=quay.io%2Fmirror": "pkg:docker/acme/app?repository_url=quay.io%2Fmirror",
		"pkg:golang/example.org/a%20b@v1.0.0#sub%2Fdir":       "pkg:golang/example.org/a b@v1.0.0#sub%2Fdir",
		"pkg:npm/bad%zzencoding@1":                            "pkg:npm/bad%zzencoding@1",
		"secret:gha:acme/repo/A%40B":                          "secret:gha:acme/repo/A%40B",
	}
	for id, want := range tests {
		if got := ReadableID(id); got != want {
			t.Errorf("ReadableID(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestPyPIName(t *testing.T) {
	for in, want := range map[string]string{
		"Django":             "django",
		"zope.interface":     "zope-interface",
		"typing_extensions":  "typing-extensions",
		"Foo__Bar..Baz--Qux": "foo-bar-baz-qux",
		"x.":                 "x-",
	} {
		if got := PyPIName(in); got != want {
			t.Errorf("PyPIName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDockerfileID(t *testing.T) {
	for _, tt := range []struct{ repo, path, want string }{
		{RepoID("", "example-org/api"), "Dockerfile", "dockerfile:github.com/example-org/api/Dockerfile"},
		{RepoID("gitlab.example.com", "team/sub/api"), "docker/Dockerfile.prod", "dockerfile:gitlab.example.com/team/sub/api/docker/Dockerfile.prod"},
		{"", "build/Containerfile", "dockerfile:build/Containerfile"},
	} {
		if got := DockerfileID(tt.repo, tt.path); got != tt.want {
			t.Errorf("DockerfileID(%q, %q) = %q, want %q", tt.repo, tt.path, got, tt.want)
		}
	}
}

func TestGHARepo(t *testing.T) {
	for _, c := range []struct{ host, repo, want string }{
		{"", "acme/api", "acme/api"},
		{"github.com", "acme/api", "acme/api"},
		{"ghe.example.com", "acme/api", "ghe.example.com/acme/api"},
		{"ghe.example.com", "acme", "ghe.example.com/acme"},
	} {
		if got := GHARepo(c.host, c.repo); got != c.want {
			t.Errorf("GHARepo(%q, %q) = %q, want %q", c.host, c.repo, got, c.want)
		}
	}
	n := Node{Attrs: map[string]string{AttrRepository: "acme/api", AttrRepositoryHost: "ghe.example.com"}}
	if got := GHAJobID(GHARepoOf(n), ".github/workflows/ci.yml", "build"); got != "runtime:gha:ghe.example.com/acme/api/.github/workflows/ci.yml#build" {
		t.Errorf("job id = %q", got)
	}
}

func TestGHAOIDCIssuer(t *testing.T) {
	for _, c := range []struct{ host, want string }{
		{"", "https://token.actions.githubusercontent.com"},
		{"github.com", "https://token.actions.githubusercontent.com"},
		{"ghe.example.com", "https://ghe.example.com/_services/token"},
		{"fd00::5", "https://[fd00::5]/_services/token"},
	} {
		if got := GHAOIDCIssuer(c.host); got != c.want {
			t.Errorf("GHAOIDCIssuer(%q) = %q, want %q", c.host, got, c.want)
		}
	}
}
