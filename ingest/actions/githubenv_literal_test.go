package actions

import (
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// A literal npm token that a step exports through $GITHUB_ENV reaches a
// later release as a literal of an env block does. The inline secret is
// the one that the script's warning names: the literal of the run: script
// (run@LINE, the line of the run: key), or the env block's variable that
// the script writes.
func TestReleaseGitHubEnvLiteral(t *testing.T) {
	token := "npm_" + strings.Repeat("G3nv", 9)
	setup := "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n"
	const publish = "      - run: npm publish\n"
	// Lines 1-5 are releaseHead, 6-8 setup, 9 the writing step.
	tests := []struct {
		name, steps, key string
	}{
		{"bash", "      - run: echo \"NODE_AUTH_TOKEN=" + token + "\" >> \"$GITHUB_ENV\"\n", "run@9"},
		{"PowerShell", "      - shell: pwsh\n        run: '\"NODE_AUTH_TOKEN=" + token + "\" | Out-File -FilePath $env:GITHUB_ENV -Append'\n", "run@10"},
		{"variable of an env block", "      - run: echo \"NODE_AUTH_TOKEN=$TOKEN\" >> \"$GITHUB_ENV\"\n        env:\n          TOKEN: " + token + "\n", "TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := releaseInRepo(t, setup+tt.steps+publish, `{"name": "app", "version": "1.0.0"}`)
			secret := graph.GHAInlineSecretID(jobID("rel.yml", "rel"), tt.key)
			resulttest.Logins(t, res, map[string]string{secret: "registry.npmjs.org"})
			resulttest.Releases(t, res, map[string]resulttest.Reach{
				graph.RegistryAccountID("registry.npmjs.org", secret): {Registry: true, Project: true},
			})
		})
	}
}

// A literal AWS secret access key that a step exports through
// $GITHUB_ENV is the credential of the keys' identity, which a later ECR
// login acts as. No shape in a script marks such a key, so the variable's
// name does, as in an env block. The inline secret is named by the run:
// key's line and the variable, and the warning sits on the step's run:
// value (line 6, column 14).
func TestGitHubEnvLiteralAWSKey(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  img:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |",
		`          echo "AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE01" >> "$GITHUB_ENV"`,
		`          echo "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12" >> "$GITHUB_ENV"`,
		"      - uses: aws-actions/amazon-ecr-login@v2",
		"      - run: docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/img.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	secret := graph.GHAInlineSecretID(jobID("img.yml", "img"), "run@6/AWS_SECRET_ACCESS_KEY")
	n := findNode(t, res, secret)
	if n.Attr("fingerprint") != "fp" || n.Attr("stored_inline") != "true" || n.Attr("step") != "0" {
		t.Errorf("%s attrs = %v, want fingerprint fp, stored_inline true, step 0", secret, n.Attrs)
	}
	if got := targets(res, secret, graph.EdgeAuthenticatesAs); len(got) != 1 || got[0] != graph.CIAWSIdentityID(secret) {
		t.Errorf("%s authenticates as %v, want %s", secret, got, graph.CIAWSIdentityID(secret))
	}

	const warning = ".github/workflows/img.yml:6:14: job img: step 1 exports AWS_SECRET_ACCESS_KEY with a literal credential; store it as a secret and rotate it"
	found := false
	for _, d := range res.Diags {
		found = found || d.String() == warning
	}
	if !found {
		t.Errorf("no warning %q in %v", warning, res.Diags)
	}
}

// A literal that a step exports under the name of an env block's literal
// is a secret of its own, so neither value's fingerprint hides the other.
func TestGitHubEnvLiteralBesideEnvBlock(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  build:",
		"    runs-on: ubuntu-latest",
		"    env:",
		"      API_TOKEN: abc123def456",
		"    steps:",
		`      - run: echo "API_TOKEN=zzz999yyy888" >> "$GITHUB_ENV"`,
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/b.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	job := jobID("b.yml", "build")
	want := []string{graph.GHAInlineSecretID(job, "API_TOKEN"), graph.GHAInlineSecretID(job, "run@8/API_TOKEN")}
	if got := targets(res, job, graph.EdgeExposes); !slices.Contains(got, want[0]) || !slices.Contains(got, want[1]) {
		t.Errorf("%s exposes %v, want %v among them", job, got, want)
	}
}
