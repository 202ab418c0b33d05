package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/ingest"
)

// A rejected file keeps the facts an earlier ingest read from it, or has
// none, so a query result about it may be stale or empty. The ingest command
// keeps the list of input files whose last ingest rejected them in a file
// beside the store, and the commands that read the graph warn about them,
// so that "nothing reachable" is not read as "safe".

// rejection is one input file whose last ingest rejected it.
type rejection struct {
	Pos     string    `json:"pos"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// rejectedPath returns the file that lists the rejected input files. Its
// name starts with the store's, so an ingest of the store's folder skips
// it as the tool's own state. A Neo4j graph, kept on a server, gets a
// file of its own per server, database and namespace, so that graphs
// sharing the folder of --db do not share their rejected files.
func (o *options) rejectedPath() string {
	if !o.usesNeo4j() {
		return o.db + ".rejected.json"
	}
	sum := sha256.Sum256([]byte(o.store + "\x00" + o.neo4jDB + "\x00" + o.neo4jNS))
	return o.db + ".neo4j-" + hex.EncodeToString(sum[:6]) + ".rejected.json"
}

// recordRejected updates the list of rejected files after an ingest of
// inputs: the files under inputs that this run did not reject leave it,
// and those it rejected enter it.
func (o *options) recordRejected(inputs []string, sum *ingest.Summary, at time.Time) error {
	list, err := readRejected(o.rejectedPath())
	if err != nil {
		return err
	}
	for path := range list {
		if slices.ContainsFunc(inputs, func(in string) bool { return ingest.Within(absPath(path), absPath(in)) }) {
			delete(list, path)
		}
	}
	for _, d := range sum.Rejected {
		// The position names the file by its absolute path, so that
		// commands run from another folder name it rightly.
		pos := d.Pos
		pos.File = absPath(pos.File)
		list[pos.File] = rejection{Pos: pos.String(), Message: d.Msg, At: at}
	}
	if len(list) == 0 {
		if err := os.Remove(o.rejectedPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	tmp := o.rejectedPath() + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, o.rejectedPath())
}

// absPath returns path as a clean absolute path, so that ./repo, repo/ and
// /abs/repo name one file once. A path that cannot be made absolute is only cleaned.
func absPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	return abs
}

// readRejected reads the list of rejected files, empty when there is none.
func readRejected(path string) (map[string]rejection, error) {
	list := map[string]rejection{}
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return list, nil
	}
	if err != nil {
		return nil, err
	}
	if info.Size() > maxRejectedList {
		return nil, fmt.Errorf("%s is larger than %d MiB, more than the tool writes; delete the file and ingest again", path, maxRejectedList>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("%s: %w; delete the file and ingest again", path, err)
	}
	if list == nil {
		// Unmarshal sets the map to nil for the JSON null.
		list = map[string]rejection{}
	}
	return list, nil
}

// maxRejectedList bounds the list's file: a rejection takes a few hundred
// bytes, so 16 MiB holds tens of thousands of rejected files.
const maxRejectedList = 16 << 20

// maxRejectedShown bounds the files the warning names.
const maxRejectedShown = 3

// warnRejected writes a warning to w when input files were rejected at
// their last ingest. A list that cannot be read is warned about too.
func (o *options) warnRejected(w io.Writer) {
	list, err := readRejected(o.rejectedPath())
	if err != nil {
		fmt.Fprintf(w, "blastradius: warning: %v\n", err)
		return
	}
	if len(list) == 0 {
		return
	}
	paths := make([]string, 0, len(list))
	for p := range list {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var listed []string
	for _, p := range paths[:min(len(paths), maxRejectedShown)] {
		listed = append(listed, list[p].Pos+": "+list[p].Message)
	}
	more := ""
	if n := len(paths) - len(listed); n > 0 {
		more = fmt.Sprintf(" (and %d more, listed in %s)", n, o.rejectedPath())
	}
	subject, possessive, clause := "input file was", "its", "it describes"
	if len(paths) > 1 {
		subject, possessive, clause = "input files were", "their", "they describe"
	}
	fmt.Fprintf(w, "blastradius: warning: %d %s rejected at the last ingest, so the graph holds none of %s facts or only those of an earlier run%s. Answers may miss what %s. Fix and ingest again:\n  %s\n",
		len(paths), subject, possessive, more, clause, strings.Join(listed, "\n  "))
}
