package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	pReact   = "pkg:npm/react@18.2.0"
	pRunner  = "pkg:npm/test-runner@5.0.0"
	pPrivate = "pkg:npm/private-lib@0.4.0"
	pForked  = "pkg:npm/forked-lib@2.0.0"
	pLogger  = "pkg:npm/%40example-org/logger@2.1.0"
)

func TestPNPM(t *testing.T) {
	tests := []struct {
		dir       string
		wantLocks map[string]map[string]string
		wantDeps  []string
		wantDiags []int
	}{{
		// Version 9: importers give the direct dependencies and their
		// folders; snapshots give the tree. test-runner and private-lib
		// are reached only from devDependencies. A scoped alias and a
		// plain alias lock the real packages.
		dir: "v9",
		wantLocks: map[string]map[string]string{
			pLogger: {"line": "75", "direct": "true", "paths": "node_modules/@example-org/logger"},
			yScoped: {"line": "79", "direct": "true", "alias": "wrap-scoped", "paths": "node_modules/wrap-scoped"},
			yFsWatch: {"line": "81", "direct": "true", "optional": "true", "install_script": "true",
				"confidence": "possible", "paths": "node_modules/fs-watch-native"},
			pReact:  {"line": "84", "direct": "true", "paths": "packages/widgets/node_modules/react"},
			pRunner: {"line": "86", "direct": "true", "dev": "true", "paths": "node_modules/test-runner"},
			yTW7: {"line": "91", "direct": "true", "alias": "text-wrapper-legacy", "install_script": "true",
				"paths": "node_modules/text-wrapper-legacy"},
			yTW9:     {"line": "93", "direct": "true", "paths": "node_modules/text-wrapper"},
			pPrivate: {"line": "97", "direct": "false", "dev": "true", "chain": pRunner + " > " + pPrivate},
		},
		wantDeps: []string{
			pLogger + " -> " + yTW9,
			pRunner + " -> " + pPrivate,
			yTW9 + " -> " + pReact,
		},
		// 71: a tarball URL with credentials; 89: a dependency that is
		// not in the lockfile.
		wantDiags: []int{71, 89},
	}, {
		// Version 6: "/name@version(peers)" keys, dev flags on entries,
		// a GitHub commit fetched as a tarball.
		dir: "v6",
		wantLocks: map[string]map[string]string{
			yScoped: {"line": "22", "direct": "true", "alias": "wrap-scoped", "paths": "node_modules/wrap-scoped"},
			pReact:  {"line": "26", "direct": "false", "chain": yTW9 + " > " + pReact},
			pRunner: {"line": "30", "direct": "true", "dev": "true", "install_script": "true",
				"paths": "node_modules/test-runner"},
			yTW9:    {"line": "37", "direct": "true", "paths": "node_modules/text-wrapper"},
			pForked: {"line": "45", "direct": "false", "dev": "true", "origin": "git", "chain": pRunner + " > " + pForked},
		},
		wantDeps: []string{
			pRunner + " -> " + pForked,
			yTW9 + " -> " + pReact,
		},
	}, {
		// Version 5: "/name/version_peers" keys and "/real/version"
		// aliases. Nothing requires logger: it is locked but possible.
		dir: "v5",
		wantLocks: map[string]map[string]string{
			pReact: {"line": "13", "direct": "false", "chain": yTW9 + " > " + pReact},
			yTW7: {"line": "17", "direct": "true", "alias": "text-wrapper-legacy", "install_script": "true",
				"paths": "node_modules/text-wrapper-legacy"},
			yTW9:    {"line": "22", "direct": "true", "paths": "node_modules/text-wrapper"},
			pLogger: {"line": "28", "direct": "false", "confidence": "possible"},
		},
		wantDeps: []string{yTW9 + " -> " + pReact},
	}}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			res := mustParse(t, NewPNPM(), "testdata/pnpm/"+tc.dir+"/pnpm-lock.yaml", "pnpm-lock.yaml")
			if diff := cmp.Diff(locks(res), fillLocks(tc.wantLocks, "pnpm-lock.yaml")); diff != "" {
				t.Errorf("LOCKS (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(dependsOn(res), tc.wantDeps); diff != "" {
				t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(diagLines(res), tc.wantDiags); diff != "" {
				t.Errorf("diagnostic lines (-got +want):\n%s", diff)
			}
			checkEdgesJoinNodes(t, res)
		})
	}
}
