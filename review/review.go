// Package review ranks every credential and every package of a graph by
// its reach: the live services and resources an attacker with it could
// touch, weighted by the criticality the owner gives each one.
//
// Beside the ranking it lists the findings that make a reach large:
// long-lived keys stored as CI secrets, stale credentials, wildcard OIDC
// trusts, actions pinned by tag in jobs that have secrets, privilege
// escalation to admin, and secrets delivered to jobs that never use them.
// It compares a review with an earlier one and renders it as Markdown,
// JSON, CSV or a self-contained HTML page.
//
// A review is a quarterly question, not an incident: it computes one
// blast radius (query.BlastRadius) per credential and per package version.
//
// # Limits
//
// A resource counts when an input declares it or a log names it. A scope
// node that stands for every resource of a pattern (reached through a
// wildcard or an escalation to admin) counts once, with its own weight,
// not as the resources it covers; give such scopes a weight in the
// criticality mapping to rank them. A CI secret counts as a long-lived
// cloud key when the graph shows the key it stores or the identity it
// acts as, or when its name is a cloud key's conventional name.
package review

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
	"golang.org/x/sync/errgroup"
)

// Entry kinds.
const (
	KindCredential = "credential"
	KindPackage    = "package"
)

// Options tune a review.
type Options struct {
	// Criticality weighs reached resources; nil weighs each one 1.
	Criticality *Criticality
	// UnusedDays flags long-lived credentials whose last use in the logs
	// is older than this many days before AsOf; 0 turns the check off.
	UnusedDays int
	// AsOf is the time the review is made; the zero value means now.
	AsOf time.Time
	// MaxDepth bounds each blast radius; 0 means query.DefaultMaxDepth.
	MaxDepth int
}

// Target is one live service or resource in an entry's reach.
type Target struct {
	ID         string           `json:"id"`
	Label      string           `json:"label,omitempty"`
	Weight     float64          `json:"weight"`
	Level      string           `json:"level,omitempty"`
	Confidence graph.Confidence `json:"confidence"`
	// Scope is true for a node that stands for every resource matching a
	// pattern (aws:s3:111122223333:*), reached through a wildcard.
	Scope bool `json:"scope,omitempty"`
}

// Entry is one credential or package with its reach.
type Entry struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"` // credential or package
	Type  string `json:"type,omitempty"`
	Label string `json:"label,omitempty"`
	// Score is the sum of the weights of Targets.
	Score   float64  `json:"score"`
	Targets []Target `json:"targets"`
	// Reached counts every node of the blast radius; Credentials and
	// Identities count those of each kind.
	Reached     int  `json:"reached"`
	Credentials int  `json:"credentials"`
	Identities  int  `json:"identities"`
	LongLived   bool `json:"longLived,omitempty"`
	// LastUsed is the latest use the access logs show, if any.
	LastUsed time.Time `json:"lastUsed,omitzero"`
	// Fingerprint identifies the credential's value (a salted fingerprint
	// or an access key id), to tell a rotation from a new credential.
	Fingerprint string `json:"fingerprint,omitempty"`
	// ActsAs lists the identities the credential authenticates as, directly
	// or through the credential it stores.
	ActsAs []string `json:"actsAs,omitempty"`
	// Findings lists the indexes in Review.Findings that concern this entry
	// or something in its reach.
	Findings []int  `json:"findings,omitempty"`
	Pos      string `json:"pos,omitempty"`
}

// Review is the ranking of every credential and package.
type Review struct {
	AsOf       time.Time  `json:"asOf"`
	UnusedDays int        `json:"unusedDays,omitempty"`
	Entries    []*Entry   `json:"entries"`
	Findings   []*Finding `json:"findings"`
	// Comparison is set by Compare.
	Comparison *Comparison `json:"comparison,omitempty"`
}

// Run reviews the whole graph.
func Run(ctx context.Context, r graph.Reader, opt Options) (*Review, error) {
	if opt.AsOf.IsZero() {
		opt.AsOf = time.Now().UTC()
	}
	crit := opt.Criticality
	if crit == nil {
		crit = &Criticality{}
	}
	starts, err := entryNodes(ctx, r)
	if err != nil {
		return nil, err
	}
	rv := &Review{AsOf: opt.AsOf, UnusedDays: opt.UnusedDays, Entries: []*Entry{}}

	// Findings about the graph come first, so that each blast radius is
	// matched against them as it is computed and then dropped.
	graphWide, err := findings(ctx, r, rv, opt, graphFindings)
	if err != nil {
		return nil, err
	}
	about := map[string][]*Finding{}
	for _, f := range graphWide {
		about[f.Node] = append(about[f.Node], f)
		for _, rel := range f.Related {
			about[rel] = append(about[rel], f)
		}
	}
	// Each start's blast radius is computed on its own, so they run on
	// every core. Each result is reduced to its entry at once, and the
	// entries keep the order of starts.
	ranked := make([]rankedStart, len(starts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, n := range starts {
		g.Go(func() error {
			res, err := query.BlastRadius(gctx, r, []graph.Node{n}, n.ID, query.Options{MaxDepth: opt.MaxDepth})
			if err != nil {
				return err
			}
			ranked[i] = rankStart(n, res, crit, about)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	found := make(map[*Entry][]*Finding, len(ranked))
	keys := map[*Entry]keyEntry{}
	rv.Entries = make([]*Entry, 0, len(ranked))
	for _, rs := range ranked {
		found[rs.entry] = rs.findings
		rv.Entries = append(rv.Entries, rs.entry)
		if rs.key != nil {
			keys[rs.entry] = *rs.key
		}
	}
	ranked = nil
	rv.Entries = foldLoggedTwins(rv.Entries, keys, found)
	if err := fillCredentialFacts(ctx, r, rv.Entries); err != nil {
		return nil, err
	}
	unused, err := findings(ctx, r, rv, opt, []finder{unusedCredentials})
	if err != nil {
		return nil, err
	}
	// Entries are looked up by id: the generated organisation of a million
	// nodes has 374,861 entries and 118,831 findings.
	byID := make(map[string][]*Entry, len(rv.Entries))
	for _, e := range rv.Entries {
		byID[e.ID] = append(byID[e.ID], e)
	}
	for _, f := range unused {
		for _, e := range byID[f.Node] {
			found[e] = append(found[e], f)
		}
	}
	rv.Findings = append(graphWide, unused...)
	sortFindings(rv.Findings)
	index := map[*Finding]int{}
	for i, f := range rv.Findings {
		index[f] = i
	}
	for _, e := range rv.Entries {
		for _, f := range found[e] {
			e.Findings = append(e.Findings, index[f])
		}
		e.Findings = uniqueInts(e.Findings)
	}
	sortEntries(rv.Entries)
	return rv, nil
}

// rankedStart is the part of one start's blast radius that the review
// keeps: its entry, the findings about the start and the nodes it reaches,
// and the access key it is, if any.
type rankedStart struct {
	entry    *Entry
	findings []*Finding
	key      *keyEntry
}

func rankStart(n graph.Node, res *query.Result, crit *Criticality, about map[string][]*Finding) rankedStart {
	rs := rankedStart{entry: entryOf(n, res, crit)}
	rs.findings = append(rs.findings, about[n.ID]...)
	for _, x := range res.Reached {
		for _, f := range about[x.Node.ID] {
			if f.Node == x.Node.ID {
				rs.findings = append(rs.findings, f)
			}
		}
	}
	if x := res.Get(n.ID); x != nil {
		if user, id := query.AccessKeyOf(x); id != "" {
			rs.key = &keyEntry{user: user, id: id, logged: n.Attr(graph.AttrObserved) == "true"}
		}
	}
	return rs
}

func uniqueInts(list []int) []int {
	sort.Ints(list)
	out := list[:0]
	for i, v := range list {
		if i == 0 || v != list[i-1] {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// keyEntry is the user and key id of an access key entry, and whether
// only logs show the key.
type keyEntry struct {
	user, id string
	logged   bool
}

// foldLoggedTwins drops each access key entry that only logs show when a
// declared key of the same user has the same key id: both are one key,
// ranked once, as the declared key. That entry takes the logged one's
// key id, last use and findings.
func foldLoggedTwins(entries []*Entry, keys map[*Entry]keyEntry, found map[*Entry][]*Finding) []*Entry {
	declared := map[keyEntry]*Entry{}
	for _, e := range entries {
		if k, ok := keys[e]; ok && !k.logged {
			declared[k] = e
		}
	}
	out := entries[:0]
	for _, e := range entries {
		k, ok := keys[e]
		if !ok || !k.logged {
			out = append(out, e)
			continue
		}
		twin := declared[keyEntry{user: k.user, id: k.id}]
		if twin == nil {
			out = append(out, e)
			continue
		}
		if twin.Fingerprint == "" {
			twin.Fingerprint = k.id
		}
		if e.LastUsed.After(twin.LastUsed) {
			twin.LastUsed = e.LastUsed
		}
		for _, f := range found[e] {
			if f.Node == e.ID {
				f.Node = twin.ID
			}
		}
		found[twin] = append(found[twin], found[e]...)
		delete(found, e)
	}
	return out
}

// entryNodes lists what a review ranks: every Secret, every role and
// service account (whose sessions are credentials too), and every
// package version.
func entryNodes(ctx context.Context, r graph.Reader) ([]graph.Node, error) {
	var out []graph.Node
	secrets, err := r.NodesByKind(ctx, graph.NodeSecret)
	if err != nil {
		return nil, err
	}
	out = append(out, secrets...)
	ids, err := r.NodesByKind(ctx, graph.NodeIdentity)
	if err != nil {
		return nil, err
	}
	for _, n := range ids {
		if isSessionIdentity(n) {
			out = append(out, n)
		}
	}
	pkgs, err := r.NodesByKind(ctx, graph.NodePackage)
	if err != nil {
		return nil, err
	}
	for _, n := range pkgs {
		if n.Attr("version") != "" || strings.Contains(n.ID, "@") {
			out = append(out, n)
		}
	}
	return out, nil
}

// isSessionIdentity reports whether an identity is one whose sessions an
// attacker obtains by assuming it: a role or a service account.
func isSessionIdentity(n graph.Node) bool {
	switch n.Attr("type") {
	case "role", "service-account":
		return true
	}
	return strings.Contains(n.ID, ":role/") && strings.HasPrefix(n.ID, "arn:aws:iam::")
}

func entryOf(n graph.Node, res *query.Result, crit *Criticality) *Entry {
	e := &Entry{ID: n.ID, Kind: KindCredential, Type: n.Attr("type"), Label: n.Label, Targets: []Target{},
		LongLived: n.Attr(graph.AttrLongLived) == "true", Fingerprint: fingerprintOf(n)}
	if n.Kind == graph.NodePackage {
		e.Kind = KindPackage
		e.Type = n.Attr("ecosystem")
	}
	if n.Pos.File != "" && n.Pos.File != graph.DerivedSource {
		e.Pos = n.Pos.String()
	}
	if x := res.Get(n.ID); x != nil && x.Evidence != nil && x.Evidence.Count > 0 {
		e.LastUsed = x.Evidence.Last
	}
	e.Reached = len(res.Reached)
	for _, x := range res.Reached {
		switch x.Node.Kind {
		case graph.NodeSecret:
			e.Credentials++
		case graph.NodeIdentity:
			e.Identities++
		case graph.NodeResource:
			scope := x.Node.Attr("scope") == "true"
			if !live(x) && !scope {
				continue
			}
			t := Target{ID: x.Node.ID, Label: x.Node.Label, Weight: crit.Weight(x.Node), Confidence: x.Confidence, Scope: scope}
			if k := len(x.Path); k > 0 {
				t.Level = x.Path[k-1].Level
			}
			e.Targets = append(e.Targets, t)
			e.Score += t.Weight
		}
	}
	sort.Slice(e.Targets, func(i, j int) bool {
		a, b := e.Targets[i], e.Targets[j]
		if a.Weight != b.Weight {
			return a.Weight > b.Weight
		}
		return a.ID < b.ID
	})
	return e
}

// live reports whether a reached node is declared by an input or seen in
// logs. A node that a log names carries observed=true in its merged
// attributes even when an input declares it too, and a blast radius
// attaches only the evidence of identities it reaches, so the log
// marking counts as well.
func live(x *query.Reached) bool {
	return x.Live() || x.Node.Attr("observed") == "true"
}

func fingerprintOf(n graph.Node) string {
	if f := n.Attr(graph.AttrFingerprint); f != "" {
		return f
	}
	return n.Attr("key_id")
}

// fillCredentialFacts sets ActsAs and, for a secret that only stores
// other credentials, the last use of what it stores.
func fillCredentialFacts(ctx context.Context, r graph.Reader, entries []*Entry) error {
	byID := map[string]*Entry{}
	var ids []string
	for _, e := range entries {
		if e.Kind == KindCredential {
			byID[e.ID] = e
			ids = append(ids, e.ID)
		}
	}
	auth, err := r.Expand(ctx, ids, graph.Out, graph.EdgeAuthenticatesAs)
	if err != nil {
		return err
	}
	for _, ed := range auth {
		byID[ed.From].ActsAs = append(byID[ed.From].ActsAs, ed.To)
	}
	holds, err := r.Expand(ctx, ids, graph.Out, graph.EdgeHolds)
	if err != nil {
		return err
	}
	for _, ed := range holds {
		holder, held := byID[ed.From], byID[ed.To]
		if held == nil {
			continue
		}
		holder.ActsAs = append(holder.ActsAs, held.ActsAs...)
		if held.LastUsed.After(holder.LastUsed) {
			holder.LastUsed = held.LastUsed
		}
	}
	for _, e := range byID {
		e.ActsAs = uniqueSorted(e.ActsAs)
	}
	return nil
}

// sortEntries orders by score, then by how much else the entry reaches,
// then by id, so that equal reviews render identically.
func sortEntries(es []*Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Reached != b.Reached {
			return a.Reached > b.Reached
		}
		return a.ID < b.ID
	})
}

func uniqueSorted(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// formatWeight renders a weight or score without trailing zeros.
func formatWeight(w float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", w), "0"), ".")
}
