package advisory

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		order, a, b string
		want        int
	}{
		{"npm", "7.0.3", "7.0.10", -1},
		{"npm", "1.0.0-beta.2", "1.0.0", -1},
		{"golang", "v1.2.3", "v1.2.3", 0},
		{"golang", "v0.0.0-20240101000000-abcdefabcdef", "v0.0.1", -1},
		{"pypi", "1.0", "1.0.0", 0},
		{"pypi", "1.0.dev1", "1.0a1", -1},
		{"pypi", "1.0a1", "1.0b1", -1},
		{"pypi", "1.0rc1", "1.0", -1},
		{"pypi", "1.0", "1.0.post1", -1},
		{"pypi", "1.0.post1.dev1", "1.0.post1", -1},
		{"pypi", "1!0.1", "2.0", 1},
		{"pypi", "1.0+local.2", "1.0+local.10", -1},
		{"pypi", "1.0", "1.0+local", -1},
		{"pypi", "1.0preview1", "1.0", -1},
		{"maven", "2.0-beta1", "2.0", -1},
		{"maven", "2.0", "2.0.1", -1},
		{"maven", "2.0-SNAPSHOT", "2.0", -1},
		{"maven", "2.0-sp1", "2.0", 1},
		{"gem", "1.0.0.pre", "1.0.0", -1},
		{"gem", "1.10", "1.9", 1},
		{"nuget", "4.0.0.1", "4.0.0", 1},
		{"githubactions", "v47", "46.0.1", 1},
		{"githubactions", "v45", "45.0.7", -1},
	}
	for _, tt := range tests {
		got, ok := Compare(tt.order, tt.a, tt.b)
		if !ok || got != tt.want {
			t.Errorf("Compare(%s, %s, %s) = %d, %v; want %d, true", tt.order, tt.a, tt.b, got, ok, tt.want)
		}
	}
	if _, ok := Compare("npm", "not-a-version", "1.0.0"); ok {
		t.Error("Compare(npm, not-a-version, 1.0.0) read the version")
	}
	if _, ok := Compare("pypi", "1.0!!", "1.0"); ok {
		t.Error("Compare(pypi, 1.0!!, 1.0) read the version")
	}
	if _, ok := Compare("githubactions", "main", "45.0.7"); ok {
		t.Error("Compare(githubactions, main, 45.0.7) read a branch name as a version")
	}
}

func TestParse(t *testing.T) {
	data, err := os.ReadFile("testdata/EXAMPLE-2026-0101.json")
	if err != nil {
		t.Fatal(err)
	}
	a, warns, err := Parse("EXAMPLE-2026-0101.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var purls []string
	for _, af := range a.Affected {
		purls = append(purls, af.Purl)
	}
	wantPurls := []string{
		"pkg:npm/%40example-org/text-wrapper",
		"pkg:pypi/zope-interface",
		"pkg:golang/github.com/example-org/mod",
		"pkg:maven/org.example/parser",
		"pkg:githubactions/example-org/setup-tool",
		"pkg:cargo/example-codec",
	}
	if diff := cmp.Diff(purls, wantPurls); diff != "" {
		t.Errorf("purls (-got +want):\n%s", diff)
	}
	wantWarns := []string{
		"EXAMPLE-2026-0101.json: EXAMPLE-2026-0101 affected[5]: package.ecosystem is not one that a purl type is known for; skipped",
		"EXAMPLE-2026-0101.json: EXAMPLE-2026-0101 affected[6]: only GIT ranges and no versions list; it matches nothing",
	}
	if diff := cmp.Diff(warns, wantWarns); diff != "" {
		t.Errorf("warnings (-got +want):\n%s", diff)
	}

	byPurl := map[string]Affected{}
	for _, af := range a.Affected {
		byPurl[af.Purl] = af
	}
	tests := []struct {
		purl, version string
		want          bool
	}{
		{"pkg:npm/%40example-org/text-wrapper", "6.9.9", false},
		{"pkg:npm/%40example-org/text-wrapper", "7.0.0", true},
		{"pkg:npm/%40example-org/text-wrapper", "7.0.3", true},
		{"pkg:npm/%40example-org/text-wrapper", "7.0.4", false},
		{"pkg:npm/%40example-org/text-wrapper", "8.0.0", false},
		{"pkg:npm/%40example-org/text-wrapper", "8.1.2", true},
		{"pkg:npm/%40example-org/text-wrapper", "8.1.3", false},
		{"pkg:pypi/zope-interface", "0.1", true},
		{"pkg:pypi/zope-interface", "5.1.0b9", true},
		{"pkg:pypi/zope-interface", "5.1.0rc1", false},
		{"pkg:pypi/zope-interface", "5.1.0", false},
		{"pkg:golang/github.com/example-org/mod", "v1.2.3", true},
		{"pkg:golang/github.com/example-org/mod", "v1.2.5", false},
		{"pkg:maven/org.example/parser", "2.0-alpha1", false},
		{"pkg:maven/org.example/parser", "2.0", true},
		{"pkg:maven/org.example/parser", "2.1", false},
		{"pkg:githubactions/example-org/setup-tool", "v2.3.0", true},
		{"pkg:githubactions/example-org/setup-tool", "v2.3.1", false},
		{"pkg:cargo/example-codec", "1.0.0", false},
	}
	for _, tt := range tests {
		if got := byPurl[tt.purl].Affects(tt.version); got != tt.want {
			t.Errorf("%s@%s affected = %v, want %v", tt.purl, tt.version, got, tt.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	a, _, err := Parse("m.json", []byte(`{"id": "MAL-2026-7", "withdrawn": "2026-10-09T00:00:00Z", "affected": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Malicious || !a.Withdrawn {
		t.Errorf("malicious = %v, withdrawn = %v; want both true", a.Malicious, a.Withdrawn)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"syntax", "{\n  \"id\": \"X\",\n  \"affected\": [}\n}", "a.json:3:16: invalid JSON"},
		{"type", "{\n  \"id\": \"X\",\n  \"affected\": {}\n}", "a.json:3:15: affected is not a list"},
		{"array", "[]", "a.json:1:1: record is not a JSON object"},
		{"no id", "{\"affected\": []}", "a.json: record has no id; is it an OSV record?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse("a.json", []byte(tt.input))
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
}

// An OSV record saved by Windows PowerShell 5.1 (Invoke-WebRequest ... >
// mal.json) is UTF-16LE with a byte order mark.
func TestParseUTF16(t *testing.T) {
	text := `{"id": "MAL-2026-0001", "affected": [{"package": {"ecosystem": "npm", "name": "relnotes-gen"}, "versions": ["3.1.0"]}]}`
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range text {
		utf16 = append(utf16, byte(r), 0)
	}
	a, _, err := Parse("mal.json", utf16)
	if err != nil {
		t.Fatalf("Parse of a UTF-16 record: %v", err)
	}
	if len(a.Affected) != 1 || a.Affected[0].Purl != "pkg:npm/relnotes-gen" {
		t.Errorf("affected %+v, want pkg:npm/relnotes-gen", a.Affected)
	}
}
