package registry

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// npm copies publishConfig into its configuration at publish time and
// picks @SCOPE:registry for a scoped package before registry (npm/cli
// lib/commands/publish.js and npm-registry-fetch's pickRegistry).
func TestPackageRegistry(t *testing.T) {
	tests := []struct {
		name       string
		manifest   string
		wantURL    string
		wantScoped bool
	}{
		{"registry", `{"name":"app","publishConfig":{"registry":"https://npm.example.com/"}}`, "https://npm.example.com/", false},
		{"no publishConfig", `{"name":"app"}`, "", false},
		{"access only", `{"name":"app","publishConfig":{"access":"public"}}`, "", false},
		{"scope registry wins", `{"name":"@acme/app","publishConfig":{"registry":"https://npm.example.com/","@acme:registry":"https://npm.pkg.github.com/"}}`, "https://npm.pkg.github.com/", true},
		{"other scope ignored", `{"name":"@acme/app","publishConfig":{"@other:registry":"https://npm.pkg.github.com/"}}`, "", false},
		{"unscoped ignores scope key", `{"name":"app","publishConfig":{"@app:registry":"https://npm.pkg.github.com/"}}`, "", false},
		{"registry not a string", `{"name":"app","publishConfig":{"registry":true}}`, "", false},
		{"invalid JSON", `{"name":`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, scoped := PackageRegistry([]byte(tt.manifest))
			if url != tt.wantURL {
				t.Errorf("url = %q, want %q", url, tt.wantURL)
			}
			if scoped != tt.wantScoped {
				t.Errorf("scoped = %v, want %v", scoped, tt.wantScoped)
			}
		})
	}
}

// A --registry option beats publishConfig's registry, because npm leaves
// out the publishConfig keys that the command line sets, but not its
// @SCOPE:registry, which npm picks first for a scoped package.
func TestWithPackageRegistry(t *testing.T) {
	plain := Release{Eco: "npm"}
	got := WithPackageRegistry(plain, "https://npm.example.com/", false)
	if got.Host != "npm.example.com" || got.Option != "https://npm.example.com/" {
		t.Errorf("release without --registry: host %q, option %q, want npm.example.com", got.Host, got.Option)
	}
	option := Release{Eco: "npm", Host: NPMRegistry, Option: "https://registry.npmjs.org/"}
	if got := WithPackageRegistry(option, "https://npm.example.com/", false); got.Host != NPMRegistry {
		t.Errorf("release with --registry: host %q, want %s", got.Host, NPMRegistry)
	}
	if got := WithPackageRegistry(option, "https://npm.pkg.github.com/", true); got.Host != GitHubPackagesNPM {
		t.Errorf("scoped registry with --registry: host %q, want %s", got.Host, GitHubPackagesNPM)
	}
	pypi := Release{Eco: "pypi"}
	if got := WithPackageRegistry(pypi, "https://npm.example.com/", false); got.Host != "" {
		t.Errorf("PyPI release: host %q, want unchanged", got.Host)
	}
}

// A package.json that is a named pipe has no writer, so opening it to read
// would block the ingest forever. ReadTopFile reads regular files only.
func TestReadTopFileFIFO(t *testing.T) {
	root := t.TempDir()
	config := filepath.Join(root, ".gitlab-ci.yml")
	if err := os.WriteFile(config, []byte("build:\n  script: [npm publish]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "package.json"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := ReadTopFile(config, ".gitlab-ci.yml", "package.json")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("ReadTopFile of a FIFO returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadTopFile of a FIFO did not return within 5s")
	}
}

// A package.json gives npm the package's name, whose scope picks
// publishConfig's @SCOPE:registry, and publishConfig's registry.
func TestParseManifest(t *testing.T) {
	tests := []struct {
		name, manifest string
		want           Manifest
		scope          string
	}{
		{"scoped", `{"name":"@acme/app","publishConfig":{"registry":"https://a.example/","@acme:registry":"https://b.example/"}}`,
			Manifest{Name: "@acme/app", Registry: "https://a.example/", ScopeRegistry: "https://b.example/"}, "@acme"},
		{"unscoped", `{"name":"app","publishConfig":{"@app:registry":"https://b.example/"}}`, Manifest{Name: "app"}, ""},
		{"no name", `{"version":"1.0.0"}`, Manifest{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := ParseManifest([]byte(tt.manifest))
			if !ok {
				t.Fatal("not read")
			}
			if m != tt.want {
				t.Errorf("manifest = %+v, want %+v", m, tt.want)
			}
			if got := m.Scope(); got != tt.scope {
				t.Errorf("scope = %q, want %q", got, tt.scope)
			}
		})
	}
	if _, ok := ParseManifest([]byte(`{"name":`)); ok {
		t.Error("invalid JSON read as a manifest")
	}
}
