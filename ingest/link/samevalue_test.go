package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestSameValueSecretsHoldEachOther gives three copies of one value (a
// token in a workflow, in a GitLab job and in Terraform), a stored file
// that holds it among other values, and a secret of another value. Only
// the two tokens found in CI scripts are certainly one credential.
func TestSameValueSecretsHoldEachOther(t *testing.T) {
	nodes := []graph.Node{
		node("secret:gha:acme/web/inline/NPM", graph.NodeSecret, graph.AttrFingerprint, "fp:aa", "type", "inline-value"),
		node("secret:gitlab:acme/app/inline/NPM", graph.NodeSecret, graph.AttrFingerprint, "fp:aa", "type", "inline-value"),
		node("secret:tf:npm", graph.NodeSecret, graph.AttrFingerprint, "fp:aa"),
		node("secret:tf:bundle", graph.NodeSecret, graph.AttrFingerprint, "fp:aa,fp:bb"),
		node("secret:gha:acme/web/inline/OTHER", graph.NodeSecret, graph.AttrFingerprint, "fp:cc"),
		node("secret:gha:acme/web/NO_VALUE", graph.NodeSecret),
	}
	got := derive(t, nodes, nil, graph.EdgeHolds)
	want := []string{
		"secret:gha:acme/web/inline/NPM -> secret:gitlab:acme/app/inline/NPM (certain)",
		"secret:gha:acme/web/inline/NPM -> secret:tf:npm (possible)",
		"secret:gitlab:acme/app/inline/NPM -> secret:gha:acme/web/inline/NPM (certain)",
		"secret:tf:bundle -> secret:gha:acme/web/inline/NPM (possible)",
		"secret:tf:npm -> secret:gha:acme/web/inline/NPM (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HOLDS (-want +got):\n%s", diff)
	}
}

// TestSameValueOnlyInHolders gives a value that only secrets holding
// several values carry: no secret is that value alone, so none holds
// another through it.
func TestSameValueOnlyInHolders(t *testing.T) {
	nodes := []graph.Node{
		node("secret:tf:a", graph.NodeSecret, graph.AttrFingerprint, "fp:aa,fp:bb"),
		node("secret:tf:b", graph.NodeSecret, graph.AttrFingerprint, "fp:aa,fp:cc"),
	}
	if got := derive(t, nodes, nil, graph.EdgeHolds); len(got) != 0 {
		t.Errorf("HOLDS %v, want none", got)
	}
}
