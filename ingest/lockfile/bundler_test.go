package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBundler(t *testing.T) {
	res := mustParse(t, NewBundler(), "testdata/bundler/Gemfile.lock", "Gemfile.lock")

	const (
		client   = "pkg:gem/status-client@0.4.0"
		helper   = "pkg:gem/local-helper@0.0.1"
		faraday  = "pkg:gem/faraday@2.9.0"
		netHTTP  = "pkg:gem/faraday-net_http@3.1.0"
		net      = "pkg:gem/net-http@0.4.1"
		nokogiri = "pkg:gem/nokogiri@1.16.2"
		racc     = "pkg:gem/racc@1.7.3"
		rake     = "pkg:gem/rake@13.1.0"
	)
	// DEPENDENCIES names the direct gems; nokogiri is locked for two
	// platforms and is one version.
	want := fillLocks(map[string]map[string]string{
		client:  {"line": "6", "direct": "true", "origin": "git"},
		helper:  {"line": "12", "direct": "true", "local": "true"},
		faraday: {"line": "17", "direct": "false", "chain": client + " > " + faraday},
		netHTTP: {"line": "19", "direct": "false", "chain": client + " > " + faraday + " > " + netHTTP},
		net: {"line": "21", "direct": "false",
			"chain": client + " > " + faraday + " > " + netHTTP + " > " + net},
		nokogiri: {"line": "23", "direct": "true", "platforms": "arm64-darwin,x86_64-linux"},
		racc:     {"line": "27", "direct": "false", "chain": nokogiri + " > " + racc},
		rake:     {"line": "28", "direct": "true"},
	}, "Gemfile.lock")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	wantDeps := sortedCopy([]string{
		client + " -> " + faraday,
		faraday + " -> " + netHTTP,
		netHTTP + " -> " + net,
		nokogiri + " -> " + racc,
	})
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// 2: a Git remote with credentials; 22 and 40: gems nothing locks;
	// 29: a line that is no spec.
	if diff := cmp.Diff(diagLines(res), []int{2, 22, 29, 40}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	checkEdgesJoinNodes(t, res)
}
