package advisory

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// hostileRecord builds an OSV record with one affected npm package.
func hostileRecord(t *testing.T, affected ...map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(map[string]any{"id": "EXAMPLE-2026-0900", "affected": affected})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// within fails the test when fn takes longer than d.
func within(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("did not finish within %v", d)
	}
}

func TestAffectsHugeRecord(t *testing.T) {
	// 100,000 events: introduced 1.i.0, fixed 1.i.1, for i < 50,000;
	// and 100,000 listed versions 9.i.0.
	var events []map[string]string
	for i := 0; i < 50000; i++ {
		events = append(events, map[string]string{"introduced": fmt.Sprintf("1.%d.0", i)}, map[string]string{"fixed": fmt.Sprintf("1.%d.1", i)})
	}
	var versions []string
	for i := 0; i < 100000; i++ {
		versions = append(versions, fmt.Sprintf("9.%d.0", i))
	}
	data := hostileRecord(t, map[string]any{
		"package":  map[string]string{"ecosystem": "npm", "name": "example-lib"},
		"ranges":   []map[string]any{{"type": "SEMVER", "events": events}},
		"versions": versions,
	})
	a, _, err := Parse("many.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	within(t, 20*time.Second, func() {
		for i := 0; i < 300; i++ {
			for _, v := range []string{fmt.Sprintf("1.%d.0", i), fmt.Sprintf("1.%d.1", i), fmt.Sprintf("9.%d.0", i), fmt.Sprintf("9.%d.1", i)} {
				if a.Affected[0].Affects(v) {
					got = append(got, v)
				}
			}
		}
	})
	var want []string
	for i := 0; i < 300; i++ {
		want = append(want, fmt.Sprintf("1.%d.0", i), fmt.Sprintf("9.%d.0", i))
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("affected versions (-got +want):\n%s", diff)
	}
}

func TestAffectsEqualEvents(t *testing.T) {
	// Events at one version apply in record order; last_affected at the
	// version itself keeps it affected.
	tests := []struct {
		events  []map[string]string
		version string
		want    bool
	}{
		{[]map[string]string{{"introduced": "1.0.0"}, {"fixed": "1.0.0"}}, "1.0.0", false},
		{[]map[string]string{{"fixed": "1.0.0"}, {"introduced": "1.0.0"}}, "1.0.0", true},
		{[]map[string]string{{"introduced": "1.0.0"}, {"last_affected": "1.0.0"}}, "1.0.0", true},
		{[]map[string]string{{"introduced": "1.0.0"}, {"last_affected": "1.0.0"}}, "1.0.1", false},
		{[]map[string]string{{"introduced": "0"}, {"limit": "2.0.0"}}, "1.9.9", true},
		{[]map[string]string{{"introduced": "0"}}, "0.0.1", true},
		{[]map[string]string{{"introduced": "2.0.0"}}, "1.0.0", false},
		{[]map[string]string{{"introduced": "1.0.0"}, {"fixed": "not-a-version"}}, "1.5.0", false},
	}
	for _, tt := range tests {
		data := hostileRecord(t, map[string]any{
			"package": map[string]string{"ecosystem": "npm", "name": "example-lib"},
			"ranges":  []map[string]any{{"type": "SEMVER", "events": tt.events}},
		})
		a, _, err := Parse("eq.json", data)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Affected[0].Affects(tt.version); got != tt.want {
			t.Errorf("events %v: Affects(%s) = %v, want %v", tt.events, tt.version, got, tt.want)
		}
	}
}

func TestParseMergesRepeatedPackage(t *testing.T) {
	// 20,000 affected entries naming one package, each with its own range.
	var affected []map[string]any
	for i := 0; i < 20000; i++ {
		affected = append(affected, map[string]any{
			"package": map[string]string{"ecosystem": "npm", "name": "example-lib"},
			"ranges":  []map[string]any{{"type": "SEMVER", "events": []map[string]string{{"introduced": fmt.Sprintf("1.%d.0", i)}, {"fixed": fmt.Sprintf("1.%d.1", i)}}}},
		})
	}
	a, _, err := Parse("rep.json", hostileRecord(t, affected...))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(a.Affected); got != 1 {
		t.Fatalf("got %d affected packages, want 1", got)
	}
	within(t, 20*time.Second, func() {
		for _, tt := range []struct {
			v    string
			want bool
		}{{"1.0.0", true}, {"1.0.1", false}, {"1.19999.0", true}, {"1.19999.1", false}, {"2.0.0", false}} {
			if got := a.Affected[0].Affects(tt.v); got != tt.want {
				t.Errorf("Affects(%s) = %v, want %v", tt.v, got, tt.want)
			}
		}
	})
}

func TestComparePyPIHugeNumbers(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.99999999999999999999999", "1.5", 1},
		{"1.5", "1.99999999999999999999999", -1},
		{"1.99999999999999999999999", "1.99999999999999999999998", 1},
		{"99999999999999999999!1.0", "1!1.0", 1},
		{"1.0.00000000000000000000000", "1", 0},
	}
	for _, tt := range tests {
		got, ok := Compare("pypi", tt.a, tt.b)
		if !ok || got != tt.want {
			t.Errorf("Compare(pypi, %s, %s) = %d, %v; want %d, true", tt.a, tt.b, got, ok, tt.want)
		}
	}
}

func TestParseByteOrderMark(t *testing.T) {
	data := append([]byte("\xef\xbb\xbf"), hostileRecord(t, map[string]any{
		"package": map[string]string{"ecosystem": "npm", "name": "example-lib"}, "versions": []string{"1.0.0"},
	})...)
	a, _, err := Parse("bom.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Affected[0].Affects("1.0.0") {
		t.Error("Affects(1.0.0) = false, want true")
	}
	_, _, err = Parse("bom.json", []byte("\xef\xbb\xbf{\n \"id\": 5}"))
	var ae *Error
	if !errors.As(err, &ae) || ae.Line != 2 || ae.Col != 8 {
		t.Errorf("got error %v, want one at 2:8", err)
	}
}

func TestReadFileLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(`{"id":"X","pad":"`+strings.Repeat("a", MaxSize)+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(big)
	var ae *Error
	if !errors.As(err, &ae) || !strings.Contains(ae.Msg, "larger than") {
		t.Errorf("got error %v, want a size error", err)
	}
	small := filepath.Join(dir, "small.json")
	want := []byte(`{"id":"X"}`)
	if err := os.WriteFile(small, want, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(small)
	if err != nil || string(got) != string(want) {
		t.Errorf("ReadFile = %q, %v; want %q", got, err, want)
	}
}
