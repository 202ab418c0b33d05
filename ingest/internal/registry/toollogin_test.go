package registry

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nuget setapikey stores a key for the source its -Source names, nuget.org
// without one, and dotnet nuget add source stores a password for its URL
// and the name --name gives it.
func TestNuGetLoginKeys(t *testing.T) {
	tests := map[string][]string{
		"nuget setapikey $KEY": {"nuget.org"},
		"nuget setapikey $KEY -Source https://api.nuget.org/v3/index.json":                                {"nuget.org"},
		"nuget setapikey $KEY -source https://nuget.example.com/index.json":                               {"nuget.example.com"},
		"nuget SetApiKey $KEY -Source internal":                                                           {"source:internal"},
		"dotnet nuget add source https://nuget.pkg.github.com/o/index.json --name GitHub --password $PAT": {"nuget.pkg.github.com", "source:github"},
		"dotnet nuget update source internal --password $PAT":                                             {"source:internal"},
		"echo '<add key=\"ClearTextPassword\" value=\"'$PAT'\" />' >> nuget.config":                       {"*"},
	}
	for line, want := range tests {
		if diff := cmp.Diff(want, NuGetLoginKeys(line)); diff != "" {
			t.Errorf("NuGetLoginKeys(%q) (-want +got):\n%s", line, diff)
		}
	}
}
