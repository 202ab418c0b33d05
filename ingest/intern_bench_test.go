package ingest

import (
	"fmt"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// lockResult returns facts shaped like those the npm lockfile parser gives
// for the i-th repository of a generated organisation. They are a
// repository node, 20 packages drawn from a shared pool (a name node and a
// version node each), and VERSION_OF, LOCKS and DEPENDS_ON edges. Every
// string is built afresh, as a parser decoding each file separately
// builds it.
func lockResult(i int) Result {
	var res Result
	repo := fmt.Sprintf("repo:github.com/example-org/repo-%06d", i)
	res.AddNode(graph.Node{ID: repo, Kind: graph.NodeRepository, Label: repo[5:], Attrs: map[string]string{"repository": repo[5:]}})
	prev := ""
	// The parser gives every DEPENDS_ON edge of a file one map.
	depAttrs := map[string]string{"lockfile": "package-lock.json"}
	for k := range 20 {
		p := (i*7 + k*31) % 700
		name := fmt.Sprintf("lib-%05d-%d", p, k%7)
		version := fmt.Sprintf("1.%d.%d", p%10, k%7)
		nameID := "pkg:npm/" + name
		id := nameID + "@" + version
		res.AddNode(graph.Node{ID: nameID, Kind: graph.NodePackage, Label: name, Attrs: map[string]string{"ecosystem": "npm", "name": name}})
		res.AddNode(graph.Node{ID: id, Kind: graph.NodePackage, Label: name + "@" + version, Attrs: map[string]string{
			"ecosystem": "npm", "name": name, "version": version, "paths": "node_modules/" + name,
		}})
		res.AddEdge(graph.Edge{From: id, To: nameID, Kind: graph.EdgeVersionOf})
		res.AddEdge(graph.Edge{From: repo, To: id, Kind: graph.EdgeLocks, Attrs: map[string]string{
			"lockfile": "package-lock.json", "direct": fmt.Sprint(k%7 == 0), "paths": "node_modules/" + name,
		}})
		if prev != "" {
			res.AddEdge(graph.Edge{From: prev, To: id, Kind: graph.EdgeDependsOn, Attrs: depAttrs})
		}
		prev = id
	}
	return res
}

// BenchmarkInternerResult interns the facts of one lockfile per operation.
// Every 1000 files start from an empty interner and newly built facts, so
// most strings and attribute sets are new in the first files and repeated
// in later ones.
func BenchmarkInternerResult(b *testing.B) {
	const files = 1000
	pool := make([]Result, files)
	var in *interner
	b.ReportAllocs()
	for i := range b.N {
		if i%files == 0 {
			b.StopTimer()
			for k := range pool {
				pool[k] = lockResult(k)
			}
			in = newInterner()
			b.StartTimer()
		}
		in.result(&pool[i%files], "repos/r/package-lock.json")
	}
}
