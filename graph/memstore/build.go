package memstore

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// builder lays out the next base from a base and an overlay. It reads the
// overlay and never changes it, so a build can also answer Stats during a
// write. Words, times and attribute sets of the old base keep their
// numbers, so rows that the write does not touch are copied as they are.
type builder struct {
	ov        *overlay
	words     []string
	newWords  map[string]uint32
	times     []time.Time
	timeIdx   map[[2]int64]uint32
	attrStart []uint32
	attrPairs []uint32
	attrIdx   map[string]uint32
	nodeKinds []graph.NodeKind
	edgeKinds []graph.EdgeKind
	nodeExtra [][]nodeFact
	edgeExtra [][]edgeFact
}

func (bl *builder) word(s string) uint32 {
	if w, ok := bl.ov.words[s]; ok {
		return w
	}
	if w, ok := bl.newWords[s]; ok {
		return w
	}
	w := uint32(len(bl.words))
	bl.words = append(bl.words, s)
	bl.newWords[s] = w
	return w
}

func timeKey(t time.Time) [2]int64 { return [2]int64{t.Unix(), int64(t.Nanosecond())} }

func (bl *builder) time(t time.Time) uint32 {
	k := timeKey(t)
	if i, ok := bl.timeIdx[k]; ok {
		return i
	}
	i := uint32(len(bl.times))
	bl.times = append(bl.times, t)
	bl.timeIdx[k] = i
	return i
}

func (bl *builder) attrSet(m map[string]string) uint32 {
	if len(m) == 0 {
		return 0
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]uint32, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, bl.word(k), bl.word(m[k]))
	}
	key := pairsKey(pairs)
	if i, ok := bl.attrIdx[key]; ok {
		return i
	}
	i := uint32(len(bl.attrStart) - 1)
	bl.attrPairs = append(bl.attrPairs, pairs...)
	bl.attrStart = append(bl.attrStart, uint32(len(bl.attrPairs)))
	bl.attrIdx[key] = i
	return i
}

func pairsKey(pairs []uint32) string {
	var sb strings.Builder
	var buf [4]byte
	for _, p := range pairs {
		binary.LittleEndian.PutUint32(buf[:], p)
		sb.Write(buf[:])
	}
	return sb.String()
}

func (bl *builder) nodeKind(k graph.NodeKind) (uint8, error) {
	for i, x := range bl.nodeKinds {
		if x == k {
			return uint8(i), nil
		}
	}
	if len(bl.nodeKinds) == 256 {
		return 0, fmt.Errorf("more than 256 node kinds")
	}
	bl.nodeKinds = append(bl.nodeKinds, k)
	return uint8(len(bl.nodeKinds) - 1), nil
}

func (bl *builder) edgeKind(k graph.EdgeKind) (uint8, error) {
	for i, x := range bl.edgeKinds {
		if x == k {
			return uint8(i), nil
		}
	}
	if len(bl.edgeKinds) == 256 {
		return 0, fmt.Errorf("more than 256 edge kinds")
	}
	bl.edgeKinds = append(bl.edgeKinds, k)
	return uint8(len(bl.edgeKinds) - 1), nil
}

// nodeRow is one node's columns while a base is built.
type nodeRow struct {
	src, file, line, label, attrs, first, last, extra uint32
	kind                                              uint8
}

// edgeRow is one edge's columns while a base is built; from and to are
// rows of the new base once the ids are numbered.
type edgeRow struct {
	from, to, src, file, line, attrs, first, last, extra uint32
	kind, conf                                           uint8
}

func (bl *builder) encodeNode(id string, fs []nodeFact, first, last time.Time) (nodeRow, error) {
	r := nodeRow{first: bl.time(first), last: bl.time(last)}
	if len(fs) != 1 {
		r.extra = uint32(len(bl.nodeExtra))
		bl.nodeExtra = append(bl.nodeExtra, slices.Clone(fs))
		for _, f := range fs {
			bl.word(f.Source)
		}
		return r, nil
	}
	f := fs[0]
	k, err := bl.nodeKind(f.Kind)
	if err != nil {
		return r, err
	}
	r.kind, r.src, r.file = k, bl.word(f.Source), bl.word(f.Pos.File)
	r.line, r.attrs = uint32(int32(f.Pos.Line)), bl.attrSet(f.Attrs)
	r.label = labelIsID
	if f.Label != id {
		r.label = bl.word(f.Label)
	}
	return r, nil
}

func (bl *builder) encodeEdge(fs []edgeFact, first, last time.Time) edgeRow {
	r := edgeRow{first: bl.time(first), last: bl.time(last)}
	f := fs[0]
	if len(fs) != 1 || f.Evidence != nil || (f.Confidence != graph.Certain && f.Confidence != graph.Possible) {
		r.extra = uint32(len(bl.edgeExtra))
		bl.edgeExtra = append(bl.edgeExtra, slices.Clone(fs))
		for _, f := range fs {
			bl.word(f.Source)
		}
		return r
	}
	r.src, r.file = bl.word(f.Source), bl.word(f.Pos.File)
	r.line, r.attrs = uint32(int32(f.Pos.Line)), bl.attrSet(f.Attrs)
	if f.Confidence == graph.Possible {
		r.conf = confPossible
	}
	return r
}

// build returns the next base: the old one without the retired sources'
// facts, plus the overlay's.
func (ov *overlay) build() (*base, error) {
	old := ov.b
	bl := &builder{
		ov:        ov,
		words:     make([]string, old.words.len(), old.words.len()+1024),
		newWords:  map[string]uint32{},
		times:     slices.Clone(old.times),
		timeIdx:   map[[2]int64]uint32{},
		attrStart: slices.Clone(old.attrStart),
		attrPairs: slices.Clone(old.attrPairs),
		attrIdx:   map[string]uint32{},
		nodeKinds: slices.Clone(old.nodeKinds),
		edgeKinds: slices.Clone(old.edgeKinds),
		nodeExtra: [][]nodeFact{nil},
		edgeExtra: [][]edgeFact{nil},
	}
	for i := range bl.words {
		bl.words[i] = old.words.at(uint32(i))
	}
	for i, t := range old.times {
		if i > 0 {
			bl.timeIdx[timeKey(t)] = uint32(i)
		}
	}
	for i := 1; i+1 < len(old.attrStart); i++ {
		bl.attrIdx[pairsKey(old.attrPairs[old.attrStart[i]:old.attrStart[i+1]])] = uint32(i)
	}

	// Edges first: an id lives on while a node fact or a live edge names it.
	nOld := uint32(old.ids.len())
	oldAlive := make([]bool, nOld)
	var rows []edgeRow
	var newEnds []string // ends of new edges that the old base lacks
	for e := uint32(0); int(e) < len(old.eKind); e++ {
		var r edgeRow
		switch rec := ov.hitE[e]; {
		case ov.baseEdgeUntouched(e):
			r = edgeRow{src: old.eSrc[e], file: old.eFile[e], line: old.eLine[e], attrs: old.eAttrs[e],
				first: old.eFirst[e], last: old.eLast[e], conf: old.eConf[e]}
			if x := old.eExtra[e]; x != 0 {
				r.extra = uint32(len(bl.edgeExtra))
				bl.edgeExtra = append(bl.edgeExtra, old.edgeExtra[x])
			}
		case rec != nil:
			fs := ov.edgeFactsOf(rec)
			if len(fs) == 0 {
				continue
			}
			r = bl.encodeEdge(fs, rec.first, rec.last)
		default:
			fs := ov.baseEdgeFacts(e, 2)
			if len(fs) == 0 {
				continue
			}
			r = bl.encodeEdge(fs, old.time(old.eFirst[e]), old.time(old.eLast[e]))
		}
		r.from, r.to, r.kind = old.eFrom[e], old.eTo[e], old.eKind[e]
		oldAlive[r.from], oldAlive[r.to] = true, true
		rows = append(rows, r)
	}
	nBaseEdges := len(rows)
	var newEdges []*ovEdge
	for _, rec := range ov.edges {
		if rec.inBase || len(rec.facts) == 0 {
			continue
		}
		newEdges = append(newEdges, rec)
	}
	for _, rec := range newEdges {
		for _, id := range []string{rec.key.From, rec.key.To} {
			if i, ok := old.lookup(id); ok {
				oldAlive[i] = true
			} else {
				newEnds = append(newEnds, id)
			}
		}
	}

	// Nodes of the old base, and the ids the write adds.
	oldRows := make([]nodeRow, nOld)
	for i := uint32(0); i < nOld; i++ {
		var r nodeRow
		var err error
		switch rec := ov.hitN[i]; {
		case ov.baseRowUntouched(i):
			if !old.hasFacts(i) {
				r = nodeRow{src: noFact}
				break
			}
			r = nodeRow{src: old.nSrc[i], file: old.nFile[i], line: old.nLine[i], label: old.nLabel[i],
				attrs: old.nAttrs[i], first: old.nFirst[i], last: old.nLast[i], kind: old.nKind[i]}
			if x := old.nExtra[i]; x != 0 {
				r.extra = uint32(len(bl.nodeExtra))
				bl.nodeExtra = append(bl.nodeExtra, old.nodeExtra[x])
			}
			oldAlive[i] = true
		case rec != nil:
			fs := ov.nodeFactsOf(rec)
			if len(fs) == 0 {
				r = nodeRow{src: noFact}
				break
			}
			r, err = bl.encodeNode(rec.id, fs, rec.first, rec.last)
			oldAlive[i] = true
		default:
			fs := ov.baseNodeFacts(i, 2)
			if len(fs) == 0 {
				r = nodeRow{src: noFact}
				break
			}
			r, err = bl.encodeNode(old.ids.at(i), fs, old.time(old.nFirst[i]), old.time(old.nLast[i]))
			oldAlive[i] = true
		}
		if err != nil {
			return nil, err
		}
		oldRows[i] = r
	}
	newNodes := map[string]nodeRow{}
	for id, rec := range ov.nodes {
		if rec.inBase || len(rec.facts) == 0 {
			continue
		}
		r, err := bl.encodeNode(id, rec.facts, rec.first, rec.last)
		if err != nil {
			return nil, err
		}
		newNodes[id] = r
		newEnds = append(newEnds, id)
	}
	slices.Sort(newEnds)
	newEnds = slices.Compact(newEnds)

	// Number the ids: the old base's live ids and the new ones, merged in
	// id order, which keeps the old rows' relative order.
	oldToNew := make([]uint32, nOld)
	newIdx := make(map[string]uint32, len(newEnds))
	var idList []string
	var nrows []nodeRow
	i, j := uint32(0), 0
	for i < nOld || j < len(newEnds) {
		if i < nOld && !oldAlive[i] {
			i++
			continue
		}
		if j >= len(newEnds) || (i < nOld && old.ids.at(i) < newEnds[j]) {
			oldToNew[i] = uint32(len(idList))
			idList = append(idList, old.ids.at(i))
			nrows = append(nrows, oldRows[i])
			i++
			continue
		}
		id := newEnds[j]
		newIdx[id] = uint32(len(idList))
		idList = append(idList, id)
		r, ok := newNodes[id]
		if !ok {
			r = nodeRow{src: noFact}
		}
		nrows = append(nrows, r)
		j++
	}
	oldRows = nil
	for k := range rows[:nBaseEdges] {
		rows[k].from, rows[k].to = oldToNew[rows[k].from], oldToNew[rows[k].to]
	}
	row := func(id string) uint32 {
		if i, ok := newIdx[id]; ok {
			return i
		}
		i, _ := old.lookup(id)
		return oldToNew[i]
	}
	for _, rec := range newEdges {
		r := bl.encodeEdge(rec.facts, rec.first, rec.last)
		k, err := bl.edgeKind(rec.key.Kind)
		if err != nil {
			return nil, err
		}
		r.from, r.to, r.kind = row(rec.key.From), row(rec.key.To), k
		rows = append(rows, r)
	}
	return bl.finish(idList, nrows, rows), nil
}

// finish sorts the edges and fills the columns of the new base.
func (bl *builder) finish(idList []string, nrows []nodeRow, rows []edgeRow) *base {
	n := len(idList)
	b := &base{
		ids:       newStrtab(idList),
		words:     newStrtab(bl.words),
		times:     bl.times,
		nodeKinds: bl.nodeKinds,
		edgeKinds: bl.edgeKinds,
		attrStart: bl.attrStart,
		attrPairs: bl.attrPairs,
		nodeExtra: bl.nodeExtra,
		edgeExtra: bl.edgeExtra,
		nodeCount: map[graph.NodeKind]int{},
		edgeCount: map[graph.EdgeKind]int{},
	}
	b.index = buildIndex(&b.ids)
	b.nSrc, b.nFile, b.nLine, b.nLabel = make([]uint32, n), make([]uint32, n), make([]uint32, n), make([]uint32, n)
	b.nAttrs, b.nFirst, b.nLast, b.nExtra = make([]uint32, n), make([]uint32, n), make([]uint32, n), make([]uint32, n)
	b.nKind = make([]uint8, n)
	for i, r := range nrows {
		b.nSrc[i], b.nFile[i], b.nLine[i], b.nLabel[i] = r.src, r.file, r.line, r.label
		b.nAttrs[i], b.nFirst[i], b.nLast[i], b.nExtra[i], b.nKind[i] = r.attrs, r.first, r.last, r.extra, r.kind
	}

	// Counting sort by source node, then each node's edges by kind and target.
	b.outStart = make([]uint32, n+1)
	for _, r := range rows {
		b.outStart[r.from+1]++
	}
	for i := 0; i < n; i++ {
		b.outStart[i+1] += b.outStart[i]
	}
	sorted := make([]edgeRow, len(rows))
	next := slices.Clone(b.outStart[:n])
	for _, r := range rows {
		sorted[next[r.from]] = r
		next[r.from]++
	}
	rows = nil
	for i := 0; i < n; i++ {
		run := sorted[b.outStart[i]:b.outStart[i+1]]
		if len(run) > 1 {
			slices.SortFunc(run, func(a, b edgeRow) int {
				if a.kind != b.kind {
					return int(a.kind) - int(b.kind)
				}
				return cmpU32(a.to, b.to)
			})
		}
	}
	m := len(sorted)
	b.eFrom, b.eTo, b.eSrc, b.eFile, b.eLine = make([]uint32, m), make([]uint32, m), make([]uint32, m), make([]uint32, m), make([]uint32, m)
	b.eAttrs, b.eFirst, b.eLast, b.eExtra = make([]uint32, m), make([]uint32, m), make([]uint32, m), make([]uint32, m)
	b.eKind, b.eConf = make([]uint8, m), make([]uint8, m)
	for e, r := range sorted {
		b.eFrom[e], b.eTo[e], b.eSrc[e], b.eFile[e], b.eLine[e] = r.from, r.to, r.src, r.file, r.line
		b.eAttrs[e], b.eFirst[e], b.eLast[e], b.eExtra[e] = r.attrs, r.first, r.last, r.extra
		b.eKind[e], b.eConf[e] = r.kind, r.conf
	}
	sorted = nil
	b.index2()
	b.count()
	return b
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// index2 builds the incoming direction: edge rows grouped by target node,
// then by kind, then by source node.
func (b *base) index2() {
	n, m := b.ids.len(), len(b.eKind)
	byKind := make([]uint32, len(b.edgeKinds)+1)
	for _, k := range b.eKind {
		byKind[k+1]++
	}
	for k := 0; k < len(b.edgeKinds); k++ {
		byKind[k+1] += byKind[k]
	}
	order := make([]uint32, m)
	for e, k := range b.eKind {
		order[byKind[k]] = uint32(e)
		byKind[k]++
	}
	b.inStart = make([]uint32, n+1)
	for _, t := range b.eTo {
		b.inStart[t+1]++
	}
	for i := 0; i < n; i++ {
		b.inStart[i+1] += b.inStart[i]
	}
	next := slices.Clone(b.inStart[:n])
	b.inEdges = make([]uint32, m)
	for _, e := range order {
		t := b.eTo[e]
		b.inEdges[next[t]] = e
		next[t]++
	}
}

// count fills the totals that Stats reports.
func (b *base) count() {
	b.nodes = 0
	b.nodeCount = map[graph.NodeKind]int{}
	b.edgeCount = map[graph.EdgeKind]int{}
	used := make([]bool, b.words.len())
	extraSources := map[string]bool{}
	for i := uint32(0); int(i) < b.ids.len(); i++ {
		if !b.hasFacts(i) {
			continue
		}
		b.nodes++
		b.nodeCount[b.nodeKind(i)]++
		if x := b.nExtra[i]; x != 0 {
			for _, f := range b.nodeExtra[x] {
				extraSources[f.Source] = true
			}
		} else {
			used[b.nSrc[i]] = true
		}
	}
	perKind := make([]int, len(b.edgeKinds))
	for e, k := range b.eKind {
		perKind[k]++
		if x := b.eExtra[e]; x != 0 {
			for _, f := range b.edgeExtra[x] {
				extraSources[f.Source] = true
			}
		} else {
			used[b.eSrc[e]] = true
		}
	}
	for k, c := range perKind {
		if c > 0 {
			b.edgeCount[b.edgeKinds[k]] = c
		}
	}
	b.sources = 0
	for w, u := range used {
		if u {
			b.sources++
			delete(extraSources, b.words.at(uint32(w)))
		}
	}
	b.sources += len(extraSources)
}
