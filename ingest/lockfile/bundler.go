package lockfile

import (
	"context"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Bundler reads Gemfile.lock (and gems.locked), Bundler's lockfile. Gems
// come from GEM (a gem server), GIT and PATH sections, each with its specs
// and their dependencies; DEPENDENCIES lists what the Gemfile names, which
// are the direct ones.
//
// Gemfile.lock does not keep the Gemfile's groups, so development gems
// cannot be distinguished. It does not record which gems build native
// extensions either, so no gem is marked as running code at install. A version locked for
// several platforms ("1.16.2-x86_64-linux") is one package version whose
// platforms attribute lists them.
type Bundler struct{}

// NewBundler returns the Gemfile.lock parser.
func NewBundler() *Bundler { return &Bundler{} }

// Format implements ingest.Parser.
func (*Bundler) Format() string { return "bundler-lockfile" }

// Detect implements ingest.Parser.
func (*Bundler) Detect(f *ingest.File) bool {
	b := baseName(f)
	return b == "Gemfile.lock" || b == "gems.locked"
}

var (
	gemSpecRE = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_.\-]*) \(([^()\s]+)\)$`)
	gemDepRE  = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_.\-]*)(?: \(([^()]*)\))?!?$`)
)

// gemSections are the section headers Bundler writes.
var gemSections = map[string]bool{
	"GEM": true, "GIT": true, "PATH": true, "PLUGIN SOURCE": true, "PLATFORMS": true,
	"DEPENDENCIES": true, "RUBY VERSION": true, "BUNDLED WITH": true, "CHECKSUMS": true,
}

type gemSpec struct {
	name, version, platform string
	line                    int
	origin                  string
	local                   bool
	deps                    []gemDep
}

type gemDep struct {
	name string
	line int
}

// Parse implements ingest.Parser.
func (*Bundler) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	pos := func(line int) ingest.Position { return ingest.Position{File: f.Path, Line: line} }
	c := newCollector(f)

	var specs []*gemSpec
	var direct []gemDep
	var cur *gemSpec
	section, inSpecs, known := "", false, false
	for i, raw := range strings.Split(string(data), "\n") {
		ln := i + 1
		line := strings.TrimRight(raw, "\r")
		text := strings.TrimSpace(line)
		if text == "" {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if indent == 0 {
			section, inSpecs, cur = text, false, nil
			known = known || gemSections[text]
			continue
		}
		if !known {
			return ingest.Errorf(pos(ln), "not a Gemfile.lock: content comes before any section")
		}
		switch section {
		case "GEM", "GIT", "PATH", "PLUGIN SOURCE":
			switch {
			case indent == 2 && text == "specs:":
				inSpecs = true
			case indent == 2:
				if k, v, ok := strings.Cut(text, ": "); ok && k == "remote" {
					c.checkURL(v, ln, res)
				}
			case indent == 4 && inSpecs:
				m := gemSpecRE.FindStringSubmatch(text)
				if m == nil {
					res.Warnf(pos(ln), "spec line is malformed; skipped")
					cur = nil
					continue
				}
				cur = &gemSpec{name: m[1], line: ln}
				cur.version, cur.platform, _ = strings.Cut(m[2], "-")
				switch section {
				case "GIT":
					cur.origin = "git"
				case "PATH":
					cur.local = true
				}
				specs = append(specs, cur)
			case indent == 6 && inSpecs && cur != nil:
				m := gemDepRE.FindStringSubmatch(text)
				if m == nil {
					res.Warnf(pos(ln), "dependency line is malformed; skipped")
					continue
				}
				cur.deps = append(cur.deps, gemDep{name: m[1], line: ln})
			}
		case "DEPENDENCIES":
			m := gemDepRE.FindStringSubmatch(text)
			if m == nil {
				res.Warnf(pos(ln), "dependency line is malformed; skipped")
				continue
			}
			direct = append(direct, gemDep{name: m[1], line: ln})
		}
	}

	// A version locked for several platforms is one package.
	platforms := map[string][]string{}
	for _, s := range specs {
		id := purlOf(pkgRef{Eco: ecoGem, Name: s.name, Version: s.version})
		p := s.platform
		if p == "" {
			p = "ruby"
		}
		platforms[id] = append(platforms[id], p)
	}
	byName := map[string][]string{}
	ids := make([]string, len(specs))
	for i, s := range specs {
		pf := pkgFacts{Line: s.line, Local: s.local, Attrs: map[string]string{attrOrigin: s.origin}}
		id := purlOf(pkgRef{Eco: ecoGem, Name: s.name, Version: s.version})
		if ps := platforms[id]; len(ps) > 1 || ps[0] != "ruby" {
			pf.Attrs[attrPlatforms] = graph.JoinList(ps)
		}
		ids[i] = c.add(pkgRef{Eco: ecoGem, Name: s.name, Version: s.version}, pf)
		if !containsString(byName[s.name], ids[i]) {
			byName[s.name] = append(byName[s.name], ids[i])
		}
	}

	for i, s := range specs {
		for _, d := range s.deps {
			targets := byName[d.name]
			if len(targets) == 0 {
				if d.name != "bundler" {
					res.Warnf(pos(d.line), "dependency %s is not in the lockfile", d.name)
				}
				continue
			}
			conf := graph.Certain
			if len(targets) > 1 {
				conf = graph.Possible
			}
			for _, to := range targets {
				c.depend(ids[i], to, d.line, conf)
			}
		}
	}
	for _, d := range direct {
		targets := byName[d.name]
		if len(targets) == 0 && d.name != "bundler" {
			res.Warnf(pos(d.line), "dependency %s is not in the lockfile", d.name)
		}
		for _, id := range targets {
			c.markDirect(id)
		}
	}
	if len(direct) == 0 {
		c.inferDirect(func(string) bool { return true })
	}
	return c.emit(res)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
