package review

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteJSON writes the review as indented JSON; ReadJSON reads it back.
func WriteJSON(w io.Writer, rv *Review) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rv)
}

// Counts returns how many credentials and packages the review ranks.
func (rv *Review) Counts() (credentials, packages int) {
	for _, e := range rv.Entries {
		if e.Kind == KindPackage {
			packages++
		} else {
			credentials++
		}
	}
	return credentials, packages
}

func (rv *Review) findingKinds(e *Entry) []string {
	var out []string
	for _, i := range e.Findings {
		if i >= 0 && i < len(rv.Findings) {
			out = append(out, rv.Findings[i].Kind)
		}
	}
	return uniqueSorted(out)
}

// mdEscape keeps table cells and inline text from breaking Markdown or
// carrying HTML.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "`", "'", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// mdCode renders an id as a code span. It replaces only the pipe, which
// would end a table cell, and the backtick, which would end the span.
func mdCode(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "`", "'")
	return "`" + r.Replace(s) + "`"
}

// mdName renders a label and its id.
func mdName(label, id string) string {
	if label != "" && label != id {
		return mdEscape(label) + " " + mdCode(id)
	}
	return mdCode(id)
}

// WriteMarkdown writes the top entries (all when top <= 0), the findings
// and the comparison as Markdown.
func WriteMarkdown(w io.Writer, rv *Review, top int) error {
	creds, pkgs := rv.Counts()
	fmt.Fprintf(w, "# Reach review\n\n")
	fmt.Fprintf(w, "As of %s: %s and %s ranked by the live services and resources they reach, weighted by criticality; %s.\n",
		rv.AsOf.UTC().Format(time.RFC3339), counted(creds, "credential"), counted(pkgs, "package version"), counted(len(rv.Findings), "finding"))
	list := rv.Entries
	if top > 0 && len(list) > top {
		list = list[:top]
	}
	fmt.Fprintf(w, "\n## Top %d by reach\n\n", len(list))
	fmt.Fprintln(w, "| # | kind | name | score | live targets | reached | findings |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for i, e := range list {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %d | %d | %s |\n", i+1, e.Kind, mdName(e.Label, e.ID),
			formatWeight(e.Score), len(e.Targets), e.Reached, mdEscape(strings.Join(rv.findingKinds(e), ", ")))
	}
	fmt.Fprintf(w, "\n## Findings (%d)\n", len(rv.Findings))
	kind := ""
	for _, f := range rv.Findings {
		if f.Kind != kind {
			kind = f.Kind
			fmt.Fprintf(w, "\n### %s\n\n", kind)
		}
		fmt.Fprintf(w, "- %s: %s", mdName(f.Label, f.Node), mdEscape(f.Detail))
		if f.Pos != "" {
			fmt.Fprintf(w, " (%s)", mdCode(f.Pos))
		}
		fmt.Fprintln(w)
	}
	if c := rv.Comparison; c != nil {
		fmt.Fprintf(w, "\n## Since the review of %s\n\n", c.PreviousAsOf)
		fmt.Fprintf(w, "New paths (%d):\n\n", len(c.NewPaths))
		for _, p := range c.NewPaths {
			fmt.Fprintf(w, "- %s -> %s\n", mdCode(p.Entry), mdCode(p.Target))
		}
		fmt.Fprintf(w, "\nClosed paths (%d):\n\n", len(c.ClosedPaths))
		for _, p := range c.ClosedPaths {
			fmt.Fprintf(w, "- %s -> %s\n", mdCode(p.Entry), mdCode(p.Target))
		}
		fmt.Fprintf(w, "\nRotated credentials (%d):\n\n", len(c.Rotated))
		for _, r := range c.Rotated {
			fmt.Fprintf(w, "- %s -> %s: %s\n", mdCode(r.Old), mdCode(r.New), mdEscape(r.Why))
		}
	}
	return nil
}

// CSVHeader is the first row WriteCSV writes.
var CSVHeader = []string{"rank", "kind", "type", "id", "label", "score", "live_targets", "reached",
	"credentials", "identities", "long_lived", "last_used", "findings", "targets"}

// WriteCSV writes one row per entry. Cells that a spreadsheet would read
// as a formula are prefixed with a quote.
func WriteCSV(w io.Writer, rv *Review) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for i, e := range rv.Entries {
		last := ""
		if !e.LastUsed.IsZero() {
			last = e.LastUsed.UTC().Format(time.RFC3339)
		}
		var targets []string
		for _, t := range e.Targets {
			targets = append(targets, t.ID)
		}
		row := []string{strconv.Itoa(i + 1), e.Kind, e.Type, e.ID, e.Label, formatWeight(e.Score), strconv.Itoa(len(e.Targets)),
			strconv.Itoa(e.Reached), strconv.Itoa(e.Credentials), strconv.Itoa(e.Identities), strconv.FormatBool(e.LongLived), last,
			strings.Join(rv.findingKinds(e), ";"), strings.Join(targets, ";")}
		for j, c := range row {
			row[j] = csvSafe(c)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses cells that start like a spreadsheet formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// counted writes a count with its noun: "1 finding", "3 findings".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
