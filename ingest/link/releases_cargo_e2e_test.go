package link_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cargoRelease publishes the crate at the top of the repository with a
// crates.io token secret.
const cargoRelease = `on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo publish --locked
        env:
          CARGO_REGISTRY_TOKEN: ${{ secrets.CRATES_TOKEN }}
`

// TestCargoReleasePublishesManifestName ingests repositories whose cargo
// publish at the top uploads the crate their Cargo.toml's [package] names.
// A workspace root without [package], and a package that Cargo may not
// publish to crates.io, name none.
func TestCargoReleasePublishesManifestName(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"crate": {
			".github/workflows/release.yml": cargoRelease,
			"Cargo.toml":                    "[package]\nname = \"acme-widget\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n",
		},
		"workspace": {
			".github/workflows/release.yml": cargoRelease,
			"Cargo.toml":                    "[workspace]\nmembers = [\"core\", \"cli\"]\n",
			"core/Cargo.toml":               "[package]\nname = \"ws-core\"\nversion = \"0.1.0\"\n",
		},
		"unpublished": {
			".github/workflows/release.yml": cargoRelease,
			"Cargo.toml":                    "[package]\nname = \"internal-tool\"\nversion = \"0.1.0\"\npublish = false\n",
		},
		"private-registry": {
			".github/workflows/release.yml": cargoRelease,
			"Cargo.toml":                    "[package]\nname = \"private-crate\"\nversion = \"0.1.0\"\npublish = [\"my-reg\"]\n",
		},
		"inherited": {
			".github/workflows/release.yml": cargoRelease,
			"Cargo.toml":                    "[workspace.package]\npublish = [\"crates-io\"]\n\n[package]\nname = \"inherits\"\nversion = \"0.1.0\"\npublish.workspace = true\n",
		},
	})
	s, _ := ingestDir(t, dir)
	want := []string{
		"registry:crates.io/secret:gha:o/crate/CRATES_TOKEN -> pkg:cargo/acme-widget certain",
		"registry:crates.io/secret:gha:o/inherited/CRATES_TOKEN -> pkg:cargo/inherits certain",
	}
	if diff := cmp.Diff(want, canPublish(t, s)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

// TestGemReleasePublishesGemspecName ingests repositories whose gem push
// or rake release at the top publishes the gem their one gemspec names.
// rake release publishes only when the Rakefile loads Bundler's gem
// tasks, so its edge is possible.
func TestGemReleasePublishesGemspecName(t *testing.T) {
	release := func(run string) string {
		return "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: " + run +
			"\n        env:\n          GEM_HOST_API_KEY: ${{ secrets.RUBYGEMS_KEY }}\n"
	}
	const gemspec = "Gem::Specification.new do |spec|\n  spec.name = \"acme-widget\"\n  spec.version = \"1.0.0\"\nend\n"
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"push":  {".github/workflows/release.yml": release("gem build acme-widget.gemspec && gem push acme-widget-1.0.0.gem"), "acme-widget.gemspec": gemspec},
		"rake":  {".github/workflows/release.yml": release("bundle exec rake release"), "acme-widget.gemspec": gemspec},
		"noGem": {".github/workflows/release.yml": release("gem push widget.gem")},
	})
	s, _ := ingestDir(t, dir)
	want := []string{
		"registry:rubygems.org/secret:gha:o/push/RUBYGEMS_KEY -> pkg:gem/acme-widget certain",
		"registry:rubygems.org/secret:gha:o/rake/RUBYGEMS_KEY -> pkg:gem/acme-widget possible",
	}
	if diff := cmp.Diff(want, canPublish(t, s)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}
