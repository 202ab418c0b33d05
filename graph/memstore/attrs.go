package memstore

import (
	"encoding/binary"
	"errors"
	"slices"
)

// attrTable holds attribute sets, each stored once. The sorted keys of a
// set are its shape, which many sets share (every lockfile dependency
// edge has the same keys), so a set is kept as its shape and one value
// word per key.
type attrTable struct {
	// Set i is vals[start[i]:start[i+1]]: its shape, then its values.
	// Set 0 is empty and has no shape.
	start, vals []uint32
	// Shape s is the key words keys[shapeStart[s]:shapeStart[s+1]].
	shapeStart, keys []uint32
}

func newAttrTable() attrTable {
	return attrTable{start: []uint32{0, 0}, shapeStart: []uint32{0}}
}

func (t *attrTable) clone() attrTable {
	return attrTable{start: slices.Clone(t.start), vals: slices.Clone(t.vals),
		shapeStart: slices.Clone(t.shapeStart), keys: slices.Clone(t.keys)}
}

// sets returns the number of sets.
func (t *attrTable) sets() int { return len(t.start) - 1 }

// set returns the key and value words of set i.
func (t *attrTable) set(i uint32) (keys, vals []uint32) {
	lo, hi := t.start[i], t.start[i+1]
	if lo == hi {
		return nil, nil
	}
	s := t.vals[lo]
	return t.keys[t.shapeStart[s]:t.shapeStart[s+1]], t.vals[lo+1 : hi]
}

// check verifies the table against a table of w words.
func (t *attrTable) check(w uint32) error {
	bad := errors.New("attribute sets out of range")
	if len(t.start) < 2 || t.start[0] != 0 || t.start[1] != 0 || len(t.shapeStart) < 1 || t.shapeStart[0] != 0 {
		return bad
	}
	for s := 1; s < len(t.shapeStart); s++ {
		if t.shapeStart[s] < t.shapeStart[s-1] || t.shapeStart[s] > uint32(len(t.keys)) {
			return bad
		}
	}
	shapes := uint32(len(t.shapeStart) - 1)
	for i := 1; i < len(t.start); i++ {
		lo, hi := t.start[i-1], t.start[i]
		if hi < lo || hi > uint32(len(t.vals)) {
			return bad
		}
		if i == 1 || lo == hi {
			continue
		}
		s := t.vals[lo]
		if s >= shapes || t.shapeStart[s+1]-t.shapeStart[s] != hi-lo-1 {
			return bad
		}
		for _, v := range t.vals[lo+1 : hi] {
			if v >= w {
				return errors.New("attribute word out of range")
			}
		}
	}
	for _, k := range t.keys {
		if k >= w {
			return errors.New("attribute word out of range")
		}
	}
	return nil
}

// attrIndex finds the sets and shapes of a table while a base is built.
type attrIndex struct {
	sets, shapes map[string]uint32
	// buf and row are scratch space of add, so that finding a set that
	// exists allocates nothing.
	buf []byte
	row []uint32
}

func newAttrIndex(t *attrTable) attrIndex {
	x := attrIndex{sets: make(map[string]uint32, t.sets()), shapes: map[string]uint32{}}
	for s := 0; s+1 < len(t.shapeStart); s++ {
		x.shapes[wordsKey(t.keys[t.shapeStart[s]:t.shapeStart[s+1]])] = uint32(s)
	}
	for i := 1; i < t.sets(); i++ {
		x.sets[wordsKey(t.vals[t.start[i]:t.start[i+1]])] = uint32(i)
	}
	return x
}

// add returns the number of the set of the given key and value words,
// the keys sorted by their strings, adding it when it is new.
func (x *attrIndex) add(t *attrTable, keys, vals []uint32) uint32 {
	if len(keys) == 0 {
		return 0
	}
	x.buf = appendWords(x.buf[:0], keys)
	s, ok := x.shapes[string(x.buf)]
	if !ok {
		s = uint32(len(t.shapeStart) - 1)
		t.keys = append(t.keys, keys...)
		t.shapeStart = append(t.shapeStart, uint32(len(t.keys)))
		x.shapes[string(x.buf)] = s
	}
	x.row = append(append(x.row[:0], s), vals...)
	x.buf = appendWords(x.buf[:0], x.row)
	if i, ok := x.sets[string(x.buf)]; ok {
		return i
	}
	i := uint32(t.sets())
	t.vals = append(t.vals, x.row...)
	t.start = append(t.start, uint32(len(t.vals)))
	x.sets[string(x.buf)] = i
	return i
}

// appendWords appends the little-endian bytes of ws to buf.
func appendWords(buf []byte, ws []uint32) []byte {
	for _, w := range ws {
		buf = binary.LittleEndian.AppendUint32(buf, w)
	}
	return buf
}

func wordsKey(ws []uint32) string { return string(appendWords(nil, ws)) }
