package link_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestLockedNuGetAndBunExecution ingests repositories whose jobs build
// .NET or Bun projects, through every parser and the linker. dotnet test
// restores the packages of packages.lock.json and loads them, so the job
// executes them at phase run, since NuGet packages have no install
// scripts. dotnet --info fetches and runs nothing. bun install and bun
// test execute the packages of bun.lock at phase run.
func TestLockedNuGetAndBunExecution(t *testing.T) {
	workflow := func(run string) string {
		return "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: " + run + "\n"
	}
	const nugetLock = `{
  "version": 1,
  "dependencies": {
    "net8.0": {
      "Example.Http": {
        "type": "Direct",
        "requested": "[2.1.0, )",
        "resolved": "2.1.0"
      }
    }
  }
}
`
	const project = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Example.Http\" Version=\"2.1.0\" />\n  </ItemGroup>\n</Project>\n"
	const bunLock = `{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "site",
      "dependencies": {
        "left-pad": "^1.3.0",
      },
    },
  },
  "packages": {
    "left-pad": ["left-pad@1.3.0", "", {}, "sha512-AAAA"],
  },
}
`
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"dotnet": {".github/workflows/ci.yml": workflow("dotnet test -c Release"), "App.csproj": project, "packages.lock.json": nugetLock},
		"info":   {".github/workflows/ci.yml": workflow("dotnet --info"), "App.csproj": project, "packages.lock.json": nugetLock},
		"site": {
			".gitlab-ci.yml": "test:\n  script:\n    - bun install && bun test\n",
			"package.json":   `{"name": "site", "dependencies": {"left-pad": "^1.3.0"}}`,
			"bun.lock":       bunLock,
		},
	})
	s, _ := ingestDir(t, dir)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if strings.HasPrefix(e.To, "pkg:nuget/") || strings.HasPrefix(e.To, "pkg:npm/") {
			got = append(got, e.From+" -> "+e.To+" "+e.Attr("phase")+" "+string(e.Confidence))
		}
	}
	sort.Strings(got)
	want := []string{
		graph.GHAJobID("o/dotnet", ".github/workflows/ci.yml", "test") + " -> pkg:nuget/Example.Http@2.1.0 run certain",
		graph.GitLabJobID("o/site", ".gitlab-ci.yml", "test") + " -> pkg:npm/left-pad@1.3.0 run certain",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EXECUTES (-want +got):\n%s", diff)
	}
}
