package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/blastradius-dev/blastradius/export"
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
	"github.com/blastradius-dev/blastradius/query"
)

// nodeView is a node as query output shows it: without the snapshot
// times, which change on every ingest and would make outputs differ.
type nodeView struct {
	ID    string            `json:"id"`
	Kind  graph.NodeKind    `json:"kind"`
	Label string            `json:"label,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
	Pos   string            `json:"pos,omitempty"`
}

func viewNode(n graph.Node) nodeView {
	v := nodeView{ID: n.ID, Kind: n.Kind, Label: n.Label, Attrs: n.Attrs}
	if n.Pos.File != "" && n.Pos.File != graph.DerivedSource {
		v.Pos = n.Pos.String()
	}
	return v
}

type hopView struct {
	From       string           `json:"from"`
	Kind       graph.EdgeKind   `json:"kind"`
	To         string           `json:"to"`
	Reversed   bool             `json:"reversed,omitempty"`
	Confidence graph.Confidence `json:"confidence"`
	Reason     string           `json:"reason,omitempty"`
	Level      string           `json:"level,omitempty"`
	Actions    string           `json:"actions,omitempty"`
	Pos        string           `json:"pos,omitempty"`
}

type reachedView struct {
	Node       nodeView         `json:"node"`
	Depth      int              `json:"depth"`
	Confidence graph.Confidence `json:"confidence"`
	Live       bool             `json:"live"`
	Declared   bool             `json:"declared"`
	Inspected  bool             `json:"inspected,omitempty"`
	UsedAfter  bool             `json:"usedAfterCompromise,omitempty"`
	NewSources []string         `json:"newSources,omitempty"`
	Evidence   *graph.Evidence  `json:"evidence,omitempty"`
	// Sessions is the split of a role's calls between the walk's sessions
	// and the role's other sessions.
	Sessions *query.Sessions `json:"sessions,omitempty"`
	// DeadEnd marks a credential whose identity no input shows.
	DeadEnd bool `json:"deadEnd,omitempty"`
	// TakenOver marks a runtime reached only by changing it, invoking it
	// or publishing what it runs, not by running there.
	TakenOver bool      `json:"takenOver,omitempty"`
	Path      []hopView `json:"path"`
}

type resultView struct {
	Query   string         `json:"query"`
	Since   string         `json:"since,omitempty"`
	Starts  []nodeView     `json:"starts"`
	Counts  map[string]int `json:"counts"`
	Reached []reachedView  `json:"reached"`
}

func viewResult(res *query.Result) resultView {
	v := resultView{Query: res.Query, Counts: map[string]int{}, Reached: []reachedView{}}
	if !res.Since.IsZero() {
		v.Since = res.Since.Format(time.RFC3339)
	}
	for _, s := range res.Starts {
		v.Starts = append(v.Starts, viewNode(s))
	}
	for _, r := range res.Reached {
		rv := reachedView{Node: viewNode(r.Node), Depth: r.Depth, Confidence: r.Confidence, Live: r.Live(),
			Declared: r.Declared, Inspected: r.Inspected, UsedAfter: r.UsedAfter, NewSources: r.NewSources, Evidence: r.Evidence,
			Sessions: r.Sessions, DeadEnd: r.DeadEnd, TakenOver: r.TakenOver, Path: []hopView{}}
		for _, h := range r.Path {
			hv := hopView{From: h.From, Kind: h.Kind, To: h.To, Reversed: h.Reversed, Confidence: h.Confidence, Reason: h.Reason, Level: h.Level, Actions: h.Actions}
			if h.Pos.File != "" && h.Pos.File != graph.DerivedSource {
				hv.Pos = h.Pos.String()
			}
			rv.Path = append(rv.Path, hv)
		}
		v.Reached = append(v.Reached, rv)
		v.Counts[string(r.Node.Kind)]++
	}
	return v
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

var sections = []struct {
	kind  graph.NodeKind
	title string
	// inspected selects identities reached only as the object of a
	// permission (iam:GetRole), which the walk does not act as.
	inspected bool
	// published selects packages reached by publishing them (a path
	// through CAN_PUBLISH), not by containing what was compromised, and
	// runtimes reached by changing their code or what they run (a path
	// through CAN_MODIFY, CAN_INVOKE or CAN_PUBLISH), not where it ran.
	published bool
}{
	{graph.NodePackage, "Packages that contain it", false, false},
	{graph.NodeRuntime, "Where it ran", false, false},
	{graph.NodeSecret, "Credentials it could read", false, false},
	{graph.NodeIdentity, "Identities those credentials act as", false, false},
	{graph.NodeIdentity, "Identities it can inspect or change but not act as", true, false},
	{graph.NodePackage, "Packages it can publish, and their versions in use", false, true},
	{graph.NodeRuntime, "Runtimes it can take over", false, true},
	{graph.NodeResource, "Services and resources reached", false, false},
	{graph.NodeRepository, "Repositories reached", false, false},
}

// takenOver reports whether a path reaches a runtime by changing its
// code, its input or a package it runs, rather than by running there.
func takenOver(r *query.Reached) bool {
	for _, h := range r.Path {
		switch h.Kind {
		case graph.EdgeCanModify, graph.EdgeCanInvoke, graph.EdgeCanPublish:
			return true
		}
	}
	return false
}

// published reports whether a path publishes: it goes through CAN_PUBLISH.
func published(r *query.Reached) bool {
	for _, h := range r.Path {
		if h.Kind == graph.EdgeCanPublish {
			return true
		}
	}
	return false
}

func renderResult(w io.Writer, format string, res *query.Result) error {
	if format == "json" {
		return writeJSON(w, viewResult(res))
	}
	md := format == "markdown"
	if md {
		fmt.Fprintf(w, "# Blast radius of %s\n\n", res.Query)
	} else {
		fmt.Fprintf(w, "BLAST RADIUS of %s\n", res.Query)
	}
	if !res.Since.IsZero() {
		fmt.Fprintf(w, "compromise time: %s\n", res.Since.Format(time.RFC3339))
	}
	var starts []string
	for _, s := range res.Starts {
		starts = append(starts, s.ID)
	}
	fmt.Fprintf(w, "matched: %s\n", strings.Join(starts, ", "))
	ran := res.RanIn()
	for _, sec := range sections {
		var rs []*query.Reached
		for _, r := range res.ByKind(sec.kind) {
			switch {
			case r.Inspected != sec.inspected:
			case sec.kind == graph.NodePackage && published(r) != sec.published:
			case sec.kind == graph.NodeRuntime && r.TakenOver != sec.published:
			default:
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue
		}
		title := sec.title
		if sec.kind == graph.NodeRuntime && !sec.published && !startsWithPackage(res.Starts) {
			// From a credential or an identity, runtimes are reached
			// through what it can publish or change, not where it ran.
			title = "Runtimes reached"
		}
		if md {
			fmt.Fprintf(w, "\n## %s (%d)\n\n", title, len(rs))
		} else {
			fmt.Fprintf(w, "\n%s (%d)\n", strings.ToUpper(title), len(rs))
		}
		for _, r := range rs {
			renderReached(w, md, res, r)
			if e, ok := ran[r.Node.ID]; ok && sec.kind == graph.NodeRuntime && !sec.published && takenOver(r) {
				renderAlsoRuns(w, md, e)
			}
		}
	}
	if len(res.Reached) == 0 {
		fmt.Fprintln(w, "\nnothing reachable: "+emptyReason(res.Starts))
	}
	if n := deadEnds(res); n > 0 {
		if n == 1 {
			fmt.Fprint(w, "\n1 credential above: no input shows what it acts as, so the walk stops there. "+
				"Rotate it all the same. A mapping file (blastradius-map.yaml, see the README) "+
				"can state what it acts as, so that the walk follows it.\n")
		} else {
			fmt.Fprintf(w, "\n%d credentials above: no input shows what they act as, so the walk stops there. "+
				"Rotate them all the same. A mapping file (blastradius-map.yaml, see the README) "+
				"can state what they act as, so that the walk follows them.\n", n)
		}
	}
	return nil
}

// deadEnds counts the credentials of res whose identity no input shows.
func deadEnds(res *query.Result) int {
	n := 0
	for _, r := range res.Reached {
		if r.DeadEnd {
			n++
		}
	}
	return n
}

// startsWithPackage reports whether a start of the walk is a package.
func startsWithPackage(starts []graph.Node) bool {
	for _, s := range starts {
		if s.Kind == graph.NodePackage {
			return true
		}
	}
	return false
}

// emptyReason returns why a blast radius is empty. A package reaches nothing
// when no runtime executes it, and any other start when no edge leads out of it.
func emptyReason(starts []graph.Node) string {
	for _, s := range starts {
		if s.Kind != graph.NodePackage {
			return "the inputs link it to no runtime, credential, identity or resource it could use"
		}
	}
	return "no runtime in the graph executes it"
}

func renderReached(w io.Writer, md bool, res *query.Result, r *query.Reached) {
	var tags []string
	tags = append(tags, string(r.Confidence))
	if r.Live() {
		tags = append(tags, "live")
	} else {
		tags = append(tags, "not seen live")
	}
	if n := len(r.Path); n > 0 && r.Path[n-1].Level != "" {
		tags = append(tags, levelTags(r.Path[n-1].Level, r.Path[n-1].Actions)...)
	}
	if r.Evidence != nil {
		used := fmt.Sprintf("used %s %s..%s", plural(r.Evidence.Count, "time"),
			r.Evidence.First.Format(time.RFC3339), r.Evidence.Last.Format(time.RFC3339))
		if r.Node.Kind != graph.NodeSecret {
			// A credential names itself; a resource or identity names
			// the access keys whose calls the logs show.
			used += keysSuffix(r.Evidence.Keys)
		}
		used += usedBySuffix(res, r.UsedBy)
		tags = append(tags, used)
	}
	if r.UsedAfter {
		tags = append(tags, "USED AFTER COMPROMISE")
	}
	if len(r.NewSources) > 0 {
		tags = append(tags, "new sources after compromise: "+strings.Join(r.NewSources, ", "))
	}
	if r.DeadEnd {
		tags = append(tags, "no input shows what it acts as")
	}
	name := r.Node.ID
	if r.Node.Label != "" && r.Node.Label != r.Node.ID {
		name = r.Node.Label + "  " + r.Node.ID
	}
	indent := "      "
	if md {
		fmt.Fprintf(w, "- **%s** (%s)\n", name, strings.Join(tags, "; "))
		indent = "  - "
	} else {
		fmt.Fprintf(w, "  %s\n      [%s]\n", name, strings.Join(tags, "; "))
	}
	if r.Sessions != nil {
		fmt.Fprintf(w, "%ssessions: %s\n", indent, sessionsLine(res, r.Sessions, r.Evidence != nil))
	}
	if at := r.Node.Attr(graph.AttrDefinedAt); at != "" {
		fmt.Fprintf(w, "%sdefined at: %s, read through the module call at %s\n", indent, at, r.Node.Pos)
	}

	// The path to a node's parent is printed at the parent, so each node
	// shows the whole chain by name and only its last hop in detail.
	if len(r.Path) == 0 {
		return
	}
	first := r.Path[0]
	src := first.From
	if first.Reversed {
		src = first.To
	}
	chain := []string{shortName(res, src)}
	for _, h := range r.Path {
		dst := h.To
		if h.Reversed {
			dst = h.From
		}
		chain = append(chain, shortName(res, dst))
	}
	fmt.Fprintf(w, "%svia: %s\n", indent, strings.Join(chain, " > "))
	h := r.Path[len(r.Path)-1]
	arrow := fmt.Sprintf("%s -%s-> %s", h.From, h.Kind, h.To)
	if h.Reversed {
		arrow = fmt.Sprintf("%s <-%s- %s", h.To, h.Kind, h.From)
	}
	if md {
		arrow = "`" + arrow + "`"
	}
	fmt.Fprintf(w, "%slast hop: %s", indent, arrow)
	if h.Pos.File != "" && h.Pos.File != graph.DerivedSource {
		fmt.Fprintf(w, "  (%s)", h.Pos)
	}
	if h.Confidence == graph.Possible {
		fmt.Fprint(w, " [possible]")
	}
	fmt.Fprintln(w)
	if h.Reason != "" {
		fmt.Fprintf(w, "%sbecause %s\n", indent, h.Reason)
	}
}

// renderAlsoRuns prints the execution of a runtime listed where the code
// ran although its path shown changes it: the edge by which it may run
// the code itself.
func renderAlsoRuns(w io.Writer, md bool, e graph.Edge) {
	indent := "      "
	arrow := fmt.Sprintf("%s <-%s- %s", e.To, e.Kind, e.From)
	if md {
		indent, arrow = "  - ", "`"+arrow+"`"
	}
	fmt.Fprintf(w, "%salso runs it: %s", indent, arrow)
	if e.Pos.File != "" && e.Pos.File != graph.DerivedSource {
		fmt.Fprintf(w, "  (%s)", e.Pos)
	}
	if e.Confidence == graph.Possible {
		fmt.Fprint(w, " [possible]")
	}
	fmt.Fprintln(w)
	if reason := e.Attr(graph.AttrReason); reason != "" {
		fmt.Fprintf(w, "%sbecause %s\n", indent, reason)
	}
}

// shortName returns a node's label, or its id when it has none.
func shortName(res *query.Result, id string) string {
	if r := res.Get(id); r != nil && r.Node.Label != "" {
		return r.Node.Label
	}
	return id
}

type planView struct {
	Query string     `json:"query"`
	Steps []stepView `json:"steps"`
}

type stepView struct {
	Number int        `json:"number"`
	Title  string     `json:"title"`
	Why    string     `json:"why"`
	Items  []itemView `json:"items"`
}

type itemView struct {
	Node      nodeView `json:"node"`
	Also      []string `json:"also,omitempty"`
	Kind      string   `json:"kind"`
	Action    string   `json:"action"`
	Command   string   `json:"command,omitempty"`
	Consumers []string `json:"consumers,omitempty"`
	ReadBy    []string `json:"readBy,omitempty"`
	YieldedBy []string `json:"yieldedBy,omitempty"`
	Yields    []string `json:"yields,omitempty"`
	Reach     int      `json:"reach"`
	InUse     bool     `json:"inUse"`
	Strangers []string `json:"strangers,omitempty"`
	LongLived bool     `json:"longLived"`
	Verify    string   `json:"verify,omitempty"`
}

func viewPlan(p *query.Plan) planView {
	v := planView{Query: p.Query, Steps: []stepView{}}
	for _, s := range p.Steps {
		sv := stepView{Number: s.Number, Title: s.Title, Why: s.Why}
		for _, it := range s.Items {
			sv.Items = append(sv.Items, itemView{Node: viewNode(it.Node), Also: it.Also, Kind: it.Kind, Action: it.Action, Command: it.Command,
				Consumers: it.Consumers, ReadBy: it.ReadBy, YieldedBy: it.YieldedBy, Yields: it.Yields, Reach: it.Reach, InUse: it.InUse,
				Strangers: it.Strangers, LongLived: it.LongLived, Verify: it.Verify})
		}
		v.Steps = append(v.Steps, sv)
	}
	return v
}

func renderPlan(w io.Writer, format string, p *query.Plan) error {
	if format == "json" {
		return writeJSON(w, viewPlan(p))
	}
	md := format == "markdown"
	if md {
		fmt.Fprintf(w, "# Revocation plan for %s\n\n", oneLine(p.Query))
	} else {
		fmt.Fprintf(w, "REVOCATION PLAN for %s\n", oneLine(p.Query))
	}
	// The commands keep placeholders for values that only the responder has.
	if names := export.Placeholders(p); len(names) > 0 {
		note := "replace these placeholders in the commands before you run them: " + strings.Join(names, ", ")
		if slices.Contains(names, export.RevocationTime) {
			note += "; " + export.RevocationTime + " is the time you carried out the item, in RFC 3339 (2026-11-03T12:00:00Z)"
		}
		if slices.Contains(names, export.CompromiseTime) {
			note += "; " + export.CompromiseTime + " " + export.CompromiseTimeForm + ", which --since fills in"
		}
		if md {
			fmt.Fprintf(w, "Note: %s.\n", strings.ReplaceAll(strings.ReplaceAll(note, "<", "`<"), ">", ">`"))
		} else {
			fmt.Fprintf(w, "note: %s\n", note)
		}
	}
	for _, s := range p.Steps {
		if md {
			fmt.Fprintf(w, "\n## Step %d: %s\n\n%s\n\n", s.Number, oneLine(s.Title), oneLine(s.Why))
		} else {
			fmt.Fprintf(w, "\nSTEP %d: %s\n  why: %s\n", s.Number, strings.ToUpper(oneLine(s.Title)), oneLine(s.Why))
		}
		for _, it := range s.Items {
			name := it.Node.ID
			if it.Node.Label != "" && it.Node.Label != it.Node.ID {
				name = it.Node.Label + "  " + it.Node.ID
			}
			var flags []string
			if it.InUse {
				flags = append(flags, "in use")
			}
			if len(it.Strangers) > 0 {
				flags = append(flags, "new sources after compromise: "+strings.Join(it.Strangers, ", "))
			}
			if it.LongLived {
				flags = append(flags, "long-lived")
			}
			if it.Reach > 0 {
				flags = append(flags, "reaches "+plural(int64(it.Reach), "node"))
			}
			sort.Strings(flags)
			prefix, sub := "  - ", "      "
			if md {
				prefix, sub = "- [ ] ", "  - "
			}
			fmt.Fprintf(w, "%s%s %s", prefix, it.Kind, oneLine(name))
			if len(flags) > 0 {
				fmt.Fprintf(w, " [%s]", oneLine(strings.Join(flags, "; ")))
			}
			fmt.Fprintln(w)
			fmt.Fprintf(w, "%s%s\n", sub, oneLine(it.Action))
			if len(it.Also) > 0 {
				fmt.Fprintf(w, "%s%s: %s\n", sub, alsoLabel(it.Kind), oneLine(strings.Join(it.Also, ", ")))
			}
			if it.Command != "" {
				if md {
					fmt.Fprintf(w, "%scommand: %s\n", sub, markdownCode(it.Command, "    "))
				} else {
					textCommand(w, sub, "command", it.Command)
				}
			}
			if len(it.YieldedBy) > 0 {
				fmt.Fprintf(w, "%safter: %s (each can re-read or re-mint it)\n", sub, oneLine(strings.Join(it.YieldedBy, ", ")))
			}
			if len(it.Consumers) > 0 {
				fmt.Fprintf(w, "%sreplacement goes to: %s\n", sub, oneLine(strings.Join(it.Consumers, ", ")))
			}
			switch {
			case len(it.ReadBy) > 0 && len(it.Consumers) > 0:
				fmt.Fprintf(w, "%sread through those by: %s\n", sub, oneLine(strings.Join(it.ReadBy, ", ")))
			case len(it.ReadBy) > 0:
				fmt.Fprintf(w, "%sread from it by: %s\n", sub, oneLine(strings.Join(it.ReadBy, ", ")))
			}
			if it.Verify != "" {
				if md {
					fmt.Fprintf(w, "%sverify: %s\n", sub, markdownCode(it.Verify, "    "))
				} else {
					textCommand(w, sub, "verify", it.Verify)
				}
			}
		}
	}
	return nil
}

// textCommand prints a command of a text plan after its label. A command
// whose quoted names hold line breaks prints across lines, where a line
// of a name could pass for a line of the plan, so it is fenced by a
// header that counts its lines and a closing line. The lines between
// are the command itself, to copy as they are.
func textCommand(w io.Writer, indent, label, cmd string) {
	n := strings.Count(cmd, "\n") + 1
	if n == 1 {
		fmt.Fprintf(w, "%s%s: %s\n", indent, label, cmd)
		return
	}
	fmt.Fprintf(w, "%s%s, %d lines up to \"end of %s\" (the line breaks are inside quoted names):\n%s\n%send of %s\n",
		indent, label, n, label, cmd, indent, label)
}

// oneLine replaces each control character of a name or text from the
// input with a space, so that a line break or terminal escape in it
// cannot print a line, such as a command, of its own.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// markdownCode returns a command as Markdown code that reads back as the
// command itself. A one-line command becomes an inline code span. A
// command whose quoted names contain line breaks becomes a fenced block
// below, each line indented by indent to stay inside the list item. Each
// delimiter is one backtick longer than the longest run of backticks in
// the command, so no backtick in a name can end the code early.
func markdownCode(s, indent string) string {
	longest := export.LongestBacktickRun(s)
	if !strings.ContainsAny(s, "\r\n") {
		ticks := strings.Repeat("`", longest+1)
		if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
			// CommonMark strips one space from each end of a code span.
			s = " " + s + " "
		}
		return ticks + s + ticks
	}
	// Markdown reads a carriage return as a line end, which would come
	// back as a newline, so it becomes a space, as in the runbook.
	s = strings.ReplaceAll(s, "\r", " ")
	fence := strings.Repeat("`", max(3, longest+1))
	var b strings.Builder
	b.WriteString("\n\n" + indent + fence + "sh\n")
	for _, line := range strings.Split(s, "\n") {
		b.WriteString(indent + line + "\n")
	}
	b.WriteString(indent + fence)
	return b.String()
}

// plural writes a count with its noun: "1 file", "3 files".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// levelTags returns "level: actions" tags for the last hop of a reached
// node. An edge's level is that of its strongest action. The AWS actions
// that the catalogue rates lower get a tag of their own level, such as
// lambda:GetFunction beside lambda:UpdateFunctionCode at write. Actions
// the catalogue does not list stay at the edge's level.
func levelTags(level, actions string) []string {
	if actions == "" {
		return []string{level}
	}
	byLevel := map[string][]string{}
	for _, a := range strings.Split(actions, ",") {
		at := level
		switch awspolicy.ActionLevel(a) {
		case awspolicy.LevelList, awspolicy.LevelRead:
			at = "read"
		case awspolicy.LevelWrite, awspolicy.LevelTagging:
			if level == "admin" {
				at = "write"
			}
		}
		byLevel[at] = append(byLevel[at], a)
	}
	var tags []string
	for _, l := range []string{level, "admin", "write", "read"} {
		if list, ok := byLevel[l]; ok {
			tags = append(tags, l+": "+strings.Join(list, ","))
			delete(byLevel, l)
		}
	}
	return tags
}

// alsoLabel names the list of other nodes a plan item stands for: the
// runtimes its command also contains, or the tokens that expire with it.
func alsoLabel(kind string) string {
	if kind == "contain" {
		return "also contains"
	}
	return "also"
}

// usedBySuffix names the identities whose logged calls a node's use
// counts: " by NAME", or the first three and how many more. The path
// shown may lead through another identity of the blast radius.
func usedBySuffix(res *query.Result, ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	names := make([]string, 0, min(len(ids), 3))
	for _, id := range ids[:min(len(ids), 3)] {
		name := id
		if x := res.Get(id); x != nil && x.Node.Label != "" {
			name = x.Node.Label
		}
		names = append(names, name)
	}
	if len(ids) > 3 {
		return fmt.Sprintf(" by %s and %d more", strings.Join(names, ", "), len(ids)-3)
	}
	return " by " + strings.Join(names, ", ")
}

// keysSuffix names the access key ids behind logged calls: " with key K",
// or the first three keys and how many more.
func keysSuffix(keys []string) string {
	switch {
	case len(keys) == 0:
		return ""
	case len(keys) == 1:
		return " with key " + keys[0]
	case len(keys) <= 3:
		return " with keys " + strings.Join(keys, ", ")
	}
	return fmt.Sprintf(" with keys %s and %d more", strings.Join(keys[:3], ", "), len(keys)-3)
}

// sessionsLine formats the sessions of a role whose use a node shows (used
// is false when it shows none). It names the walk's callers with the refs
// of their tokens and counts the other sessions' calls.
func sessionsLine(res *query.Result, s *query.Sessions, used bool) string {
	var callers []string
	for _, c := range s.Callers {
		name := c.ID
		if x := res.Get(c.ID); x != nil && x.Node.Label != "" {
			name = x.Node.Label
		} else {
			for _, st := range res.Starts {
				if st.ID == c.ID && st.Label != "" {
					name = st.Label
				}
			}
		}
		if len(c.Refs) == 1 {
			name += " (ref " + c.Refs[0] + ")"
		} else if len(c.Refs) > 1 {
			name += " (refs " + strings.Join(c.Refs, ", ") + ")"
		}
		callers = append(callers, name+keysSuffix(c.Keys))
	}

	if !s.Narrowed {
		line := "not separated: no logged AssumeRole call returned a session key to an identity of the blast radius, so the use shown is every session's"
		if len(callers) > 0 {
			line += "; obtained by " + strings.Join(callers, ", ")
		}
		return line
	}

	line := "the use shown is that of the sessions obtained by " + strings.Join(callers, ", ")
	if !used {
		line = "no calls by the sessions obtained by " + strings.Join(callers, ", ")
	}
	if len(s.Pooled) > 0 {
		line += " (its " + strings.Join(s.Pooled, ", ") + " are pooled with the other sessions')"
	}

	other := s.OtherCalls + s.OtherDenied
	if other == 0 {
		return line + "; the role's other sessions: no calls"
	}
	line += fmt.Sprintf("; the role's other sessions: %s from %s", plural(other, "call"), plural(int64(len(s.OtherCallers)), "caller"))
	if s.OtherDenied > 0 {
		line += fmt.Sprintf(" (%d denied)", s.OtherDenied)
	}
	if s.OtherUntied > 0 {
		line += fmt.Sprintf(", %d of them with keys that no logged AssumeRole call returned", s.OtherUntied)
	}
	return line
}
