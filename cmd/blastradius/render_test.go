package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
	"github.com/google/go-cmp/cmp"
)

func TestQueryListsInspectedIdentitiesApart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, "--db", db, "ingest", "testdata/cases/05-getrole-only"); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	out, errs, code := run(t, "--db", db, "query", "--identity", "auditor")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	if strings.Contains(out, "IDENTITIES THOSE CREDENTIALS ACT AS") {
		t.Errorf("a role the user may only read is listed as one it acts as:\n%s", out)
	}
	if !strings.Contains(out, "IDENTITIES IT CAN INSPECT OR CHANGE BUT NOT ACT AS (1)\n  vault-reader") {
		t.Errorf("the role is not listed as inspected only:\n%s", out)
	}
}

func TestEmptyRadiusReasonForSecret(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "warn", "ingest", "--org", "example-org", "../../examples/example-org"); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	// Only billing-deploy can read this Secrets Manager secret, and no edge
	// leads out of it. It is not a package, so "executes" would mislead.
	out, errs, code := run(t, "--db", db, "query", "--secret", "payments/card-processor-key")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	if strings.Contains(out, "executes") {
		t.Errorf("a secret's empty blast radius is explained as a package's:\n%s", out)
	}
	if !strings.Contains(out, "nothing reachable: the inputs link it to no runtime") {
		t.Errorf("the empty blast radius gives no reason:\n%s", out)
	}
}

func TestLevelTagsSplitReads(t *testing.T) {
	tests := []struct {
		level, actions string
		want           []string
	}{
		// GetFunction and GetPolicy read; UpdateFunctionCode writes.
		{"write", "lambda:GetFunction,lambda:GetPolicy,lambda:UpdateFunctionCode",
			[]string{"write: lambda:UpdateFunctionCode", "read: lambda:GetFunction,lambda:GetPolicy"}},
		{"write", "s3:DeleteObject,s3:PutObject", []string{"write: s3:DeleteObject,s3:PutObject"}},
		// PutBucketPolicy manages permissions; PutObject writes.
		{"admin", "s3:GetObject,s3:PutBucketPolicy,s3:PutObject",
			[]string{"admin: s3:PutBucketPolicy", "write: s3:PutObject", "read: s3:GetObject"}},
		// GitHub token scopes are not AWS actions and keep the edge's level.
		{"read", "contents:read", []string{"read: contents:read"}},
		{"write", "example:MadeUpAction", []string{"write: example:MadeUpAction"}},
		// A registry push scope names no actions.
		{"write", "", []string{"write"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, levelTags(tt.level, tt.actions)); diff != "" {
			t.Errorf("levelTags(%q, %q) (-want +got):\n%s", tt.level, tt.actions, diff)
		}
	}
}

// TestMarkdownPlanKeepsCommandsWhole checks that each command and verify
// line of the Markdown plan reads back unchanged, by CommonMark's rules
// for code spans and fenced blocks, whatever backticks and line breaks a
// quoted name carries.
func TestMarkdownPlanKeepsCommandsWhole(t *testing.T) {
	commands := []string{
		"aws iam list-access-keys --user-name ci-deployer",
		"gh workflow disable '.github/workflows/x`touch PWNED`.yml' --repo o/r",
		"aws secretsmanager rotate-secret --secret-id 'prod/a``b'",
		"gh secret set '`x' --repo o/r",
		"aws iam list-access-keys --user-name 'a`'",
		"aws iam update-access-key --user-name 'a\n```\n# heading\n- [ ] touch PWNED' --access-key-id AKIA1 --status Inactive",
	}
	for _, command := range commands {
		plan := &query.Plan{Query: "package pkg:npm/x@1.0.0", Steps: []*query.Step{{Number: 1, Title: "Revoke",
			Items: []*query.Item{{Node: graph.Node{ID: "n"}, Kind: "revoke", Command: command, Verify: command}}}}}
		var b strings.Builder
		if err := renderPlan(&b, "markdown", plan); err != nil {
			t.Fatal(err)
		}
		got := markdownCodes(t, b.String())
		if len(got) != 2 {
			t.Fatalf("%q: want 2 pieces of code, got %q from:\n%s", command, got, b.String())
		}
		for _, g := range got {
			if g != command {
				t.Errorf("Markdown code reads %q, want %q\n%s", g, command, b.String())
			}
		}
	}
}

// markdownCodes reads the code after each "command:" and "verify:" of a
// Markdown plan: a code span on that line, or a fenced block indented by
// four spaces on the lines after it.
func markdownCodes(t *testing.T, md string) []string {
	t.Helper()
	var codes []string
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		_, rest, ok := strings.Cut(lines[i], "  - command: ")
		if !ok {
			_, rest, ok = strings.Cut(lines[i], "  - verify: ")
		}
		if !ok {
			continue
		}
		if rest != "" {
			codes = append(codes, codeSpan(t, rest))
			continue
		}
		// A fenced block: a blank line, then the indented fence.
		i += 2
		fence := strings.TrimPrefix(lines[i], "    ")
		fence = fence[:len(fence)-len(strings.TrimLeft(fence, "`"))]
		var body []string
		for i++; i < len(lines); i++ {
			line, indented := strings.CutPrefix(lines[i], "    ")
			if !indented {
				t.Fatalf("line %q of a fenced block leaves the list item", lines[i])
			}
			run := len(line) - len(strings.TrimLeft(line, "`"))
			if run >= len(fence) && strings.TrimRight(line, "` ") == "" {
				break
			}
			body = append(body, line)
		}
		codes = append(codes, strings.Join(body, "\n"))
	}
	return codes
}

// codeSpan returns the content of the code span that makes up s: the
// opening run of backticks closes at the next run of the same length,
// and one space is stripped from each end when both ends have one.
func codeSpan(t *testing.T, s string) string {
	t.Helper()
	n := len(s) - len(strings.TrimLeft(s, "`"))
	if n == 0 {
		t.Fatalf("%q does not start a code span", s)
	}
	for i := n; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '`' {
			j++
		}
		if j-i == n {
			if j != len(s) {
				t.Fatalf("code span ends before the line does: %q", s)
			}
			content := s[n:i]
			if len(content) >= 2 && content[0] == ' ' && content[len(content)-1] == ' ' && strings.Trim(content, " ") != "" {
				content = content[1 : len(content)-1]
			}
			return content
		}
		i = j
	}
	t.Fatalf("code span in %q is never closed", s)
	return ""
}

// TestPlanNamesCannotAddLines checks that a name with line breaks, such
// as a workflow file name, stays on its line in the text and Markdown
// plans, so it cannot print a command line of its own.
func TestPlanNamesCannotAddLines(t *testing.T) {
	fake := "x\n      command: touch PWNED\n  - command: `touch PWNED`\r  - verify: `touch PWNED`"
	node := graph.Node{ID: "runtime:gha:o/r/.github/workflows/" + fake + ".yml#job", Label: "wf / " + fake}
	plan := &query.Plan{Query: "package pkg:npm/" + fake, Steps: []*query.Step{{Number: 1, Title: "Revoke", Why: fake,
		Items: []*query.Item{{Node: node, Kind: "revoke", Action: "Revoke " + fake, Also: []string{fake}, Consumers: []string{fake},
			YieldedBy: []string{fake}, Strangers: []string{fake}, Command: "aws iam list-access-keys", Verify: "aws iam list-users"}}}}}
	for _, format := range []string{"text", "markdown"} {
		var b strings.Builder
		if err := renderPlan(&b, format, plan); err != nil {
			t.Fatal(err)
		}
		var commands, verifies int
		for _, line := range strings.FieldsFunc(b.String(), func(r rune) bool { return r == '\n' || r == '\r' }) {
			line = strings.TrimPrefix(strings.TrimLeft(line, " "), "- ")
			if strings.HasPrefix(line, "command:") {
				commands++
			}
			if strings.HasPrefix(line, "verify:") {
				verifies++
			}
		}
		if commands != 1 {
			t.Errorf("%s: %d lines start with command:, want 1:\n%s", format, commands, b.String())
		}
		if verifies != 1 {
			t.Errorf("%s: %d lines start with verify:, want 1:\n%s", format, verifies, b.String())
		}
	}
}

func TestKeysSuffix(t *testing.T) {
	tests := []struct {
		keys []string
		want string
	}{
		{nil, ""},
		{[]string{"AKIA1"}, " with key AKIA1"},
		{[]string{"AKIA1", "AKIA2", "ASIA3"}, " with keys AKIA1, AKIA2, ASIA3"},
		{[]string{"A1", "A2", "A3", "A4", "A5"}, " with keys A1, A2, A3 and 2 more"},
	}
	for _, tt := range tests {
		if got := keysSuffix(tt.keys); got != tt.want {
			t.Errorf("keysSuffix(%v) = %q, want %q", tt.keys, got, tt.want)
		}
	}
}

// TestQueryNamesKeyOfLoggedCalls checks that the example's asset bucket,
// which the logs show written with ci-deployer's key AKIAEXAMPLECIDEPLOY9
// (the accessKeyId of its two records), names that key.
func TestQueryNamesKeyOfLoggedCalls(t *testing.T) {
	db := exampleDB(t)
	out, errs, code := run(t, "--db", db, "query", "--package", examplePkg, "--since", exampleTime)
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, "arn:aws:s3:::example-org-web-assets") && i+1 < len(lines) {
			if !strings.Contains(lines[i+1], "with key AKIAEXAMPLECIDEPLOY9") {
				t.Errorf("asset bucket tags %q do not name key AKIAEXAMPLECIDEPLOY9", lines[i+1])
			}
			return
		}
	}
	t.Fatalf("no asset bucket in the query output:\n%s", out)
}

// A command whose quoted name holds a line break prints between a header
// that counts its lines and a closing line, so the name's second line
// cannot pass for a line of the plan.
func TestTextCommandAcrossLines(t *testing.T) {
	var b strings.Builder
	textCommand(&b, "      ", "command", "gh secret set 'A\n  - revoke everything' --repo o/a")
	want := "      command, 2 lines up to \"end of command\" (the line breaks are inside quoted names):\n" +
		"gh secret set 'A\n  - revoke everything' --repo o/a\n" +
		"      end of command\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	b.Reset()
	textCommand(&b, "  ", "verify", "aws iam list-users")
	if got, want := b.String(), "  verify: aws iam list-users\n"; got != want {
		t.Errorf("one-line command: got %q, want %q", got, want)
	}
}

// A package that a credential in the blast radius can publish is listed
// apart from the packages that contain what was compromised.
func TestQueryListsPublishedPackagesApart(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"w/.git/config": "[remote \"origin\"]\n\turl = https://github.com/acme/widget.git\n",
		"w/.github/workflows/release.yml": `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/evil-action@v1
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
`,
		"w/package.json": `{"name": "@acme/widget", "version": "1.0.0"}`,
		"c/.git/config":  "[remote \"origin\"]\n\turl = https://github.com/acme/consumer.git\n",
		"c/.github/workflows/ci.yml": `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci && npm test
`,
		"c/package-lock.json": `{"name": "consumer", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "consumer", "version": "1.0.0", "dependencies": {"@acme/widget": "1.0.0"}},
  "node_modules/@acme/widget": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/@acme/widget/-/widget-1.0.0.tgz"}}}`,
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "graph.db")
	if _, errs, code := run(t, "--db", db, "ingest", filepath.Join(dir, "w"), filepath.Join(dir, "c")); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	out, errs, code := run(t, "--db", db, "query", "--package", "pkg:githubactions/acme/evil-action@v1")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	if strings.Contains(out, "PACKAGES THAT CONTAIN IT") {
		t.Errorf("the published package is listed as one that contains the action:\n%s", out)
	}
	if !strings.Contains(out, "PACKAGES IT CAN PUBLISH, AND THEIR VERSIONS IN USE (2)\n  @acme/widget  pkg:npm/%40acme/widget") {
		t.Errorf("the package is not listed as one it can publish:\n%s", out)
	}

	// From the token, the consumer's job is reached through the package
	// it can publish: one it can take over, not a place where it ran.
	out, errs, code = run(t, "--db", db, "query", "--secret", "NPM_TOKEN")
	if code != exitOK {
		t.Fatalf("query --secret exit %d: %s", code, errs)
	}
	if strings.Contains(out, "WHERE IT RAN") {
		t.Errorf("runtimes reached from a credential are listed as where it ran:\n%s", out)
	}
	if !strings.Contains(out, "RUNTIMES IT CAN TAKE OVER (1)\n  .github/workflows/ci.yml / test") {
		t.Errorf("the consumer's job is not listed as a runtime it can take over:\n%s", out)
	}
	if strings.Contains(out, "RUNTIMES REACHED") {
		t.Errorf("the consumer's job is listed as a runtime reached otherwise:\n%s", out)
	}
}

// TestQueryNamesDeadEndCredentials: a GitHub secret set by hand leads to
// no identity in the input. The query tags it and prints how to follow
// it. Once a mapping file states whose key it is, the tag goes.
func TestQueryNamesDeadEndCredentials(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"o/app/.git/config": "[remote \"origin\"]\n\turl = https://github.com/o/app.git\n",
		"o/app/.github/workflows/ci.yml": `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: evil/action@v1
        env:
          AWS_ACCESS_KEY_ID: ${{ secrets.LEGACY_AWS_KEY }}
`,
	})
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, "--db", db, "ingest", dir); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	out, errs, code := run(t, "--db", db, "query", "--package", "pkg:githubactions/evil/action@v1")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	tagged := "LEGACY_AWS_KEY  secret:gha:o/app/LEGACY_AWS_KEY\n      [certain; live; no input shows what it acts as]"
	if !strings.Contains(out, tagged) {
		t.Errorf("the hand-set secret is not tagged:\n%s", out)
	}
	if !strings.Contains(out, "\n1 credential above: no input shows what it acts as") {
		t.Errorf("no note on how to follow the credential:\n%s", out)
	}
	if strings.Contains(out, "GITHUB_TOKEN of build  secret:gha:token:o/app/.github/workflows/ci.yml#build\n      [certain; live; no input") {
		t.Errorf("the job's token, which acts as its identity, is tagged:\n%s", out)
	}
	js, _, _ := run(t, "--db", db, "query", "--package", "pkg:githubactions/evil/action@v1", "--format", "json")
	if !strings.Contains(js, `"deadEnd": true`) {
		t.Errorf("the JSON output does not mark the dead end:\n%s", js)
	}

	writeTree(t, dir, map[string]string{"blastradius-map.yaml": `facts:
  - node: {id: "arn:aws:iam::111122223333:user/legacy", kind: Identity}
  - edge: {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: "arn:aws:iam::111122223333:user/legacy"}
`})
	if _, errs, code := run(t, "--db", db, "ingest", dir); code != exitOK {
		t.Fatalf("second ingest exit %d: %s", code, errs)
	}
	out, _, _ = run(t, "--db", db, "query", "--package", "pkg:githubactions/evil/action@v1")
	if strings.Contains(out, "no input shows what") {
		t.Errorf("the secret is still a dead end after the mapping file:\n%s", out)
	}
	if !strings.Contains(out, "arn:aws:iam::111122223333:user/legacy") {
		t.Errorf("the stated user is not reached:\n%s", out)
	}
}

// TestQueryListsTakenOverRuntimesApart: the package ran in the deploy job,
// whose key acts as a role that can replace the code of a Lambda function.
// The function is reached by changing its code, not because the package
// ran there, so it is listed apart from where it ran.
func TestQueryListsTakenOverRuntimesApart(t *testing.T) {
	const (
		pkgID = "pkg:npm/bad@1.0.0"
		job   = "runtime:gha:o/app/.github/workflows/ci.yml#deploy"
		key   = "secret:gha:o/app/AWS_KEY"
		role  = "arn:aws:iam::1:role/deployer"
		fn    = "runtime:aws:lambda:arn:aws:lambda:us-east-1:1:function:orders"
	)
	hop := func(from string, kind graph.EdgeKind, to string, rev bool) query.Hop {
		return query.Hop{From: from, Kind: kind, To: to, Reversed: rev, Confidence: graph.Certain}
	}
	toJob := hop(job, graph.EdgeExecutes, pkgID, true)
	toKey := hop(job, graph.EdgeExposes, key, false)
	toRole := hop(key, graph.EdgeAuthenticatesAs, role, false)
	toFn := hop(role, graph.EdgeCanModify, fn, false)

	res := &query.Result{
		Query:  "package " + pkgID,
		Starts: []graph.Node{{ID: pkgID, Kind: graph.NodePackage}},
		Reached: []*query.Reached{
			{Node: graph.Node{ID: job, Kind: graph.NodeRuntime, Label: "ci / deploy"}, Confidence: graph.Certain, Path: []query.Hop{toJob}},
			{Node: graph.Node{ID: key, Kind: graph.NodeSecret, Label: "AWS_KEY"}, Confidence: graph.Certain, Path: []query.Hop{toJob, toKey}},
			{Node: graph.Node{ID: role, Kind: graph.NodeIdentity}, Confidence: graph.Certain, Path: []query.Hop{toJob, toKey, toRole}},
			// The query marks a runtime reached only by a change.
			{Node: graph.Node{ID: fn, Kind: graph.NodeRuntime, Label: "orders"}, Confidence: graph.Certain, Path: []query.Hop{toJob, toKey, toRole, toFn}, TakenOver: true},
		},
	}

	var b strings.Builder
	if err := renderResult(&b, "table", res); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "WHERE IT RAN (1)\n  ci / deploy  "+job) {
		t.Errorf("the deploy job is not the one place it ran:\n%s", out)
	}
	if !strings.Contains(out, "RUNTIMES IT CAN TAKE OVER (1)\n  orders  "+fn) {
		t.Errorf("the function is not listed as a runtime it can take over:\n%s", out)
	}
}
