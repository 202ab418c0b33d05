package advisory

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// FuzzParse checks that any input gives either a positioned *Error or an
// advisory whose affected packages can be matched without a panic.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "1.0.0")
	}
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"npm","name":"a"},"versions":["2.0.0"],"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"1.0.0"},{"introduced":"1.2.0"},{"last_affected":"1.2.0"},{"introduced":"0"},{"limit":"3.0.0"}]}]},{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0.0-rc.1"}]}]}]}`), "1.2.0")
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1!2.0rc1.post2.dev3+l.1"}]}]}]}`), "2.0")
	f.Fuzz(func(t *testing.T, data []byte, version string) {
		a, _, err := Parse("f.json", data)
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		for _, af := range a.Affected {
			if got, want := af.Affects(version), naiveAffects(af, version); got != want {
				t.Errorf("%s: Affects(%q) = %v, but walking every event gives %v", af.Purl, version, got, want)
			}
		}
	})
}

// naiveAffects decides Affects by comparing the version with every listed
// version and walking every event of every range, as the OSV schema
// describes, with no search.
func naiveAffects(a Affected, version string) bool {
	typ := strings.SplitN(strings.TrimPrefix(a.Purl, "pkg:"), "/", 2)[0]
	for _, v := range a.Versions {
		if v == version || strings.TrimPrefix(v, "v") == strings.TrimPrefix(version, "v") {
			return true
		}
		if c, ok := Compare(typ, v, version); ok && c == 0 {
			return true
		}
	}
	for _, r := range a.Ranges {
		order := typ
		switch r.Type {
		case "SEMVER":
			order = "semver"
		case "ECOSYSTEM":
		default:
			continue
		}
		if naiveInRange(order, r.Events, version) {
			return true
		}
	}
	return false
}

func naiveInRange(order string, events []Event, version string) bool {
	type ev struct {
		Event
		zero bool
	}
	var evs []ev
	for _, e := range events {
		z := e.Kind == "introduced" && e.Version == "0"
		if !z {
			if _, ok := Compare(order, e.Version, e.Version); !ok {
				return false
			}
		}
		evs = append(evs, ev{e, z})
	}
	if _, ok := Compare(order, version, version); !ok {
		return false
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].zero != evs[j].zero {
			return evs[i].zero
		}
		c, _ := Compare(order, evs[i].Version, evs[j].Version)
		return c < 0
	})
	affected := false
	for _, e := range evs {
		c := 1
		if !e.zero {
			c, _ = Compare(order, version, e.Version)
		}
		switch e.Kind {
		case "introduced":
			affected = affected || c >= 0
		case "fixed", "limit":
			affected = affected && c < 0
		case "last_affected":
			affected = affected && c <= 0
		}
	}
	return affected
}
