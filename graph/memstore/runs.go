package memstore

import "errors"

const (
	// runBlock is how many runs share one whole offset in runs.
	runBlock = 16
	// runMany marks a run of runMany rows or more, whose length is an
	// exception.
	runMany = 0xFF
)

// runs are consecutive runs of rows, such as the fact rows of each node
// or of each edge, most of them a few rows long. Each run keeps its
// length in a byte, and every runBlock-th run also its first row. A run's
// first row is its block's first row plus the lengths before it.
type runs struct {
	base []uint32 // row of run k*runBlock, for k up to len(n)/runBlock
	n    []uint8  // length of each run, or runMany
	many exceptions
}

func newRuns(lens []uint32) runs {
	r := runs{n: make([]uint8, len(lens)), base: make([]uint32, 0, len(lens)/runBlock+1)}
	row := uint32(0)
	for i, l := range lens {
		if i%runBlock == 0 {
			r.base = append(r.base, row)
		}
		if l < runMany {
			r.n[i] = uint8(l)
		} else {
			r.n[i] = runMany
			r.many.add(uint32(i), l)
		}
		row += l
	}
	if len(lens)%runBlock == 0 {
		r.base = append(r.base, row)
	}
	return r
}

// size returns the length of run i.
func (r *runs) size(i uint32) uint32 {
	if l := r.n[i]; l != runMany {
		return uint32(l)
	}
	return r.many.get(i, runMany)
}

// start returns the first row of run i, or the number of rows for
// i == len.
func (r *runs) start(i uint32) uint32 {
	row := r.base[i/runBlock]
	for j := i &^ (runBlock - 1); j < i; j++ {
		if l := r.n[j]; l != runMany {
			row += uint32(l)
		} else {
			row += r.many.get(j, runMany)
		}
	}
	return row
}

// bounds returns the rows of run i, lo to hi.
func (r *runs) bounds(i uint32) (lo, hi uint32) {
	lo = r.start(i)
	return lo, lo + r.size(i)
}

// check verifies that count runs cover rows rows. With strict, every run
// must hold at least one row.
func (r *runs) check(count, rows int, strict bool) error {
	if len(r.n) != count || len(r.base) != count/runBlock+1 || len(r.many.rows) != len(r.many.words) {
		return errors.New("runs out of range")
	}
	for k, i := range r.many.rows {
		if (k > 0 && i <= r.many.rows[k-1]) || int(i) >= count || r.n[i] != runMany || r.many.words[k] < runMany {
			return errors.New("runs out of range")
		}
	}
	row := uint64(0)
	for i := 0; i <= count; i++ {
		if i%runBlock == 0 && uint64(r.base[i/runBlock]) != row {
			return errors.New("runs out of order")
		}
		if i == count {
			break
		}
		l := r.size(uint32(i))
		if strict && l == 0 {
			return errors.New("runs out of order")
		}
		row += uint64(l)
	}
	if row != uint64(rows) {
		return errors.New("runs out of range")
	}
	return nil
}

// bytes returns the bytes the runs take.
func (r *runs) bytes() int64 {
	return 4*int64(len(r.base)) + int64(len(r.n)) + 8*int64(len(r.many.rows))
}
