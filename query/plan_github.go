package query

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// ghAPICommand returns a gh api command line with args. On a GitHub host
// other than github.com ("" stands for github.com) it names the host with
// --hostname, since gh api otherwise calls github.com.
func ghAPICommand(host string, args ...string) string {
	cmd := []string{"gh", "api"}
	if host != "" && host != "github.com" {
		cmd = append(cmd, "--hostname", host)
	}
	return shellCommand(append(cmd, args...)...)
}

// ghOrgSecret returns the host and organisation of an organisation
// secret's id, secret:gha:org:[HOST/]ORG/NAME, with host "" for
// github.com.
func ghOrgSecret(id string) (host, org string) {
	rest := strings.TrimPrefix(id, "secret:gha:org:")
	org = rest[:max(strings.LastIndexByte(rest, '/'), 0)]
	if h, o, ok := strings.Cut(org, "/"); ok {
		return h, o
	}
	return "", org
}

// ghRepoFlag returns the repository of a GitHub fact as gh's --repo flag
// takes it: OWNER/NAME on github.com, HOST/OWNER/NAME on another host.
func ghRepoFlag(n graph.Node) string {
	return graph.GHARepoOf(n)
}
