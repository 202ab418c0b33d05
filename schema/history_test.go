package schema

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/history"
)

// historyStore is a store whose history lives beside the file db.
type historyStore struct {
	*memstore.Store
	db string
}

func (h historyStore) HistoryDB() string { return h.db }

func TestHistoryErrorCodes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	s, err := memstore.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), &graph.Batch{Time: at(1, 9, 0)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := history.Record(db, at(1, 9, 0), history.Retention{}); err != nil {
		t.Fatal(err)
	}
	withHistory := newServer(t, historyStore{s, db}, Options{})
	without := newServer(t, s, Options{})
	early := at(1, 9, 0).Add(-time.Hour).Format(time.RFC3339)

	for _, tc := range []struct {
		name  string
		srv   string
		query string
		want  []string
	}{
		{"snapshots without history", "without", `{ snapshots { totalCount } }`, []string{"UNAVAILABLE"}},
		{"diff without history", "without", `{ diff(from: "2026-11-01T00:00:00Z") { totalCount } }`, []string{"UNAVAILABLE"}},
		{"bad cursor", "with", `{ snapshots(after: "!!") { totalCount } }`, []string{"BAD_INPUT"}},
		{"cursor of the other field", "with", `{ diff(from: "2026-11-01T09:00:00Z", after: "` + encodeCursor("snapshot", "x") + `") { totalCount } }`, []string{"BAD_INPUT"}},
		{"first out of range", "with", `{ snapshots(first: 0) { totalCount } }`, []string{"BAD_INPUT"}},
		{"bad time", "with", `{ diff(from: "yesterday") { totalCount } }`, []string{"BAD_INPUT"}},
		{"bad purl", "with", `{ diff(from: "2026-11-01T09:00:00Z", packages: ["left-pad"]) { totalCount } }`, []string{"BAD_INPUT"}},
		{"before every snapshot", "with", `{ diff(from: "` + early + `") { totalCount } }`, []string{"NOT_FOUND"}},
		{"same snapshot", "with", `{ diff(from: "2026-11-01T09:00:00Z") { totalCount } }`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := withHistory
			if tc.srv == "without" {
				srv = without
			}
			_, body := post(t, srv, tc.query, nil)
			if diff := cmp.Diff(decode(t, body).codes(), tc.want); diff != "" {
				t.Errorf("error codes (-got +want):\n%s\n%s", diff, body)
			}
		})
	}
}
