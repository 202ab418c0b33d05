package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// In pnpm-lock.yaml version 9 and bun.lock, which keep no dev flag on
// packages, a package is dev when only devDependencies reach it. Both
// files below declare http-kit for production and test-kit for
// development. test-kit shares left-pad with http-kit, and pulls in
// mock-clock, which pulls in tick-util.
func TestDevMarksSharedDependency(t *testing.T) {
	const pnpmLock = `lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      http-kit:
        specifier: ^3.0.0
        version: 3.1.0
    devDependencies:
      test-kit:
        specifier: ^2.0.0
        version: 2.4.0

packages:
  http-kit@3.1.0:
    resolution: {integrity: sha512-aaaa}
  left-pad@1.3.0:
    resolution: {integrity: sha512-bbbb}
  test-kit@2.4.0:
    resolution: {integrity: sha512-cccc}
  mock-clock@0.2.1:
    resolution: {integrity: sha512-dddd}
  tick-util@1.0.4:
    resolution: {integrity: sha512-eeee}

snapshots:
  http-kit@3.1.0:
    dependencies:
      left-pad: 1.3.0
  left-pad@1.3.0: {}
  test-kit@2.4.0:
    dependencies:
      left-pad: 1.3.0
      mock-clock: 0.2.1
  mock-clock@0.2.1:
    dependencies:
      tick-util: 1.0.4
  tick-util@1.0.4: {}
`
	const bunLock = `{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "app",
      "dependencies": {"http-kit": "^3.0.0"},
      "devDependencies": {"test-kit": "^2.0.0"},
    },
  },
  "packages": {
    "http-kit": ["http-kit@3.1.0", "", {"dependencies": {"left-pad": "^1.3.0"}}, "sha512-aaaa"],
    "left-pad": ["left-pad@1.3.0", "", {}, "sha512-bbbb"],
    "test-kit": ["test-kit@2.4.0", "", {"dependencies": {"left-pad": "^1.1.0", "mock-clock": "^0.2.0"}}, "sha512-cccc"],
    "mock-clock": ["mock-clock@0.2.1", "", {"dependencies": {"tick-util": "^1.0.0"}}, "sha512-dddd"],
    "tick-util": ["tick-util@1.0.4", "", {}, "sha512-eeee"],
  }
}
`
	want := []string{dClock, dKit, dTick}
	t.Run("pnpm", func(t *testing.T) {
		res, err := parseBytes(t, NewPNPM(), "pnpm-lock.yaml", []byte(pnpmLock))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, devPackages(res)); diff != "" {
			t.Errorf("dev packages (-want +got):\n%s", diff)
		}
		if n := len(locks(res)); n != 5 {
			t.Errorf("LOCKS edges = %d, want 5", n)
		}
	})
	t.Run("bun", func(t *testing.T) {
		res, err := parseBytes(t, NewBun(), "bun.lock", []byte(bunLock))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, devPackages(res)); diff != "" {
			t.Errorf("dev packages (-want +got):\n%s", diff)
		}
		if n := len(locks(res)); n != 5 {
			t.Errorf("LOCKS edges = %d, want 5", n)
		}
	})
}
