package depcheck

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/blastradius-dev/blastradius"

// only maps an imported path prefix to the packages allowed to import it.
var only = map[string][]string{
	"github.com/neo4j/neo4j-go-driver":    {"graph/neo4jstore"},
	"github.com/graph-gophers/graphql-go": {"schema"},
	"github.com/hashicorp/hcl":            {"ingest/terraform"},
	"github.com/zclconf/go-cty":           {"ingest/terraform"},
	"github.com/spf13/cobra":              {"cmd/blastradius"},
	"github.com/moby/buildkit":            {"ingest/dockerfile"},
}

// never maps a package prefix to the project packages it must not import.
var never = map[string][]string{
	"graph":    {"ingest", "query", "schema", "cmd", "internal/awspolicy"},
	"ingest":   {"query", "schema", "cmd"},
	"query":    {"ingest", "schema", "cmd"},
	"schema":   {"ingest", "cmd"},
	"internal": {"ingest", "query", "schema", "cmd"},
	"review":   {"ingest", "schema", "cmd", "whatif", "export", "history"},
	"whatif":   {"ingest", "schema", "cmd", "review", "export", "history"},
	"export":   {"ingest", "schema", "cmd", "review", "whatif", "history"},
	"history":  {"ingest", "schema", "cmd"},
	"web":      {"ingest", "query", "schema", "cmd", "graph"},
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("go list listed %d packages, want the whole module", len(lines))
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		for _, imp := range fields[1:] {
			for prefix, allowed := range only {
				if strings.HasPrefix(imp, prefix) && !within(pkg, allowed) && !strings.HasPrefix(pkg, "internal/depcheck") {
					t.Errorf("%s imports %s; only %v may", pkg, imp, allowed)
				}
			}
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			target := strings.TrimPrefix(imp, module+"/")
			for from, banned := range never {
				if !strings.HasPrefix(pkg, from) {
					continue
				}
				for _, b := range banned {
					if strings.HasPrefix(target, b) {
						t.Errorf("%s imports %s: %s must not depend on %s", pkg, target, from, b)
					}
				}
			}
		}
	}
}

func within(pkg string, allowed []string) bool {
	for _, a := range allowed {
		if pkg == a || strings.HasPrefix(pkg, a+"/") {
			return true
		}
	}
	return false
}
