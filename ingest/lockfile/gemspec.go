package lockfile

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Gemspec reads the .gemspec at the top of a repository for the name of
// the gem that gem push and Bundler's rake release from there publish.
// A gemspec is Ruby code, so only a name assigned as a string literal is
// read.
type Gemspec struct{}

// NewGemspec returns the .gemspec parser.
func NewGemspec() *Gemspec { return &Gemspec{} }

// Format implements ingest.Parser.
func (*Gemspec) Format() string { return "gemspec" }

// Detect implements ingest.Parser. It claims only a .gemspec at the top of
// a repository.
func (*Gemspec) Detect(f *ingest.File) bool {
	return f.Repo != "" && !strings.Contains(f.RelPath, "/") && strings.HasSuffix(f.RelPath, ".gemspec") && len(f.RelPath) > len(".gemspec")
}

var (
	// gemspecBlock matches the start of Gem::Specification.new's block and
	// captures the block's parameter.
	gemspecBlock = regexp.MustCompile(`Gem::Specification\.new\b[^\n]*?(?:\bdo|\{)\s*\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*\|`)
	// gemspecNew matches a name passed to Gem::Specification.new.
	gemspecNew = regexp.MustCompile(`Gem::Specification\.new[ \t(]+(?:"([^"\\#]*)"|'([^'\\]*)')`)
	// rubyGemName matches the names RubyGems accepts: letters, digits,
	// '.', '-' and '_', with at least one letter.
	rubyGemName = regexp.MustCompile(`^[A-Za-z0-9._-]*[A-Za-z][A-Za-z0-9._-]*$`)
	// allowedPushHost matches the allowed_push_host metadata key and
	// captures the string literal after it, if any.
	allowedPushHost = regexp.MustCompile(`["']allowed_push_host["']\s*(?:\]\s*=|=>)\s*(?:"([^"\\#]*)"|'([^'\\]*)')?`)
)

// Parse implements ingest.Parser. The name is the literal that the block
// of Gem::Specification.new assigns to its parameter's name
// (spec.name = "widget"), or the literal passed to
// Gem::Specification.new. Bundler's gem tasks need exactly one gemspec at
// the top, and a gem whose allowed_push_host metadata names another
// server, or one set at run time, goes there, not to rubygems.org.
func (*Gemspec) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	attrs := map[string]string{}
	if name, line := gemspecName(string(data)); name != "" && onlyGemspec(f) && pushesToRubyGems(string(data)) {
		if rubyGemName.MatchString(name) {
			attrs[graph.AttrGemProject] = name
		} else {
			res.Warnf(ingest.Position{File: f.Path, Line: line},
				"gem name %s is not a name RubyGems accepts (letters, digits, '.', '-' and '_', with a letter); no gem is recorded for the repository", quoteName(name))
		}
	}
	addProjectRepo(f, res, attrs)
	return nil
}

// gemspecName returns the gem name that a gemspec assigns as a literal,
// and its line, or "" when it assigns none, assigns one that is not a
// literal, or assigns more than one.
func gemspecName(src string) (string, int) {
	var names []string
	var lines []int
	if m := gemspecNew.FindStringSubmatchIndex(src); m != nil {
		names = append(names, literalGroup(src, m))
		lines = append(lines, 1+strings.Count(src[:m[0]], "\n"))
	}
	if b := gemspecBlock.FindStringSubmatch(src); b != nil {
		assign := regexp.MustCompile(`(?m)^[ \t]*` + regexp.QuoteMeta(b[1]) + `\.name[ \t]*=[ \t]*(.*)$`)
		literal := regexp.MustCompile(`^(?:"([^"\\#]*)"|'([^'\\]*)')[ \t]*(?:#.*)?$`)
		for _, m := range assign.FindAllStringSubmatchIndex(src, -1) {
			value := strings.TrimRight(src[m[2]:m[3]], "\r")
			lm := literal.FindStringSubmatchIndex(value)
			if lm == nil {
				return "", 0
			}
			names = append(names, literalGroup(value, lm))
			lines = append(lines, 1+strings.Count(src[:m[0]], "\n"))
		}
	}
	if len(names) != 1 {
		return "", 0
	}
	return names[0], lines[0]
}

// literalGroup returns the text of the double- or single-quoted literal
// that groups 1 and 2 of a match capture.
func literalGroup(s string, m []int) string {
	if m[2] >= 0 {
		return s[m[2]:m[3]]
	}
	return s[m[4]:m[5]]
}

// onlyGemspec reports whether f is the only .gemspec at the top of its
// repository, as Bundler's gem tasks require.
func onlyGemspec(f *ingest.File) bool {
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(f.Path), "*.gemspec"))
	if err != nil {
		return false
	}
	n := 0
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
			n++
		}
	}
	return n == 1
}

// pushesToRubyGems reports whether a gemspec leaves its pushes to
// rubygems.org: it sets no allowed_push_host, or sets it to rubygems.org
// as a literal.
func pushesToRubyGems(src string) bool {
	m := allowedPushHost.FindStringSubmatchIndex(src)
	if m == nil {
		return true
	}
	if m[2] < 0 && m[4] < 0 {
		return false
	}
	u := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(literalGroup(src, m), "https://"), "http://"), "/")
	return u == "rubygems.org"
}
