package graph

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestEvidenceKeyUses: one role's edge holds the calls of two session
// keys. The first key called at 03:10 (allowed) and 04:00 (denied), the
// second at 14:00 in another file. Each key keeps its own times.
func TestEvidenceKeyUses(t *testing.T) {
	day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	const one, two = "ASIAEXAMPLESESSION01", "ASIAEXAMPLESESSION02"
	a := &Evidence{}
	a.Add(day.Add(3*time.Hour+10*time.Minute), "lambda:InvokeFunction", "192.0.2.1", "aws-cli/2", one, false, Pos{File: "a.json", Line: 1})
	a.Add(day.Add(4*time.Hour), "lambda:InvokeFunction", "192.0.2.1", "aws-cli/2", one, true, Pos{File: "a.json", Line: 2})
	b := &Evidence{}
	b.Add(day.Add(14*time.Hour), "lambda:InvokeFunction", "203.0.113.5", "aws-cli/2", two, false, Pos{File: "b.json", Line: 1})
	b.Add(day.Add(2*time.Hour), "lambda:GetFunction", "192.0.2.1", "aws-cli/2", one, false, Pos{File: "b.json", Line: 2})

	ev := a.Clone()
	ev.Merge(b)
	want := []KeyUse{
		{Key: one, First: day.Add(2 * time.Hour), Last: day.Add(4 * time.Hour), LastAllowed: day.Add(3*time.Hour + 10*time.Minute), Count: 2, Denied: 1},
		{Key: two, First: day.Add(14 * time.Hour), Last: day.Add(14 * time.Hour), LastAllowed: day.Add(14 * time.Hour), Count: 1},
	}
	if diff := cmp.Diff(ev.KeyUses, want); diff != "" {
		t.Errorf("key uses (-got +want):\n%s", diff)
	}
	if got, ok := ev.KeyUse(two); !ok || !got.Last.Equal(day.Add(14*time.Hour)) {
		t.Errorf("KeyUse(%s) = %+v, %v; want last call at 14:00", two, got, ok)
	}
	if _, ok := ev.KeyUse("ASIAEXAMPLESESSION03"); ok {
		t.Error("KeyUse of a key that made no call reports calls")
	}
	// Merging must not change the evidence merged in.
	if len(a.KeyUses) != 1 || a.KeyUses[0].Count != 1 || a.KeyUses[0].Denied != 1 {
		t.Errorf("merge changed its source: %+v", a.KeyUses)
	}
}

// TestEvidenceKeyUsesOlder: evidence stored without KeyUses names keys
// whose calls it does not keep apart, so merging it leaves no key times.
func TestEvidenceKeyUsesOlder(t *testing.T) {
	at := time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)
	older := &Evidence{First: at, Last: at, Count: 1, Keys: []string{"ASIAEXAMPLESESSION01"}}
	fresh := &Evidence{}
	fresh.Add(at, "lambda:InvokeFunction", "", "", "ASIAEXAMPLESESSION02", false, Pos{})

	for name, ev := range map[string]*Evidence{"older into fresh": fresh.Clone(), "fresh into older": older.Clone()} {
		if name == "older into fresh" {
			ev.Merge(older)
		} else {
			ev.Merge(fresh)
		}
		if _, ok := ev.KeyUse("ASIAEXAMPLESESSION02"); ok || len(ev.KeyUses) != 0 {
			t.Errorf("%s: key uses %+v, want none", name, ev.KeyUses)
		}
		if len(ev.Keys) != 2 {
			t.Errorf("%s: keys %v, want both", name, ev.Keys)
		}
		ev.Add(at, "lambda:InvokeFunction", "", "", "ASIAEXAMPLESESSION03", false, Pos{})
		if len(ev.KeyUses) != 0 {
			t.Errorf("%s: a call added after the merge gives key uses %+v, want none", name, ev.KeyUses)
		}
	}
}

// TestEvidenceKeyUsesBound: KeyUses keeps the same MaxSeen keys as Keys.
func TestEvidenceKeyUsesBound(t *testing.T) {
	at := time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)
	ev := &Evidence{}
	for i := range MaxSeen + 10 {
		ev.Add(at, "", "", "", fmt.Sprintf("ASIAEXAMPLE%09d", MaxSeen+10-i), false, Pos{})
	}
	if len(ev.KeyUses) != MaxSeen || len(ev.Keys) != MaxSeen {
		t.Fatalf("%d key uses, %d keys, want %d each", len(ev.KeyUses), len(ev.Keys), MaxSeen)
	}
	for i, k := range ev.Keys {
		if ev.KeyUses[i].Key != k {
			t.Fatalf("key use %d is %s, key %s", i, ev.KeyUses[i].Key, k)
		}
	}
}
