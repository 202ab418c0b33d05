package lockfile

import (
	"bytes"
	"context"
	"path"
	"path/filepath"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Gradle reads the lockfiles of Gradle's dependency locking: the
// gradle.lockfile of a project and the buildscript-gradle.lockfile of its
// build script's classpath, whose lines are group:artifact:version=
// followed by the configurations that resolve the module (empty= lists
// those that resolve none), and the files of Gradle before 6, one per
// configuration, gradle/dependency-locks/CONFIGURATION.lockfile, whose
// lines are group:artifact:version.
//
// Every line is a module that a configuration resolves, direct or
// transitive. The lockfile does not record which ones the build script
// declares, so LOCKS edges carry direct=false, and it records no
// dependency tree. A module only test configurations resolve is marked dev. The
// build scripts (build.gradle, build.gradle.kts) are not read, so a
// project that does not lock its dependencies gives none.
type Gradle struct{}

// NewGradle returns the Gradle lockfile parser.
func NewGradle() *Gradle { return &Gradle{} }

// Format implements ingest.Parser.
func (*Gradle) Format() string { return "gradle-lockfile" }

// Detect implements ingest.Parser.
func (*Gradle) Detect(f *ingest.File) bool {
	_, ok := gradleLockConfig(f)
	return ok
}

// gradleLockConfig reports whether f is a Gradle lockfile, and returns the
// configuration its name gives in the format of one file per
// configuration, else "".
func gradleLockConfig(f *ingest.File) (config string, ok bool) {
	base := baseName(f)
	if base == "gradle.lockfile" || base == "buildscript-gradle.lockfile" {
		return "", true
	}
	rel := filepath.ToSlash(f.RelPath)
	if rel == "" {
		rel = filepath.ToSlash(f.Path)
	}
	dir := path.Dir(rel)
	config, ok = strings.CutSuffix(base, ".lockfile")
	if !ok || config == "" || path.Base(dir) != "dependency-locks" || path.Base(path.Dir(dir)) != "gradle" {
		return "", false
	}
	return config, true
}

// Parse implements ingest.Parser.
func (*Gradle) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, release, err := readPooled(f)
	if err != nil {
		return err
	}
	defer release()
	fileConfig, _ := gradleLockConfig(f)

	c := newCollector(f)
	for n, line := 0, []byte(nil); len(data) > 0; {
		n++
		line, data, _ = bytes.Cut(data, []byte("\n"))
		s := strings.TrimSpace(string(line))
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		pos := ingest.Position{File: f.Path, Line: n}
		module, configs, hasConfigs := strings.Cut(s, "=")
		if fileConfig == "" && module == "empty" && hasConfigs {
			continue
		}
		parts := strings.Split(module, ":")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" || strings.ContainsAny(module, " \t") {
			res.Warnf(pos, "line is not group:artifact:version; skipped")
			continue
		}
		var list []string
		if fileConfig != "" {
			list = []string{fileConfig}
		} else {
			for _, cfg := range strings.Split(configs, ",") {
				if cfg = strings.TrimSpace(cfg); cfg != "" {
					list = append(list, cfg)
				}
			}
		}
		pf := pkgFacts{Line: n, Dev: len(list) > 0, Attrs: map[string]string{}}
		for _, cfg := range list {
			pf.Dev = pf.Dev && testConfiguration(cfg)
		}
		if joined := graph.JoinList(list); len(joined) <= maxConfigsText && validText(joined) {
			pf.Attrs[attrConfigs] = joined
		}
		c.add(pkgRef{Eco: ecoMaven, Name: parts[0] + ":" + parts[1], Version: parts[2]}, pf)
	}
	return c.emit(res)
}

// attrConfigs, on LOCKS, lists the Gradle configurations that resolve a
// module.
const attrConfigs = "configurations"

// maxConfigsText bounds the configurations attribute. An Android project
// resolves a module in dozens of configurations.
const maxConfigsText = 4096

// testConfiguration reports whether a Gradle configuration serves the
// tests only: testCompileClasspath, integrationTestRuntimeClasspath,
// debugUnitTestRuntimeClasspath and the like.
func testConfiguration(name string) bool {
	return strings.HasPrefix(name, "test") || strings.Contains(name, "Test")
}
