package memstore

import "testing"

func TestRuns(t *testing.T) {
	lens := []uint32{0, 1, 254, 255, 256, 70000, 3}
	for i := 0; i < 40; i++ {
		lens = append(lens, uint32(i%3))
	}
	for _, n := range []int{0, 1, 16, 17, 32, len(lens)} {
		r := newRuns(lens[:n])
		row := uint32(0)
		for i, l := range lens[:n] {
			lo, hi := r.bounds(uint32(i))
			if lo != row || hi != row+l || r.size(uint32(i)) != l {
				t.Fatalf("%d runs: run %d = %d to %d, want %d to %d", n, i, lo, hi, row, row+l)
			}
			row += l
		}
		if got := r.start(uint32(n)); got != row {
			t.Errorf("%d runs: start of the end = %d, want %d", n, got, row)
		}
		if err := r.check(n, int(row), false); err != nil {
			t.Errorf("%d runs: check: %v", n, err)
		}
		if n > 0 {
			if err := r.check(n, int(row)+1, false); err == nil {
				t.Errorf("%d runs: check passed a wrong total", n)
			}
		}
	}
	// The lengths above sum to 1+254+255+256+70000+3 and 13 times 0+1+2
	// plus 0 for the fortieth.
	total := 70769 + 13*3
	r := newRuns(lens)
	if err := r.check(len(lens), total, false); err != nil {
		t.Errorf("check: %v", err)
	}
	if err := r.check(len(lens), total, true); err == nil {
		t.Error("strict check passed empty runs")
	}
	r.base[1]++
	if err := r.check(len(lens), total, false); err == nil {
		t.Error("check passed a wrong block offset")
	}
}
