package memstore

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// fileMagic opens every store file; the trailing number is the format
// version, raised whenever the layout changes.
const (
	magicPrefix = "blastradius-memstore-"
	fileVersion = "4"
	fileMagic   = magicPrefix + fileVersion + "\n"
)

// meta holds the small tables of a store file, gob-encoded after the
// magic line. The columns of the base follow it, each as a little-endian
// count and its values, and a SHA-256 of everything before it ends the
// file.
type meta struct {
	LastWrite time.Time
	Times     []time.Time
	NodeKinds []graph.NodeKind
	EdgeKinds []graph.EdgeKind
	Confs     []graph.Confidence
	Evidence  map[uint32]*graph.Evidence // by edge fact row
	IDs       int                        // ids in the id table
}

// Open loads the store file at path, or starts an empty store when the file
// does not exist yet. Every Write then replaces the file atomically.
func Open(path string) (*Store, error) {
	s := New()
	s.path = path
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	b, err := load(f, size)
	if err != nil {
		return nil, fmt.Errorf("read store %s: %w", path, err)
	}
	s.cur.Store(b)
	return s, nil
}

// columnReader reads the values of a store file and hashes what it reads.
type columnReader struct {
	r    *bufio.Reader
	h    hash.Hash
	left int64 // bytes the file still holds, or -1 when unknown
	buf  []byte
	err  error
}

func (cr *columnReader) read(n int64) []byte {
	if cr.err != nil {
		return nil
	}
	if n < 0 || (cr.left >= 0 && n > cr.left) {
		cr.err = errors.New("truncated or damaged file")
		return nil
	}
	if int64(cap(cr.buf)) < n {
		cr.buf = make([]byte, n)
	}
	p := cr.buf[:n]
	if _, err := io.ReadFull(cr.r, p); err != nil {
		cr.err = fmt.Errorf("truncated file: %w", err)
		return nil
	}
	cr.h.Write(p)
	if cr.left >= 0 {
		cr.left -= n
	}
	return p
}

func (cr *columnReader) count(size int64) int64 {
	p := cr.read(8)
	if p == nil {
		return 0
	}
	n := int64(binary.LittleEndian.Uint64(p))
	if n < 0 || (cr.left >= 0 && n > cr.left/size) {
		cr.err = errors.New("truncated or damaged file")
		return 0
	}
	return n
}

func (cr *columnReader) u32s() []uint32 {
	n := cr.count(4)
	out := make([]uint32, n)
	const chunk = 1 << 16
	for i := int64(0); i < n && cr.err == nil; i += chunk {
		k := min(chunk, n-i)
		p := cr.read(4 * k)
		for j := int64(0); j < k && p != nil; j++ {
			out[i+j] = binary.LittleEndian.Uint32(p[4*j:])
		}
	}
	return out
}

func (cr *columnReader) u16s() []uint16 {
	n := cr.count(2)
	out := make([]uint16, n)
	const chunk = 1 << 16
	for i := int64(0); i < n && cr.err == nil; i += chunk {
		k := min(chunk, n-i)
		p := cr.read(2 * k)
		for j := int64(0); j < k && p != nil; j++ {
			out[i+j] = binary.LittleEndian.Uint16(p[2*j:])
		}
	}
	return out
}

func (cr *columnReader) u8s() []uint8 {
	n := cr.count(1)
	out := make([]uint8, n)
	const chunk = 1 << 18
	for i := int64(0); i < n && cr.err == nil; i += chunk {
		k := min(chunk, n-i)
		copy(out[i:], cr.read(k))
	}
	return out
}

func (cr *columnReader) str() string {
	n := cr.count(1)
	var sb strings.Builder
	sb.Grow(int(n))
	const chunk = 1 << 18
	for i := int64(0); i < n && cr.err == nil; i += chunk {
		sb.Write(cr.read(min(chunk, n-i)))
	}
	return sb.String()
}

func load(r io.Reader, size int64) (*base, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	magic := make([]byte, len(fileMagic))
	if _, err := io.ReadFull(br, magic); err != nil || !strings.HasPrefix(string(magic), magicPrefix) {
		return nil, errors.New("not a blastradius store file: check --db, or remove the file and ingest again")
	}
	if string(magic) != fileMagic {
		v := strings.TrimSpace(strings.TrimPrefix(string(magic), magicPrefix))
		if len(v) > 8 {
			v = v[:8]
		}
		return nil, fmt.Errorf("store file format %q, this version reads format %s only: remove the file and ingest again "+
			"(a history snapshot in an older format opens with the blastradius release that wrote it)", v, fileVersion)
	}
	cr := &columnReader{r: br, h: sha256.New(), left: size}
	if cr.left >= 0 {
		cr.left -= int64(len(magic)) + sha256.Size
	}
	cr.h.Write(magic)

	var m meta
	if blob := cr.read(cr.count(1)); cr.err == nil {
		if err := gob.NewDecoder(bytes.NewReader(blob)).Decode(&m); err != nil {
			return nil, fmt.Errorf("decode tables: %w", err)
		}
	}
	b := &base{lastWrite: m.LastWrite, times: m.Times, nodeKinds: m.NodeKinds, edgeKinds: m.EdgeKinds,
		confs: m.Confs, evidence: m.Evidence}
	if b.evidence == nil {
		b.evidence = map[uint32]*graph.Evidence{}
	}
	b.ids.data, b.ids.blocks, b.ids.n = cr.str(), cr.u32s(), m.IDs
	b.words.data, b.words.ends = cr.str(), cr.u32s()
	for _, col := range b.u32Columns() {
		*col = cr.u32s()
	}
	for _, col := range b.u16Columns() {
		*col = cr.u16s()
	}
	for _, col := range b.u8Columns() {
		*col = cr.u8s()
	}
	if cr.err != nil {
		return nil, cr.err
	}
	want := cr.h.Sum(nil)
	got := make([]byte, sha256.Size)
	if _, err := io.ReadFull(br, got); err != nil || !bytes.Equal(got, want) {
		return nil, errors.New("checksum mismatch: the file is damaged; remove it and ingest again")
	}
	if err := b.check(); err != nil {
		return nil, fmt.Errorf("damaged file: %w", err)
	}
	b.index2()
	b.count()
	return b, nil
}

// u32Columns, u16Columns and u8Columns list the columns a file stores,
// in order. The index by target is built again on reading.
func (b *base) u32Columns() []*[]uint32 {
	cols := []*[]uint32{&b.nFact.base, &b.nFact.many.rows, &b.nFact.many.words, &b.outStart, &b.nBody, &b.bLabel, &b.bAttrs,
		&b.eTo, &b.eFact.base, &b.eFact.many.rows, &b.eFact.many.words, &b.eVal,
		&b.sets.start, &b.sets.vals, &b.sets.shapeStart, &b.sets.keys}
	for _, fc := range []*factCols{&b.nf, &b.ef} {
		cols = append(cols, &fc.file, &fc.lines.rows, &fc.lines.words, &fc.srcs.rows, &fc.srcs.words, &fc.side)
	}
	return cols
}

func (b *base) u16Columns() []*[]uint16 {
	return []*[]uint16{&b.nFirst, &b.nLast, &b.eFirst, &b.eLast, &b.nf.line, &b.ef.line}
}

func (b *base) u8Columns() []*[]uint8 { return []*[]uint8{&b.bKind, &b.eKind, &b.nFact.n, &b.eFact.n} }

// check verifies that every number in the columns points into its table,
// so that a file whose checksum matches but whose content is wrong cannot
// make a read fail later.
func (b *base) check() error {
	n, m := b.ids.len(), len(b.eTo)
	nnf, nef, bodies := len(b.nf.file), len(b.ef.file), len(b.bKind)
	if len(b.times) == 0 || len(b.times) > 1<<16 {
		return errors.New("missing tables")
	}
	if err := b.ids.check(); err != nil {
		return err
	}
	if err := checkStrtab(&b.words); err != nil {
		return err
	}
	if b.words.len() <= derivedWord || b.words.at(derivedWord) != graph.DerivedSource {
		return errors.New("missing tables")
	}
	if err := b.nFact.check(n, nnf, false); err != nil {
		return fmt.Errorf("node facts: %w", err)
	}
	if err := checkRuns(b.outStart, n, m, false); err != nil {
		return fmt.Errorf("edges: %w", err)
	}
	if err := b.eFact.check(m, nef, true); err != nil {
		return fmt.Errorf("edge facts: %w", err)
	}
	if len(b.nFirst) != n || len(b.nLast) != n || len(b.nBody) != n || len(b.eFirst) != m || len(b.eLast) != m ||
		len(b.eKind) != m || len(b.eVal) != m || len(b.nf.line) != nnf || len(b.ef.line) != nef ||
		len(b.bLabel) != bodies || len(b.bAttrs) != bodies || len(b.confs) > maxConfs {
		return errors.New("columns of different lengths")
	}
	w, sets, t := uint32(b.words.len()), uint32(b.sets.sets()), uint16(len(b.times)-1)
	for i := 0; i < n; i++ {
		if b.nFirst[i] > t || b.nLast[i] > t {
			return fmt.Errorf("node %d out of range", i)
		}
	}
	if err := b.nf.check(w); err != nil {
		return fmt.Errorf("node facts: %w", err)
	}
	if err := b.ef.check(w); err != nil {
		return fmt.Errorf("edge facts: %w", err)
	}
	for i := 0; i < n; i++ {
		lo, hi := b.nFact.bounds(uint32(i))
		if !b.nf.valuesFit(b.nBody[i], lo, hi) {
			return fmt.Errorf("node %d out of range", i)
		}
		for f := lo; f < hi; f++ {
			if int(b.body(uint32(i), f)) >= bodies {
				return fmt.Errorf("node fact %d out of range", f)
			}
		}
	}
	for k := 0; k < bodies; k++ {
		if int(b.bKind[k]) >= len(b.nodeKinds) || (b.bLabel[k] != labelIsID && b.bLabel[k] >= w) || b.bAttrs[k] >= sets {
			return fmt.Errorf("node fact body %d out of range", k)
		}
	}
	for i := 0; i < n; i++ {
		for e := b.outStart[i]; e < b.outStart[i+1]; e++ {
			if b.eTo[e] >= uint32(n) || int(b.eKind[e]) >= len(b.edgeKinds) || b.eFirst[e] > t || b.eLast[e] > t {
				return fmt.Errorf("edge %d out of range", e)
			}
			if e > b.outStart[i] && (b.eKind[e-1] > b.eKind[e] || (b.eKind[e-1] == b.eKind[e] && b.eTo[e-1] >= b.eTo[e])) {
				return fmt.Errorf("edge %d out of order", e)
			}
		}
	}
	for e := uint32(0); int(e) < m; e++ {
		lo, hi := b.eFact.bounds(e)
		if !b.ef.valuesFit(b.eVal[e], lo, hi) {
			return fmt.Errorf("edge %d out of range", e)
		}
		for f := lo; f < hi; f++ {
			if v := b.edgeVal(e, f); v&attrMask >= sets || int(v>>confShift) >= len(b.confs) {
				return fmt.Errorf("edge fact %d out of range", f)
			}
		}
	}
	for f, ev := range b.evidence {
		if int(f) >= nef || ev == nil {
			return errors.New("evidence out of range")
		}
	}
	return b.sets.check(w)
}

// check verifies the fact rows' words and exceptions against a table of
// w words.
func (fc *factCols) check(w uint32) error {
	for _, f := range fc.file {
		if f&^derivedBit >= w {
			return errors.New("file out of range")
		}
	}
	for _, x := range []*exceptions{&fc.lines, &fc.srcs} {
		if len(x.rows) != len(x.words) {
			return errors.New("exceptions of different lengths")
		}
		for k, r := range x.rows {
			if (k > 0 && r <= x.rows[k-1]) || r >= fc.len() {
				return errors.New("exceptions out of range")
			}
		}
	}
	for _, s := range fc.srcs.words {
		if s >= w {
			return errors.New("source out of range")
		}
	}
	return nil
}

// valuesFit reports whether the value v of an owner of the fact rows lo
// to hi is 0 when there are no rows, and when it is mixed, has two rows
// or more and points into side.
func (fc *factCols) valuesFit(v, lo, hi uint32) bool {
	if lo == hi {
		return v == 0
	}
	if v&mixedBit == 0 {
		return true
	}
	if hi-lo < 2 {
		return false
	}
	start := uint64(v &^ mixedBit)
	return start+uint64(hi-lo) <= uint64(len(fc.side))
}

// checkRuns verifies that starts holds rows+1 rising offsets from 0 to
// total; strict requires every run to hold at least one row.
func checkRuns(starts []uint32, rows, total int, strict bool) error {
	if len(starts) != rows+1 || starts[0] != 0 || int(starts[rows]) != total {
		return errors.New("runs out of range")
	}
	for i := 1; i < len(starts); i++ {
		if starts[i] < starts[i-1] || (strict && starts[i] == starts[i-1]) {
			return errors.New("runs out of order")
		}
	}
	return nil
}

func checkStrtab(t *strtab) error {
	prev := uint32(0)
	for _, e := range t.ends {
		if e < prev || int(e) > len(t.data) {
			return errors.New("string table out of range")
		}
		prev = e
	}
	return nil
}

// save writes the base to a temporary file beside path, syncs it and
// renames it over path, so that a crash leaves either the old file or the
// new one, never a mix.
func save(path string, b *base) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create store folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create store file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename

	if err := encode(tmp, b); err != nil {
		tmp.Close()
		return fmt.Errorf("write store file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync store file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close store file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace store file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// columnWriter writes the values of a store file.
type columnWriter struct {
	w   *bufio.Writer
	buf [8]byte
}

func (cw *columnWriter) count(n int) {
	binary.LittleEndian.PutUint64(cw.buf[:], uint64(n))
	cw.w.Write(cw.buf[:8])
}

func (cw *columnWriter) u32s(col []uint32) {
	cw.count(len(col))
	for _, v := range col {
		binary.LittleEndian.PutUint32(cw.buf[:], v)
		cw.w.Write(cw.buf[:4])
	}
}

func (cw *columnWriter) u16s(col []uint16) {
	cw.count(len(col))
	for _, v := range col {
		binary.LittleEndian.PutUint16(cw.buf[:], v)
		cw.w.Write(cw.buf[:2])
	}
}

func (cw *columnWriter) bytes(p []byte) {
	cw.count(len(p))
	cw.w.Write(p)
}

func (cw *columnWriter) str(s string) {
	cw.count(len(s))
	cw.w.WriteString(s)
}

func encode(w io.Writer, b *base) error {
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)
	cw := &columnWriter{w: bw}
	bw.WriteString(fileMagic)

	var blob bytes.Buffer
	m := meta{LastWrite: b.lastWrite, Times: b.times, NodeKinds: b.nodeKinds, EdgeKinds: b.edgeKinds,
		Confs: b.confs, Evidence: b.evidence, IDs: b.ids.n}
	if err := gob.NewEncoder(&blob).Encode(&m); err != nil {
		return err
	}
	cw.bytes(blob.Bytes())
	cw.str(b.ids.data)
	cw.u32s(b.ids.blocks)
	cw.str(b.words.data)
	cw.u32s(b.words.ends)
	for _, col := range b.u32Columns() {
		cw.u32s(*col)
	}
	for _, col := range b.u16Columns() {
		cw.u16s(*col)
	}
	for _, col := range b.u8Columns() {
		cw.bytes(*col)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(h.Sum(nil))
	return err
}
