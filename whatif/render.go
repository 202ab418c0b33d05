package whatif

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// nodeView is a node without its snapshot times, which change on every
// ingest.
type nodeView struct {
	ID    string         `json:"id"`
	Kind  graph.NodeKind `json:"kind"`
	Label string         `json:"label,omitempty"`
}

type changeView struct {
	Node nodeView `json:"node"`
	Path string   `json:"path"`
}

type radiusView struct {
	Total   int            `json:"total"`
	Counts  map[string]int `json:"counts"`
	Reached []string       `json:"reached"`
}

type planView struct {
	Steps []stepView `json:"steps"`
}

type stepView struct {
	Number int      `json:"number"`
	Title  string   `json:"title"`
	Items  []string `json:"items"`
}

type reportView struct {
	Query      string        `json:"query"`
	Edits      []*EditResult `json:"edits"`
	Before     radiusView    `json:"before"`
	After      radiusView    `json:"after"`
	Closed     []changeView  `json:"closed"`
	Opened     []changeView  `json:"opened"`
	PlanBefore planView      `json:"planBefore"`
	PlanAfter  planView      `json:"planAfter"`
	Plan       PlanDiff      `json:"planChanges"`
}

func viewRadius(res *query.Result) radiusView {
	v := radiusView{Counts: map[string]int{}, Reached: []string{}}
	for _, x := range res.Reached {
		v.Reached = append(v.Reached, x.Node.ID)
		v.Counts[string(x.Node.Kind)]++
	}
	v.Total = len(v.Reached)
	return v
}

func viewPlan(p *query.Plan) planView {
	v := planView{Steps: []stepView{}}
	for _, s := range p.Steps {
		sv := stepView{Number: s.Number, Title: s.Title, Items: []string{}}
		for _, it := range s.Items {
			for _, id := range it.IDs() {
				sv.Items = append(sv.Items, it.Kind+" "+id)
			}
		}
		v.Steps = append(v.Steps, sv)
	}
	return v
}

func viewChanges(cs []Change) []changeView {
	out := []changeView{}
	for _, c := range cs {
		out = append(out, changeView{Node: nodeView{ID: c.Node.ID, Kind: c.Node.Kind, Label: c.Node.Label}, Path: PathString(c.Path)})
	}
	return out
}

// View returns the report as WriteJSON renders it.
func (r *Report) View() any {
	return reportView{Query: r.Query, Edits: r.Edits, Before: viewRadius(r.Before), After: viewRadius(r.After),
		Closed: viewChanges(r.Closed), Opened: viewChanges(r.Opened),
		PlanBefore: viewPlan(r.PlanBefore), PlanAfter: viewPlan(r.PlanAfter), Plan: r.Plan}
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r.View())
}

// WriteMarkdown writes the report as Markdown.
func WriteMarkdown(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "# What if: %s\n\n", r.Query)
	fmt.Fprintf(w, "Blast radius: %d nodes before, %d after; %d closed, %d opened.\n", len(r.Before.Reached), len(r.After.Reached), len(r.Closed), len(r.Opened))
	fmt.Fprintf(w, "\n## Edits\n\n")
	if len(r.Edits) > 1 {
		// Each edit's counts come from applying it alone, so they need
		// not add up to those of all the edits together.
		fmt.Fprintf(w, "Each edit applied alone:\n\n")
	}
	for i, e := range r.Edits {
		fmt.Fprintf(w, "%d. %s", i+1, e.Description)
		if e.Rederived {
			fmt.Fprint(w, " (derived edges recomputed)")
		}
		fmt.Fprintf(w, "\n   - closes %d: %s\n", len(e.Closes), codeList(e.Closes))
		if len(e.Opens) > 0 {
			fmt.Fprintf(w, "   - opens %d: %s\n", len(e.Opens), codeList(e.Opens))
		}
	}
	section := func(title string, cs []Change) {
		fmt.Fprintf(w, "\n## %s (%d)\n\n", title, len(cs))
		for _, c := range cs {
			fmt.Fprintf(w, "- %s %s\n  - path: %s\n", c.Node.Kind, code(c.Node.ID), code(PathString(c.Path)))
		}
	}
	section("Closed paths", r.Closed)
	section("Opened paths", r.Opened)
	plan := func(title string, p *query.Plan) {
		fmt.Fprintf(w, "\n## %s\n\n", title)
		if len(p.Steps) == 0 {
			fmt.Fprintln(w, "Nothing to contain or revoke.")
		}
		for _, s := range p.Steps {
			fmt.Fprintf(w, "%d. %s\n", s.Number, s.Title)
			for _, it := range s.Items {
				for _, id := range it.IDs() {
					fmt.Fprintf(w, "   - %s %s\n", it.Kind, code(id))
				}
			}
		}
	}
	plan("Revocation plan before", r.PlanBefore)
	plan("Revocation plan after", r.PlanAfter)
	fmt.Fprintf(w, "\n## Plan changes\n\n- no longer needed: %s\n- newly needed: %s\n- moved: %s\n",
		codeList(r.Plan.Removed), codeList(r.Plan.Added), codeList(r.Plan.Moved))
	return nil
}

func code(s string) string {
	return "`" + strings.NewReplacer("`", "'", "\n", " ", "\r", " ").Replace(s) + "`"
}

func codeList(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}
