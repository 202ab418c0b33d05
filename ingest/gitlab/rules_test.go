package gitlab

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

// runsOf analyses the conditions of a job written as YAML, with an
// optional workflow: rules list.
func runsOf(t *testing.T, job, workflow string) runSet {
	t.Helper()
	data := "job:\n" + indent(job) + "  script: [x]\n"
	if workflow != "" {
		data = "workflow:\n  rules:\n" + indent(indent(workflow)) + data
	}
	r := &repo{self: ".gitlab-ci.yml", selfPath: ".gitlab-ci.yml", selfData: []byte(data)}
	p, err := loadPipeline(r, testProject, ".gitlab-ci.yml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	c := newConverter(&ingest.File{Path: ".gitlab-ci.yml", Repo: testProject}, nil, &ingest.Result{}, p)
	v := p.resolve("job").v
	return analyse(conditions{workflow: c.wf, rules: rulesOf(v), only: parseFilter(v.get("only")), except: parseFilter(v.get("except"))})
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

func TestRuns(t *testing.T) {
	p := "project_path:" + testProject + ":ref_type:"
	tests := []struct {
		name, job, workflow string
		sources, protected  string
		subs                string
		certain             bool
	}{
		{"no conditions", "", "", nonMRSources, "possible", p + "branch:ref:*," + p + "tag:ref:*", true},
		{"merge requests only", "rules:\n  - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"", "", "merge_request_event", "false", p + "branch:ref:*", true},
		{"merge request id set", "rules:\n  - if: $CI_MERGE_REQUEST_IID", "", "merge_request_event", "false", p + "branch:ref:*", true},
		{"tags by regex", "rules:\n  - if: '$CI_COMMIT_TAG =~ /^release-[0-9]+$/'", "", nonMRSources, "possible", p + "tag:ref:release-*", true},
		{"branch or tag named", "only: [main, /^hotfix\\//]", "", nonMRSources, "possible",
			p + "branch:ref:hotfix/*," + p + "branch:ref:main," + p + "tag:ref:hotfix/*," + p + "tag:ref:main", true},
		{"except tags", "except: [tags]", "", nonMRSources, "possible", p + "branch:ref:*", true},
		{"negated branch", "rules:\n  - if: $CI_COMMIT_BRANCH != \"main\" && $CI_COMMIT_BRANCH\n  - when: never", "", nonMRSources, "possible", p + "branch:ref:*", true},
		{"never then all", "rules:\n  - if: $CI_COMMIT_TAG\n    when: never\n  - when: always", "", pipelineSourcesList(), "possible", p + "branch:ref:*", true},
		{"undecided variable", "rules:\n  - if: $DEPLOY == \"yes\"", "", pipelineSourcesList(), "possible", p + "branch:ref:*," + p + "tag:ref:*", false},
		{"changes", "rules:\n  - changes: [src/**]", "", pipelineSourcesList(), "possible", p + "branch:ref:*," + p + "tag:ref:*", false},
		{"workflow keeps merge requests out", "rules:\n  - when: always",
			"- if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n  when: never\n- when: always", nonMRSources, "possible", p + "branch:ref:*," + p + "tag:ref:*", true},
		{"schedules only", "only:\n  refs: [schedules]", "", "schedule", "possible", p + "branch:ref:*," + p + "tag:ref:*", true},
		{"unparsable if", "rules:\n  - if: $A ==", "", pipelineSourcesList(), "possible", p + "branch:ref:*," + p + "tag:ref:*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := runsOf(t, tt.job, tt.workflow)
			subs, _, _ := subjects(testProject, rs)
			got := []string{strings.Join(rs.sources, ","), rs.protected, strings.Join(subs, ",")}
			want := []string{tt.sources, tt.protected, tt.subs}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("(sources, protected, subs) (-got +want):\n%s", diff)
			}
			if rs.certain != tt.certain {
				t.Errorf("certain = %v, want %v", rs.certain, tt.certain)
			}
		})
	}
}

func pipelineSourcesList() string { return strings.Join(pipelineSources, ",") }

func TestParseExpr(t *testing.T) {
	valid := []string{
		`$A`, `$A == "x"`, `$A != 'x'`, `$A =~ /re/i`, `$A !~ /a\/b/`, `$A == null`,
		`($A || $B) && $C == "x"`, `${A} == $B`,
	}
	for _, s := range valid {
		if _, err := parseExpr(s); err != nil {
			t.Errorf("parseExpr(%q): %v", s, err)
		}
	}
	invalid := []string{``, `$A ==`, `($A`, `$A == "x`, `A == "x"`, `$A =~ /x`, strings.Repeat("(", 100) + "$A" + strings.Repeat(")", 100)}
	for _, s := range invalid {
		if _, err := parseExpr(s); err == nil {
			t.Errorf("parseExpr(%q) succeeded, want an error", s)
		}
	}
}
