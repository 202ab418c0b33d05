package lockfile

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Requirements reads pip requirements files. A line that pins one exact
// version (== or ===) locks that version; any other specifier locks only
// the package name, marked unpinned. pip-compile's "# via" annotations
// tell transitive requirements from direct ones and give the dependency
// edges between the pinned packages.
type Requirements struct{}

// NewRequirements returns the pip requirements parser.
func NewRequirements() *Requirements { return &Requirements{} }

// Format implements ingest.Parser.
func (*Requirements) Format() string { return "pip-requirements" }

// Detect implements ingest.Parser. It claims requirements*.txt, and any
// other .txt file inside a folder named requirements whose first lines all
// read as requirements or pip options.
func (*Requirements) Detect(f *ingest.File) bool {
	b := strings.ToLower(baseName(f))
	if !strings.HasSuffix(b, ".txt") {
		return false
	}
	if strings.HasPrefix(b, "requirements") {
		return true
	}
	rel := f.RelPath
	if rel == "" {
		rel = filepath.ToSlash(f.Path)
	}
	dirs := strings.Split(rel, "/")
	for _, d := range dirs[:len(dirs)-1] {
		if strings.EqualFold(d, "requirements") {
			return looksLikeRequirements(f.Head)
		}
	}
	return false
}

// looksLikeRequirements reports whether the complete lines of head read as
// a requirements file: at least one requirement, and at most one line in
// five that is neither a comment, a pip option, a requirement nor a URL or
// path that pip installs from.
func looksLikeRequirements(head []byte) bool {
	text := string(head)
	if len(head) >= ingest.HeadSize {
		if i := strings.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i]
		}
	}
	good, bad := 0, 0
	for _, ll := range logicalLines(text) {
		body, _ := splitComment(ll.text)
		body = strings.TrimSpace(body)
		if body == "" || strings.HasPrefix(body, "-") {
			continue
		}
		if _, msg, ok := parseRequirement(body); ok || msg == msgURLOrPath {
			good++
		} else {
			bad++
		}
	}
	return good > 0 && bad*4 <= good
}

// pyReq is one requirement line.
type pyReq struct {
	line    int
	name    string
	version string // set when one exact version is pinned
	rng     string // the specifiers otherwise
	extras  []string
	markers string
	hasVia  bool
	viaFile bool     // a "# via" item names a requirements or project file
	via     []string // packages named by "# via"
}

// Parse implements ingest.Parser.
func (*Requirements) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	pos := func(line int) ingest.Position { return ingest.Position{File: f.Path, Line: line} }

	c := newCollector(f)
	var reqs []*pyReq
	var last *pyReq
	viaOpen := false
	for _, ll := range logicalLines(string(data)) {
		body, comment := splitComment(ll.text)
		body = strings.TrimSpace(body)
		for _, word := range strings.FieldsFunc(body, func(r rune) bool { return r == ' ' || r == '\t' || r == '=' }) {
			c.checkURL(word, ll.line, res)
		}
		if body == "" {
			last, viaOpen = readVia(last, comment, viaOpen)
			continue
		}
		viaOpen = false
		if strings.HasPrefix(body, "-") {
			readOption(body, pos(ll.line), res)
			last = nil
			continue
		}
		r, msg, ok := parseRequirement(body)
		if !ok {
			res.Warnf(pos(ll.line), "%s; skipped", msg)
			last = nil
			continue
		}
		r.line = ll.line
		reqs = append(reqs, r)
		last, viaOpen = readVia(r, comment, false)
	}

	pinned := map[string]*pyReq{}
	for _, r := range reqs {
		if r.version != "" {
			pinned[graph.PyPIName(r.name)] = r
		}
	}
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		direct := !r.hasVia || r.viaFile
		if !direct {
			// A transitive requirement whose parents are all missing from
			// the file is reported as direct rather than left without a chain.
			direct = true
			for _, p := range r.via {
				if pinned[graph.PyPIName(p)] != nil {
					direct = false
				}
			}
		}
		ids[i] = c.add(pkgRef{Eco: ecoPyPI, Name: r.name, Version: r.version}, pkgFacts{
			Line:     r.line,
			Direct:   direct,
			Possible: r.markers != "",
			Attrs: map[string]string{
				attrRange:   r.rng,
				attrMarkers: r.markers,
				attrExtras:  graph.JoinList(r.extras),
			},
		})
	}
	for i, r := range reqs {
		if r.version == "" {
			continue
		}
		for _, p := range r.via {
			if pr := pinned[graph.PyPIName(p)]; pr != nil {
				c.depend(purlOf(pkgRef{Eco: ecoPyPI, Name: pr.name, Version: pr.version}), ids[i], r.line, graph.Certain)
			}
		}
	}
	return c.emit(res)
}

// logicalLine is a requirements line with its continuations joined, and
// the number of its first physical line.
type logicalLine struct {
	text string
	line int
}

// logicalLines joins lines that end in a backslash with the next one, as
// pip does; a comment line ends a continuation.
func logicalLines(text string) []logicalLine {
	phys := strings.Split(text, "\n")
	var out []logicalLine
	for i := 0; i < len(phys); i++ {
		start := i + 1
		cur := strings.TrimRight(phys[i], "\r")
		if isCommentLine(cur) || !strings.HasSuffix(cur, "\\") {
			out = append(out, logicalLine{text: cur, line: start})
			continue
		}
		var b strings.Builder
		for strings.HasSuffix(cur, "\\") && i+1 < len(phys) {
			next := strings.TrimRight(phys[i+1], "\r")
			if isCommentLine(next) {
				break
			}
			b.WriteString(cur[:len(cur)-1])
			cur = next
			i++
		}
		b.WriteString(strings.TrimSuffix(cur, "\\"))
		out = append(out, logicalLine{text: b.String(), line: start})
	}
	return out
}

func isCommentLine(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") }

// splitComment cuts a line at a '#' that starts it or follows whitespace,
// which is where pip's comments start.
func splitComment(s string) (body, comment string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i], s[i:]
		}
	}
	return s, ""
}

// readVia reads a pip-compile annotation for the requirement r:
// "# via a", "# via a, b", or "# via" followed by one "#   a" line per item.
// It returns the requirement later lines may still annotate and whether a
// "# via" list is open.
func readVia(r *pyReq, comment string, viaOpen bool) (*pyReq, bool) {
	if r == nil || comment == "" {
		return r, false
	}
	text := strings.TrimPrefix(comment, "#")
	item := strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(item, "via"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		r.hasVia = true
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return r, true
		}
		for _, it := range strings.Split(rest, ",") {
			addVia(r, strings.TrimSpace(it))
		}
		return r, false
	}
	if viaOpen && item != "" && (strings.HasPrefix(text, "  ") || strings.HasPrefix(text, "\t")) {
		addVia(r, item)
		return r, true
	}
	return r, false
}

func addVia(r *pyReq, item string) {
	switch {
	case item == "":
	case strings.HasPrefix(item, "-") || strings.Contains(item, "("):
		// "-r requirements.in", "-c constraints.txt", "project (pyproject.toml)"
		r.viaFile = true
	default:
		if i := strings.IndexByte(item, '['); i > 0 {
			item = item[:i]
		}
		r.via = append(r.via, item)
	}
}

// readOption handles a line that starts with a pip option.
func readOption(body string, pos ingest.Position, res *ingest.Result) {
	opt := strings.Fields(body)[0]
	if i := strings.IndexByte(opt, '='); i > 0 {
		opt = opt[:i]
	}
	short := func(name string) bool { return !strings.HasPrefix(opt, "--") && strings.HasPrefix(opt, name) }
	switch {
	case short("-r") || opt == "--requirement":
		res.Warnf(pos, "includes another requirements file, which is read only when it is an input itself")
	case short("-c") || opt == "--constraint":
		res.Warnf(pos, "includes a constraints file, which is read only when it is an input itself")
	case short("-e") || opt == "--editable":
		res.Warnf(pos, "editable requirement installs from a folder or version control; skipped")
	}
	// Index, find-links, hash-checking and build options lock nothing.
}

// msgURLOrPath is the reason a requirement that installs from a URL or a
// path is skipped.
const msgURLOrPath = "requirement given by URL or path"

var (
	specRe = regexp.MustCompile(`^(===|==|!=|~=|<=|>=|<|>)\s*([^\s,;()]+)$`)
)

// parseRequirement reads "name[extras] specifiers ; markers" followed by
// per-requirement options. It returns why the line was skipped when ok is
// false; the message names no input text.
func parseRequirement(body string) (r *pyReq, msg string, ok bool) {
	// Like pip, the requirement ends at the first word that starts with '-'.
	words := strings.Split(body, " ")
	for i, w := range words {
		if strings.HasPrefix(w, "-") {
			words = words[:i]
			break
		}
	}
	spec := strings.TrimSpace(strings.Join(words, " "))

	head, markers, _ := strings.Cut(spec, ";")
	if strings.Contains(head, "://") || strings.ContainsAny(head, "/\\") ||
		strings.HasPrefix(head, ".") || strings.HasPrefix(head, "~") {
		return nil, msgURLOrPath, false
	}
	if strings.Contains(spec, "${") {
		return nil, "requirement uses an environment variable", false
	}
	name := projectName(head)
	if name == "" {
		return nil, "line is not a requirement", false
	}

	r = &pyReq{name: name, markers: strings.TrimSpace(markers)}
	rest := strings.TrimSpace(head[len(name):])
	if strings.HasPrefix(rest, "[") {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return nil, "extras of a requirement are not closed", false
		}
		for _, x := range strings.Split(rest[1:j], ",") {
			if x = strings.TrimSpace(x); x != "" {
				r.extras = append(r.extras, x)
			}
		}
		rest = strings.TrimSpace(rest[j+1:])
	}
	if strings.HasPrefix(rest, "@") {
		return nil, msgURLOrPath, false
	}
	if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		rest = strings.TrimSpace(rest[1 : len(rest)-1])
	}
	if rest == "" {
		return r, "", true
	}

	var specs []string
	var op, ver string
	for _, s := range strings.Split(rest, ",") {
		m := specRe.FindStringSubmatch(strings.TrimSpace(s))
		if m == nil {
			return nil, "version specifier is malformed", false
		}
		op, ver = m[1], m[2]
		specs = append(specs, op+ver)
	}
	if len(specs) == 1 && (op == "===" || op == "==" && !strings.Contains(ver, "*")) {
		r.version = ver
		return r, "", true
	}
	r.rng = strings.Join(specs, ",")
	return r, "", true
}

// projectName returns the PEP 508 project name at the start of s: letters
// and digits, with '.', '_' and '-' between them. It scans bytes, because
// a regular expression costs far more per byte on a name of megabytes.
func projectName(s string) string {
	alnum := func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if s == "" || !alnum(s[0]) {
		return ""
	}
	end := 1
	for i := 1; i < len(s); i++ {
		c := s[i]
		if alnum(c) {
			end = i + 1
			continue
		}
		if c != '.' && c != '_' && c != '-' {
			break
		}
	}
	return s[:end]
}
