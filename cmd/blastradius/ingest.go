package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/internal/progress"
)

// parsers returns a fresh parser of every format, in detection order: the
// first whose Detect accepts a file parses it.
func parsers() []ingest.Parser { return formats.All() }

func newIngestCommand(o *options) *cobra.Command {
	var repo, repoHost, org string
	var workers int
	var keepDeleted bool
	cmd := &cobra.Command{
		Use:   "ingest PATH...",
		Short: "Read files and folders into the graph",
		Long: `ingest walks the given files and folders, recognises each file's format
(GitHub Actions workflows, lockfiles, Terraform, CloudTrail logs, IAM
policies), and writes what it finds to the graph in one atomic run. A file
that fails to parse is reported with its position and keeps the facts an
earlier run read from it; the other files still go in. The facts of a file
that an earlier run read from an input folder and that is gone from it now
are retired, unless --keep-deleted is given.

A file's repository is taken from --repo, else from the origin remote of
the nearest .git folder, else it is ORG/FOLDER where FOLDER holds .git,
.github, .circleci or .gitlab-ci.yml (else the input folder) and ORG is
--org.

The heap may grow to half of the memory the machine, or its cgroup, allows
before the collector runs more often. GOMEMLIMIT bounds it lower; GOGC
restores Go's own settings.`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			beforeWrite := paceIngestGC(o.logger)
			if err := checkFormat(o.format, "table", "json"); err != nil {
				return err
			}
			if err := checkIngestFlags(repo, org, workers); err != nil {
				return err
			}
			host, err := checkRepoHost(repo, repoHost)
			if err != nil {
				return err
			}
			// A missing path is a usage error, reported before the store
			// is opened or locked.
			for _, path := range args {
				if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
					return &exitError{code: exitUsage, err: fmt.Errorf("input %s not found: check the path", path)}
				}
			}
			if !o.usesNeo4j() {
				unlock, err := memstore.Lock(o.db)
				if err != nil {
					return err
				}
				defer unlock()
				// The store file is replaced by a new file in its folder
				// at the end of the run, so a folder that takes no new
				// file fails now rather than after every input is read.
				if err := checkWritable(filepath.Dir(o.db)); err != nil {
					return err
				}
			}
			store, err := o.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			fp, err := o.fingerprinter()
			if err != nil {
				return err
			}
			p := &ingest.Pipeline{
				Parsers:     parsers(),
				Store:       store,
				Derive:      (&link.Linker{Logger: o.logger}).Derive,
				Env:         &ingest.Env{Fingerprint: fp.Fingerprint, Logger: o.logger},
				Repo:        repo,
				RepoHost:    host,
				Org:         orgIfSet(cmd, org),
				Workers:     workers,
				Logger:      o.logger,
				Prune:       !keepDeleted,
				BeforeWrite: beforeWrite,
			}
			if !o.usesNeo4j() {
				p.StorePath = o.db
			}
			p.OwnFiles = []string{o.saltPath(), o.rejectedPath()}
			bar := progress.New(o.rawStderr)
			p.Progress = bar
			stopWatch := o.profile.watchPeak(o.stderr)
			sum, err := p.Run(cmd.Context(), args)
			stopWatch()
			bar.Finish()
			if err != nil {
				return err
			}
			// The table counts skipped files by reason; the debug log
			// names each, as the JSON summary does.
			for _, sk := range sum.Skipped {
				o.logger.Debug("file skipped", "path", sk.Path, "reason", sk.Reason)
			}
			if err := printSummary(o.stdout, o.format, sum); err != nil {
				return err
			}
			if err := o.recordRejected(args, sum, time.Now().UTC()); err != nil {
				o.logger.Warn("the list of rejected files was not updated", "file", o.rejectedPath(), "err", err)
			}
			if len(sum.Rejected) > 0 {
				return &exitError{code: exitRejected}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&repo, "repo", "", "repository (OWNER/NAME, or GROUP/SUBGROUP/NAME on GitLab) of every input file")
	f.StringVar(&repoHost, "repo-host", "", "host of the --repo repository, a GitHub Enterprise Server or a self-managed GitLab (default: the clone's origin host, else github.com)")
	f.StringVar(&org, "org", "local", "owner of repositories found without a git remote")
	f.IntVar(&workers, "workers", 0, "files parsed at once (default: the number of CPUs)")
	f.StringVar(&o.format, "format", "table", "output format: table or json")
	f.BoolVar(&keepDeleted, "keep-deleted", false, "keep the facts of files that earlier runs read from the input folders and that are gone now")
	withSnapshots(cmd, o)
	return cmd
}

// skippedBreakdown counts skipped files by reason and extension, most
// frequent first: " (format not recognised: .md 40, .yaml 12; binary file: 3)".
func skippedBreakdown(skips []ingest.Skip) string {
	if len(skips) == 0 {
		return ""
	}
	byReason := map[string]map[string]int{}
	for _, s := range skips {
		ext := filepath.Ext(s.Path)
		if ext == "" {
			ext = filepath.Base(s.Path)
		}
		if byReason[s.Reason] == nil {
			byReason[s.Reason] = map[string]int{}
		}
		byReason[s.Reason][ext]++
	}
	var parts []string
	for _, reason := range sortedKeys(byReason) {
		exts := byReason[reason]
		keys := sortedKeys(exts)
		sort.SliceStable(keys, func(i, j int) bool { return exts[keys[i]] > exts[keys[j]] })
		var items []string
		for i, k := range keys {
			if i == 6 {
				items = append(items, fmt.Sprintf("%d other kinds", len(keys)-6))
				break
			}
			items = append(items, fmt.Sprintf("%s %d", k, exts[k]))
		}
		parts = append(parts, reason+": "+strings.Join(items, ", "))
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// namePart matches one part of a repository name as GitHub and GitLab
// allow it.
var namePart = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// orgIfSet returns the --org value when the user gave one, and "" otherwise,
// so that the pipeline warns about repositories it names with the default.
func orgIfSet(cmd *cobra.Command, org string) string {
	if cmd.Flags().Changed("org") {
		return org
	}
	return ""
}

func checkIngestFlags(repo, org string, workers int) error {
	if workers < 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("invalid --workers %d: use 0 (one per CPU) or more", workers)}
	}
	if repo != "" {
		// A GitLab project's path has its groups before the name.
		parts := strings.Split(repo, "/")
		valid := len(parts) >= 2
		for _, part := range parts {
			valid = valid && namePart.MatchString(part)
		}
		if !valid {
			return &exitError{code: exitUsage, err: fmt.Errorf("invalid --repo %q: use OWNER/NAME, e.g. example-org/api, or GROUP/SUBGROUP/NAME for a GitLab project", repo)}
		}
	}
	if !namePart.MatchString(org) {
		return &exitError{code: exitUsage, err: fmt.Errorf("invalid --org %q: use letters, digits, '.', '_' and '-'", org)}
	}
	return nil
}

// checkRepoHost returns the host that --repo-host names, "" when unset.
func checkRepoHost(repo, repoHost string) (string, error) {
	if repoHost == "" {
		return "", nil
	}
	if repo == "" {
		return "", &exitError{code: exitUsage, err: errors.New("--repo-host needs --repo: it names the host of that repository")}
	}
	host := ingest.RepoHost(repoHost)
	if host == "" {
		return "", &exitError{code: exitUsage, err: fmt.Errorf("invalid --repo-host %q: use a host name, e.g. ghe.example.com", repoHost)}
	}
	return host, nil
}

func printSummary(w io.Writer, format string, sum *ingest.Summary) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FORMAT\tINGESTED\tREJECTED\tRECORDS\tWARNINGS")
	var names []string
	for n := range sum.Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	total := ingest.FormatSummary{}
	for _, n := range names {
		f := sum.Formats[n]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", n, f.Ingested, f.Rejected, f.Records, f.Warnings)
		total.Ingested += f.Ingested
		total.Rejected += f.Rejected
		total.Records += f.Records
		total.Warnings += f.Warnings
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\n", total.Ingested, total.Rejected, total.Records, total.Warnings)
	tw.Flush()
	fmt.Fprintf(w, "\nskipped: %s%s\n", plural(int64(len(sum.Skipped)), "file"), skippedBreakdown(sum.Skipped))
	if len(sum.Pruned) > 0 {
		fmt.Fprintf(w, "retired: facts of %s gone from the input folders\n", plural(int64(len(sum.Pruned)), "file"))
	}
	fmt.Fprintf(w, "graph: %d nodes, %d edges\n", sum.Nodes, sum.Edges)
	if len(sum.Rejected) > 0 {
		fmt.Fprintf(w, "\nrejected files:\n")
		for _, d := range sum.Rejected {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
	if len(sum.Warnings) > 0 {
		fmt.Fprintf(w, "\nwarnings:\n")
		for i, d := range sum.Warnings {
			if i == 50 {
				fmt.Fprintf(w, "  ... and %d more (use --format json for all)\n", len(sum.Warnings)-50)
				break
			}
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
	return nil
}

// checkWritable reports an error when no new file can be made in dir.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("store folder %s takes no new files, which the store needs to save the graph: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// watchPeak, when --memprofile is given, checks the heap every two seconds
// and writes the live heap next to the profile, with the suffix ".peak",
// whenever the heap is a tenth larger than at the last write. The file then
// shows what an ingest holds near its largest. The returned function stops
// the watch.
func (p *profiler) watchPeak(stderr io.Writer) func() {
	if p.memPath == "" {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 || sample[0].Value.Uint64() < peak*11/10 {
				continue
			}
			peak = sample[0].Value.Uint64()
			f, err := os.Create(p.memPath + ".peak")
			if err != nil {
				fmt.Fprintf(stderr, "blastradius: create --memprofile: %v\n", err)
				return
			}
			if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
				fmt.Fprintf(stderr, "blastradius: write --memprofile: %v\n", err)
			}
			f.Close()
		}
	}()
	return func() { close(done); <-stopped }
}
