package actions

import (
	"slices"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// cargo publish reads a crates.io token from --token, CARGO_REGISTRY_TOKEN
// or what cargo login stored, and gem push (also through Bundler's rake
// release) reads GEM_HOST_API_KEY or ~/.gem/credentials. The token's
// account can publish every crate or gem it maintains, and the
// repository's own one when the release runs at the top.
func TestReleaseCargoGem(t *testing.T) {
	checkAccounts(t, []accountCase{
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
	})
}

// A dry run publishes nothing, and cargo and gem read no token from
// variables of other names or from another tool's configuration. Each
// case also has a release with CTRL that must be read.
func TestReleaseCargoGemWithoutCredentials(t *testing.T) {
	const gemCtrl = "      - run: gem push ctrl-1.0.0.gem\n        env: {GEM_HOST_API_KEY: '${{ secrets.CTRL }}'}\n"
	checkNoAccounts(t, []noAccountCase{
		{"cargo --dry-run", "      - run: cargo publish --dry-run\n        env: {CARGO_REGISTRY_TOKEN: '${{ secrets.TOK }}'}\n" + gemCtrl, "rubygems.org"},
		{"cargo -n", "      - run: cargo publish -n\n        env: {CARGO_REGISTRY_TOKEN: '${{ secrets.TOK }}'}\n" + gemCtrl, "rubygems.org"},
		{"cargo with an npm token", "      - run: cargo publish --token ${{ secrets.CTRL }}\n        env: {NPM_TOKEN: '${{ secrets.TOK }}'}\n", "crates.io"},
		{"gem build", "      - run: gem build widget.gemspec\n        env: {GEM_HOST_API_KEY: '${{ secrets.TOK }}'}\n" + gemCtrl, "rubygems.org"},
		{"gem after cargo login", "      - run: cargo login ${{ secrets.TOK }}\n" + gemCtrl, "rubygems.org"},
		{"cargo login for another registry", "      - run: cargo login --registry my-reg ${{ secrets.TOK }}\n      - run: cargo publish --token ${{ secrets.CTRL }}\n", "crates.io"},
	})
}

// rust-lang/crates-io-auth-action exchanges the job's OIDC token for a
// crates.io token (its token output), and rubygems/release-gem and
// rubygems/configure-rubygems-credentials do so for rubygems.org, so a
// release that uses them publishes as a trusted publisher, and only with
// id-token: write. Whether the registry trusts the workflow is not in the
// input, so the OIDC token acts as the publisher only possibly. release-gem
// runs rake release, which publishes only through Bundler's gem tasks.
func TestReleaseCargoGemTrustedPublishing(t *testing.T) {
	const idToken = "    permissions: {id-token: write, contents: write}\n"
	tests := []struct {
		name, perms, steps, host string
		trusted, project         bool
		scope                    graph.Confidence
	}{
		{"crates-io-auth-action", idToken,
			"      - uses: rust-lang/crates-io-auth-action@v1\n        id: auth\n      - run: cargo publish\n        env: {CARGO_REGISTRY_TOKEN: '${{ steps.auth.outputs.token }}'}\n",
			"crates.io", true, true, graph.Certain},
		{"crates-io-auth-action on the command line", idToken,
			"      - uses: rust-lang/crates-io-auth-action@v1\n        id: auth\n      - run: cargo publish --token ${{ steps.auth.outputs.token }}\n",
			"crates.io", true, true, graph.Certain},
		{"crates-io-auth-action without id-token", "",
			"      - uses: rust-lang/crates-io-auth-action@v1\n        id: auth\n      - run: cargo publish\n        env: {CARGO_REGISTRY_TOKEN: '${{ steps.auth.outputs.token }}'}\n",
			"crates.io", false, false, ""},
		// cargo publish with no token and no exchange sends none.
		{"cargo publish alone", idToken, "      - run: cargo publish\n", "crates.io", false, false, ""},
		{"release-gem", idToken, "      - uses: rubygems/release-gem@v1\n", "rubygems.org", true, true, graph.Possible},
		{"release-gem without trusted publishing", idToken,
			"      - uses: rubygems/release-gem@v1\n        with: {setup-trusted-publisher: false}\n", "rubygems.org", false, false, ""},
		{"configure-rubygems-credentials", idToken,
			"      - uses: rubygems/configure-rubygems-credentials@v1\n      - run: gem push pkg/widget-1.0.0.gem\n", "rubygems.org", true, true, graph.Certain},
		{"configure-rubygems-credentials with a token", idToken,
			"      - uses: rubygems/configure-rubygems-credentials@v1\n        with: {api-token: '${{ secrets.TOK }}'}\n      - run: gem push pkg/widget-1.0.0.gem\n", "rubygems.org", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, _ := releaseOf(t, tt.perms, tt.steps, tt.host, "TOK")
			tok := graph.GHAOIDCTokenID(graph.GHAJobID(testRepo, ".github/workflows/rel.yml", "rel"))
			ident := graph.TrustedPublisherID(tt.host, testRepo, ".github/workflows/rel.yml")
			got := slices.Contains(targets(res, tok, graph.EdgeAuthenticatesAs), ident)
			if got != tt.trusted {
				t.Fatalf("OIDC token acts as %s: %v, want %v", ident, got, tt.trusted)
			}
			if !tt.trusted {
				return
			}
			if e := findEdge(t, res, tok, graph.EdgeAuthenticatesAs, ident); e.Confidence != graph.Possible {
				t.Errorf("OIDC token acts as the trusted publisher with %s, want possible", e.Confidence)
			}
			if e := findEdge(t, res, ident, graph.EdgeCanAccess, graph.RegistryScopeID(tt.host)); e.Confidence != tt.scope {
				t.Errorf("scope edge is %s, want %s", e.Confidence, tt.scope)
			}
			if got := findNode(t, res, ident).Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
		})
	}
	// configure-rubygems-credentials' api-token is the release's token.
	steps := "      - uses: rubygems/configure-rubygems-credentials@v1\n        with: {api-token: '${{ secrets.TOK }}'}\n      - run: gem push pkg/widget-1.0.0.gem\n"
	if _, _, ok := releaseOf(t, idToken, steps, "rubygems.org", "TOK"); !ok {
		t.Error("no account of TOK on rubygems.org: configure-rubygems-credentials gave gem push its api-token")
	}
}
