package mapping_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/ingest/mapping"
	"github.com/blastradius-dev/blastradius/query"
)

// workflow runs a third-party action with a GitHub secret that no other
// input describes: a key set by hand in the repository settings.
const workflow = `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: evil/action@v1
        env:
          AWS_ACCESS_KEY_ID: ${{ secrets.LEGACY_AWS_KEY }}
`

const (
	legacyUser = "arn:aws:iam::111122223333:user/legacy"
	finance    = "arn:aws:s3:::finance"
	handSecret = "secret:gha:o/app/LEGACY_AWS_KEY"
	job        = "runtime:gha:o/app/.github/workflows/ci.yml#build"
)

// writeOrg writes repository o/app with the workflow, and the given files
// at the top of the input.
func writeOrg(t *testing.T, top map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"o/app/.git/config":              `[remote "origin"]` + "\n\turl = https://github.com/o/app.git\n",
		"o/app/.github/workflows/ci.yml": workflow,
	}
	for name, data := range top {
		files[name] = data
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
	return dir
}

// ingestInto runs an ingest of paths into s, as the ingest command does.
func ingestInto(t *testing.T, s *memstore.Store, paths ...string) *ingest.Summary {
	t.Helper()
	p := &ingest.Pipeline{
		Parsers: formats.All(),
		Store:   s,
		Derive:  (&link.Linker{}).Derive,
		Env:     &ingest.Env{Fingerprint: func(string) string { return "fp" }},
		Now:     func() time.Time { return time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC) },
	}
	sum, err := p.Run(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// messages returns the diagnostics as "base:line: message" lines.
func messages(ds []ingest.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		d.Pos.File = filepath.Base(d.Pos.File)
		d.Pos.Col = 0
		out = append(out, d.String())
	}
	return out
}

// reach returns the ids the blast radius of the action reaches, each with
// the base name and line of its last hop's position.
func reach(t *testing.T, s graph.Reader) map[string]string {
	t.Helper()
	ctx := context.Background()
	starts, err := query.ResolvePackages(ctx, s, []query.PackageSpec{{Name: "pkg:githubactions/evil/action", Version: "v1"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := query.BlastRadius(ctx, s, starts, "evil/action", query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range res.Reached {
		if len(r.Path) == 0 {
			continue
		}
		last := r.Path[len(r.Path)-1].Pos
		out[r.Node.ID] = filepath.Base(last.File) + ":" + strconv.Itoa(last.Line)
	}
	return out
}

// TestMappingJoinsAHandSetSecret: the secret is set by hand, so only the
// mapping file states whose key it holds. With the file, the blast
// radius of the action goes on from the secret to the user it states and
// the bucket that user can read, and each of those hops names the line of
// the file that states it. An edge to a misspelt id is left out, with a
// warning at the line of the id.
func TestMappingJoinsAHandSetSecret(t *testing.T) {
	mapFile := `facts:
  - node: {id: "arn:aws:iam::111122223333:user/legacy", kind: Identity}
  - node: {id: "arn:aws:s3:::finance", kind: Resource, label: finance bucket}
  - edge:
      from: secret:gha:o/app/LEGACY_AWS_KEY
      kind: AUTHENTICATES_AS
      to: "arn:aws:iam::111122223333:user/legacy"
      reason: set by hand in the repository settings
  - edge: {from: "arn:aws:iam::111122223333:user/legacy", kind: CAN_ACCESS, to: "arn:aws:s3:::finance"}
  - edge:
      from: "arn:aws:iam::111122223333:user/legacy"
      kind: CAN_ACCESS
      to: "arn:aws:s3:::finanse"
`
	// Without the file, the walk stops at the secret.
	bare := memstore.New()
	ingestInto(t, bare, writeOrg(t, nil))
	got := reach(t, bare)
	if _, ok := got[handSecret]; !ok {
		t.Fatalf("the job's secret is not reached without the mapping file: %v", got)
	}
	if _, ok := got[legacyUser]; ok {
		t.Fatalf("the user is reached without the mapping file: %v", got)
	}

	s := memstore.New()
	sum := ingestInto(t, s, writeOrg(t, map[string]string{"blastradius-map.yaml": mapFile}))
	if len(sum.Rejected) > 0 {
		t.Fatalf("rejected: %v", sum.Rejected)
	}
	wantWarn := []string{
		"blastradius-map.yaml:13: edge left out: no input declares the node to names (arn:aws:s3:::finanse); `blastradius nodes` lists the ids",
	}
	if diff := cmp.Diff(wantWarn, messages(sum.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	got = reach(t, s)
	for id, pos := range map[string]string{
		job:        "ci.yml:7",
		handSecret: "ci.yml:9",
		legacyUser: "blastradius-map.yaml:4",
		finance:    "blastradius-map.yaml:9",
	} {
		if got[id] != pos {
			t.Errorf("%s reached with last hop at %q, want %q", id, got[id], pos)
		}
	}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanAccess)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.From == legacyUser && e.To != finance {
			t.Errorf("edge %s -> %s is in the store", e.From, e.To)
		}
	}
}

// TestMappingChecksAgainstTheStore: the mapping file may come in a later
// run than the files that declare its ids, and is then checked against
// the store.
func TestMappingChecksAgainstTheStore(t *testing.T) {
	s := memstore.New()
	org := writeOrg(t, nil)
	ingestInto(t, s, org)
	mapDir := t.TempDir()
	mapPath := filepath.Join(mapDir, "team.blastradius-map.yml")
	data := `facts:
  - node: {id: "arn:aws:iam::111122223333:user/legacy", kind: Identity}
  - edge: {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: "arn:aws:iam::111122223333:user/legacy"}
  - edge: {from: "runtime:gha:o/app/.github/workflows/ci.yml#build", kind: AUTHENTICATES_AS, to: "arn:aws:iam::111122223333:user/legacy"}
`
	if err := os.WriteFile(mapPath, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := ingestInto(t, s, mapPath)
	wantWarn := []string{
		"team.blastradius-map.yml:4: edge left out: AUTHENTICATES_AS goes from a node of kind Secret, and runtime:gha:o/app/.github/workflows/ci.yml#build is a Runtime",
	}
	if diff := cmp.Diff(wantWarn, messages(sum.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if got := reach(t, s)[legacyUser]; got != "team.blastradius-map.yml:3" {
		t.Errorf("user reached with last hop at %q, want team.blastradius-map.yml:3", got)
	}
}

// TestMappingLeavesOutBadEntries: each entry that breaks a rule is left
// out with a warning at its line, and the others go in. Text shaped like
// a credential reaches no message and no fact.
func TestMappingLeavesOutBadEntries(t *testing.T) {
	const token = "ghp_" + "canaryMapping0123456789abcdefghijkX9x9"
	mapFile := `facts:
  - node: {id: "arn:aws:iam::111122223333:user/legacy", kind: Identity}
  - node: {id: "x", kind: Policy}
  - node: {id: "y"}
  - edge: {from: "arn:aws:iam::111122223333:user/legacy", kind: OBSERVED, to: "arn:aws:iam::111122223333:user/legacy"}
  - edge: {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: "arn:aws:iam::111122223333:user/legacy", confidence: likely}
  - edge: {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: "arn:aws:iam::111122223333:user/legacy", reason: "old key ` + token + ` from 2023"}
  - edge: {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: "arn:aws:iam::111122223333:user/legacy", via: ui}
  - edge: {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: ["a", "b"]}
  - both: {}
  - just a string
  - edge: {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: "arn:aws:iam::111122223333:user/legacy", confidence: possible}
extra: 1
`
	s := memstore.New()
	sum := ingestInto(t, s, writeOrg(t, map[string]string{"blastradius-map.yaml": mapFile}))
	want := []string{
		"blastradius-map.yaml:3: node left out: kind must be one of Package, Repository, Runtime, Secret, Identity, Resource",
		"blastradius-map.yaml:4: node left out: it needs the field kind",
		"blastradius-map.yaml:5: edge left out: kind must be one of DEPENDS_ON, EXECUTES, EXPOSES, AUTHENTICATES_AS, CAN_ASSUME, CAN_READ_SECRET, CAN_MINT, CAN_MODIFY, CAN_PUBLISH, CAN_ACCESS, RUNS_ON, HOLDS, DEFINES, LOCKS, MEMBER_OF, CAN_INVOKE, CAN_RECEIVE",
		"blastradius-map.yaml:6: edge left out: confidence must be certain or possible",
		"blastradius-map.yaml:7: edge left out: its reason holds text shaped like a credential, which is never stored",
		`blastradius-map.yaml:8: edge left out: it takes the fields from, kind, to, confidence, reason, actions, not "via"`,
		"blastradius-map.yaml:9: edge left out: to must be a non-empty string",
		`blastradius-map.yaml:10: entry left out: "both" is not an entry kind: use node or edge`,
		"blastradius-map.yaml:11: entry left out: each entry is an object with one key, node or edge",
		`blastradius-map.yaml:13: unknown key "extra": a mapping file lists its entries under facts`,
	}
	if diff := cmp.Diff(want, messages(sum.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeAuthenticatesAs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.From == handSecret {
			got = append(got, e.To+" "+string(e.Confidence)+" line "+strconv.Itoa(e.Pos.Line))
		}
		for k, v := range e.Attrs {
			if strings.Contains(k+v, "canaryMapping") {
				t.Errorf("the credential-shaped text is stored on %s -> %s", e.From, e.To)
			}
		}
	}
	if diff := cmp.Diff([]string{legacyUser + " possible line 12"}, got); diff != "" {
		t.Errorf("stated edges from the secret (-want +got):\n%s", diff)
	}
	for _, d := range sum.Warnings {
		if strings.Contains(d.Msg, "canaryMapping") {
			t.Errorf("a warning quotes the credential-shaped text: %s", d)
		}
	}
}

// TestMappingSyntaxError: a file that is not YAML is rejected at the line
// of the error, and the rest of the input goes in.
func TestMappingSyntaxError(t *testing.T) {
	s := memstore.New()
	sum := ingestInto(t, s, writeOrg(t, map[string]string{
		"blastradius-map.yaml": "facts:\n  - edge: {from: a, kind: CAN_ACCESS\n  - node: {id: b}\n",
	}))
	if len(sum.Rejected) != 1 || filepath.Base(sum.Rejected[0].Pos.File) != "blastradius-map.yaml" || sum.Rejected[0].Pos.Line != 2 {
		t.Fatalf("rejected: %v, want the mapping file at line 2, where the flow mapping that is never closed opens", sum.Rejected)
	}
	if _, ok := reach(t, s)[handSecret]; !ok {
		t.Error("the workflow did not go in beside the rejected file")
	}
}

// TestDetect: the file is found by its name only.
func TestDetect(t *testing.T) {
	p := mapping.New()
	for name, want := range map[string]bool{
		"blastradius-map.yaml":            true,
		"ops/blastradius-map.yml":         true,
		"ops/team-a.blastradius-map.yaml": true,
		"blastradius-map.json":            false,
		"my-blastradius-map.yaml":         false,
		"blastradius-map.yaml.bak":        false,
		// Any input may be gzip-compressed.
		"blastradius-map.yaml.gz":           true,
		"ops/team-a.blastradius-map.yml.gz": true,
		"blastradius-map.gz":                false,
		"blastradius-map.yaml.gz.bak":       false,
	} {
		if got := p.Detect(&ingest.File{Path: name}); got != want {
			t.Errorf("Detect(%s) = %v, want %v", name, got, want)
		}
	}
}

// TestEndsMatchTheReaders: the kinds that a mapping file's edges may join
// are those the readers and the linker give edges of the same kind, over
// the whole shared corpus, so that a stated edge behaves as a parsed one.
func TestEndsMatchTheReaders(t *testing.T) {
	const corpus = "../../../shared/corpus"
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("shared corpus not present")
	}
	s := memstore.New()
	ingestInto(t, s, corpus)
	ctx := context.Background()
	kindOf := map[string]graph.NodeKind{}
	for _, k := range graph.NodeKinds {
		ns, err := s.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			kindOf[n.ID] = n.Kind
		}
	}
	for _, k := range graph.EdgeKinds {
		from, to, ok := mapping.Ends(k)
		if !ok {
			continue
		}
		es, err := s.EdgesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		bad := map[string]int{}
		for _, e := range es {
			f, tk := kindOf[e.From], kindOf[e.To]
			if f == "" || tk == "" {
				continue
			}
			if !slices.Contains(from, f) || !slices.Contains(to, tk) {
				bad[string(f)+" -> "+string(tk)]++
			}
		}
		if len(bad) > 0 {
			t.Errorf("%s joins kinds the mapping file may not: %v", k, bad)
		}
	}
}

// TestMappingEndOfAReplacedFile: an id that only an earlier version of a
// file declared is gone once the run replaces that file, so an edge the
// mapping file states from it in the same run is left out with a warning.
func TestMappingEndOfAReplacedFile(t *testing.T) {
	s := memstore.New()
	org := writeOrg(t, nil)
	ingestInto(t, s, org)
	wf := filepath.Join(org, "o", "app", ".github", "workflows", "ci.yml")
	if err := os.WriteFile(wf, []byte(strings.ReplaceAll(workflow, "LEGACY_AWS_KEY", "NEW_AWS_KEY")), 0o644); err != nil {
		t.Fatal(err)
	}
	mapPath := filepath.Join(t.TempDir(), "blastradius-map.yaml")
	data := `facts:
  - node: {id: "arn:aws:iam::111122223333:user/legacy", kind: Identity}
  - edge: {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: "arn:aws:iam::111122223333:user/legacy"}
`
	if err := os.WriteFile(mapPath, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := ingestInto(t, s, org, mapPath)
	want := []string{
		"blastradius-map.yaml:3: edge left out: no input declares the node from names (secret:gha:o/app/LEGACY_AWS_KEY); `blastradius nodes` lists the ids",
	}
	if diff := cmp.Diff(want, messages(sum.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeAuthenticatesAs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.From == handSecret {
			t.Errorf("edge %s -> %s is in the store", e.From, e.To)
		}
	}
}

// TestMappingNodeOfAnotherKind: a mapping file states what no input shows,
// so it cannot give a node that another input declares another kind. Such
// a node entry is left out with a warning, and the node keeps the kind the
// workflow gives it. Of two mapping files that disagree, the first one
// read keeps its entry.
func TestMappingNodeOfAnotherKind(t *testing.T) {
	s := memstore.New()
	org := writeOrg(t, map[string]string{
		"a.blastradius-map.yaml": `facts:
  - node: {id: "secret:gha:o/app/LEGACY_AWS_KEY", kind: Identity}
  - node: {id: "host:build-1", kind: Runtime}
`,
		"b.blastradius-map.yaml": `facts:
  - node: {id: "host:build-1", kind: Resource}
`,
	})
	sum := ingestInto(t, s, org)
	want := []string{
		"a.blastradius-map.yaml:2: node left out: another input declares secret:gha:o/app/LEGACY_AWS_KEY a Secret",
		"b.blastradius-map.yaml:2: node left out: another input declares host:build-1 a Runtime",
	}
	if diff := cmp.Diff(want, messages(sum.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	ns, err := s.Nodes(context.Background(), []string{handSecret, "host:build-1"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]graph.NodeKind{}
	for _, n := range ns {
		got[n.ID] = n.Kind
	}
	wantKinds := map[string]graph.NodeKind{handSecret: graph.NodeSecret, "host:build-1": graph.NodeRuntime}
	if diff := cmp.Diff(wantKinds, got); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
}

// TestMappingAliases: an entry, or a field, given as a YAML alias counts
// as what the alias names, at the line of the alias. The anchors may sit
// under a top-level key that starts with a dot.
func TestMappingAliases(t *testing.T) {
	s := memstore.New()
	sum := ingestInto(t, s, writeOrg(t, map[string]string{"blastradius-map.yaml": `.ids:
  legacy: &user "arn:aws:iam::111122223333:user/legacy"
facts:
  - &declared
    node: {id: *user, kind: Identity}
  - edge: &acts {from: "secret:gha:o/app/LEGACY_AWS_KEY", kind: AUTHENTICATES_AS, to: *user}
  - *declared
`}))
	if len(sum.Warnings) > 0 {
		t.Errorf("warnings: %v", messages(sum.Warnings))
	}
	if got := reach(t, s)[legacyUser]; got != "blastradius-map.yaml:6" {
		t.Errorf("user reached with last hop at %q, want blastradius-map.yaml:6", got)
	}
}

// TestMappingActionsList: an edge's actions may be a YAML list, in flow
// or block form, as well as one comma-separated string. Each form gives
// the edge the actions repo and workflow. A list with an item that is not
// a string leaves the edge out.
func TestMappingActionsList(t *testing.T) {
	const repo = "repo:github.com/o/app"
	s := memstore.New()
	sum := ingestInto(t, s, writeOrg(t, map[string]string{"blastradius-map.yaml": `facts:
  - node: {id: "github:pat:flow", kind: Identity}
  - node: {id: "github:pat:block", kind: Identity}
  - node: {id: "github:pat:text", kind: Identity}
  - node: {id: "github:pat:nested", kind: Identity}
  - edge: {from: "github:pat:flow", kind: CAN_MODIFY, to: "` + repo + `", actions: [repo, workflow]}
  - edge:
      from: "github:pat:block"
      kind: CAN_MODIFY
      to: "` + repo + `"
      actions:
        - workflow
        - repo
  - edge: {from: "github:pat:text", kind: CAN_MODIFY, to: "` + repo + `", actions: "repo, workflow"}
  - edge: {from: "github:pat:nested", kind: CAN_MODIFY, to: "` + repo + `", actions: [repo, {scope: workflow}]}
`}))
	want := []string{"blastradius-map.yaml:15: edge left out: each item of actions must be a non-empty string"}
	if diff := cmp.Diff(want, messages(sum.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range es {
		if e.To == repo && strings.HasPrefix(e.From, "github:pat:") {
			got[e.From] = e.Attr(graph.AttrActions)
		}
	}
	wantActions := map[string]string{"github:pat:flow": "repo,workflow", "github:pat:block": "repo,workflow", "github:pat:text": "repo,workflow"}
	if diff := cmp.Diff(wantActions, got); diff != "" {
		t.Errorf("actions of the CAN_MODIFY edges (-want +got):\n%s", diff)
	}
}

// TestMappingActionsOddItems: an item of an actions list that YAML reads
// as a number, a boolean or null is not the name of an action or scope.
// Neither is an item of commas alone, and null is no value of a field.
// Each such item leaves its edge out, so that true, ~ or 1 never stand
// beside workflow as scopes of the token. A quoted number is a string.
func TestMappingActionsOddItems(t *testing.T) {
	const repo = "repo:github.com/o/app"
	s := memstore.New()
	var b strings.Builder
	b.WriteString("facts:\n")
	edges := []struct{ name, actions string }{
		{"number", "[1, 2.5]"},
		{"boolean", "[true, workflow]"},
		{"null", "[~, workflow]"},
		{"commas", `[",", workflow]`},
		{"nullscalar", "null"},
		{"commascalar", `", ,"`},
		{"quoted", `["1", workflow]`},
	}
	for _, e := range edges {
		b.WriteString(`  - node: {id: "github:pat:` + e.name + `", kind: Identity}` + "\n")
	}

	for _, e := range edges {
		b.WriteString(`  - edge: {from: "github:pat:` + e.name + `", kind: CAN_MODIFY, to: "` + repo + `", actions: ` + e.actions + "}\n")
	}
	sum := ingestInto(t, s, writeOrg(t, map[string]string{"blastradius-map.yaml": b.String()}))

	var want []string
	for line := 9; line <= 12; line++ {
		want = append(want, "blastradius-map.yaml:"+strconv.Itoa(line)+": edge left out: each item of actions must be a non-empty string")
	}
	want = append(want,
		"blastradius-map.yaml:13: edge left out: actions must be a non-empty string",
		"blastradius-map.yaml:14: edge left out: actions must be a non-empty string")
	if diff := cmp.Diff(want, messages(sum.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range es {
		if e.To == repo && strings.HasPrefix(e.From, "github:pat:") {
			got[e.From] = e.Attr(graph.AttrActions)
		}
	}
	if diff := cmp.Diff(map[string]string{"github:pat:quoted": "1,workflow"}, got); diff != "" {
		t.Errorf("actions of the CAN_MODIFY edges (-want +got):\n%s", diff)
	}
}
