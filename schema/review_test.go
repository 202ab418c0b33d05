package schema

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const reviewPage = `query($first: Int, $after: String, $kind: String) {
  review(asOf: "2026-01-13T00:00:00Z", unusedDays: 0, first: $first, after: $after, kind: $kind) {
    totalCount
    edges { cursor node { rank id kind score findings { kind } } }
    pageInfo { hasNextPage endCursor }
    findings { kind node }
  }
}`

type reviewAnswer struct {
	Review struct {
		TotalCount int
		Edges      []struct {
			Cursor string
			Node   struct {
				Rank     int
				ID       string
				Kind     string
				Score    float64
				Findings []struct{ Kind string }
			}
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
		Findings []struct{ Kind, Node string }
	}
}

// TestReviewPages pages through the review of the fixture graph, ranked
// by hand: example-lib@1.0.0 reaches the declared bucket (1) through the
// release job's key, AWS_DEPLOY_KEY reaches it too (1); the admin role
// reaches only a table no input declares (0), version 2.0.0 only the lint
// job (0), the GITHUB_TOKEN nothing (0). Ties go to the larger blast
// radius, then the id.
func TestReviewPages(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	var order []string
	var scores []float64
	var after any
	for pages := 0; pages < 5; pages++ {
		_, body := post(t, srv, reviewPage, map[string]any{"first": 2, "after": after})
		r := decode(t, body)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		var a reviewAnswer
		if err := json.Unmarshal(r.Data, &a); err != nil {
			t.Fatal(err)
		}
		if a.Review.TotalCount != 5 {
			t.Errorf("totalCount = %d, want 5", a.Review.TotalCount)
		}
		for _, e := range a.Review.Edges {
			order = append(order, e.Node.ID)
			scores = append(scores, e.Node.Score)
			if e.Node.Rank != len(order) {
				t.Errorf("%s: rank %d, want %d", e.Node.ID, e.Node.Rank, len(order))
			}
		}
		if pages == 0 {
			want := []struct{ Kind, Node string }{{"long-lived-ci-secret", deployKey}}
			if diff := cmp.Diff(want, a.Review.Findings); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		}
		if !a.Review.PageInfo.HasNextPage {
			break
		}
		after = *a.Review.PageInfo.EndCursor
	}
	if diff := cmp.Diff([]string{pkgV1, deployKey, adminRole, pkgV2, jobToken}, order); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{1, 1, 0, 0, 0}, scores); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}

	_, body := post(t, srv, reviewPage, map[string]any{"kind": "package"})
	var a reviewAnswer
	if err := json.Unmarshal(decode(t, body).Data, &a); err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for _, e := range a.Review.Edges {
		pkgs = append(pkgs, e.Node.ID)
	}
	if diff := cmp.Diff([]string{pkgV1, pkgV2}, pkgs); diff != "" || a.Review.PageInfo.HasNextPage {
		t.Errorf("packages (-want +got), hasNextPage %v:\n%s", a.Review.PageInfo.HasNextPage, diff)
	}
}

const whatIfDoc = `query($changes: String!, $first: Int, $after: String) {
  whatIf(changes: $changes, start: {packages: ["pkg:npm/example-lib@1.0.0"]}) {
    edits { kind closes opens rederived }
    before { total }
    after { total }
    closed(first: $first, after: $after) { totalCount edges { node { node { id } path { kind } } } pageInfo { hasNextPage endCursor } }
    opened { totalCount }
    planAfter { steps { items { node { id } } } }
    planChanges { removed added }
  }
}`

// TestWhatIf removes AWS_DEPLOY_KEY from the release job: of the 7 nodes
// example-lib@1.0.0 reaches, only the job and its GITHUB_TOKEN stay.
func TestWhatIf(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	changes := "changes:\n  - remove_secret: {secret: AWS_DEPLOY_KEY}\n"
	var closed []string
	var after any
	for pages := 0; pages < 5; pages++ {
		_, body := post(t, srv, whatIfDoc, map[string]any{"changes": changes, "first": 2, "after": after})
		r := decode(t, body)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		var a struct {
			WhatIf struct {
				Edits []struct {
					Kind          string
					Closes, Opens []string
					Rederived     bool
				}
				Before, After struct{ Total int }
				Closed        struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Node struct{ ID string }
							Path []struct{ Kind string }
						}
					}
					PageInfo struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
				Opened    struct{ TotalCount int }
				PlanAfter struct {
					Steps []struct {
						Items []struct{ Node struct{ ID string } }
					}
				}
				PlanChanges struct{ Removed, Added []string }
			}
		}
		if err := json.Unmarshal(r.Data, &a); err != nil {
			t.Fatal(err)
		}
		w := a.WhatIf
		if w.Before.Total != 7 || w.After.Total != 2 || w.Closed.TotalCount != 5 || w.Opened.TotalCount != 0 {
			t.Errorf("before %d, after %d, closed %d, opened %d; want 7, 2, 5, 0", w.Before.Total, w.After.Total, w.Closed.TotalCount, w.Opened.TotalCount)
		}
		if pages == 0 {
			wantCloses := []string{adminRole, deployer, bucket, table, deployKey}
			if len(w.Edits) != 1 || w.Edits[0].Kind != "remove_secret" || !cmp.Equal(w.Edits[0].Closes, sortedIDs(wantCloses)) {
				t.Errorf("edits = %+v", w.Edits)
			}
			// The plan revoked the key and the admin role's sessions.
			if diff := cmp.Diff([]string{adminRole, deployKey}, w.PlanChanges.Removed); diff != "" {
				t.Errorf("plan items removed (-want +got):\n%s", diff)
			}
		}
		for _, e := range w.Closed.Edges {
			closed = append(closed, e.Node.Node.ID)
			if len(e.Node.Path) == 0 {
				t.Errorf("%s: no path", e.Node.Node.ID)
			}
		}
		if len(w.Closed.Edges) > 2 {
			t.Errorf("page of %d, want at most 2", len(w.Closed.Edges))
		}
		if !w.Closed.PageInfo.HasNextPage {
			break
		}
		after = *w.Closed.PageInfo.EndCursor
	}
	if diff := cmp.Diff(sortedIDs([]string{adminRole, deployer, bucket, table, deployKey}), closed); diff != "" {
		t.Errorf("closed (-want +got):\n%s", diff)
	}
}

func sortedIDs(list []string) []string {
	out := append([]string(nil), list...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestReviewAndWhatIfErrors(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	for _, tc := range []struct {
		name string
		doc  string
		vars map[string]any
		code string
	}{
		{"bad criticality", `{ review(criticality: "- a") { totalCount } }`, nil, "BAD_INPUT"},
		{"bad kind", `{ review(kind: "user") { totalCount } }`, nil, "BAD_INPUT"},
		{"bad first", `{ review(first: 0) { totalCount } }`, nil, "BAD_INPUT"},
		{"bad cursor", `{ review(after: "nope!") { totalCount } }`, nil, "BAD_INPUT"},
		{"bad asOf", `{ review(asOf: "yesterday") { totalCount } }`, nil, "BAD_INPUT"},
		{"changes not YAML", whatIfDoc, map[string]any{"changes": "changes: [\n"}, "BAD_INPUT"},
		{"unknown edit", whatIfDoc, map[string]any{"changes": "changes:\n  - rotate_everything: {}\n"}, "BAD_INPUT"},
		{"secret not in graph", whatIfDoc, map[string]any{"changes": "changes:\n  - remove_secret: {secret: NOPE}\n"}, "BAD_INPUT"},
		{"start matches nothing", `{ whatIf(changes: "changes:\n  - remove_secret: {secret: AWS_DEPLOY_KEY}\n", start: {packages: ["pkg:npm/nothing@1.0.0"]}) { query } }`, nil, "NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, body := post(t, srv, tc.doc, tc.vars)
			r := decode(t, body)
			if diff := cmp.Diff([]string{tc.code}, r.codes()); diff != "" {
				t.Errorf("codes (-want +got):\n%s\n%s", diff, body)
			}
		})
	}
}

func TestReviewAliasesLimited(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	doc := "{"
	for i := 0; i <= MaxTraversalsPerRequest; i++ {
		doc += fmt.Sprintf(" r%d: review(unusedDays: %d) { totalCount }", i, i)
	}
	doc += " }"
	_, body := post(t, srv, doc, nil)
	r := decode(t, body)
	if diff := cmp.Diff([]string{"BAD_INPUT"}, r.codes()); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
}
