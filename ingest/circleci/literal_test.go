package circleci

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
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
	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, d.Pos.String()+": "+d.Msg)
	}
	want := []string{
		"in/.circleci/config.yml:12: job release: a run step contains a literal npm token; store it in a context or project variable and rotate it",
		"in/.circleci/config.yml:14: job release: a run step contains a literal token in an Authorization header; store it in a context or project variable and rotate it",
	}
	if diff := cmp.Diff(want, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	data, _ := json.Marshal(res)
	for _, v := range []string{npmToken, "abcdefgh12345678"} {
		if strings.Contains(string(data), v) {
			t.Errorf("value %s found in the result", v)
		}
	}
}
