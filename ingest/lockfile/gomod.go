package lockfile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/blastradius-dev/blastradius/ingest"
)

// GoMod reads Go module files: go.mod for the required modules and
// go.sum for every module version whose content the build checked.
type GoMod struct{}

// NewGoMod returns the Go modules parser.
func NewGoMod() *GoMod { return &GoMod{} }

// Format implements ingest.Parser.
func (*GoMod) Format() string { return "go-modules" }

// Detect implements ingest.Parser.
func (*GoMod) Detect(f *ingest.File) bool {
	b := baseName(f)
	return b == "go.mod" || b == "go.sum"
}

// Parse implements ingest.Parser. A file whose name ends in .sum is read as
// go.sum, any other as go.mod.
func (*GoMod) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	c := newCollector(f)
	if strings.HasSuffix(baseName(f), ".sum") {
		parseGoSum(f, data, c, res)
	} else if err := parseGoModFile(f, data, c); err != nil {
		return err
	}
	return c.emit(res)
}

// parseGoModFile reads the require and replace directives. A require
// without an "// indirect" comment is direct. A replaced module version
// does not run, so its LOCKS edge carries replaced_by, and the replacement
// gets its own LOCKS edge whose replaces attribute names the original.
//
// NOTE: modfile rejects a whole file for one malformed directive, so a bad
// go.mod is rejected rather than read in part, as the go command does.
func parseGoModFile(f *ingest.File, data []byte, c *collector) error {
	mf, err := modfile.Parse(f.Path, data, nil)
	if err != nil {
		var list modfile.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			e := list[0]
			msg := "invalid go.mod syntax"
			if e.Verb != "" {
				msg = "invalid " + e.Verb + " directive"
			}
			return ingest.Errorf(ingest.Position{File: f.Path, Line: e.Pos.Line, Col: e.Pos.LineRune}, "%s", msg)
		}
		return ingest.Errorf(ingest.Position{File: f.Path}, "invalid go.mod")
	}
	for _, r := range mf.Require {
		line := 0
		if r.Syntax != nil {
			line = r.Syntax.Start.Line
		}
		ref := pkgRef{Eco: ecoGolang, Name: r.Mod.Path, Version: r.Mod.Version}
		pf := pkgFacts{Line: line, Direct: !r.Indirect}
		rep := replacementOf(mf, r.Mod)
		if rep == nil {
			c.add(ref, pf)
			continue
		}
		repLine := line
		if rep.Syntax != nil {
			repLine = rep.Syntax.Start.Line
		}
		if rep.New.Version == "" {
			// A folder replaces the module: the project's own code runs.
			pf.Attrs = map[string]string{attrReplacedBy: rep.New.Path}
			c.add(ref, pf)
			continue
		}
		newRef := pkgRef{Eco: ecoGolang, Name: rep.New.Path, Version: rep.New.Version}
		oldID := purlOf(ref)
		pf.Attrs = map[string]string{attrReplacedBy: purlOf(newRef)}
		c.add(ref, pf)
		c.add(newRef, pkgFacts{Line: repLine, Direct: !r.Indirect, Attrs: map[string]string{attrReplaces: oldID}})
	}
	return nil
}

// replacementOf returns the replace directive that applies to m: one
// naming m's exact version wins over one naming every version.
func replacementOf(mf *modfile.File, m module.Version) *modfile.Replace {
	var wildcard *modfile.Replace
	for _, r := range mf.Replace {
		if r.Old.Path != m.Path {
			continue
		}
		if r.Old.Version == m.Version {
			return r
		}
		if r.Old.Version == "" {
			wildcard = r
		}
	}
	return wildcard
}

// parseGoSum reads "module version hash" lines. Lines for a version's
// go.mod file alone ("version/go.mod") only fed version selection, so they
// do not count as code that ran.
func parseGoSum(f *ingest.File, data []byte, c *collector, res *ingest.Result) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), maxLockfileSize)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 3 || !strings.HasPrefix(fields[2], "h") {
			res.Warnf(ingest.Position{File: f.Path, Line: line}, "line is not \"module version hash\"; skipped")
			continue
		}
		mod, ver := fields[0], fields[1]
		if strings.HasSuffix(ver, "/go.mod") {
			continue
		}
		if err := module.Check(mod, ver); err != nil {
			res.Warnf(ingest.Position{File: f.Path, Line: line}, "invalid module path or version; skipped")
			continue
		}
		c.add(pkgRef{Eco: ecoGolang, Name: mod, Version: ver}, pkgFacts{Line: line})
	}
	if sc.Err() != nil {
		res.Warnf(ingest.Position{File: f.Path}, "reading stopped early: %v", sc.Err())
	}
}
