package review

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/blastradius-dev/blastradius/internal/textenc"
)

// Path is one credential or package reaching one live target.
type Path struct {
	Entry  string `json:"entry"`
	Target string `json:"target"`
}

// Rotation is a credential replaced since the earlier review: the same id
// with a new value, or a new credential of the same type acting as the
// same identities where the old one is gone.
type Rotation struct {
	Old string `json:"old"`
	New string `json:"new"`
	Why string `json:"why"`
}

// Comparison lists the changes since an earlier review.
type Comparison struct {
	PreviousAsOf string     `json:"previousAsOf,omitempty"`
	NewPaths     []Path     `json:"newPaths"`
	ClosedPaths  []Path     `json:"closedPaths"`
	Rotated      []Rotation `json:"rotated"`
}

// ReadJSON reads a review as WriteJSON writes it.
func ReadJSON(rd io.Reader) (*Review, error) {
	var rv Review
	dec := json.NewDecoder(textenc.Reader(io.LimitReader(rd, 1<<30)))
	if err := dec.Decode(&rv); err != nil {
		return nil, fmt.Errorf("earlier review is not a review JSON file: %w", err)
	}
	return &rv, nil
}

// Compare sets rv.Comparison: the paths that are new or closed since
// prev, and the credentials rotated in between.
func Compare(rv, prev *Review) {
	c := &Comparison{NewPaths: []Path{}, ClosedPaths: []Path{}, Rotated: []Rotation{}}
	if !prev.AsOf.IsZero() {
		c.PreviousAsOf = prev.AsOf.UTC().Format("2006-01-02T15:04:05Z07:00")
	}
	cur, old := paths(rv), paths(prev)
	for p := range cur {
		if !old[p] {
			c.NewPaths = append(c.NewPaths, p)
		}
	}
	for p := range old {
		if !cur[p] {
			c.ClosedPaths = append(c.ClosedPaths, p)
		}
	}
	sortPaths(c.NewPaths)
	sortPaths(c.ClosedPaths)

	now := map[string]*Entry{}
	for _, e := range rv.Entries {
		now[e.ID] = e
	}
	before := map[string]*Entry{}
	for _, e := range prev.Entries {
		before[e.ID] = e
	}
	used := map[string]bool{}
	for _, o := range prev.Entries {
		if o.Kind != KindCredential {
			continue
		}
		if n, ok := now[o.ID]; ok {
			if o.Fingerprint != "" && n.Fingerprint != "" && o.Fingerprint != n.Fingerprint {
				c.Rotated = append(c.Rotated, Rotation{Old: o.ID, New: n.ID, Why: "same credential, new value"})
			}
			continue
		}
		if len(o.ActsAs) == 0 {
			continue
		}
		for _, n := range rv.Entries {
			if n.Kind != KindCredential || used[n.ID] || before[n.ID] != nil || n.Type != o.Type || !sameList(n.ActsAs, o.ActsAs) {
				continue
			}
			used[n.ID] = true
			c.Rotated = append(c.Rotated, Rotation{Old: o.ID, New: n.ID, Why: "the old credential is gone and a new one acts as the same identities"})
			break
		}
	}
	sort.Slice(c.Rotated, func(i, j int) bool { return c.Rotated[i].Old < c.Rotated[j].Old })
	rv.Comparison = c
}

func paths(rv *Review) map[Path]bool {
	out := map[Path]bool{}
	for _, e := range rv.Entries {
		for _, t := range e.Targets {
			out[Path{Entry: e.ID, Target: t.ID}] = true
		}
	}
	return out
}

func sortPaths(ps []Path) {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Entry != ps[j].Entry {
			return ps[i].Entry < ps[j].Entry
		}
		return ps[i].Target < ps[j].Target
	})
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
