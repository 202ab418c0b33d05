package actions

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// cargo publish reads a crates.io token from --token, CARGO_REGISTRY_TOKEN
// or what cargo login stored, and gem push (also through Bundler's rake
// release) reads GEM_HOST_API_KEY or ~/.gem/credentials. The token's
// account can publish every crate or gem it maintains, and the
// repository's own one when the release runs at the top.
func TestReleaseCargoGem(t *testing.T) {
	tests := []struct {
		name, steps, host string
		conf              graph.Confidence
		project, certain  bool
	}{
		{"CARGO_REGISTRY_TOKEN", "      - run: cargo publish --locked\n        env: {CARGO_REGISTRY_TOKEN: '${{ secrets.TOK }}'}\n",
			"crates.io", graph.Certain, true, true},
		{"--token", "      - run: cargo publish --token ${{ secrets.TOK }}\n",
			"crates.io", graph.Certain, true, true},
		{"cargo login in an earlier step", "      - run: echo \"${{ secrets.TOK }}\" | cargo login\n      - run: cargo publish\n",
			"crates.io", graph.Certain, true, true},
		{"a package of a workspace", "      - run: cargo publish -p core\n        env: {CARGO_REGISTRY_TOKEN: '${{ secrets.TOK }}'}\n",
			"crates.io", graph.Certain, false, false},
		{"a subfolder", "      - run: cargo publish\n        working-directory: crates/core\n        env: {CARGO_REGISTRY_TOKEN: '${{ secrets.TOK }}'}\n",
			"crates.io", graph.Certain, false, false},
		// The registry's name is defined in .cargo/config.toml, which is
		// not read.
		{"named registry", "      - run: cargo publish --registry my-reg\n        env: {CARGO_REGISTRIES_MY_REG_TOKEN: '${{ secrets.TOK }}'}\n",
			"crates.io", graph.Possible, false, false},
		{"another index", "      - run: cargo publish --index sparse+https://cargo.example.com/index/\n        env: {CARGO_REGISTRY_TOKEN: '${{ secrets.TOK }}'}\n",
			"cargo.example.com", graph.Certain, false, false},
		{"GEM_HOST_API_KEY", "      - run: gem push pkg/widget-1.0.0.gem\n        env: {GEM_HOST_API_KEY: '${{ secrets.TOK }}'}\n",
			"rubygems.org", graph.Certain, true, true},
		{"gem push --host", "      - run: gem push pkg/widget-1.0.0.gem --host https://gems.example.com\n        env: {GEM_HOST_API_KEY: '${{ secrets.TOK }}'}\n",
			"gems.example.com", graph.Certain, false, false},
		// rake release pushes the gem only when the Rakefile loads
		// Bundler's gem tasks, which the input does not show.
		{"rake release with ~/.gem/credentials", "      - run: |\n          mkdir -p ~/.gem\n          cat > ~/.gem/credentials <<EOF\n          ---\n          :rubygems_api_key: ${{ secrets.TOK }}\n          EOF\n          chmod 0600 ~/.gem/credentials\n          bundle exec rake release\n",
			"rubygems.org", graph.Possible, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, n, ok := releaseOf(t, "", tt.steps, tt.host, "TOK")
			if !ok {
				t.Fatalf("no account of TOK on %s", tt.host)
			}
			id := graph.RegistryAccountID(tt.host, graph.GHASecretID(testRepo, "TOK"))
			if e := findEdge(t, res, id, graph.EdgeCanAccess, graph.RegistryScopeID(tt.host)); e.Confidence != tt.conf {
				t.Errorf("scope edge is %s, want %s", e.Confidence, tt.conf)
			}
			if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
			if got := n.Attr(graph.AttrReleasesProjectCertain) == "true"; got != tt.certain {
				t.Errorf("releases the top-level project for certain: %v, want %v", got, tt.certain)
			}
		})
	}
}

// A dry run publishes nothing, and cargo and gem read no token from
// variables of other names or from another tool's configuration.
func TestReleaseCargoGemWithoutCredentials(t *testing.T) {
	tests := []struct{ name, steps string }{
		{"cargo --dry-run", "      - run: cargo publish --dry-run\n        env: {CARGO_REGISTRY_TOKEN: '${{ secrets.TOK }}'}\n"},
		{"cargo -n", "      - run: cargo publish -n\n        env: {CARGO_REGISTRY_TOKEN: '${{ secrets.TOK }}'}\n"},
		{"cargo with an npm token", "      - run: cargo publish\n        env: {NPM_TOKEN: '${{ secrets.TOK }}'}\n"},
		{"gem build", "      - run: gem build widget.gemspec\n        env: {GEM_HOST_API_KEY: '${{ secrets.TOK }}'}\n"},
		{"gem after cargo login", "      - run: cargo login ${{ secrets.TOK }}\n      - run: gem push widget-1.0.0.gem\n"},
		{"cargo login for another registry", "      - run: cargo login --registry my-reg ${{ secrets.TOK }}\n      - run: cargo publish\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, _ := releaseOf(t, "", tt.steps, "crates.io", "TOK")
			for _, to := range targets(res, graph.GHASecretID(testRepo, "TOK"), graph.EdgeAuthenticatesAs) {
				t.Errorf("TOK authenticates as %s, want nothing", to)
			}
		})
	}
}
