// Package history keeps a snapshot of the embedded store file after every
// ingest run and opens the graph as it was at a given time.
//
// A snapshot is a hard link (or, where linking fails, a copy) of the store
// file, named by the time of the run's write:
// <db>.history/2026-11-03T09:00:00Z.db. The embedded store never rewrites
// its file in place: every write renames a new file over the old one, so a
// link keeps the old content and costs no space until the next write.
//
// Snapshots are read-only: [Open] returns a store whose Write fails. The
// Neo4j store keeps no history; its commands report [ErrNoHistory].
package history

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ErrNoSnapshot reports that no snapshot is old enough for the time asked.
var ErrNoSnapshot = errors.New("no snapshot")

// ErrNoHistory reports that the store in use keeps no history.
var ErrNoHistory = errors.New("the Neo4j store keeps no history: snapshots are kept only for the embedded store (--db); " +
	"for past states of a Neo4j graph use the database's own backups (neo4j-admin database dump), " +
	"or ingest the same inputs into an embedded store with --db")

// Snapshot is the graph as one ingest run left it.
type Snapshot struct {
	// Time is when the run wrote the graph, to the second, in UTC.
	Time time.Time `json:"time"`
	// Path is the snapshot's file.
	Path string `json:"path"`
	// Size is the file's size in bytes.
	Size int64 `json:"size"`
	// Replaced is set by Record when the snapshot took the place of one
	// taken earlier in the same second.
	Replaced bool `json:"-"`
}

// Retention is the rule for which snapshots to keep. Zero fields keep
// everything.
type Retention struct {
	// Keep is how many of the newest snapshots to keep.
	Keep int
	// MaxAge removes snapshots older than this, measured from the newest.
	MaxAge time.Duration
}

// DefaultRetention keeps the last 30 runs of the last 90 days.
var DefaultRetention = Retention{Keep: 30, MaxAge: 90 * 24 * time.Hour}

const ext = ".db"

// Dir is the folder holding the snapshots of the store file db.
func Dir(db string) string { return db + ".history" }

// name is the file name of the snapshot taken at t.
func name(t time.Time) string { return t.UTC().Format(time.RFC3339) + ext }

// Record snapshots the store file db as written at t, then removes the
// snapshots that ret no longer keeps. A snapshot taken at the same second
// replaces the earlier one. It returns the new snapshot and the removed
// ones.
func Record(db string, t time.Time, ret Retention) (Snapshot, []Snapshot, error) {
	dir := Dir(db)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Snapshot{}, nil, fmt.Errorf("create history folder: %w", err)
	}
	t = t.UTC().Truncate(time.Second)
	final := filepath.Join(dir, name(t))
	tmp := filepath.Join(dir, ".tmp-"+name(t))
	os.Remove(tmp)
	if err := os.Link(db, tmp); err != nil {
		if err := copyFile(db, tmp); err != nil {
			os.Remove(tmp)
			return Snapshot{}, nil, fmt.Errorf("snapshot store file: %w", err)
		}
	}
	_, err := os.Lstat(final)
	replaced := err == nil
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return Snapshot{}, nil, fmt.Errorf("snapshot store file: %w", err)
	}
	info, err := os.Stat(final)
	if err != nil {
		return Snapshot{}, nil, fmt.Errorf("snapshot store file: %w", err)
	}
	snap := Snapshot{Time: t, Path: final, Size: info.Size(), Replaced: replaced}
	removed, err := prune(db, t, ret)
	return snap, removed, err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// prune removes the snapshots taken before t that ret does not keep,
// counting ages from t. The snapshot at t always stays. Snapshots named
// later than t are left alone and not counted: the clock may have been
// set back, and one stray late file must not make every real snapshot
// look too old.
func prune(db string, t time.Time, ret Retention) ([]Snapshot, error) {
	list, err := List(db)
	if err != nil {
		return nil, err
	}
	var older []Snapshot
	for _, s := range list {
		if s.Time.Before(t) {
			older = append(older, s)
		}
	}
	var removed []Snapshot
	for i, s := range older {
		// The snapshot at t is the newest kept, so Keep leaves Keep-1 older.
		tooMany := ret.Keep > 0 && len(older)-i >= ret.Keep
		tooOld := ret.MaxAge > 0 && t.Sub(s.Time) > ret.MaxAge
		if !tooMany && !tooOld {
			continue
		}
		if err := os.Remove(s.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove old snapshot: %w", err)
		}
		removed = append(removed, s)
	}
	return removed, nil
}

// List returns the snapshots of the store file db, oldest first. Files
// not named as Record names snapshots (UTC, to the second) are left out.
func List(db string) ([]Snapshot, error) {
	entries, err := os.ReadDir(Dir(db))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history folder: %w", err)
	}
	var out []Snapshot
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ext)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		t, err := time.Parse(time.RFC3339, base)
		if err != nil || name(t) != e.Name() {
			// Only names that Record writes are snapshots.
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, Snapshot{Time: t.UTC(), Path: filepath.Join(Dir(db), e.Name()), Size: info.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// At returns the latest snapshot taken at or before t. It fails with
// ErrNoSnapshot, naming the oldest snapshot, when every one is newer.
func At(db string, t time.Time) (Snapshot, error) {
	list, err := List(db)
	if err != nil {
		return Snapshot{}, err
	}
	if len(list) == 0 {
		return Snapshot{}, fmt.Errorf("%w in %s: every ingest run into this store records one; run `blastradius ingest` first", ErrNoSnapshot, Dir(db))
	}
	i := sort.Search(len(list), func(i int) bool { return list[i].Time.After(t) })
	if i == 0 {
		return Snapshot{}, fmt.Errorf("%w at or before %s: the oldest is from %s", ErrNoSnapshot,
			t.UTC().Format(time.RFC3339), list[0].Time.Format(time.RFC3339))
	}
	return list[i-1], nil
}

// ParseTime reads a time given to --as-of, --from or --to: RFC 3339, or
// "now".
func ParseTime(s string) (time.Time, error) {
	if s == "now" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid time %q: use RFC 3339, e.g. 2026-11-03T09:00:00Z, or now", s)
	}
	return t.UTC(), nil
}

// maxAgeDays bounds an age in days well inside time.Duration's range.
const maxAgeDays = 36500

// ParseAge reads a retention age: a Go duration (720h) or a number of
// days (90d). Zero keeps snapshots of any age.
func ParseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || n < 0 || n > maxAgeDays || fmt.Sprint(n) != days {
			return 0, fmt.Errorf("invalid age %q: use days (90d, at most %dd) or a duration (720h)", s, maxAgeDays)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid age %q: use days (90d) or a duration (720h)", s)
	}
	return d, nil
}
