package review

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"time"
)

// The HTML report is one file: its style is inline, its charts are inline
// SVG, it has no script, and its Content-Security-Policy forbids loading
// anything, so it opens the same offline and cannot call out.

const htmlStyle = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:72em}
h1,h2,h3{font-weight:600}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:12px;word-break:break-all}
svg{display:block;margin:1em 0}.bar{fill:#b33}.hist{fill:#469}.axis{stroke:#888}
svg text{font:11px system-ui,sans-serif;fill:#222}li{margin:.3em 0}`

// WriteHTML writes a self-contained HTML report: a histogram of the reach
// scores, a bar chart of the top 20, the top entries (all when top <= 0),
// the findings and the comparison.
func WriteHTML(w io.Writer, rv *Review, top int) error {
	var b strings.Builder
	esc := html.EscapeString
	creds, pkgs := rv.Counts()
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
	b.WriteString("<title>Reach review</title>\n<style>" + htmlStyle + "</style>\n</head>\n<body>\n")
	b.WriteString("<h1>Reach review</h1>\n")
	fmt.Fprintf(&b, "<p>As of %s: %s and %s ranked by the live services and resources they reach, weighted by criticality; %s.</p>\n",
		esc(rv.AsOf.UTC().Format(time.RFC3339)), counted(creds, "credential"), counted(pkgs, "package version"), counted(len(rv.Findings), "finding"))

	b.WriteString("<h2>Reach distribution</h2>\n")
	histogram(&b, rv)
	b.WriteString("<h2>Top 20 by reach</h2>\n")
	topChart(&b, rv)

	list := rv.Entries
	if top > 0 && len(list) > top {
		list = list[:top]
	}
	fmt.Fprintf(&b, "<h2>Top %d</h2>\n<table>\n<thead><tr><th>#</th><th>kind</th><th>name</th><th>score</th><th>live targets</th><th>reached</th><th>findings</th></tr></thead>\n<tbody>\n", len(list))
	for i, e := range list {
		fmt.Fprintf(&b, "<tr><td class=\"n\">%d</td><td>%s</td><td>%s<br><code>%s</code></td><td class=\"n\">%s</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td>%s</td></tr>\n",
			i+1, esc(e.Kind), esc(e.Label), esc(e.ID), esc(formatWeight(e.Score)), len(e.Targets), e.Reached, esc(strings.Join(rv.findingKinds(e), ", ")))
	}
	b.WriteString("</tbody>\n</table>\n")

	fmt.Fprintf(&b, "<h2>Findings (%d)</h2>\n", len(rv.Findings))
	kind := ""
	for _, f := range rv.Findings {
		if f.Kind != kind {
			if kind != "" {
				b.WriteString("</ul>\n")
			}
			kind = f.Kind
			fmt.Fprintf(&b, "<h3>%s</h3>\n<ul>\n", esc(kind))
		}
		fmt.Fprintf(&b, "<li><strong>%s</strong> <code>%s</code>: %s", esc(f.Label), esc(f.Node), esc(f.Detail))
		if f.Pos != "" {
			fmt.Fprintf(&b, " <code>%s</code>", esc(f.Pos))
		}
		b.WriteString("</li>\n")
	}
	if kind != "" {
		b.WriteString("</ul>\n")
	}
	if c := rv.Comparison; c != nil {
		fmt.Fprintf(&b, "<h2>Since the review of %s</h2>\n", esc(c.PreviousAsOf))
		writePaths := func(title string, ps []Path) {
			fmt.Fprintf(&b, "<h3>%s (%d)</h3>\n<ul>\n", esc(title), len(ps))
			for _, p := range ps {
				fmt.Fprintf(&b, "<li><code>%s</code> &rarr; <code>%s</code></li>\n", esc(p.Entry), esc(p.Target))
			}
			b.WriteString("</ul>\n")
		}
		writePaths("New paths", c.NewPaths)
		writePaths("Closed paths", c.ClosedPaths)
		fmt.Fprintf(&b, "<h3>Rotated credentials (%d)</h3>\n<ul>\n", len(c.Rotated))
		for _, r := range c.Rotated {
			fmt.Fprintf(&b, "<li><code>%s</code> &rarr; <code>%s</code>: %s</li>\n", esc(r.Old), esc(r.New), esc(r.Why))
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Bucket is one bar of the reach histogram: entries whose score lies in
// [Low, High].
type Bucket struct {
	Label string
	Low   float64
	High  float64
	Count int
}

// Histogram groups entry scores in buckets of doubling width: 0, 1, 2-3,
// 4-7, and so on up to the largest score.
func Histogram(rv *Review) []Bucket {
	maxScore := 0.0
	for _, e := range rv.Entries {
		maxScore = math.Max(maxScore, e.Score)
	}
	bs := []Bucket{{Label: "0", Low: 0, High: 0}}
	for lo := 1.0; lo <= maxScore && len(bs) < 32; lo *= 2 {
		hi := lo*2 - 1
		label := formatWeight(lo)
		if hi > lo {
			label += "-" + formatWeight(hi)
		}
		bs = append(bs, Bucket{Label: label, Low: lo, High: hi})
	}
	for _, e := range rv.Entries {
		i := 0
		if e.Score >= 1 {
			i = min(int(math.Log2(e.Score))+1, len(bs)-1)
		}
		bs[i].Count++
	}
	return bs
}

func histogram(b *strings.Builder, rv *Review) {
	bs := Histogram(rv)
	const height, barW, gap, top = 160.0, 48.0, 8.0, 20.0
	maxCount := 1
	for _, x := range bs {
		maxCount = max(maxCount, x.Count)
	}
	width := float64(len(bs))*(barW+gap) + gap
	fmt.Fprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"reach score histogram\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		width, height+top+36, width, height+top+36)
	fmt.Fprintf(b, "<line class=\"axis\" x1=\"0\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>\n", top+height, width, top+height)
	for i, x := range bs {
		h := height * float64(x.Count) / float64(maxCount)
		xp := gap + float64(i)*(barW+gap)
		fmt.Fprintf(b, "<rect class=\"hist\" x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\"><title>score %s: %d entries</title></rect>\n",
			xp, top+height-h, barW, h, html.EscapeString(x.Label), x.Count)
		fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", xp+barW/2, top+height-h-4, x.Count)
		fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", xp+barW/2, top+height+16, html.EscapeString(x.Label))
	}
	fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">score</text>\n</svg>\n", width/2, top+height+32)
}

func topChart(b *strings.Builder, rv *Review) {
	list := rv.Entries
	if len(list) > 20 {
		list = list[:20]
	}
	const labelW, barMax, rowH = 360.0, 320.0, 20.0
	maxScore := 0.0
	for _, e := range list {
		maxScore = math.Max(maxScore, e.Score)
	}
	if maxScore == 0 {
		maxScore = 1
	}
	height := rowH*float64(len(list)) + 8
	width := labelW + barMax + 60
	fmt.Fprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"top 20 by reach\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		width, height, width, height)
	for i, e := range list {
		y := 4 + float64(i)*rowH
		w := barMax * e.Score / maxScore
		name := e.Label
		if name == "" {
			name = e.ID
		}
		fmt.Fprintf(b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", labelW-6, y+13, html.EscapeString(shorten(name, 56)))
		fmt.Fprintf(b, "<rect class=\"bar\" x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\"><title>%s: %s</title></rect>\n",
			labelW, y+2, w, rowH-6, html.EscapeString(e.ID), formatWeight(e.Score))
		fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", labelW+w+4, y+13, formatWeight(e.Score))
	}
	b.WriteString("</svg>\n")
}

// shorten cuts s to n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
