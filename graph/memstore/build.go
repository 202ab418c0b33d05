package memstore

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"time"
	"unsafe"

	"github.com/blastradius-dev/blastradius/graph"
)

// builder lays out the next base from a base and an overlay. It reads the
// overlay and never changes it, so a build can also serve Stats during a
// write. Words, times and attribute sets of the old base keep their
// numbers, so rows that the write does not touch are copied as they are.
type builder struct {
	ov       *overlay
	words    []string
	newWords map[string]uint32
	times    []time.Time
	timeIdx  map[[2]int64]uint32
	// nowIdx is the index of the write's time in times, once hasNow.
	nowIdx uint32
	hasNow bool
	sets   attrTable
	setIdx attrIndex
	// keys, kw and vw are scratch space of attrSet.
	keys      []string
	kw, vw    []uint32
	nodeKinds []graph.NodeKind
	edgeKinds []graph.EdgeKind
	confs     []graph.Confidence
	bKind     []uint8
	bLabel    []uint32
	bAttrs    []uint32
	bodyIdx   map[[3]uint32]uint32
	// setOf remembers the set of each attribute map of the overlay's
	// records. Facts of one file often share a map (see ingest's
	// interner), and the records keep their maps, and so their
	// addresses, until the build ends.
	setOf map[unsafe.Pointer]uint32
	// The last source and file numbered: a record's facts, and records
	// made one after the other, mostly share them.
	lastSrc, lastFile   string
	lastSrcW, lastFileW uint32
	// pre holds the facts that prime numbered, nil when it did not run.
	pre *numbered
}

func (bl *builder) source(s string) uint32 {
	if s != bl.lastSrc || bl.lastSrcW == 0 {
		bl.lastSrc, bl.lastSrcW = s, bl.word(s)
	}
	return bl.lastSrcW
}

func (bl *builder) file(s string) uint32 {
	if s != bl.lastFile || bl.lastFileW == 0 {
		bl.lastFile, bl.lastFileW = s, bl.word(s)
	}
	return bl.lastFileW
}

// sharedSet returns the set of an attribute map of an overlay record.
func (bl *builder) sharedSet(m map[string]string) uint32 {
	if len(m) == 0 {
		return 0
	}
	p := reflect.ValueOf(m).UnsafePointer()
	if set, ok := bl.setOf[p]; ok {
		return set
	}
	set := bl.attrSet(m)
	bl.setOf[p] = set
	return set
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

// seen returns the first-seen and last-seen times of an overlay record, as
// indexes of bl.times. The builder keeps the old base's time numbers, so a
// kept first-seen time is its base index, and every record was last seen
// at the write's time.
func (bl *builder) seen(keepsFirst bool, oldFirst uint16) (first, last uint32) {
	if !bl.hasNow {
		bl.nowIdx, bl.hasNow = bl.time(bl.ov.now), true
	}
	if keepsFirst {
		return uint32(oldFirst), bl.nowIdx
	}
	return bl.nowIdx, bl.nowIdx
}

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
	if vw, ok := bl.sameKeys(m); ok {
		bl.vw = vw
		return bl.setIdx.add(&bl.sets, bl.kw, vw)
	}
	keys := bl.keys[:0]
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kw, vw := bl.kw[:0], bl.vw[:0]
	for _, k := range keys {
		kw, vw = append(kw, bl.word(k)), append(vw, bl.word(m[k]))
	}
	bl.keys, bl.kw, bl.vw = keys, kw, vw
	return bl.setIdx.add(&bl.sets, kw, vw)
}

// sameKeys numbers the values of m when m has the same keys as the last
// set that attrSet listed, reusing that set's sorted keys and key words.
// Facts of one kind mostly share their keys (every lockfile edge has
// chain, direct, lockfile and paths), so listing and sorting them again
// is wasted work.
func (bl *builder) sameKeys(m map[string]string) (vw []uint32, ok bool) {
	if len(m) != len(bl.keys) {
		return nil, false
	}
	vw = bl.vw[:0]
	for _, k := range bl.keys {
		v, ok := m[k]
		if !ok {
			return nil, false
		}
		vw = append(vw, bl.word(v))
	}
	return vw, true
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
	if len(bl.confs) == maxConfs {
		return 0, fmt.Errorf("more than %d confidences", maxConfs)
	}
	bl.confs = append(bl.confs, c)
	return uint8(len(bl.confs) - 1), nil
}

// body returns the number of a node fact body: a kind, a label word (or
// labelIsID) and an attribute set.
func (bl *builder) body(kind uint8, label, attrs uint32) uint32 {
	k := [3]uint32{uint32(kind), label, attrs}
	if i, ok := bl.bodyIdx[k]; ok {
		return i
	}
	i := uint32(len(bl.bKind))
	bl.bKind, bl.bLabel, bl.bAttrs = append(bl.bKind, kind), append(bl.bLabel, label), append(bl.bAttrs, attrs)
	bl.bodyIdx[k] = i
	return i
}

// nodeValue numbers a node fact's body. inOverlay is true when f is in a
// record's own list, whose attribute maps live until the build ends.
func (bl *builder) nodeValue(id string, f *nodeFact, inOverlay bool) (uint32, error) {
	k, err := bl.nodeKind(f.Kind)
	if err != nil {
		return 0, err
	}
	label := uint32(labelIsID)
	if f.Label != id {
		label = bl.word(f.Label)
	}
	set := uint32(0)
	if inOverlay {
		set = bl.sharedSet(f.Attrs)
	} else {
		set = bl.attrSet(f.Attrs)
	}
	return bl.body(k, label, set), nil
}

// edgeValue numbers an edge fact's confidence and attributes; inOverlay is
// as for nodeValue.
func (bl *builder) edgeValue(f *edgeFact, inOverlay bool) (uint32, error) {
	c, err := bl.conf(f.Confidence)
	if err != nil {
		return 0, err
	}
	set := uint32(0)
	if inOverlay {
		set = bl.sharedSet(f.Attrs)
	} else {
		set = bl.attrSet(f.Attrs)
	}
	if set > attrMask {
		return 0, fmt.Errorf("more than %d attribute sets", attrMask)
	}
	return uint32(c)<<confShift | set, nil
}

// addNodeFacts adds a node's facts; inOverlay is as for nodeValue.
func (bl *builder) addNodeFacts(nf *factBuf, id string, fs []nodeFact, inOverlay bool) error {
	for i := range fs {
		f := &fs[i]
		v, err := bl.nodeValue(id, f, inOverlay)
		if err != nil {
			return err
		}
		nf.add(bl.source(f.Source), bl.file(f.Pos.File), f.Pos.Line, v)
	}
	return nil
}

// addEdgeFacts adds an edge's facts; inOverlay is as for nodeValue.
func (bl *builder) addEdgeFacts(ef *factBuf, fs []edgeFact, inOverlay bool) error {
	for i := range fs {
		f := &fs[i]
		v, err := bl.edgeValue(f, inOverlay)
		if err != nil {
			return err
		}
		if f.Evidence != nil {
			ef.evidence[ef.len()] = f.Evidence
		}
		ef.add(bl.source(f.Source), bl.file(f.Pos.File), f.Pos.Line, v)
	}
	return nil
}

// numbered holds facts numbered ahead of the build: their source and file
// words and their values.
type numbered struct {
	src, file, val []uint32
}

// prime numbers the facts of the overlay's new records as they are now,
// so that the build copies the numbers instead of working them out.
// Write runs it while the linker reads the graph through the overlay, on
// the core that the linker leaves idle part of the time: both only read
// the records, and prime writes nothing else that the linker reads. A
// record whose facts change afterwards drops its numbers (its pre field)
// and is numbered again by the build. After an error prime stops, and the
// build meets the same error. It also stops soon after ctx is done.
func (bl *builder) prime(ctx context.Context) error {
	n := 0
	for _, rec := range bl.ov.nodeList {
		n += len(rec.facts)
	}
	for _, rec := range bl.ov.edgeList {
		n += len(rec.facts)
	}
	bl.pre = &numbered{src: make([]uint32, 0, n), file: make([]uint32, 0, n), val: make([]uint32, 0, n)}
	for k, rec := range bl.ov.nodeList {
		if k%primeCheck == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if rec.inBase || len(rec.facts) == 0 {
			continue
		}
		start := len(bl.pre.val)
		for i := range rec.facts {
			f := &rec.facts[i]
			v, err := bl.nodeValue(rec.id, f, true)
			if err != nil {
				return err
			}
			bl.pre.add(bl.source(f.Source), bl.file(f.Pos.File), v)
		}
		rec.pre = uint32(start) + 1
	}
	for k, rec := range bl.ov.edgeList {
		if k%primeCheck == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if rec.inBase || len(rec.facts) == 0 {
			continue
		}
		start := len(bl.pre.val)
		for i := range rec.facts {
			f := &rec.facts[i]
			v, err := bl.edgeValue(f, true)
			if err != nil {
				return err
			}
			bl.pre.add(bl.source(f.Source), bl.file(f.Pos.File), v)
		}
		rec.pre = uint32(start) + 1
	}
	return nil
}

// primeCheck is how many records prime numbers between looks at its
// context.
const primeCheck = 1 << 14

func (n *numbered) add(src, file, val uint32) {
	n.src, n.file, n.val = append(n.src, src), append(n.file, file), append(n.val, val)
}

// addRecordNodeFacts adds the facts of a new node record, copying their
// numbers when prime worked them out.
func (bl *builder) addRecordNodeFacts(nf *factBuf, rec *ovNode) error {
	if bl.pre == nil || rec.pre == 0 {
		return bl.addNodeFacts(nf, rec.id, rec.facts, true)
	}
	p := bl.pre
	for i := range rec.facts {
		k := int(rec.pre) - 1 + i
		nf.add(p.src[k], p.file[k], rec.facts[i].Pos.Line, p.val[k])
	}
	return nil
}

// addRecordEdgeFacts is addRecordNodeFacts for a new edge record.
func (bl *builder) addRecordEdgeFacts(ef *factBuf, rec *ovEdge) error {
	if bl.pre == nil || rec.pre == 0 {
		return bl.addEdgeFacts(ef, rec.facts, true)
	}
	p := bl.pre
	for i := range rec.facts {
		k := int(rec.pre) - 1 + i
		if ev := rec.facts[i].Evidence; ev != nil {
			ef.evidence[ef.len()] = ev
		}
		ef.add(p.src[k], p.file[k], rec.facts[i].Pos.Line, p.val[k])
	}
	return nil
}

// edgeItem is one edge while a base is built: its ends (rows of the old
// base, then of the new one), and its facts at ef[lo:hi].
type edgeItem struct {
	from, to, first, last, lo, hi uint32
	kind                          uint8
}

// newBuilder returns a builder of the next base from the overlay.
func (ov *overlay) newBuilder() *builder {
	old := ov.b
	bl := &builder{
		ov:        ov,
		words:     make([]string, old.words.len(), old.words.len()+1024),
		newWords:  map[string]uint32{},
		times:     slices.Clone(old.times),
		timeIdx:   map[[2]int64]uint32{},
		sets:      old.sets.clone(),
		setIdx:    newAttrIndex(&old.sets),
		nodeKinds: slices.Clone(old.nodeKinds),
		edgeKinds: slices.Clone(old.edgeKinds),
		confs:     slices.Clone(old.confs),
		bKind:     slices.Clone(old.bKind),
		bLabel:    slices.Clone(old.bLabel),
		bAttrs:    slices.Clone(old.bAttrs),
		bodyIdx:   make(map[[3]uint32]uint32, len(old.bKind)),
		setOf:     map[unsafe.Pointer]uint32{},
	}
	for i := range bl.words {
		bl.words[i] = old.words.at(uint32(i))
	}
	for i, t := range old.times {
		if i > 0 {
			bl.timeIdx[timeKey(t)] = uint32(i)
		}
	}
	for i := range old.bKind {
		bl.bodyIdx[[3]uint32{uint32(old.bKind[i]), old.bLabel[i], old.bAttrs[i]}] = uint32(i)
	}
	return bl
}

// build returns the next base: the old one without the retired sources'
// facts, plus the overlay's.
func (ov *overlay) build() (*base, error) { return ov.newBuilder().build() }

// build lays out the next base.
func (bl *builder) build() (*base, error) {
	ov := bl.ov
	old := ov.b

	// Edges first: an id lives on while a node fact or a live edge names it.
	nOld := uint32(old.ids.len())
	oldAlive := make([]bool, nOld)
	// The new base holds about the old one's facts and the overlay's.
	nEdgeFacts, nNodeFacts := int(old.ef.len()), int(old.nf.len())
	for _, rec := range ov.edgeList {
		nEdgeFacts += len(rec.facts)
	}
	for _, rec := range ov.nodeList {
		nNodeFacts += len(rec.facts)
	}
	ef := newFactBuf(nEdgeFacts)
	items := make([]edgeItem, 0, len(old.eKind)+len(ov.edges))
	for from := uint32(0); from < nOld; from++ {
		for e := old.outStart[from]; e < old.outStart[from+1]; e++ {
			it := edgeItem{from: from, to: old.eTo[e], kind: old.eKind[e], first: uint32(old.eFirst[e]), last: uint32(old.eLast[e]), lo: ef.len()}
			if ov.baseEdgeUntouched(e) {
				lo, hi := old.eFact.bounds(e)
				ef.copyFrom(&old.ef, old.eVal[e], lo, hi, old.evidence)
			} else {
				var fs []edgeFact
				if rec := ov.hitE[e]; rec != nil {
					fs = ov.edgeFactsOf(rec)
					it.first, it.last = bl.seen(rec.keepsFirst, rec.oldFirst)
				} else {
					fs = ov.baseEdgeFacts(e, 2)
				}
				if len(fs) == 0 {
					continue
				}
				if err := bl.addEdgeFacts(ef, fs, false); err != nil {
					return nil, err
				}
			}
			it.hi = ef.len()
			oldAlive[it.from], oldAlive[it.to] = true, true
			items = append(items, it)
		}
	}
	nBaseEdges := len(items)
	newEdges := make([]*ovEdge, 0, len(ov.edgeList))
	newEnds := make([]string, 0, len(ov.nodeList)) // ids the old base lacks
	// An end that is a new node with facts is listed with the nodes below,
	// so only the other ends are listed here. Listing every end would give
	// ten million ids to sort in a fresh store of a million nodes. A file
	// lists the edges from one node together, so an end equal to the last
	// edge's source was handled already.
	lastFrom := ""
	for _, rec := range ov.edgeList {
		if rec.inBase || len(rec.facts) == 0 {
			continue
		}
		newEdges = append(newEdges, rec)
		for k, id := range [2]string{rec.key.From, rec.key.To} {
			if k == 0 && id == lastFrom && id != "" {
				continue
			}
			if i, ok := old.lookup(id); ok {
				oldAlive[i] = true
			} else if n := ov.nodes[id]; n == nil || n.inBase || len(n.facts) == 0 {
				newEnds = append(newEnds, id)
			}
		}
		lastFrom = rec.key.From
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
	for _, rec := range ov.nodeList {
		if !rec.inBase && len(rec.facts) > 0 {
			newEnds = append(newEnds, rec.id)
		}
	}
	newEnds = sortStrings(newEnds)
	newEnds = slices.Compact(newEnds)

	// Number the ids: the old base's live ids and the new ones, merged in
	// id order, which keeps the old rows' relative order.
	nb := &base{}
	nf := newFactBuf(nNodeFacts)
	oldToNew := make([]uint32, nOld)
	newIdx := make(map[string]uint32, len(newEnds))
	idList := make([]string, 0, int(nOld)+len(newEnds))
	nFact := make([]uint32, 0, cap(idList)+1)
	firsts := make([]uint32, 0, cap(idList))
	lasts := make([]uint32, 0, cap(idList))
	i, j := uint32(0), 0
	for i < nOld || j < len(newEnds) {
		if i < nOld && !oldAlive[i] {
			i++
			continue
		}
		nFact = append(nFact, nf.len())
		if j >= len(newEnds) || (i < nOld && old.ids.at(i) < newEnds[j]) {
			id := old.ids.at(i)
			oldToNew[i] = uint32(len(idList))
			idList = append(idList, id)
			first, last := uint32(old.nFirst[i]), uint32(old.nLast[i])
			if fs, ok := changed[i]; !ok {
				lo, hi := old.nFact.bounds(i)
				nf.copyFrom(&old.nf, old.nBody[i], lo, hi, nil)
			} else if err := bl.addNodeFacts(nf, id, fs, false); err != nil {
				return nil, err
			}
			if rec := ov.hitN[i]; rec != nil {
				first, last = bl.seen(rec.keepsFirst, rec.oldFirst)
			}
			firsts, lasts = append(firsts, first), append(lasts, last)
			i++
			continue
		}
		id := newEnds[j]
		newIdx[id] = uint32(len(idList))
		idList = append(idList, id)
		first, last := uint32(0), uint32(0)
		if rec := ov.nodes[id]; rec != nil && len(rec.facts) > 0 {
			if err := bl.addRecordNodeFacts(nf, rec); err != nil {
				return nil, err
			}
			first, last = bl.seen(rec.keepsFirst, rec.oldFirst)
		}
		firsts, lasts = append(firsts, first), append(lasts, last)
		j++
	}
	nFact = append(nFact, nf.len())
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
		it := edgeItem{from: row(rec.key.From), to: row(rec.key.To), kind: k, lo: ef.len()}
		it.first, it.last = bl.seen(rec.keepsFirst, rec.oldFirst)
		if err := bl.addRecordEdgeFacts(ef, rec); err != nil {
			return nil, err
		}
		it.hi = ef.len()
		items = append(items, it)
	}

	nb.ids = newIDtab(idList)
	nb.nf, nb.nBody, _ = nf.lay(len(idList), func(k int) (uint32, uint32) { return nFact[k], nFact[k+1] })
	nf = nil
	for k := range idList {
		nFact[k] = nFact[k+1] - nFact[k]
	}
	nb.nFact = newRuns(nFact[:len(idList)])
	nFact = nil
	if err := bl.finish(nb, firsts, lasts, items, ef); err != nil {
		return nil, err
	}
	return nb, nil
}

// finish sorts the edges and fills the remaining columns of the new base.
func (bl *builder) finish(b *base, firsts, lasts []uint32, items []edgeItem, ef *factBuf) error {
	n := b.ids.len()
	b.words = newStrtab(bl.words)
	b.nodeKinds, b.edgeKinds, b.confs = bl.nodeKinds, bl.edgeKinds, bl.confs
	b.sets = bl.sets
	b.bKind, b.bLabel, b.bAttrs = bl.bKind, bl.bLabel, bl.bAttrs

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

	// Times are kept as 16-bit numbers: drop the ones no row uses when
	// there are too many.
	remap, err := bl.compactTimes(firsts, lasts, sorted)
	if err != nil {
		return err
	}
	b.times = bl.times
	b.nFirst, b.nLast = make([]uint16, n), make([]uint16, n)
	for i := range firsts {
		b.nFirst[i], b.nLast[i] = remap(firsts[i]), remap(lasts[i])
	}

	// Lay the edges and their facts out in that order.
	m := len(sorted)
	b.eTo, b.eKind, b.eFirst, b.eLast = make([]uint32, m), make([]uint8, m), make([]uint16, m), make([]uint16, m)
	lens := make([]uint32, m)
	for e, it := range sorted {
		b.eTo[e], b.eKind[e], b.eFirst[e], b.eLast[e] = it.to, it.kind, remap(it.first), remap(it.last)
		lens[e] = it.hi - it.lo
	}
	b.eFact = newRuns(lens)
	lens = nil
	b.ef, b.eVal, b.evidence = ef.lay(m, func(k int) (uint32, uint32) { return sorted[k].lo, sorted[k].hi })
	b.index2()
	b.count()
	return nil
}

// compactTimes returns how to number the builder's times in 16 bits,
// after dropping the times no row uses when there are more than fit.
func (bl *builder) compactTimes(firsts, lasts []uint32, items []edgeItem) (func(uint32) uint16, error) {
	if len(bl.times) <= 1<<16 {
		return func(i uint32) uint16 { return uint16(i) }, nil
	}
	used := make([]bool, len(bl.times))
	used[0] = true
	for i := range firsts {
		used[firsts[i]], used[lasts[i]] = true, true
	}
	for _, it := range items {
		used[it.first], used[it.last] = true, true
	}
	num := make([]uint32, len(bl.times))
	var kept []time.Time
	for i, u := range used {
		if u {
			num[i] = uint32(len(kept))
			kept = append(kept, bl.times[i])
		}
	}
	if len(kept) > 1<<16 {
		return nil, fmt.Errorf("more than %d distinct write times", 1<<16)
	}
	bl.times = kept
	return func(i uint32) uint16 { return uint16(num[i]) }, nil
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
	for f := uint32(0); f < b.nf.len(); f++ {
		used[b.nf.source(f)] = true
	}
	for f := uint32(0); f < b.ef.len(); f++ {
		used[b.ef.source(f)] = true
	}
	b.sources = 0
	for _, u := range used {
		if u {
			b.sources++
		}
	}
}
