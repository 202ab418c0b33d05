package memstore

import (
	"sort"

	"github.com/blastradius-dev/blastradius/graph"
)

// derivedWord is the word of graph.DerivedSource, the second word of
// every base.
const derivedWord = 1

const (
	// derivedBit marks a fact row whose source is graph.DerivedSource.
	// The other bits of the file column are the word of the fact's file.
	derivedBit = 1 << 31
	// lineFar marks a fact row whose line is below 0 or above 65535, kept
	// in the row's exception in lines.
	lineFar = 0xFFFF
	// mixedBit marks an owner (a node row or an edge) whose facts differ
	// in value. The other bits give the start of their values in side.
	mixedBit = 1 << 31
)

// factCols are the fact rows of the nodes or of the edges.
//
// A fact read from a file has that file as its source, and a derived fact
// has graph.DerivedSource, so one word and one bit give both. Any other
// source is an exception.
//
// Every lockfile restates the packages it pins, so most facts of one
// owner share their value: a node's kind, label and attributes, or an
// edge's confidence and attributes. The owner keeps that value once. Only
// owners whose facts differ keep one value per fact, in side.
type factCols struct {
	file  []uint32
	line  []uint16
	lines exceptions // rows marked lineFar: the line as uint32(int32)
	srcs  exceptions // rows whose source is neither their file nor derived
	side  []uint32
}

func (fc *factCols) len() uint32 { return uint32(len(fc.file)) }

// source returns the word of the source of fact row f.
func (fc *factCols) source(f uint32) uint32 {
	w := fc.file[f]
	if w&derivedBit != 0 {
		return derivedWord
	}
	return fc.srcs.get(f, w)
}

func (fc *factCols) fileWord(f uint32) uint32 { return fc.file[f] &^ derivedBit }

func (fc *factCols) lineOf(f uint32) int {
	l := fc.line[f]
	if l != lineFar {
		return int(l)
	}
	return int(int32(fc.lines.get(f, lineFar)))
}

// value returns the value of fact row f of an owner whose value is v and
// whose first fact row is lo.
func (fc *factCols) value(v, lo, f uint32) uint32 {
	if v&mixedBit == 0 {
		return v
	}
	return fc.side[v&^mixedBit+f-lo]
}

// exceptions maps some rows, sorted, to a word or a number.
type exceptions struct {
	rows, words []uint32
}

func (x *exceptions) get(f, def uint32) uint32 {
	if len(x.rows) == 0 {
		return def
	}
	i := sort.Search(len(x.rows), func(i int) bool { return x.rows[i] >= f })
	if i < len(x.rows) && x.rows[i] == f {
		return x.words[i]
	}
	return def
}

func (x *exceptions) add(f, w uint32) {
	x.rows = append(x.rows, f)
	x.words = append(x.words, w)
}

// factBuf holds fact rows while a base is built: one full row per fact,
// in the order they are met. lay puts them in their final order.
type factBuf struct {
	file, line, val []uint32
	srcs            map[uint32]uint32
	evidence        map[uint32]*graph.Evidence
}

// newFactBuf returns an empty buffer with room for n facts.
func newFactBuf(n int) *factBuf {
	return &factBuf{
		file: make([]uint32, 0, n), line: make([]uint32, 0, n), val: make([]uint32, 0, n),
		srcs: map[uint32]uint32{}, evidence: map[uint32]*graph.Evidence{},
	}
}

func (fb *factBuf) len() uint32 { return uint32(len(fb.file)) }

// add appends a fact of source word src, read from file word file.
func (fb *factBuf) add(src, file uint32, line int, val uint32) {
	switch {
	case src == derivedWord:
		file |= derivedBit
	case src != file:
		fb.srcs[fb.len()] = src
	}
	fb.file = append(fb.file, file)
	fb.line = append(fb.line, uint32(int32(line)))
	fb.val = append(fb.val, val)
}

// copyFrom appends the fact rows lo to hi of fc, which belong to an owner
// of value v, and their evidence in ev.
func (fb *factBuf) copyFrom(fc *factCols, v, lo, hi uint32, ev map[uint32]*graph.Evidence) {
	for f := lo; f < hi; f++ {
		if e := ev[f]; e != nil {
			fb.evidence[fb.len()] = e
		}
		if w := fc.file[f]; w&derivedBit == 0 {
			if src := fc.srcs.get(f, w); src != w {
				fb.srcs[fb.len()] = src
			}
		}
		fb.file = append(fb.file, fc.file[f])
		fb.line = append(fb.line, uint32(int32(fc.lineOf(f))))
		fb.val = append(fb.val, fc.value(v, lo, f))
	}
}

// lay returns the fact rows of n owners in owner order, the runs of
// facts that run(k) gives for owner k, with each owner's value and the
// evidence by final row. An owner without facts has value 0.
func (fb *factBuf) lay(n int, run func(k int) (lo, hi uint32)) (fc factCols, vals []uint32, ev map[uint32]*graph.Evidence) {
	fc.file = make([]uint32, len(fb.file))
	fc.line = make([]uint16, len(fb.file))
	vals = make([]uint32, n)
	ev = map[uint32]*graph.Evidence{}
	f := uint32(0)
	for k := 0; k < n; k++ {
		lo, hi := run(k)
		if lo == hi {
			continue
		}
		v := fb.val[lo]
		for g := lo + 1; g < hi; g++ {
			if fb.val[g] != v {
				v = mixedBit | uint32(len(fc.side))
				fc.side = append(fc.side, fb.val[lo:hi]...)
				break
			}
		}
		vals[k] = v
		for g := lo; g < hi; g++ {
			fc.file[f] = fb.file[g]
			if l := fb.line[g]; l < lineFar {
				fc.line[f] = uint16(l)
			} else {
				fc.line[f] = lineFar
				if l != lineFar {
					fc.lines.add(f, l)
				}
			}
			if w, ok := fb.srcs[g]; ok {
				fc.srcs.add(f, w)
			}
			if e := fb.evidence[g]; e != nil {
				ev[f] = e
			}
			f++
		}
	}
	return fc, vals, ev
}
