package registry

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cargo publish goes to crates.io unless --index or --registry names
// another registry. A registry name other than crates-io is defined in
// Cargo's configuration, so the registry is unknown. gem push goes to
// rubygems.org unless --host names another. --dry-run and cargo's -n
// publish nothing, and so do --help and -h, which print the usage.
func TestScanReleasesCargoGem(t *testing.T) {
	script := `cargo publish --token "$CRATES_TOKEN"
cargo +nightly publish --locked
cargo publish --registry my-reg
cargo publish --index sparse+https://index.crates.io/
cargo publish --index https://cargo.example.com/index -p core
cargo publish --dry-run
cargo publish -n
gem push pkg/widget-1.0.0.gem
gem push pkg/widget-1.0.0.gem --host https://gems.example.com
bundle exec rake release
rake build
cd crates/core && cargo publish
cargo publish --help --token "$CRATES_TOKEN"
gem push -h
gem push --help`
	releases, _ := ScanReleases(script)
	want := []Release{
		{Eco: "cargo", Top: true, Vars: []string{"CRATES_TOKEN"}, Line: 1, Index: 0},
		{Eco: "cargo", Top: true, Line: 2, Index: 1},
		{Eco: "cargo", HostUnknown: true, Option: "my-reg", Top: true, Line: 3, Index: 2},
		{Eco: "cargo", Host: "crates.io", Option: "sparse+https://index.crates.io/", Top: true, Line: 4, Index: 3},
		{Eco: "cargo", Host: "cargo.example.com", Option: "https://cargo.example.com/index", Line: 5, Index: 4},
		{Eco: "gem", Top: true, Line: 8, Index: 7},
		{Eco: "gem", Host: "gems.example.com", Option: "https://gems.example.com", Top: true, Line: 9, Index: 8},
		{Eco: "gem", Top: true, Maybe: true, Line: 10, Index: 9},
		{Eco: "cargo", Line: 12, Index: 12},
	}
	if diff := cmp.Diff(want, releases, ignoreWords); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
}

func TestReleaseToolCargoGem(t *testing.T) {
	tests := []struct {
		cmd   []string
		eco   string
		maybe bool
	}{
		{[]string{"cargo", "publish"}, "cargo", false},
		{[]string{"cargo", "+1.80", "publish", "--allow-dirty"}, "cargo", false},
		{[]string{"cargo", "build", "--release"}, "", false},
		{[]string{"cargo", "package"}, "", false},
		{[]string{"gem", "push", "widget-1.0.0.gem"}, "gem", false},
		{[]string{"gem", "build", "widget.gemspec"}, "", false},
		{[]string{"bundle", "exec", "rake", "release"}, "gem", true},
		{[]string{"rake", "release[origin]"}, "gem", true},
		{[]string{"bundle", "exec", "rake", "release:rubygem_push"}, "gem", true},
		{[]string{"bundle", "exec", "gem", "push", "widget-1.0.0.gem"}, "gem", false},
		{[]string{"rake", "release:guard_clean"}, "", false},
		{[]string{"bundle", "exec", "rake", "spec"}, "", false},
	}
	for _, tt := range tests {
		cmd, _ := RunnerTarget(tt.cmd)
		eco, maybe := ReleaseTool(cmd)
		if eco != tt.eco || maybe != tt.maybe {
			t.Errorf("ReleaseTool(%q) = %q, %v; want %q, %v", tt.cmd, eco, maybe, tt.eco, tt.maybe)
		}
	}
}

// Cargo reads a crates.io token from CARGO_REGISTRY_TOKEN and a named
// registry's from CARGO_REGISTRIES_<NAME>_TOKEN; gem push reads
// GEM_HOST_API_KEY.
func TestAuthEnvCargoGem(t *testing.T) {
	tests := []struct {
		eco, name string
		want      bool
	}{
		{"cargo", "CARGO_REGISTRY_TOKEN", true},
		{"cargo", "CARGO_REGISTRIES_MY_REG_TOKEN", true},
		{"cargo", "CARGO_REGISTRY_DEFAULT", false},
		{"cargo", "CARGO_TERM_COLOR", false},
		{"cargo", "NPM_TOKEN", false},
		{"gem", "GEM_HOST_API_KEY", true},
		{"gem", "RUBYGEMS_HOST", false},
		{"npm", "CARGO_REGISTRY_TOKEN", false},
	}
	for _, tt := range tests {
		if got := AuthEnv(tt.eco, tt.name); got != tt.want {
			t.Errorf("AuthEnv(%q, %q) = %v, want %v", tt.eco, tt.name, got, tt.want)
		}
	}
}

func TestReleasesCurrentCargo(t *testing.T) {
	tests := []struct {
		cmd  []string
		want bool
	}{
		{[]string{"cargo", "publish"}, true},
		{[]string{"cargo", "publish", "--token", "x"}, true},
		{[]string{"cargo", "publish", "-p", "core"}, false},
		{[]string{"cargo", "publish", "-pcore"}, false},
		{[]string{"cargo", "publish", "--package=core"}, false},
		{[]string{"cargo", "publish", "--workspace"}, false},
		{[]string{"cargo", "publish", "--manifest-path", "crates/core/Cargo.toml"}, false},
		{[]string{"cargo", "publish", "--manifest-path=./Cargo.toml"}, true},
	}
	for _, tt := range tests {
		if got := ReleasesCurrent(tt.cmd); got != tt.want {
			t.Errorf("ReleasesCurrent(%q) = %v, want %v", tt.cmd, got, tt.want)
		}
	}
}

func TestDestinationCargoGem(t *testing.T) {
	tests := []struct {
		r           Release
		host        string
		unknownWant bool
	}{
		{Release{Eco: "cargo"}, "crates.io", false},
		{Release{Eco: "gem"}, "rubygems.org", false},
		{Release{Eco: "cargo", HostUnknown: true, Option: "my-reg"}, "crates.io", true},
		{Release{Eco: "gem", Host: "gems.example.com"}, "gems.example.com", false},
	}
	for _, tt := range tests {
		host, unknown := Destination(tt.r, "https://npm.example.com/", true)
		if host != tt.host || unknown != tt.unknownWant {
			t.Errorf("Destination(%+v) = %q, %v; want %q, %v", tt.r, host, unknown, tt.host, tt.unknownWant)
		}
	}
}
