package registry

import (
	"testing"

	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// The word checks in front of the patterns skip only lines that the
// patterns would not match: over every line of the shared corpus's CI
// files and lines written to match, toolLoginsOf decides as the patterns
// alone decide.
func TestToolLoginWordChecksMatchPatterns(t *testing.T) {
	lines := []string{
		"cargo login $CARGO_TOKEN",
		"cargo +nightly login --registry crates-io $T",
		"cargo login --registry=internal $T",
		"echo $T > ~/.cargo/credentials.toml",
		"printf -- '---\\n:rubygems_api_key: %s\\n' $KEY > ~/.gem/credentials",
		"echo '<server><password>${env.P}</password></server>' > ~/.m2/settings.xml",
		"echo ossrhPassword=$P >> gradle.properties",
		"echo sonatypeToken: $P",
		"NUGET.EXE SetApiKey $KEY",
		"dotnet NuGet add source https://x/index.json --password $P",
		"echo '<add key=\"cleartextpassword\" value=\"x\" />'",
		"echo '<add key=\"ClearTextPassword\" value=\"x\" />' >> NuGet.Config",
		"npm ci && npm test",
		// (?i) folds U+017F (long s) to s and U+212A (Kelvin sign) to k.
		"echo '<add key=\"ClearTextPa\u017Fsword\" value=\"x\" />'",
		"dotnet nuget add \u017Fource https://x/index.json --password $P",
		"\u017Fonatype: x",
	}
	lines = append(lines, resulttest.YAMLLines(t, "../../../../shared/corpus")...)
	for _, ln := range lines {
		var want toolLogin
		if m := cargoLogin.FindStringSubmatch(ln); m != nil {
			want.cargoRegistry, want.cargo = m[1], true
		} else if cargoCredentials.MatchString(ln) {
			want.cargo = true
		}
		if want.cargoRegistry == "crates-io" {
			want.cargoRegistry = ""
		}
		want.gem = gemCredentials.MatchString(ln)
		want.maven = mavenCredentials.MatchString(ln)
		want.nuget = nugetCredentials.MatchString(ln)
		if got := toolLoginsOf(ln); got != want {
			t.Errorf("toolLoginsOf(%q) = %+v, want %+v", ln, got, want)
		}
	}
	if len(lines) < 1000 {
		t.Logf("%d lines checked; the shared corpus adds its CI files", len(lines))
	}
}
