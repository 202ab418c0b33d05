package lockfile

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

const corpusDir = "../../../shared/corpus"

func parsers() []ingest.Parser {
	return []ingest.Parser{
		NewNPM(), NewGoMod(), NewRequirements(), NewPoetry(), NewYarn(), NewPNPM(),
		NewUV(), NewPipenv(), NewCargo(), NewBundler(), NewComposer(),
		NewBun(), NewNuGetLock(), NewCSProj(), NewPOM(), NewGradle(),
	}
}

// fixtureParser picks a parser for lockfiles that other projects keep
// under test names, which Detect rightly does not claim.
func fixtureParser(rel string) ingest.Parser {
	dir, ext := filepath.Base(filepath.Dir(filepath.Dir(rel))), filepath.Ext(rel)
	switch {
	case dir == "packagelockjson" && ext == ".json":
		return NewNPM()
	case dir == "gomod" && (ext == ".mod" || ext == ".sum"):
		return NewGoMod()
	case dir == "poetrylock" && ext == ".lock":
		return NewPoetry()
	}
	return nil
}

// Every lockfile of the shared corpus parses without a panic, and each
// result's edges join nodes of that result.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus not present")
	}
	type count struct{ parsed, rejected, warnings, records int }
	counts := map[string]*count{}
	err := filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(corpusDir, p)
		rel = filepath.ToSlash(rel)
		owner, repoRel, ok := strings.Cut(rel, "/")
		if !ok {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f := newFile(repoRel, data)
		f.Repo = strings.Replace(owner, "__", "/", 1)
		var parser ingest.Parser
		for _, cand := range parsers() {
			if cand.Detect(f) {
				parser = cand
				break
			}
		}
		if parser == nil {
			parser = fixtureParser(repoRel)
		}
		if parser == nil {
			return nil
		}
		c := counts[parser.Format()]
		if c == nil {
			c = &count{}
			counts[parser.Format()] = c
		}
		res := &ingest.Result{}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", rel, r)
				}
			}()
			err = parser.Parse(t.Context(), f, testEnv(), res)
		}()
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Errorf("%s: error is not *ingest.Error: %v", rel, err)
			}
			t.Logf("rejected %s: %v", rel, err)
			c.rejected++
			return nil
		}
		c.parsed++
		c.warnings += len(res.Diags)
		c.records += res.Records
		for _, d := range res.Diags {
			t.Logf("warning %s: %s", rel, d)
		}
		checkEdgesJoinNodes(t, res)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var formats []string
	for k := range counts {
		formats = append(formats, k)
	}
	sort.Strings(formats)
	for _, k := range formats {
		c := counts[k]
		t.Logf("%s: %d parsed, %d rejected, %d warnings, %d packages", k, c.parsed, c.rejected, c.warnings, c.records)
	}
}

// Third-party alias fixtures must give the registry names, never the
// folder names.
func TestCorpusAliasFixtures(t *testing.T) {
	dir := filepath.Join(corpusDir, "google__osv-scalibr/extractor/filesystem/language/javascript/packagelockjson/testdata")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared corpus not present")
	}
	want := []string{
		"pkg:npm/%40babel/code-frame@7.0.0",
		"pkg:npm/string-width@4.2.0",
		"pkg:npm/string-width@5.1.2",
	}
	for _, name := range []string{"alias.v1.json", "alias.v2.json"} {
		res := mustParse(t, NewNPM(), filepath.Join(dir, name), "package-lock.json")
		if diff := cmp.Diff(versionIDs(res), want); diff != "" {
			t.Errorf("%s version nodes (-got +want):\n%s", name, diff)
		}
	}
}

// A credential planted in URLs, sources and skipped lines reaches no node,
// edge, attribute or diagnostic.
func TestCanaryNotStored(t *testing.T) {
	const canary = "CANARY-lockfile-7f3a"
	inputs := []struct {
		parser ingest.Parser
		disk   string
		rel    string
	}{
		{NewNPM(), "testdata/npm/v3-tree/package-lock.json", "package-lock.json"},
		{NewNPM(), "testdata/npm/v1/package-lock.json", "package-lock.json"},
		{NewRequirements(), "testdata/requirements/requirements.txt", "requirements.txt"},
		{NewPoetry(), "testdata/poetry/poetry.lock", "poetry.lock"},
		{NewYarn(), "testdata/yarn/classic/yarn.lock", "yarn.lock"},
		{NewYarn(), "testdata/yarn/berry/yarn.lock", "yarn.lock"},
		{NewPNPM(), "testdata/pnpm/v9/pnpm-lock.yaml", "pnpm-lock.yaml"},
		{NewUV(), "testdata/uv/uv.lock", "uv.lock"},
		{NewPipenv(), "testdata/pipenv/Pipfile.lock", "Pipfile.lock"},
		{NewCargo(), "testdata/cargo/Cargo.lock", "Cargo.lock"},
		{NewBundler(), "testdata/bundler/Gemfile.lock", "Gemfile.lock"},
		{NewComposer(), "testdata/composer/composer.lock", "composer.lock"},
	}
	for _, in := range inputs {
		data, err := os.ReadFile(in.disk)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), canary) {
			t.Fatalf("%s does not contain the canary", in.disk)
		}
		res := mustParse(t, in.parser, in.disk, in.rel)
		out, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), canary) {
			t.Errorf("%s: the canary value reached the result", in.disk)
		}
	}
}

// The corpus Gemfile.lock names one direct gem, and every other gem is
// reached from it.
func TestCorpusGemfileLock(t *testing.T) {
	disk := filepath.Join(corpusDir, "gitlabhq__gitlab-shell/Gemfile.lock")
	if _, err := os.Stat(disk); err != nil {
		t.Skip("shared corpus not present")
	}
	res := mustParse(t, NewBundler(), disk, "Gemfile.lock")

	if res.Records != 36 {
		t.Errorf("records = %d, want the 36 specs", res.Records)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics = %v, want none", res.Diags)
	}
	const (
		root = "pkg:gem/gitlab-dangerfiles@4.9.2"
		dgr  = "pkg:gem/danger@9.5.1"
		git  = "pkg:gem/git@1.19.1"
		addr = "pkg:gem/addressable@2.8.7"
		suf  = "pkg:gem/public_suffix@5.1.1"
	)

	l := locks(res)
	var direct []string
	for id, a := range l {
		if a["direct"] == "true" {
			direct = append(direct, id)
		}
	}
	if diff := cmp.Diff(direct, []string{root}); diff != "" {
		t.Errorf("direct gems (-got +want):\n%s", diff)
	}
	if got, want := l[suf]["chain"], strings.Join([]string{root, dgr, git, addr, suf}, " > "); got != want {
		t.Errorf("public_suffix chain = %q, want %q", got, want)
	}
	checkEdgesJoinNodes(t, res)
}
