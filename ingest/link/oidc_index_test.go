package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestSubjectIndexCandidates(t *testing.T) {
	subject := func(id, subs string) graph.Node {
		n := graph.Node{ID: id, Kind: graph.NodeIdentity}
		n.SetAttr("subs", subs)
		return n
	}
	subjects := []graph.Node{
		subject("app", "repo:example-org/app:ref:refs/heads/main"),
		subject("api", "repo:example-org/api:environment:prod"),
		subject("any-branch", "repo:example-org/app:ref:refs/heads/*"),
		subject("org-wide", "repo:example-org/*"),
		subject("two-subs", "repo:example-org/web:ref:refs/heads/main,repo:example-org/web:environment:prod"),
		subject("no-subs", ""),
	}
	ix := newSubjectIndex(subjects)
	const host = "token.actions.githubusercontent.com"
	tests := []struct {
		name string
		cond map[string]map[string][]string
		want []string
	}{
		{"one repository", map[string]map[string][]string{"StringLike": {host + ":sub": {"repo:example-org/app:*"}}},
			[]string{"app", "any-branch", "org-wide", "no-subs"}},
		{"exact subject", map[string]map[string][]string{"StringEquals": {host + ":sub": {"repo:example-org/api:environment:prod"}}},
			[]string{"api", "org-wide", "no-subs"}},
		{"two values", map[string]map[string][]string{"StringLike": {host + ":sub": {"repo:example-org/web:*", "repo:example-org/api:*"}}},
			[]string{"api", "org-wide", "two-subs", "no-subs"}},
		{"key in another case", map[string]map[string][]string{"StringLike": {"Token.Actions.GithubUserContent.com:SUB": {"repo:example-org/api:*"}}},
			[]string{"api", "org-wide", "no-subs"}},
		{"negative condition narrows nothing", map[string]map[string][]string{"StringNotLike": {host + ":sub": {"repo:example-org/app:*"}}},
			[]string{"app", "api", "any-branch", "org-wide", "two-subs", "no-subs"}},
		{"set operator narrows nothing", map[string]map[string][]string{"ForAnyValue:StringLike": {host + ":sub": {"repo:example-org/app:*"}}},
			[]string{"app", "api", "any-branch", "org-wide", "two-subs", "no-subs"}},
		{"no subject condition", map[string]map[string][]string{"StringEquals": {host + ":aud": {"sts.amazonaws.com"}}},
			[]string{"app", "api", "any-branch", "org-wide", "two-subs", "no-subs"}},
		{"wildcard first", map[string]map[string][]string{"StringLike": {host + ":sub": {"*:environment:prod"}}},
			[]string{"app", "api", "any-branch", "org-wide", "two-subs", "no-subs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, n := range ix.candidates(host, tt.cond) {
				got = append(got, n.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("candidates (-want +got):\n%s", diff)
			}
		})
	}
}
