// Package resulttest holds checks of a parser's Result that the CI
// ingesters' tests share.
package resulttest

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Warnings returns the result's warnings as "position: message" lines, in
// the order the parser gave them.
func Warnings(res *ingest.Result) []string {
	var out []string
	for _, d := range res.Diags {
		out = append(out, d.Pos.String()+": "+d.Msg)
	}
	return out
}

// NoValues fails the test when a value appears anywhere in the result's
// JSON form: in an id, a label, an attribute or a message.
func NoValues(t testing.TB, res *ingest.Result, values ...string) {
	t.Helper()
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		if strings.Contains(string(data), v) {
			t.Errorf("value %s found in the result", v)
		}
	}
}

// Edges returns the result's edges of a kind whose target id starts with
// prefix, as "from -> to" lines in the parser's order.
func Edges(res *ingest.Result, kind graph.EdgeKind, prefix string) []string {
	var out []string
	for _, e := range res.Edges {
		if e.Kind == kind && strings.HasPrefix(e.To, prefix) {
			out = append(out, e.From+" -> "+e.To)
		}
	}
	return out
}

// Logins checks that each inline secret of hosts is a node of the result
// and logs in to its account on the host given (graph.RegistryAccountID),
// or to no account when the host is "".
func Logins(t testing.TB, res *ingest.Result, hosts map[string]string) {
	t.Helper()
	for secret, host := range hosts {
		found := false
		for _, n := range res.Nodes {
			found = found || n.ID == secret
		}
		if !found {
			t.Errorf("no node %s", secret)
		}
		var want, got []string
		if host != "" {
			want = []string{graph.RegistryAccountID(host, secret)}
		}
		for _, e := range res.Edges {
			if e.From == secret && e.Kind == graph.EdgeAuthenticatesAs {
				got = append(got, e.To)
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s logs in as %v, want %v", secret, got, want)
		}
	}
}

// Reach is the expected publishing reach of a registry account. Registry
// is a CAN_ACCESS edge to its registry's packages (graph.RegistryScopeID).
// Project is the releases_project attribute, from which the linker writes
// CAN_PUBLISH of the repository's own package.
type Reach struct {
	Registry, Project bool
}

// Releases checks what each registry account may publish. An account
// that is not a node of the result fails the check.
func Releases(t testing.TB, res *ingest.Result, accounts map[string]Reach) {
	t.Helper()
	for account, want := range accounts {
		var node *graph.Node
		for i := range res.Nodes {
			if res.Nodes[i].ID == account {
				node = &res.Nodes[i]
			}
		}
		if node == nil {
			t.Errorf("no node %s", account)
			continue
		}
		if got := node.Attr(graph.AttrReleasesProject) == "true"; got != want.Project {
			t.Errorf("%s releases the project: %v, want %v", account, got, want.Project)
		}
		got := false
		for _, e := range res.Edges {
			got = got || e.From == account && e.Kind == graph.EdgeCanAccess && strings.HasPrefix(e.To, "registry:") && strings.HasSuffix(e.To, "/*")
		}
		if got != want.Registry {
			t.Errorf("%s may publish on its registry: %v, want %v", account, got, want.Registry)
		}
	}
}

// YAMLLines returns every line of the .yml and .yaml files under root,
// none when root does not exist (the shared corpus is optional).
func YAMLLines(t testing.TB, root string) []string {
	t.Helper()
	if _, err := os.Stat(root); err != nil {
		return nil
	}
	var lines []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines = append(lines, strings.Split(string(data), "\n")...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return lines
}
