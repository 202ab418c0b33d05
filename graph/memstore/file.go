package memstore

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// fileMagic opens every store file; the trailing digit is the format
// version, raised whenever the encoding changes.
const fileMagic = "blastradius-memstore-2\n"

// header opens the content of a store file, after the magic line. The
// node records and then the edge records follow it, one gob value each,
// and a SHA-256 of everything before it ends the file. Writing and reading
// record by record keeps memory at one copy of the graph.
type header struct {
	LastWrite time.Time
	Nodes     int
	Edges     int
}

// Open loads the store file at path, or starts an empty store when the file
// does not exist yet. Every Write then replaces the file atomically.
func Open(path string) (*Store, error) {
	s := &Store{path: path, st: newState()}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	defer f.Close()
	st, err := load(f)
	if err != nil {
		return nil, fmt.Errorf("read store %s: %w", path, err)
	}
	s.st = st
	return s, nil
}

func load(r io.Reader) (*state, error) {
	h := sha256.New()
	br := bufio.NewReaderSize(r, 1<<20)
	magic := make([]byte, len(fileMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != fileMagic {
		return nil, errors.New("not a blastradius store file, or one written by another version: remove it and ingest again")
	}
	h.Write(magic)
	body := &hashingReader{r: br, h: h}
	dec := gob.NewDecoder(body)
	var head header
	if err := dec.Decode(&head); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	st := newState()
	st.lastWrite = head.LastWrite
	for i := 0; i < head.Nodes; i++ {
		rec := &nodeRec{}
		if err := dec.Decode(rec); err != nil {
			return nil, fmt.Errorf("decode node %d: %w", i, err)
		}
		rec.merged = mergeNode(rec)
		st.nodes[rec.ID] = rec
		for _, f := range rec.Facts {
			src := sourceOf(st, f.Source)
			src.Nodes = append(src.Nodes, rec.ID)
		}
	}
	for i := 0; i < head.Edges; i++ {
		rec := &edgeRec{}
		if err := dec.Decode(rec); err != nil {
			return nil, fmt.Errorf("decode edge %d: %w", i, err)
		}
		rec.merged = mergeEdge(rec)
		st.edges[rec.Key] = rec
		st.out[rec.Key.From] = append(st.out[rec.Key.From], rec.Key)
		st.in[rec.Key.To] = append(st.in[rec.Key.To], rec.Key)
		for _, f := range rec.Facts {
			src := sourceOf(st, f.Source)
			src.Edges = append(src.Edges, rec.Key)
		}
	}
	want := h.Sum(nil)
	got := make([]byte, sha256.Size)
	if _, err := io.ReadFull(br, got); err != nil || string(got) != string(want) {
		return nil, errors.New("checksum mismatch: the file is damaged; remove it and ingest again")
	}
	return st, nil
}

func sourceOf(st *state, name string) *sourceRec {
	s := st.bySource[name]
	if s == nil {
		s = &sourceRec{}
		st.bySource[name] = s
	}
	return s
}

// save writes the state to a temporary file beside path, syncs it and
// renames it over path, so that a crash leaves either the old file or the
// new one, never a mix.
func save(path string, st *state) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create store folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create store file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename

	if err := encode(tmp, st); err != nil {
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

func encode(w io.Writer, st *state) error {
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)
	if _, err := bw.WriteString(fileMagic); err != nil {
		return err
	}
	enc := gob.NewEncoder(bw)
	if err := enc.Encode(&header{LastWrite: st.lastWrite, Nodes: len(st.nodes), Edges: len(st.edges)}); err != nil {
		return err
	}
	for _, id := range sortedKeys(st.nodes) {
		if err := enc.Encode(st.nodes[id]); err != nil {
			return err
		}
	}
	for _, k := range sortedEdgeKeys(st.edges) {
		if err := enc.Encode(st.edges[k]); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(h.Sum(nil))
	return err
}

func sortedKeys(m map[string]*nodeRec) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedEdgeKeys(m map[graph.EdgeKey]*edgeRec) []graph.EdgeKey {
	keys := make([]graph.EdgeKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.To < b.To
	})
	return keys
}

// hashingReader feeds what it reads into a hash. It is an io.ByteReader so
// that gob reads exactly its own bytes and leaves the trailing checksum.
type hashingReader struct {
	r *bufio.Reader
	h hash.Hash
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	return n, err
}

func (hr *hashingReader) ReadByte() (byte, error) {
	b, err := hr.r.ReadByte()
	if err == nil {
		hr.h.Write([]byte{b})
	}
	return b, err
}
