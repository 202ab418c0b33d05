package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/history"
	"github.com/blastradius-dev/blastradius/web"
)

const (
	deployJob     = "runtime:gha:example-org/web-app/.github/workflows/deploy.yml#deploy"
	ciSecretKeyID = "secret:gha:example-org/web-app/CI_AWS_SECRET_ACCESS_KEY"
)

// copyTree copies the example organisation into dir, so a test may edit it.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".blastradius" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// twoSnapshots ingests the example, then removes the deploy job's
// reference to CI_AWS_SECRET_ACCESS_KEY and ingests again. It returns the
// store file and the times of both snapshots.
func twoSnapshots(t *testing.T) (db string, first, second time.Time) {
	t.Helper()
	dir := t.TempDir()
	inputs := filepath.Join(dir, "example-org")
	copyTree(t, exampleDir, inputs)
	db = filepath.Join(dir, "store", "graph.db")
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "store", "salt"), bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	ingestOnce := func() {
		t.Helper()
		out, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", inputs)
		if code != exitOK {
			t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
		}
	}
	ingestOnce()
	// Snapshots are named to the second.
	time.Sleep(1100 * time.Millisecond)

	wf := filepath.Join(inputs, "repos", "web-app", ".github", "workflows", "deploy.yml")
	data, err := os.ReadFile(wf)
	if err != nil {
		t.Fatal(err)
	}
	const ref = "      AWS_SECRET_ACCESS_KEY: ${{ secrets.CI_AWS_SECRET_ACCESS_KEY }}\n"
	if !bytes.Contains(data, []byte(ref)) {
		t.Fatal("the example workflow no longer references CI_AWS_SECRET_ACCESS_KEY as this test expects")
	}
	if err := os.WriteFile(wf, bytes.Replace(data, []byte(ref), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	ingestOnce()

	list, err := history.List(db)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("got %d snapshots after two ingest runs, want 2: %+v", len(list), list)
	}
	return db, list[0].Time, list[1].Time
}

func TestAsOfAndDiff(t *testing.T) {
	db, first, second := twoSnapshots(t)

	reachedIDs := func(args ...string) map[string]bool {
		t.Helper()
		out, errs, code := run(t, append([]string{"--db", db, "--log-level", "error", "query", "--package", examplePkg, "--format", "json"}, args...)...)
		if code != exitOK {
			t.Fatalf("query %v: exit %d: %s", args, code, errs)
		}
		var res resultView
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, r := range res.Reached {
			ids[r.Node.ID] = true
		}
		return ids
	}
	for _, tc := range []struct {
		name string
		args []string
		want bool
	}{
		{"as of the first run", []string{"--as-of", first.Format(time.RFC3339)}, true},
		{"between the runs", []string{"--as-of", first.Add(500 * time.Millisecond).Format(time.RFC3339Nano)}, true},
		{"as of the second run", []string{"--as-of", second.Format(time.RFC3339)}, false},
		{"current graph", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := reachedIDs(tc.args...)[ciSecretKeyID]; got != tc.want {
				t.Errorf("%s reached: got %v, want %v", ciSecretKeyID, got, tc.want)
			}
		})
	}

	_, errs, code := run(t, "--db", db, "query", "--package", examplePkg, "--as-of", first.Add(-time.Hour).Format(time.RFC3339))
	if code != exitFailure || !strings.Contains(errs, "no snapshot at or before") {
		t.Errorf("as-of before every snapshot: exit %d, %q; want exit 1 saying no snapshot", code, errs)
	}

	out, errs, code := run(t, "--db", db, "diff", "--from", first.Format(time.RFC3339), "--to", second.Format(time.RFC3339),
		"--package", examplePkg, "--format", "json")
	if code != exitOK {
		t.Fatalf("diff exit %d: %s", code, errs)
	}
	var d struct {
		NodesAdded, NodesRemoved []struct{ ID string }
		EdgesAdded, EdgesRemoved []struct {
			From, Kind, To string
			Pos            struct {
				File string
				Line int
			}
		}
		PathsAdded, PathsRemoved []struct{ To string }
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	type edge struct{ From, Kind, To, File string }
	var removed []edge
	for _, e := range d.EdgesRemoved {
		removed = append(removed, edge{e.From, e.Kind, e.To, filepath.Base(e.Pos.File) + ":" + itoa(e.Pos.Line)})
	}
	// The workflow named the secret on line 30; the secret itself stays,
	// declared in infra/main.tf, and so does every other edge.
	wantRemoved := []edge{{deployJob, "EXPOSES", ciSecretKeyID, "deploy.yml:30"}}
	if diff := cmp.Diff(removed, wantRemoved); diff != "" {
		t.Errorf("removed edges (-got +want):\n%s", diff)
	}
	if n := len(d.NodesAdded) + len(d.NodesRemoved) + len(d.EdgesAdded); n != 0 {
		t.Errorf("got %d added or removed nodes and added edges, want 0: %s", n, out)
	}
	var pathsRemoved []string
	for _, p := range d.PathsRemoved {
		pathsRemoved = append(pathsRemoved, p.To)
	}
	if diff := cmp.Diff(pathsRemoved, []string{ciSecretKeyID}); diff != "" {
		t.Errorf("removed paths (-got +want):\n%s", diff)
	}
	if len(d.PathsAdded) != 0 {
		t.Errorf("got %d added paths, want 0", len(d.PathsAdded))
	}

	out, _, code = run(t, "--db", db, "diff", "--from", first.Format(time.RFC3339), "--package", examplePkg)
	wantLine := "  - " + deployJob + " -EXPOSES-> " + ciSecretKeyID
	if code != exitOK || !strings.Contains(out, wantLine) {
		t.Errorf("diff table: exit %d, want a line %q in:\n%s", code, wantLine, out)
	}

	_, errs, code = run(t, "--db", db, "diff", "--from", first.Format(time.RFC3339), "--package", "pkg:npm/not-installed@1.0.0")
	if code != exitNoMatch {
		t.Errorf("diff of a package in neither snapshot: exit %d, want %d; stderr:\n%s", code, exitNoMatch, errs)
	}
}

func TestHistoryList(t *testing.T) {
	db, first, second := twoSnapshots(t)
	out, errs, code := run(t, "--db", db, "history", "--format", "json")
	if code != exitOK {
		t.Fatalf("history exit %d: %s", code, errs)
	}
	var list []struct {
		Time time.Time
		Path string
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range list {
		got = append(got, s.Time.Format(time.RFC3339)+" "+filepath.Base(s.Path))
	}
	want := []string{
		first.Format(time.RFC3339) + " " + first.Format(time.RFC3339) + ".db",
		second.Format(time.RFC3339) + " " + second.Format(time.RFC3339) + ".db",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("history (-got +want):\n%s", diff)
	}
}

func TestHistoryNeo4jSaysNotKept(t *testing.T) {
	for _, args := range [][]string{
		{"history"},
		{"diff", "--from", "2026-11-01T00:00:00Z"},
		{"query", "--package", examplePkg, "--as-of", "2026-11-01T00:00:00Z"},
	} {
		_, errs, code := run(t, append([]string{"--store", "bolt://127.0.0.1:1"}, args...)...)
		if code != exitUsage || !strings.Contains(errs, "keeps no history") {
			t.Errorf("%v on Neo4j: exit %d, %q; want exit %d saying it keeps no history", args, code, errs, exitUsage)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// gqlPost sends one GraphQL request to a server startServe runs.
func gqlPost(t *testing.T, addr, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post("http://"+addr+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(raw, &env); err != nil || len(env.Errors) > 0 {
		t.Fatalf("graphql response: %v %s", err, raw)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		t.Fatal(err)
	}
}

func TestGraphQLSnapshotsAndDiff(t *testing.T) {
	db, first, second := twoSnapshots(t)
	addr := startServe(t, db)

	const snapshotsQuery = `query($after: String) { snapshots(first: 1, after: $after) {
	  totalCount edges { cursor node { time } } pageInfo { hasNextPage endCursor } } }`
	type snapPage struct {
		Snapshots struct {
			TotalCount int
			Edges      []struct{ Node struct{ Time string } }
			PageInfo   struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	var times []string
	var after any
	for page := 0; page < 3; page++ {
		var p snapPage
		gqlPost(t, addr, snapshotsQuery, map[string]any{"after": after}, &p)
		if p.Snapshots.TotalCount != 2 {
			t.Errorf("totalCount %d, want 2", p.Snapshots.TotalCount)
		}
		for _, e := range p.Snapshots.Edges {
			times = append(times, e.Node.Time)
		}
		if !p.Snapshots.PageInfo.HasNextPage {
			break
		}
		after = *p.Snapshots.PageInfo.EndCursor
	}
	if diff := cmp.Diff(times, []string{second.Format(time.RFC3339), first.Format(time.RFC3339)}); diff != "" {
		t.Errorf("snapshots, newest first, one a page (-got +want):\n%s", diff)
	}

	const diffQuery = `query($from: String!, $to: String, $p: [String!], $after: String) {
	  diff(from: $from, to: $to, packages: $p, first: 1, after: $after) {
	    from { time } to { time } totalCount
	    edges { node { change subject summary target edge { from kind to pos } } }
	    pageInfo { hasNextPage endCursor } } }`
	type diffPage struct {
		Diff struct {
			From, To   struct{ Time string }
			TotalCount int
			Edges      []struct {
				Node struct {
					Change, Subject, Summary string
					Target                   *string
					Edge                     *struct{ From, Kind, To, Pos string }
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	var changes []string
	after = nil
	for page := 0; page < 4; page++ {
		var p diffPage
		gqlPost(t, addr, diffQuery, map[string]any{"from": first.Format(time.RFC3339), "to": second.Format(time.RFC3339),
			"p": []string{examplePkg}, "after": after}, &p)
		if p.Diff.TotalCount != 2 || p.Diff.From.Time != first.Format(time.RFC3339) || p.Diff.To.Time != second.Format(time.RFC3339) {
			t.Errorf("diff page %d: total %d from %s to %s; want 2 changes between the two snapshots", page, p.Diff.TotalCount, p.Diff.From.Time, p.Diff.To.Time)
		}
		for _, e := range p.Diff.Edges {
			n := e.Node
			line := n.Change + " " + n.Subject + " "
			switch {
			case n.Edge != nil:
				line += n.Edge.From + " " + n.Edge.Kind + " " + n.Edge.To + " " + filepath.Base(n.Edge.Pos)
			case n.Target != nil:
				line += *n.Target
			}
			changes = append(changes, line)
		}
		if !p.Diff.PageInfo.HasNextPage {
			break
		}
		after = *p.Diff.PageInfo.EndCursor
	}
	want := []string{
		"REMOVED EDGE " + deployJob + " EXPOSES " + ciSecretKeyID + " deploy.yml:30",
		"REMOVED PATH " + ciSecretKeyID,
	}
	if diff := cmp.Diff(changes, want); diff != "" {
		t.Errorf("diff changes, one a page (-got +want):\n%s", diff)
	}
}

func TestServeAsOf(t *testing.T) {
	db, first, _ := twoSnapshots(t)
	addr := startServe(t, db, "--as-of", first.Format(time.RFC3339))
	var got struct {
		BlastRadius struct {
			Reached []struct{ Node struct{ ID string } }
		}
	}
	gqlPost(t, addr, `query($p: [String!]) { blastRadius(start: {packages: $p}) { reached { node { id } } } }`,
		map[string]any{"p": []string{examplePkg}}, &got)
	found := false
	for _, r := range got.BlastRadius.Reached {
		found = found || r.Node.ID == ciSecretKeyID
	}
	if !found {
		t.Errorf("serve --as-of the first run: %s not reached; the first snapshot exposes it", ciSecretKeyID)
	}
}

func TestServeMountsViewAndExplorer(t *testing.T) {
	addr := startServe(t, exampleDB(t))
	for _, tc := range []struct {
		path, contentType, contains, policy string
	}{
		{"/", "text/html; charset=utf-8", `src="app.js"`, web.Policy},
		{"/app.js", "text/javascript; charset=utf-8", "blastRadius(start: $s", web.Policy},
		{"/explorer/", "text/html; charset=utf-8", `src="explorer.js"`, ""},
		{"/explorer/explorer.js", "text/javascript; charset=utf-8", "graphql", ""},
	} {
		resp, err := http.Get("http://" + addr + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tc.contentType || !strings.Contains(string(body), tc.contains) {
			t.Errorf("GET %s: %d %q; want 200 %q with %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.contentType, tc.contains)
		}
		if tc.policy != "" && resp.Header.Get("Content-Security-Policy") != tc.policy {
			t.Errorf("GET %s: Content-Security-Policy %q, want %q", tc.path, resp.Header.Get("Content-Security-Policy"), tc.policy)
		}
	}
}

// TestJSONLogKeysUnique reads every JSON log line of an ingest that
// records a snapshot and of a query that reads one. A key given twice,
// such as a "time" attribute beside the record's own time, leaves a JSON
// reader with only one of the values.
func TestJSONLogKeysUnique(t *testing.T) {
	db := exampleDB(t)
	_, ingestLog, code := run(t, "--db", db, "--log-format", "json", "ingest", "--org", "example-org", exampleDir)
	if code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, ingestLog)
	}
	_, queryLog, code := run(t, "--db", db, "--log-format", "json", "query", "--package", examplePkg, "--as-of", "now")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, queryLog)
	}
	lines := strings.Split(strings.TrimSpace(ingestLog+"\n"+queryLog), "\n")
	snapshots := 0
	for _, line := range lines {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(line))
		if _, err := dec.Token(); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			key := tok.(string)
			if seen[key] {
				t.Errorf("key %q twice in log line %s", key, line)
			}
			seen[key] = true
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
		}
		if seen["snapshot"] {
			snapshots++
		}
	}
	if snapshots < 2 {
		t.Errorf("%d log lines name a snapshot, want the one recorded and the one read:\n%s", snapshots, strings.Join(lines, "\n"))
	}
}

// TestNewSaltBesideStoreWarns removes the salt of an existing store. The
// next ingest makes a new one and warns, while the first ingest into a new
// store makes one without a warning.
func TestNewSaltBesideStoreWarns(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "graph.db")
	_, first, code := run(t, "--db", db, "--log-format", "json", "ingest", "--org", "example-org", exampleDir)
	if code != exitOK {
		t.Fatalf("first ingest exit %d: %s", code, first)
	}
	if strings.Contains(first, "salt") {
		t.Errorf("first ingest into a new store mentions the salt:\n%s", first)
	}
	if err := os.Remove(filepath.Join(dir, "salt")); err != nil {
		t.Fatal(err)
	}
	_, second, code := run(t, "--db", db, "--log-format", "json", "ingest", "--org", "example-org", exampleDir)
	if code != exitOK {
		t.Fatalf("second ingest exit %d: %s", code, second)
	}
	if !strings.Contains(second, `"level":"WARN","msg":"fingerprint salt not found beside an existing store`) {
		t.Errorf("no warning about the new salt:\n%s", second)
	}
}
