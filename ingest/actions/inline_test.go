package actions

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
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

	resulttest.NoValues(t, res, "inline-wf-token-8f2k1", "AKIAEXAMPLEINLINE001", "inline-step-pass-3m9x")
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

	resulttest.NoValues(t, res, "ctr-pass-8d7f6e5c", "svc-pass-1a2b3c4d")
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

// A credential written into a run script is found by its shape or by the
// option that takes it, wherever the script line sits in the file.
func TestScriptLiterals(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("k7Q2", 9)
	wf := strings.Join([]string{
		"name: release",
		"on: push",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		"      - run: |",
		`          echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > ~/.npmrc`,
		"          npm publish",
		"      - run: docker login -u ci -p S3cr3t-Passw0rd ghcr.io",
		"      - run: >",
		`          curl -H "Authorization: Bearer abcdefgh12345678"`,
		"          https://api.example.com",
		`      - run: echo "${{ secrets.NPM_TOKEN }}" | docker login -u ci --password-stdin`,
	}, "\n")

	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("rel.yml", "publish")
	var got []string
	for _, id := range targets(res, job, graph.EdgeExposes) {
		if strings.HasPrefix(id, "secret:gha:inline:") {
			got = append(got, id)
		}
	}
	want := []string{
		graph.GHAInlineSecretID(job, "run@11"),
		graph.GHAInlineSecretID(job, "run@12"),
		graph.GHAInlineSecretID(job, "run@8"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("literal credentials (-want +got):\n%s", diff)
	}

	warned := resulttest.Warnings(res)
	wantWarned := []string{
		".github/workflows/rel.yml:9: job publish: step 2: the script contains a literal npm token; store it as a secret and rotate it",
		".github/workflows/rel.yml:11:14: job publish: step 3: the script contains a literal registry login password; store it as a secret and rotate it",
		".github/workflows/rel.yml:12:14: job publish: step 4: the script contains a literal token in an Authorization header; store it as a secret and rotate it",
	}
	if diff := cmp.Diff(wantWarned, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	resulttest.NoValues(t, res, npmToken, "S3cr3t-Passw0rd", "abcdefgh12345678")
}

// A composite action's run step that holds a credential gives a warning
// at the value and a Secret named by the action file and line.
func TestCompositeActionLiterals(t *testing.T) {
	action := strings.Join([]string{
		"name: publish",
		"description: publishes the package",
		"runs:",
		"  using: composite",
		"  steps:",
		"    - shell: bash",
		"      run: |", // 7
		"        echo building",
		"        docker login -u ci -p S3cr3t-Passw0rd ghcr.io", // 9
		"    - shell: bash",
		`      run: echo "${{ inputs.token }}" | docker login -u ci --password-stdin ghcr.io`,
	}, "\n")

	res, err := parseBytes(t, testRepo, "actions/publish/action.yml", []byte(action))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	warned := resulttest.Warnings(res)
	want := []string{"actions/publish/action.yml:9: composite step: the script contains a literal registry login password; take it as an input from a secret and rotate it"}
	if diff := cmp.Diff(want, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	id := graph.GHAInlineSecretID("runtime:gha:"+testRepo+"/actions/publish/action.yml#action", "run@7")
	n := findNode(t, res, id)
	if n.Attr(graph.AttrStoredInline) != "true" || n.Attr(graph.AttrFingerprint) != "fp" {
		t.Errorf("%s attrs = %v, want stored_inline and a fingerprint", id, n.Attrs)
	}

	resulttest.NoValues(t, res, "S3cr3t-Passw0rd")
}

// TestScriptLiteralsRepeatedAndBounded checks that a credential written
// several times in one step's script is one secret with one warning, and
// that a step records at most literal.MaxPerScript distinct ones, with a
// warning about the rest.
func TestScriptLiteralsRepeatedAndBounded(t *testing.T) {
	token := "npm_" + strings.Repeat("k7Q2", 9)
	lines := []string{"on: push", "jobs:", "  publish:", "    runs-on: ubuntu-latest", "    steps:", "      - run: |"}
	for range 3 {
		lines = append(lines, `          echo "//registry.npmjs.org/:_authToken=`+token+`" >> ~/.npmrc`)
	}
	lines = append(lines, "      - run: |")
	for i := range literal.MaxPerScript + 5 {
		lines = append(lines, fmt.Sprintf(`          echo "//r%d.example.com/:_authToken=npm_%036d"`, i, i))
	}
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	job := jobID("rel.yml", "publish")

	perStep := map[string]int{}
	for _, n := range res.Nodes {
		if strings.HasPrefix(n.ID, "secret:gha:inline:") {
			perStep[n.Attrs["step"]]++
		}
	}
	if perStep["0"] != 1 || perStep["1"] != literal.MaxPerScript {
		t.Errorf("literal secrets by step %v, want 1 in step 0 and %d in step 1", perStep, literal.MaxPerScript)
	}

	var bounded int
	for _, w := range resulttest.Warnings(res) {
		if strings.Contains(w, "more than 100 literal credentials") {
			bounded++
		}
	}
	if bounded != 1 {
		t.Errorf("%d warnings about the bound, want 1", bounded)
	}

	exposed := 0
	for _, id := range targets(res, job, graph.EdgeExposes) {
		if strings.HasPrefix(id, "secret:gha:inline:") {
			exposed++
		}
	}
	if exposed != literal.MaxPerScript+1 {
		t.Errorf("the job exposes %d literal secrets, want %d", exposed, literal.MaxPerScript+1)
	}
	resulttest.NoValues(t, res, token)
}
