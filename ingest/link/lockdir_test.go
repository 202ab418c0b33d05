package link

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestInstallReadsLockfile(t *testing.T) {
	tests := []struct {
		name     string
		dirs     []string
		lockfile string
		outside  bool // the install runs outside the lockfile's folder
	}{
		{"root lockfile", []string{"web"}, "package-lock.json", false},
		{"same folder", []string{"web"}, "web/package-lock.json", false},
		{"dot slash folder", []string{"./web/"}, "web/package-lock.json", false},
		{"folder below", []string{"web/app"}, "web/package-lock.json", false},
		{"sibling folder", []string{"web"}, "api/package-lock.json", true},
		{"install at root", []string{"."}, "api/package-lock.json", true},
		{"one of two folders", []string{"api", "web"}, "api/package-lock.json", false},
		{"prefix is no folder", []string{"webapp"}, "web/package-lock.json", true},
		{"expression", []string{"${{ matrix.dir }}"}, "api/package-lock.json", false},
		{"absolute path", []string{"/srv/app"}, "api/package-lock.json", false},
		{"no folders", nil, "api/package-lock.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := installReads(tt.dirs, tt.lockfile) != ""
			if got != tt.outside {
				t.Errorf("installReads(%q, %q) outside = %v, want %v", tt.dirs, tt.lockfile, got, tt.outside)
			}
		})
	}
}

func TestLockfileFolderConfidence(t *testing.T) {
	const (
		job  = "runtime:gha:example-org/app/.github/workflows/ci.yml#web"
		repo = "repo:github.com/example-org/app"
	)
	pkgNode := func(id string) graph.Node {
		n := graph.Node{ID: id, Kind: graph.NodePackage}
		n.SetAttr("ecosystem", "npm")
		n.SetAttr(graph.AttrInstallHook, "true")
		return n
	}
	lock := func(to, lockfile string) graph.Edge {
		e := graph.Edge{From: repo, To: to, Kind: graph.EdgeLocks, Confidence: graph.Certain}
		e.SetAttr(graph.AttrLockfile, lockfile)
		return e
	}
	rt := graph.Node{ID: job, Kind: graph.NodeRuntime}
	rt.SetAttr(graph.AttrRepository, "example-org/app")
	rt.SetAttr("installs", "npm")
	rt.SetAttr("install_dirs", "web")
	s := store(t,
		[]graph.Node{rt, {ID: repo, Kind: graph.NodeRepository}, pkgNode("pkg:npm/web-dep@1.0.0"), pkgNode("pkg:npm/api-dep@1.0.0")},
		[]graph.Edge{lock("pkg:npm/web-dep@1.0.0", "web/package-lock.json"), lock("pkg:npm/api-dep@1.0.0", "api/package-lock.json")})
	for pkg, want := range map[string]graph.Confidence{
		"pkg:npm/web-dep@1.0.0": graph.Certain,
		"pkg:npm/api-dep@1.0.0": graph.Possible,
	} {
		e := edgeOf(t, s, graph.EdgeExecutes, job, pkg)
		if e == nil {
			t.Errorf("no EXECUTES to %s", pkg)
			continue
		}
		if e.Confidence != want {
			t.Errorf("EXECUTES to %s is %s, want %s", pkg, e.Confidence, want)
		}
	}
}
