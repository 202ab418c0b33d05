package lockfile

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestNuGetLockfile(t *testing.T) {
	res := mustParse(t, NewNuGetLock(), "testdata/nuget/packages.lock.json", "src/App/packages.lock.json")

	const (
		http    = "pkg:nuget/Example.Http@2.1.0"
		logging = "pkg:nuget/Example.Logging@1.4.2"
		pinned  = "pkg:nuget/Example.Pinned@3.0.0"
		native  = "pkg:nuget/Example.Native@5.0.0"
	)
	// Example.Http requires Example.Logging 1.4.0 or later, and the
	// framework resolves 1.4.2. The Project entry is the repository's own
	// project, which gets no node, so Example.Pinned has no chain.
	want := fillLocks(map[string]map[string]string{
		http:    {"line": "5", "direct": "true"},
		logging: {"line": "14", "direct": "false", "chain": http + " > " + logging},
		pinned:  {"line": "19", "direct": "false"},
		native:  {"line": "40", "direct": "false"},
	}, "src/App/packages.lock.json")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(dependsOn(res), []string{http + " -> " + logging}); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// 30: Example.Broken has no resolved version.
	if diff := cmp.Diff(diagLines(res), []int{30}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, _ := nodeByID(res, http)
	if got := n.Attr("ecosystem"); got != "nuget" {
		t.Errorf("ecosystem = %q, want nuget", got)
	}
	checkEdgesJoinNodes(t, res)
}

// A broken packages.lock.json is rejected at the line of the fault, and
// an entry that is not an object is skipped with a warning at its line.
func TestNuGetLockfileHostile(t *testing.T) {
	_, err := parseBytes(t, NewNuGetLock(), "packages.lock.json", []byte("{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {,\n"))
	var ie *ingest.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v, want *ingest.Error", err)
	}
	if ie.Pos.Line != 4 {
		t.Errorf("line = %d, want 4", ie.Pos.Line)
	}

	input := "{\n  \"dependencies\": {\n    \"net8.0\": {\n      \"A\": [],\n      \"B\": {\"type\": \"Direct\", \"resolved\": \"1.0.0\"}\n    },\n    \"net9.0\": 7\n  }\n}\n"
	res, err := parseBytes(t, NewNuGetLock(), "packages.lock.json", []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(versionIDs(res), []string{"pkg:nuget/B@1.0.0"}); diff != "" {
		t.Errorf("versions (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(diagLines(res), []int{4, 7}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
}

const nugetProject = `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Example.Http" Version="2.1.0" />
    <PackageReference Include="Example.Exact" Version="[1.2.3]" />
    <PackageReference Include="Example.Float" Version="1.*" />
    <PackageReference Include="Example.Range" Version="[1.0,2.0)" />
    <PackageReference Include="Example.Central" />
    <PackageReference Include="Example.Child">
      <Version>4.0.1</Version>
    </PackageReference>
    <PackageReference Include="Example.Override" VersionOverride="6.0.0" />
    <PackageReference Include="Example.Prop" Version="$(ExampleVersion)" />
  </ItemGroup>
  <ItemGroup Condition="'$(TargetFramework)' == 'net48'">
    <PackageReference Include="Example.Legacy" Version="0.9.0" />
  </ItemGroup>
  <ItemGroup>
    <PackageReference Update="Example.Http" Version="2.2.0" />
  </ItemGroup>
</Project>
`

const nugetCentral = `<Project>
  <PropertyGroup>
    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="Example.Central" Version="3.1.4" />
    <PackageVersion Include="Example.Override" Version="5.0.0" />
  </ItemGroup>
</Project>
`

// A project file without packages.lock.json beside it gives its
// PackageReference items as direct dependencies. A bare version is the
// lowest that NuGet accepts, which it picks when it exists, so it is
// taken as pinned. A floating version or a range locks the name.
// Central versions come from the Directory.Packages.props above.
func TestNuGetProjectReferences(t *testing.T) {
	f := repoFile(t, map[string]string{
		"src/App/App.csproj":       nugetProject,
		"Directory.Packages.props": nugetCentral,
	}, "src/App/App.csproj")
	res := &ingest.Result{}
	if err := NewCSProj().Parse(t.Context(), f, testEnv(), res); err != nil {
		t.Fatal(err)
	}
	want := fillLocks(map[string]map[string]string{
		// The Update item later in the file changes the version.
		"pkg:nuget/Example.Http@2.2.0":     {"line": "6", "direct": "true"},
		"pkg:nuget/Example.Exact@1.2.3":    {"line": "7", "direct": "true"},
		"pkg:nuget/Example.Float":          {"line": "8", "direct": "true", "unpinned": "true", "range": "1.*"},
		"pkg:nuget/Example.Range":          {"line": "9", "direct": "true", "unpinned": "true", "range": ">=1.0, <2.0"},
		"pkg:nuget/Example.Central@3.1.4":  {"line": "10", "direct": "true"},
		"pkg:nuget/Example.Child@4.0.1":    {"line": "11", "direct": "true"},
		"pkg:nuget/Example.Override@6.0.0": {"line": "14", "direct": "true"},
		"pkg:nuget/Example.Prop":           {"line": "15", "direct": "true", "unpinned": "true"},
		"pkg:nuget/Example.Legacy@0.9.0":   {"line": "18", "direct": "true", "confidence": "possible"},
	}, "src/App/App.csproj")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	checkEdgesJoinNodes(t, res)
}

// NuGet version ranges are written for the query's semver matching.
func TestNuGetRange(t *testing.T) {
	tests := []struct {
		in, want string
		pinned   bool
	}{
		{"1.2.3", "1.2.3", true},
		{"1.0", "1.0.0", true},
		{"01.2.3.0", "1.2.3", true},
		{"1.2.3.4-beta+build5", "1.2.3.4-beta", true},
		{" [1.2.3] ", "1.2.3", true},
		{"1.*", "1.*", false},
		{"[1.0,2.0)", ">=1.0, <2.0", false},
		{"(1.0, 2.0]", ">1.0, <=2.0", false},
		{"[1.0, )", ">=1.0", false},
		{"(,2.0]", "<=2.0", false},
		{"$(V)", "", false},
		{"[1.0", "", false},
	}
	for _, tt := range tests {
		got, pinned := nugetVersion(tt.in)
		if got != tt.want || pinned != tt.pinned {
			t.Errorf("nugetVersion(%q) = %q, %v, want %q, %v", tt.in, got, pinned, tt.want, tt.pinned)
		}
	}
}

// Beside packages.lock.json a project file is not read for its
// references: the lock file pins what they only constrain. The one at
// the top of the repository is still read for its PackageId.
func TestNuGetProjectBesideLockfile(t *testing.T) {
	project := `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId>Example.Widget</PackageId></PropertyGroup>` +
		`<ItemGroup><PackageReference Include="Example.Http" Version="2.1.0" /></ItemGroup></Project>`
	lock := `{"version": 1, "dependencies": {}}`
	top := repoFile(t, map[string]string{"Widget.csproj": project, "packages.lock.json": lock}, "Widget.csproj")
	if !NewCSProj().Detect(top) {
		t.Fatal("the project file at the top is not detected")
	}
	res := &ingest.Result{}
	if err := NewCSProj().Parse(t.Context(), top, testEnv(), res); err != nil {
		t.Fatal(err)
	}
	if got, _ := repoAttr(res, graph.AttrNuGetProject); got != "Example.Widget" {
		t.Errorf("nuget_project = %q, want Example.Widget", got)
	}
	if got := locks(res); len(got) != 0 {
		t.Errorf("LOCKS = %v, want none", got)
	}

	nested := repoFile(t, map[string]string{"src/App/App.fsproj": project, "src/App/packages.lock.json": lock}, "src/App/App.fsproj")
	if NewCSProj().Detect(nested) {
		t.Error("a project file beside packages.lock.json is detected")
	}
	if NewCSProj().Skip(nested) == "" {
		t.Error("a project file beside packages.lock.json gives no reason to skip it")
	}
}

// A project file that is not well-formed XML is rejected at the line of
// the fault.
func TestNuGetProjectHostile(t *testing.T) {
	f := repoFile(t, map[string]string{"src/App/App.csproj": "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"A\" Version=\"1.0.0\">\n  </ItemGroup>\n</Project>\n"}, "src/App/App.csproj")
	err := NewCSProj().Parse(t.Context(), f, testEnv(), &ingest.Result{})
	var ie *ingest.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v, want *ingest.Error", err)
	}
	if ie.Pos.Line != 4 {
		t.Errorf("line = %d, want 4", ie.Pos.Line)
	}
}
