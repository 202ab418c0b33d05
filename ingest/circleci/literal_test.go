package circleci

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// A credential written into a run step is found by its shape or by the
// option that takes it, placed on its own line in a literal block, and
// reported once though two workflows run the job.
func TestScriptLiterals(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("Q8w2", 9)
	config := strings.Join([]string{
		"version: 2.1",
		"jobs:",
		"  release:",
		"    docker:",
		"      - image: cimg/node:20.11",
		"    steps:",
		"      - checkout",
		"      - run: echo ok",
		"      - run:",
		"          name: publish", // 10: the step's line

		"          command: |",
		`            echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > ~/.npmrc`, // 12
		"            npm publish",
		`      - run: 'curl -H "Authorization: token abcdefgh12345678" https://api.example.com'`, // 14
		"workflows:",
		"  main:",
		"    jobs:",
		"      - release",
		"  nightly:",
		"    jobs:",
		"      - release:",
		"          name: release-nightly",
	}, "\n")
	const rel = ".circleci/config.yml"

	res, err := parseBytes(t, "in/"+rel, rel, testRepo, []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, name := range []string{"release", "release-nightly"} {
		job := graph.CircleCIJobID(testRepo, rel, name)
		var got []string
		for _, id := range targets(res, job, graph.EdgeExposes) {
			if strings.HasPrefix(id, "secret:circleci:inline:") {
				got = append(got, id)
			}
		}
		want := []string{
			graph.CircleCIInlineSecretID(job, "run@10"),
			graph.CircleCIInlineSecretID(job, "run@14"),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: literal credentials (-want +got):\n%s", name, diff)
		}
	}

	warned := resulttest.Warnings(res)
	want := []string{
		"in/.circleci/config.yml:12: job release: a run step contains a literal npm token; store it in a context or project variable and rotate it",
		"in/.circleci/config.yml:14: job release: a run step contains a literal token in an Authorization header; store it in a context or project variable and rotate it",
	}
	if diff := cmp.Diff(want, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	resulttest.NoValues(t, res, npmToken, "abcdefgh12345678")
}

// A value that a parameter puts into a command is reported on the line
// of that parameter. Each value that a command receives gets a node and a
// warning of its own, though every call runs the same run step. A value
// in a folded command is reported on the command's line.
func TestScriptLiteralsFromParameters(t *testing.T) {
	defaultToken := "npm_" + strings.Repeat("D4f1", 9)
	argToken := "npm_" + strings.Repeat("A7g2", 9)
	ghToken := "ghp_" + strings.Repeat("G5h3", 9)
	config := strings.Join([]string{
		"version: 2.1",
		"parameters:",
		"  hook:",
		"    type: string",
		"    default: hunter2-webhook-pass", // 5
		"commands:",
		"  npmrc:",
		"    parameters:",
		"      token:",
		"        type: string",
		"        default: " + defaultToken, // 11
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=<< parameters.token >>" > ~/.npmrc`, // 13
		"jobs:",
		"  release:",
		"    docker:",
		"      - image: cimg/node:20.11",
		"    steps:",
		"      - npmrc",
		"      - npmrc:",
		"          token: " + argToken, // 21
		"      - run:",
		"          name: notify",
		"          command: >", // 24
		"            curl https://bot:<< pipeline.parameters.hook >>@hooks.example.com/",
		"      - run:",
		"          name: tag",
		"          command: >", // 28
		"            echo " + ghToken,
		"workflows:",
		"  main:",
		"    jobs:",
		"      - release",
	}, "\n")
	const rel = ".circleci/config.yml"

	res, err := parseBytes(t, "in/"+rel, rel, testRepo, []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := graph.CircleCIJobID(testRepo, rel, "release")
	lines := map[string]int{}
	for _, n := range res.Nodes {
		if strings.HasPrefix(n.ID, "secret:circleci:inline:") {
			lines[n.ID] = n.Pos.Line
		}
	}
	wantLines := map[string]int{
		graph.CircleCIInlineSecretID(job, "run@13"):   11,
		graph.CircleCIInlineSecretID(job, "run@13/2"): 21,
		graph.CircleCIInlineSecretID(job, "run@23"):   5,
		graph.CircleCIInlineSecretID(job, "run@27"):   28,
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("literal credential lines (-want +got):\n%s", diff)
	}

	warned := resulttest.Warnings(res)
	want := []string{
		"in/.circleci/config.yml:11: job release: a run step contains a literal npm token; store it in a context or project variable and rotate it",
		"in/.circleci/config.yml:21: job release: a run step contains a literal npm token; store it in a context or project variable and rotate it",
		"in/.circleci/config.yml:5: job release: a run step contains a literal password in a URL; store it in a context or project variable and rotate it",
		"in/.circleci/config.yml:28: job release: a run step contains a literal GitHub token; store it in a context or project variable and rotate it",
	}
	if diff := cmp.Diff(want, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	resulttest.NoValues(t, res, defaultToken, argToken, ghToken, "hunter2-webhook-pass")
}

// A password written into a docker login logs in to the registry account
// that can push the images the job pushes there afterwards.
func TestLiteralLoginPublishes(t *testing.T) {
	config := strings.Join([]string{
		"version: 2.1",
		"jobs:",
		"  build:",
		"    docker:",
		"      - image: cimg/base:2024.01",
		"    steps:",
		"      - run: docker login -u ci -p S3cr3t-Passw0rd registry.example.com", // 7
		"      - run: docker push registry.example.com/acme/app:1.0",
		"workflows:",
		"  main:",
		"    jobs:",
		"      - build",
	}, "\n")
	const rel = ".circleci/config.yml"

	res, err := parseBytes(t, "in/"+rel, rel, testRepo, []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := graph.CircleCIJobID(testRepo, rel, "build")
	secret := graph.CircleCIInlineSecretID(job, "run@7")
	account := graph.RegistryAccountID("registry.example.com", secret)
	if diff := cmp.Diff([]string{account}, targets(res, secret, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("the password logs in as (-want +got):\n%s", diff)
	}
	if got := targets(res, account, graph.EdgeCanPublish); len(got) != 1 || !strings.HasPrefix(got[0], "pkg:docker/acme/app") {
		t.Errorf("the account publishes %v, want the image acme/app", got)
	}

	resulttest.NoValues(t, res, "S3cr3t-Passw0rd")
}

// A job that no workflow runs and a command that no job calls still hold
// their literals where everyone who can read the repository reads them:
// Secrets that no job exposes, with a warning. A command that a job calls
// is recorded once, for the job.
func TestUnusedDefinitionLiterals(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("U5d7", 9)
	config := strings.Join([]string{
		"version: 2.1",
		"commands:",
		"  unused:",
		"    steps:",
		"      - run: npm publish --//registry.npmjs.org/:_authToken=" + npmToken, // 5
		"  login:",
		"    steps:",
		"      - run: docker login -u ci -p S3cr3t-Passw0rd registry.example.com", // 8
		"jobs:",
		"  orphan:",
		"    docker:",
		"      - image: cimg/base:2024.01",
		"    steps:",
		"      - when:",
		"          condition: true",
		"          steps:",
		"            - run:",
		"                command: |", // 18
		"                  echo start",
		"                  curl -u bot:Sup3rS3cret https://api.example.com", // 20
		"  release:",
		"    docker:",
		"      - image: cimg/base:2024.01",
		"    steps:",
		"      - login",
		"workflows:",
		"  main:",
		"    jobs:",
		"      - release",
	}, "\n")
	const rel = ".circleci/config.yml"

	res, err := parseBytes(t, "in/"+rel, rel, testRepo, []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]int{}
	for _, n := range res.Nodes {
		if strings.HasPrefix(n.ID, "secret:circleci:inline:") {
			lines[n.ID] = n.Pos.Line
		}
	}
	release := graph.CircleCIJobID(testRepo, rel, "release")
	wantLines := map[string]int{
		graph.CircleCIInlineSecretID(graph.CircleCIJobID(testRepo, rel, "command unused"), "run@5"): 5,
		graph.CircleCIInlineSecretID(graph.CircleCIJobID(testRepo, rel, "orphan"), "run@18"):        20,
		graph.CircleCIInlineSecretID(release, "run@8"):                                              8,
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("literal credential lines (-want +got):\n%s", diff)
	}

	exposed := resulttest.Edges(res, graph.EdgeExposes, "secret:circleci:inline:")
	if diff := cmp.Diff([]string{release + " -> " + graph.CircleCIInlineSecretID(release, "run@8")}, exposed); diff != "" {
		t.Errorf("exposed literals (-want +got):\n%s", diff)
	}

	want := []string{
		"in/.circleci/config.yml:8: job release: a run step contains a literal registry login password; store it in a context or project variable and rotate it",
		"in/.circleci/config.yml:20: orphan: a run step contains a literal password in curl's --user, which no workflow runs but everyone who can read the repository can read; rotate it and remove it",
		"in/.circleci/config.yml:5: command unused: a run step contains a literal npm token, which no workflow runs but everyone who can read the repository can read; rotate it and remove it",
	}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	resulttest.NoValues(t, res, npmToken, "S3cr3t-Passw0rd", "Sup3rS3cret")
}
