package actions

import (
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// readSetupNode records the .npmrc that actions/setup-node at ref writes
// for a registry-url, and the NODE_AUTH_TOKEN it exports to later steps
// (its src/authutil.ts). env contains the step's variables.
func (j *job) readSetupNode(ref string, input func(string) string, env map[string]string) {
	url := strings.TrimSpace(input("registry-url"))
	if url == "" {
		return
	}
	if h := registry.URLHost(url); h != "" {
		j.npmHost = h
	}
	j.npmHostComputed = computed(url)
	j.nodeAuthScope, j.nodeAuthScoped = setupNodeScope(url), true

	// From v2.1.4 on, setup-node exports the value that NODE_AUTH_TOKEN
	// has in its own step. Earlier versions export a placeholder.
	if j.exported == nil {
		j.exported = map[string]string{}
	}
	if setupNodePlaceholder.MatchString(strings.ToLower(ref)) {
		j.exported["NODE_AUTH_TOKEN"] = "XXXXX-XXXXX-XXXXX-XXXXX"
	} else if v, ok := env["NODE_AUTH_TOKEN"]; ok {
		j.exported["NODE_AUTH_TOKEN"] = v
	}
}

// setupNodePlaceholder matches the tags of actions/setup-node that export
// a placeholder as NODE_AUTH_TOKEN: v1.x, v2-beta, and v2.0.0 to v2.1.3.
// A branch or commit does not match, so it is taken to be a later version.
var setupNodePlaceholder = regexp.MustCompile(`^v1(\.\d+){0,2}$|^v2-beta$|^v2\.0(\.\d+)?$|^v2\.1\.[0-3]$`)
