// Command plot draws the output of the scale benchmarks as an SVG chart:
// times against organisation size on log-log axes, with a dotted line of
// linear growth through the smallest size of each series, and the heap
// per node and per edge.
//
//	go test -run '^$' -bench Scale -benchtime 1x ./bench/scale -sizes 10000,100000 | go run ./bench/scale/plot > scale.svg
package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// point is one benchmark line: the metrics of one organisation size.
type point struct {
	nodes   float64
	metrics map[string]float64
}

// parse reads benchmark lines ("BenchmarkScale/nodes=N-2 1 123 ns/op 5
// unit ..."). Lines of the same size are merged, later values winning, so
// that a run that adds the Neo4j figures completes an earlier one.
func parse(r io.Reader) ([]point, error) {
	bySize := map[float64]point{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "BenchmarkScale/") {
			continue
		}
		p := point{metrics: map[string]float64{}}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("value %q of %s", fields[i], fields[0])
			}
			p.metrics[fields[i+1]] = v
		}
		p.nodes = p.metrics["nodes"]
		if p.nodes <= 0 {
			continue
		}
		if q, ok := bySize[p.nodes]; ok {
			for k, v := range p.metrics {
				q.metrics[k] = v
			}
			continue
		}
		bySize[p.nodes] = p
	}
	var out []point
	for _, p := range bySize {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].nodes < out[j].nodes })
	return out, sc.Err()
}

// series is one line of a chart: a metric scaled to the chart's unit.
type series struct {
	metric, label, color string
	scale                float64
}

var timeSeries = []series{
	{"ingest-s", "ingest from files", "#1f77b4", 1000},
	{"write-s", "write generated graph", "#17becf", 1000},
	{"open-ms", "open store file", "#2ca02c", 1},
	{"review-s", "review of every entry", "#bcbd22", 1000},
	{"p50-ms", "blast radius p50", "#d62728", 1},
	{"p99-ms", "blast radius p99", "#ff7f0e", 1},
	{"neo4j-p50-ms", "Neo4j Cypher p50", "#9467bd", 1},
	{"neo4j-load-s", "Neo4j bulk load (traversal only)", "#8c564b", 1000},
	{"neo4j-facts-load-s", "Neo4j load of every fact", "#e377c2", 1000},
}

var memSeries = []series{
	{"B/node", "heap bytes per node", "#1f77b4", 1},
	{"B/edge", "heap bytes per edge", "#d62728", 1},
}

const (
	width  = 1000
	panelW = 400
	panelH = 300
	top    = 50
)

// height leaves room below the panels for the legend of the longer
// series list, two entries to a row of 16 pixels.
var height = top + panelH + 52 + (max(len(timeSeries), len(memSeries))+1)/2*16

func main() {
	pts, err := parse(os.Stdin)
	if err != nil {
		log.Fatalf("plot: %v", err)
	}
	if len(pts) == 0 {
		log.Fatal("plot: no BenchmarkScale lines on standard input")
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	panel(w, pts, 70, "time (ms, log scale)", timeSeries, true)
	panel(w, pts, 70+panelW+100, "heap after GC (bytes)", memSeries, false)
	fmt.Fprintln(w, "</svg>")
}

// panel draws one chart with its left edge at x0: sizes on a log x axis,
// values on a log or linear y axis.
func panel(w io.Writer, pts []point, x0 float64, title string, ss []series, logY bool) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, p := range pts {
			if v, ok := p.metrics[s.metric]; ok && v > 0 {
				lo, hi = math.Min(lo, v*s.scale), math.Max(hi, v*s.scale)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return
	}
	if logY {
		lo, hi = math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
	} else {
		lo, hi = 0, niceCeil(hi)
	}
	xlo, xhi := math.Log10(pts[0].nodes), math.Log10(pts[len(pts)-1].nodes)
	if xhi == xlo {
		xlo, xhi = xlo-0.5, xhi+0.5
	}
	x := func(n float64) float64 { return x0 + (math.Log10(n)-xlo)/(xhi-xlo)*panelW }
	y := func(v float64) float64 {
		if logY {
			return top + panelH - (math.Log10(v)-math.Log10(lo))/(math.Log10(hi)-math.Log10(lo))*panelH
		}
		return top + panelH - (v-lo)/(hi-lo)*panelH
	}

	fmt.Fprintf(w, `<text x="%.0f" y="%d" font-weight="bold">%s</text>`+"\n", x0, top-20, title)
	fmt.Fprintf(w, `<rect x="%.0f" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", x0, top, panelW, panelH)
	for _, p := range pts {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>`+"\n", x(p.nodes), top, x(p.nodes), top+panelH)
		fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x(p.nodes), top+panelH+16, human(p.nodes))
	}
	fmt.Fprintf(w, `<text x="%.0f" y="%d" text-anchor="middle">nodes</text>`+"\n", x0+panelW/2, top+panelH+34)
	for _, v := range ticks(lo, hi, logY) {
		fmt.Fprintf(w, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#eee"/>`+"\n", x0, y(v), x0+panelW, y(v))
		fmt.Fprintf(w, `<text x="%.0f" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-4, y(v)+4, human(v))
	}
	for i, s := range ss {
		var path []string
		var first, last *point
		for k, p := range pts {
			v, ok := p.metrics[s.metric]
			if !ok || v <= 0 {
				continue
			}
			if first == nil {
				first = &pts[k]
			}
			last = &pts[k]
			path = append(path, fmt.Sprintf("%.1f,%.1f", x(p.nodes), y(v*s.scale)))
			fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x(p.nodes), y(v*s.scale), s.color)
		}
		if len(path) == 0 {
			continue
		}
		fmt.Fprintf(w, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(path, " "), s.color)
		if logY && last != first {
			// Linear growth from the series' smallest size to its largest,
			// cut where it leaves the chart.
			v0 := first.metrics[s.metric] * s.scale
			n1 := last.nodes
			if v0*n1/first.nodes > hi {
				n1 = first.nodes * hi / v0
			}
			fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="2,4"/>`+"\n",
				x(first.nodes), y(v0), x(n1), y(v0*n1/first.nodes), s.color)
		}
		ly := float64(top+panelH+52) + float64(i/2)*16
		lx := x0 + float64(i%2)*200
		fmt.Fprintf(w, `<rect x="%.0f" y="%.0f" width="10" height="10" fill="%s"/><text x="%.0f" y="%.0f">%s</text>`+"\n",
			lx, ly-9, s.color, lx+14, ly, s.label)
	}
}

func ticks(lo, hi float64, logY bool) []float64 {
	var out []float64
	if logY {
		for v := lo; v <= hi*1.0001; v *= 10 {
			out = append(out, v)
		}
		return out
	}
	for i := 0; i <= 4; i++ {
		out = append(out, lo+(hi-lo)*float64(i)/4)
	}
	return out
}

func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func human(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 3, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', 3, 64) + "k"
	case v >= 1 || v == 0:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}
