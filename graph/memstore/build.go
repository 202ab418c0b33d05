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
	confs     []graph.Confidence
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

func (bl *builder) conf(c graph.Confidence) (uint8, error) {
	for i, x := range bl.confs {
		if x == c {
			return uint8(i), nil
		}
	}
	if len(bl.confs) == 256 {
		return 0, fmt.Errorf("more than 256 confidences")
	}
	bl.confs = append(bl.confs, c)
	return uint8(len(bl.confs) - 1), nil
}

// nodeFacts are node fact rows while a base is built.
type nodeFacts struct {
	src, file, line, label, attrs []uint32
	kind                          []uint8
}

func (nf *nodeFacts) len() uint32 { return uint32(len(nf.src)) }

func (nf *nodeFacts) copyFrom(b *base, lo, hi uint32) {
	nf.src = append(nf.src, b.nfSrc[lo:hi]...)
	nf.file = append(nf.file, b.nfFile[lo:hi]...)
	nf.line = append(nf.line, b.nfLine[lo:hi]...)
	nf.label = append(nf.label, b.nfLabel[lo:hi]...)
	nf.attrs = append(nf.attrs, b.nfAttrs[lo:hi]...)
	nf.kind = append(nf.kind, b.nfKind[lo:hi]...)
}

func (bl *builder) addNodeFacts(nf *nodeFacts, id string, fs []nodeFact) error {
	for _, f := range fs {
		k, err := bl.nodeKind(f.Kind)
		if err != nil {
			return err
		}
		label := uint32(labelIsID)
		if f.Label != id {
			label = bl.word(f.Label)
		}
		nf.src = append(nf.src, bl.word(f.Source))
		nf.file = append(nf.file, bl.word(f.Pos.File))
		nf.line = append(nf.line, uint32(int32(f.Pos.Line)))
		nf.label = append(nf.label, label)
		nf.attrs = append(nf.attrs, bl.attrSet(f.Attrs))
		nf.kind = append(nf.kind, k)
	}
	return nil
}

// edgeFacts are edge fact rows while a base is built.
type edgeFacts struct {
	src, file, line, attrs []uint32
	conf                   []uint8
	evidence               map[uint32]*graph.Evidence
}

func (ef *edgeFacts) len() uint32 { return uint32(len(ef.src)) }

func (ef *edgeFacts) copyFrom(b *base, lo, hi uint32) {
	for f := lo; f < hi; f++ {
		if ev := b.evidence[f]; ev != nil {
			ef.evidence[ef.len()+f-lo] = ev
		}
	}
	ef.src = append(ef.src, b.efSrc[lo:hi]...)
	ef.file = append(ef.file, b.efFile[lo:hi]...)
	ef.line = append(ef.line, b.efLine[lo:hi]...)
	ef.attrs = append(ef.attrs, b.efAttrs[lo:hi]...)
	ef.conf = append(ef.conf, b.efConf[lo:hi]...)
}

func (bl *builder) addEdgeFacts(ef *edgeFacts, fs []edgeFact) error {
	for _, f := range fs {
		c, err := bl.conf(f.Confidence)
		if err != nil {
			return err
		}
		if f.Evidence != nil {
			ef.evidence[ef.len()] = f.Evidence
		}
		ef.src = append(ef.src, bl.word(f.Source))
		ef.file = append(ef.file, bl.word(f.Pos.File))
		ef.line = append(ef.line, uint32(int32(f.Pos.Line)))
		ef.attrs = append(ef.attrs, bl.attrSet(f.Attrs))
		ef.conf = append(ef.conf, c)
	}
	return nil
}

// edgeItem is one edge while a base is built: its ends (rows of the old
// base, then of the new one), and its facts at ef[lo:hi].
type edgeItem struct {
	from, to, first, last, lo, hi uint32
	kind                          uint8
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
		confs:     slices.Clone(old.confs),
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
	ef := &edgeFacts{evidence: map[uint32]*graph.Evidence{}}
	items := make([]edgeItem, 0, len(old.eKind)+len(ov.edges))
	for e := uint32(0); int(e) < len(old.eKind); e++ {
		it := edgeItem{from: old.eFrom[e], to: old.eTo[e], kind: old.eKind[e], first: old.eFirst[e], last: old.eLast[e], lo: ef.len()}
		if ov.baseEdgeUntouched(e) {
			ef.copyFrom(old, old.eFact[e], old.eFact[e+1])
		} else {
			var fs []edgeFact
			if rec := ov.hitE[e]; rec != nil {
				fs = ov.edgeFactsOf(rec)
				it.first, it.last = bl.time(rec.first), bl.time(rec.last)
			} else {
				fs = ov.baseEdgeFacts(e, 2)
			}
			if len(fs) == 0 {
				continue
			}
			if err := bl.addEdgeFacts(ef, fs); err != nil {
				return nil, err
			}
		}
		it.hi = ef.len()
		oldAlive[it.from], oldAlive[it.to] = true, true
		items = append(items, it)
	}
	nBaseEdges := len(items)
	var newEdges []*ovEdge
	var newEnds []string // ids the old base lacks
	for _, rec := range ov.edges {
		if rec.inBase || len(rec.facts) == 0 {
			continue
		}
		newEdges = append(newEdges, rec)
		for _, id := range []string{rec.key.From, rec.key.To} {
			if i, ok := old.lookup(id); ok {
				oldAlive[i] = true
			} else {
				newEnds = append(newEnds, id)
			}
		}
	}

	// Nodes of the old base that the write changes.
	changed := map[uint32][]nodeFact{}
	for i := uint32(0); i < nOld; i++ {
		if ov.baseRowUntouched(i) {
			if old.hasFacts(i) {
				oldAlive[i] = true
			}
			continue
		}
		var fs []nodeFact
		if rec := ov.hitN[i]; rec != nil {
			fs = ov.nodeFactsOf(rec)
		} else {
			fs = ov.baseNodeFacts(i, 2)
		}
		changed[i] = fs
		if len(fs) > 0 {
			oldAlive[i] = true
		}
	}
	for id, rec := range ov.nodes {
		if !rec.inBase && len(rec.facts) > 0 {
			newEnds = append(newEnds, id)
		}
	}
	slices.Sort(newEnds)
	newEnds = slices.Compact(newEnds)

	// Number the ids: the old base's live ids and the new ones, merged in
	// id order, which keeps the old rows' relative order.
	nb := &base{}
	nf := &nodeFacts{}
	oldToNew := make([]uint32, nOld)
	newIdx := make(map[string]uint32, len(newEnds))
	idList := make([]string, 0, int(nOld)+len(newEnds))
	nb.nFact = make([]uint32, 0, cap(idList)+1)
	nb.nFirst = make([]uint32, 0, cap(idList))
	nb.nLast = make([]uint32, 0, cap(idList))
	i, j := uint32(0), 0
	for i < nOld || j < len(newEnds) {
		if i < nOld && !oldAlive[i] {
			i++
			continue
		}
		nb.nFact = append(nb.nFact, nf.len())
		if j >= len(newEnds) || (i < nOld && old.ids.at(i) < newEnds[j]) {
			id := old.ids.at(i)
			oldToNew[i] = uint32(len(idList))
			idList = append(idList, id)
			first, last := old.nFirst[i], old.nLast[i]
			if fs, ok := changed[i]; !ok {
				nf.copyFrom(old, old.nFact[i], old.nFact[i+1])
			} else if err := bl.addNodeFacts(nf, id, fs); err != nil {
				return nil, err
			}
			if rec := ov.hitN[i]; rec != nil {
				first, last = bl.time(rec.first), bl.time(rec.last)
			}
			nb.nFirst, nb.nLast = append(nb.nFirst, first), append(nb.nLast, last)
			i++
			continue
		}
		id := newEnds[j]
		newIdx[id] = uint32(len(idList))
		idList = append(idList, id)
		first, last := uint32(0), uint32(0)
		if rec := ov.nodes[id]; rec != nil && len(rec.facts) > 0 {
			if err := bl.addNodeFacts(nf, id, rec.facts); err != nil {
				return nil, err
			}
			first, last = bl.time(rec.first), bl.time(rec.last)
		}
		nb.nFirst, nb.nLast = append(nb.nFirst, first), append(nb.nLast, last)
		j++
	}
	nb.nFact = append(nb.nFact, nf.len())
	changed = nil
	for k := range items[:nBaseEdges] {
		items[k].from, items[k].to = oldToNew[items[k].from], oldToNew[items[k].to]
	}
	row := func(id string) uint32 {
		if i, ok := newIdx[id]; ok {
			return i
		}
		i, _ := old.lookup(id)
		return oldToNew[i]
	}
	for _, rec := range newEdges {
		k, err := bl.edgeKind(rec.key.Kind)
		if err != nil {
			return nil, err
		}
		it := edgeItem{from: row(rec.key.From), to: row(rec.key.To), kind: k,
			first: bl.time(rec.first), last: bl.time(rec.last), lo: ef.len()}
		if err := bl.addEdgeFacts(ef, rec.facts); err != nil {
			return nil, err
		}
		it.hi = ef.len()
		items = append(items, it)
	}

	nb.ids = newStrtab(idList)
	nb.nfSrc, nb.nfFile, nb.nfLine, nb.nfLabel, nb.nfAttrs, nb.nfKind = nf.src, nf.file, nf.line, nf.label, nf.attrs, nf.kind
	bl.finish(nb, items, ef)
	return nb, nil
}

// finish sorts the edges and fills the remaining columns of the new base.
func (bl *builder) finish(b *base, items []edgeItem, ef *edgeFacts) {
	n := b.ids.len()
	b.words = newStrtab(bl.words)
	b.times, b.nodeKinds, b.edgeKinds, b.confs = bl.times, bl.nodeKinds, bl.edgeKinds, bl.confs
	b.attrStart, b.attrPairs = bl.attrStart, bl.attrPairs
	b.index = buildIndex(&b.ids)

	// Counting sort by source node, then each node's edges by kind and target.
	b.outStart = make([]uint32, n+1)
	for _, it := range items {
		b.outStart[it.from+1]++
	}
	for i := 0; i < n; i++ {
		b.outStart[i+1] += b.outStart[i]
	}
	sorted := make([]edgeItem, len(items))
	next := slices.Clone(b.outStart[:n])
	for _, it := range items {
		sorted[next[it.from]] = it
		next[it.from]++
	}
	items = nil
	for i := 0; i < n; i++ {
		run := sorted[b.outStart[i]:b.outStart[i+1]]
		if len(run) > 1 {
			slices.SortFunc(run, func(a, b edgeItem) int {
				if a.kind != b.kind {
					return int(a.kind) - int(b.kind)
				}
				return cmpU32(a.to, b.to)
			})
		}
	}

	// Lay the edges and their facts out in that order.
	m := len(sorted)
	b.eFrom, b.eTo, b.eFirst, b.eLast = make([]uint32, m), make([]uint32, m), make([]uint32, m), make([]uint32, m)
	b.eKind, b.eFact = make([]uint8, m), make([]uint32, m+1)
	nf := ef.len()
	b.efSrc, b.efFile, b.efLine, b.efAttrs = make([]uint32, nf), make([]uint32, nf), make([]uint32, nf), make([]uint32, nf)
	b.efConf = make([]uint8, nf)
	b.evidence = map[uint32]*graph.Evidence{}
	f := uint32(0)
	for e, it := range sorted {
		b.eFrom[e], b.eTo[e], b.eFirst[e], b.eLast[e], b.eKind[e] = it.from, it.to, it.first, it.last, it.kind
		b.eFact[e] = f
		for g := it.lo; g < it.hi; g++ {
			b.efSrc[f], b.efFile[f], b.efLine[f], b.efAttrs[f], b.efConf[f] = ef.src[g], ef.file[g], ef.line[g], ef.attrs[g], ef.conf[g]
			if ev := ef.evidence[g]; ev != nil {
				b.evidence[f] = ev
			}
			f++
		}
	}
	b.eFact[m] = f
	b.index2()
	b.count()
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
	for i := uint32(0); int(i) < b.ids.len(); i++ {
		if b.hasFacts(i) {
			b.nodes++
			b.nodeCount[b.nodeKind(i)]++
		}
	}
	perKind := make([]int, len(b.edgeKinds))
	for _, k := range b.eKind {
		perKind[k]++
	}
	for k, c := range perKind {
		if c > 0 {
			b.edgeCount[b.edgeKinds[k]] = c
		}
	}
	used := make([]bool, b.words.len())
	for _, w := range b.nfSrc {
		used[w] = true
	}
	for _, w := range b.efSrc {
		used[w] = true
	}
	b.sources = 0
	for _, u := range used {
		if u {
			b.sources++
		}
	}
}
