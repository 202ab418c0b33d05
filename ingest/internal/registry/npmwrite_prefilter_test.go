package registry

import (
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// The word checks in front of the patterns skip only lines that the
// patterns would not match: over every line of the shared corpus's CI
// files and lines written to match, WritesNPMToken and WritesHomeNPMRC
// decide as the patterns alone decide.
func TestNPMWriteWordChecksMatchPatterns(t *testing.T) {
	lines := []string{
		"echo //registry.npmjs.org/:_authToken=$T > .npmrc",
		"echo npmAuthToken: $T >> .yarnrc.yml",
		"npm config set _auth $A",
		"pnpm config set _password $P",
		"echo //npm.example.com/:_password=$P >> .npmrc",
		"echo _auth=$A >> .npmrc",
		"echo x | tee -a \"$HOME\"/.npmrc",
		"echo x >> /root/.npmrc",
		"cat .npmrc",
		"npm ci && npm test",
	}
	lines = append(lines, resulttest.YAMLLines(t, "../../../../shared/corpus")...)
	for _, ln := range lines {
		token := strings.Contains(ln, "_authToken") || strings.Contains(ln, "npmAuthToken") || npmRegistryBasicAuth.MatchString(ln) ||
			npmBasicAuth.MatchString(ln) && (strings.Contains(ln, ".npmrc") || npmConfigSet.MatchString(ln))
		if got := WritesNPMToken(ln); got != token {
			t.Errorf("WritesNPMToken(%q) = %v, want %v", ln, got, token)
		}
		if got, want := WritesHomeNPMRC(ln), homeNPMRC.MatchString(ln); got != want {
			t.Errorf("WritesHomeNPMRC(%q) = %v, want %v", ln, got, want)
		}
	}
}
