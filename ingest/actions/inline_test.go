package actions

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestInlineCredentials(t *testing.T) {
	res := parseFile(t, "inline.yml")
	job := jobID("inline.yml", "build")
	var got []string
	for _, id := range targets(res, job, graph.EdgeExposes) {
		if strings.HasPrefix(id, "secret:gha:inline:") {
			got = append(got, id)
		}
	}
	want := []string{
		graph.GHAInlineSecretID(job, "AWS_ACCESS_KEY_ID"),
		graph.GHAInlineSecretID(job, "NPM_AUTH_TOKEN"),
		graph.GHAInlineSecretID(job, "password"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inline secrets (-want +got):\n%s", diff)
	}
	for _, n := range res.Nodes {
		if strings.HasPrefix(n.ID, "secret:gha:inline:") && (n.Attr(graph.AttrFingerprint) != "fp" || n.Attr(graph.AttrStoredInline) != "true") {
			t.Errorf("%s attrs = %v, want a fingerprint and stored_inline", n.ID, n.Attrs)
		}
	}
	data, _ := json.Marshal(res)
	for _, v := range []string{"inline-wf-token-8f2k1", "AKIAEXAMPLEINLINE001", "inline-step-pass-3m9x"} {
		if strings.Contains(string(data), v) {
			t.Errorf("value %s found in the result", v)
		}
	}
}

func TestInlineContainerCredentials(t *testing.T) {
	res := parseFile(t, "inline-container.yml")
	job := jobID("inline-container.yml", "build")
	var got []string
	for _, id := range targets(res, job, graph.EdgeExposes) {
		if strings.HasPrefix(id, "secret:gha:inline:") {
			got = append(got, id)
		}
	}
	want := []string{
		graph.GHAInlineSecretID(job, "POSTGRES_PASSWORD"),
		graph.GHAInlineSecretID(job, "password"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inline secrets (-want +got):\n%s", diff)
	}
	data, _ := json.Marshal(res)
	for _, v := range []string{"ctr-pass-8d7f6e5c", "svc-pass-1a2b3c4d"} {
		if strings.Contains(string(data), v) {
			t.Errorf("value %s found in the result", v)
		}
	}
}

// Values shaped like a known credential count whatever their key is called.
func TestLooksLikeCredentialByValue(t *testing.T) {
	long := strings.Repeat("a1B2c3D4e5", 3) // 30 letters and digits
	for _, tt := range []struct {
		value string
		want  bool
	}{
		{"AKIAABCDEFGHIJKLMNOP", true},
		{"ASIAABCDEFGHIJKLMNOP", true},
		{"ghp_" + long, true},
		{"ghs_" + long, true},
		{"github_pat_11ABC", true},
		{"glpat-abcdefgh", true},
		{"npm_" + long, true},
		{"pypi-AgEIcHlwaS5vcmc", true},
		{"xoxb-1234-5678", true},
		{"BKIAABCDEFGHIJKLMNOP", false},
		{"ghp_short", false},
		{"hello-world-value", false},
	} {
		if got := looksLikeCredential("SETTING", tt.value); got != tt.want {
			t.Errorf("looksLikeCredential(SETTING, %q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}
