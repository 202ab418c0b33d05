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
	// Each key keeps its own actions, addresses, agents and records: the
	// address 203.0.113.5 is the second key's only.
	want := []KeyUse{
		{Key: one, First: day.Add(2 * time.Hour), Last: day.Add(4 * time.Hour), LastAllowed: day.Add(3*time.Hour + 10*time.Minute), Count: 2, Denied: 1,
			Detailed: true,
			Actions:  []string{"lambda:GetFunction", "lambda:InvokeFunction"},
			Addrs:    []Seen{{Value: "192.0.2.1", First: day.Add(2 * time.Hour), Last: day.Add(4 * time.Hour), Count: 3}},
			Agents:   []Seen{{Value: "aws-cli/2", First: day.Add(2 * time.Hour), Last: day.Add(4 * time.Hour), Count: 3}},
			Records:  []Pos{{File: "a.json", Line: 1}, {File: "a.json", Line: 2}, {File: "b.json", Line: 2}}},
		{Key: two, First: day.Add(14 * time.Hour), Last: day.Add(14 * time.Hour), LastAllowed: day.Add(14 * time.Hour), Count: 1,
			Detailed: true,
			Actions:  []string{"lambda:InvokeFunction"},
			Addrs:    []Seen{{Value: "203.0.113.5", First: day.Add(14 * time.Hour), Last: day.Add(14 * time.Hour), Count: 1}},
			Agents:   []Seen{{Value: "aws-cli/2", First: day.Add(14 * time.Hour), Last: day.Add(14 * time.Hour), Count: 1}},
			Records:  []Pos{{File: "b.json", Line: 1}}},
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

// TestEvidenceKeyUsesUndetailed: a key use stored before each key kept
// its own actions and addresses, merged with a detailed use of the same
// key, keeps no detail, so that readers fall back to the edge's.
func TestEvidenceKeyUsesUndetailed(t *testing.T) {
	at := time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)
	const key = "ASIAEXAMPLESESSION01"
	older := &Evidence{First: at, Last: at, Count: 1, LastAllowed: at, Actions: []string{"s3:GetObject"},
		Keys: []string{key}, KeyUses: []KeyUse{{Key: key, First: at, Last: at, LastAllowed: at, Count: 1}}}
	fresh := &Evidence{}
	fresh.Add(at.Add(time.Hour), "s3:PutObject", "192.0.2.1", "aws-cli/2", key, false, Pos{File: "b.json", Line: 3})
	ev := older.Clone()
	ev.Merge(fresh)
	u, ok := ev.KeyUse(key)
	if !ok || u.Count != 2 {
		t.Fatalf("KeyUse = %+v, %v; want two calls", u, ok)
	}
	if u.Detailed || u.Actions != nil || u.Addrs != nil || u.Records != nil {
		t.Errorf("merged use keeps detail %+v, want none", u)
	}
}

// TestEvidenceKeyUsesDetailBound: one key's actions stop at MaxKeySeen.
func TestEvidenceKeyUsesDetailBound(t *testing.T) {
	at := time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)
	ev := &Evidence{}
	for i := range MaxKeySeen + 5 {
		ev.Add(at, fmt.Sprintf("s3:Action%02d", i), fmt.Sprintf("192.0.2.%d", i), "", "ASIAEXAMPLESESSION01", false, Pos{File: "a.json", Line: i + 1})
	}
	u, _ := ev.KeyUse("ASIAEXAMPLESESSION01")
	if len(u.Actions) != MaxKeySeen || len(u.Addrs) != MaxKeySeen || len(u.Records) != 4 {
		t.Errorf("%d actions, %d addresses, %d records; want %d, %d, 4", len(u.Actions), len(u.Addrs), len(u.Records), MaxKeySeen, MaxKeySeen)
	}
	if len(ev.Actions) != MaxKeySeen+5 {
		t.Errorf("edge keeps %d actions, want %d", len(ev.Actions), MaxKeySeen+5)
	}
}

// TestEvidenceRenameKey: a token called at 01:00 under its hash and at
// 02:00 and 03:00 (denied) under its id, beside another token at 05:00.
// Renaming the hash to the id leaves two keys: the id with both allowed
// calls and the denied one, and the other token as it was.
func TestEvidenceRenameKey(t *testing.T) {
	day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	const hash, id, other = "k3Xy+/AbCdEfEXAMPLEHASH=", "555001", "777002"
	ev := &Evidence{}
	ev.Add(day.Add(1*time.Hour), "git.clone", "192.0.2.1", "git/2", hash, false, Pos{File: "a.json", Line: 1})
	ev.Add(day.Add(2*time.Hour), "git.push", "192.0.2.2", "git/2", id, false, Pos{File: "a.json", Line: 2})
	ev.Add(day.Add(3*time.Hour), "git.push", "192.0.2.2", "git/2", id, true, Pos{File: "a.json", Line: 3})
	ev.Add(day.Add(5*time.Hour), "git.clone", "192.0.2.3", "git/2", other, false, Pos{File: "a.json", Line: 4})
	ev.RenameKey(hash, id)

	if diff := cmp.Diff([]string{id, other}, ev.Keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	u, ok := ev.KeyUse(id)
	if !ok {
		t.Fatalf("no calls of %s", id)
	}
	if u.Count != 2 || u.Denied != 1 {
		t.Errorf("calls of %s: %d allowed, %d denied, want 2 and 1", id, u.Count, u.Denied)
	}
	if !u.First.Equal(day.Add(1*time.Hour)) || !u.LastAllowed.Equal(day.Add(2*time.Hour)) || !u.Last.Equal(day.Add(3*time.Hour)) {
		t.Errorf("calls of %s from %s to %s, last allowed %s, want 01:00 to 03:00, last allowed 02:00", id, u.First, u.Last, u.LastAllowed)
	}
	if diff := cmp.Diff([]string{"git.clone", "git.push"}, u.Actions); diff != "" {
		t.Errorf("actions of %s (-want +got):\n%s", id, diff)
	}
	if _, ok := ev.KeyUse(hash); ok {
		t.Errorf("the hash keeps calls of its own")
	}
	if o, ok := ev.KeyUse(other); !ok || o.Count != 1 || !o.First.Equal(day.Add(5*time.Hour)) {
		t.Errorf("calls of %s = %+v, want one at 05:00", other, o)
	}
}
