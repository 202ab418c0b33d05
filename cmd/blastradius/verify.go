package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

func newVerifyCommand(o *options) *cobra.Command {
	var revoked []string
	var after string
	cmd := &cobra.Command{
		Use:   "verify --revoked ID... --after TIME",
		Short: "Show use of revoked credentials after they were revoked",
		Long: `verify reads the access-log evidence in the graph for each revoked
credential (an access key by key id or node id, a role, a user, a secret, a
token) and for the identities it authenticates as, and prints every use
after --after: the identity and target, the time range and number of calls,
the actions, the addresses and user agents seen after the revocation, and
the log records behind it.

An access key's use is narrowed to the calls signed with its key id: the
evidence keeps the first and last call of each key id, so a key whose own
last call came before --after is not reported although other keys went on
calling. Evidence is aggregated per caller and target, so a use whose calls
mix successful calls with denied ones, or that rests on evidence stored
without each key's times, whose calls mix the revoked key with other keys,
is marked possible. The evidence keeps the first 64 key ids of each caller
and target. A key it does not name may be among the keys left out of a full
list, so such a list's calls after --after are a possible use of the key (of
any caller for a key id that no evidence names).

Exit status 0 means no use after the revocation time, 5 that use continued.`,
		Example: `  blastradius verify --revoked AKIAEXAMPLEKEY000001 --after 2026-11-03T12:00:00Z
  blastradius verify --revoked arn:aws:iam::111122223333:role/deploy --revoked secret:github:token:555001 --after 2026-11-03T12:00:00Z --format json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format, "table", "json", "markdown"); err != nil {
				return err
			}
			refs := append(slices.Clone(revoked), args...)
			if len(refs) == 0 {
				return &exitError{code: exitUsage, err: errors.New("name the revoked credentials with --revoked")}
			}
			if after == "" {
				return &exitError{code: exitUsage, err: errors.New("give the revocation time with --after (RFC 3339, e.g. 2026-11-03T12:00:00Z)")}
			}
			at, err := time.Parse(time.RFC3339, after)
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("invalid --after %q: use RFC 3339, e.g. 2026-11-03T12:00:00Z", after)}
			}
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				rep, err := verify(cmd.Context(), s, refs, at.UTC())
				if err != nil {
					return err
				}
				if err := renderVerify(o.stdout, o.format, rep); err != nil {
					return err
				}
				if rep.Continued {
					return &exitError{code: exitContinued}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&revoked, "revoked", nil, "revoked credential: access key id, token id, or the id or name of a key, secret, role or user; repeatable")
	f.StringVar(&after, "after", "", "when the credentials were revoked (RFC 3339)")
	f.StringVar(&o.format, "format", "table", "output format: table, json or markdown")
	return cmd
}

// verifyReport is the result of verify: the uses of revoked credentials
// after the revocation time.
type verifyReport struct {
	After     time.Time     `json:"after"`
	Revoked   []revokedView `json:"revoked"`
	Continued bool          `json:"continued"`
	Uses      []useView     `json:"uses"`
	Attempts  []useView     `json:"attempts,omitempty"`
}

// revokedView is one --revoked argument and what it matched.
type revokedView struct {
	Ref   string   `json:"ref"`
	Nodes []string `json:"nodes,omitempty"`
	// KeyID is set when the argument is a credential id the logs name
	// without a node for it (a session key).
	KeyID string `json:"keyId,omitempty"`
}

// useView is the evidence of one caller acting on one target after the
// revocation time.
type useView struct {
	Revoked string `json:"revoked"`
	Key     string `json:"key,omitempty"`
	From    string `json:"from"`
	// AlsoFrom lists other callers whose edges to To rest on the same log
	// records: one caller as the log names it and as the linker attributes
	// it (an OIDC subject and the job that requested the token).
	AlsoFrom   []string         `json:"alsoFrom,omitempty"`
	To         string           `json:"to"`
	Obtained   bool             `json:"obtained,omitempty"` // the revoked identity was the target
	Confidence graph.Confidence `json:"confidence"`
	Reason     string           `json:"reason,omitempty"`
	First      time.Time        `json:"first"`
	Last       time.Time        `json:"last"`
	Calls      int64            `json:"calls"`
	Denied     int64            `json:"denied,omitempty"`
	Actions    []string         `json:"actions,omitempty"`
	Addrs      []graph.Seen     `json:"addrs,omitempty"`  // seen after the revocation time
	Agents     []graph.Seen     `json:"agents,omitempty"` // seen after the revocation time
	Records    []string         `json:"records,omitempty"`
	// Shared names which of Actions, Addrs, Agents and Records cover the calls
	// of other keys too, when the evidence does not keep the key's own.
	Shared string `json:"shared,omitempty"`
}

// scope is one identity whose evidence counts for a revoked credential,
// narrowed to one key id when key is set.
type scope struct {
	revoked  string
	identity string
	key      string
	// keyEv is the evidence of the key's own calls, when the logs gave
	// it (on the key's AUTHENTICATES_AS edge).
	keyEv *graph.Evidence
	// shared: the identity may have other credentials than the revoked one
	// and no key id narrows its evidence.
	shared bool
}

// verify finds the use of the revoked credentials after at.
func verify(ctx context.Context, r graph.Reader, refs []string, at time.Time) (*verifyReport, error) {
	rep := &verifyReport{After: at, Uses: []useView{}}
	var scopes []scope
	var targets []string // revoked nodes whose incoming evidence counts
	var bareKeys []string
	for _, ref := range refs {
		nodes, err := query.ResolveNodes(ctx, r, "", []string{ref})
		if errors.Is(err, query.ErrNoMatch) {
			if !looksLikeKeyID(ref) {
				return nil, &exitError{code: exitNoMatch, err: fmt.Errorf("revoked credential %q not found: no node has that id or name and it is no key or token id; list candidates with `blastradius nodes`", ref)}
			}
			rep.Revoked = append(rep.Revoked, revokedView{Ref: ref, KeyID: ref})
			bareKeys = append(bareKeys, ref)
			continue
		}
		if err != nil {
			return nil, err
		}
		rv := revokedView{Ref: ref}
		for _, n := range nodes {
			rv.Nodes = append(rv.Nodes, n.ID)
			ss, err := scopesOf(ctx, r, n)
			if err != nil {
				return nil, err
			}
			scopes = append(scopes, ss...)
			targets = append(targets, n.ID)
		}
		rep.Revoked = append(rep.Revoked, rv)
	}

	seen := map[string]bool{}
	add := func(u useView, attempt bool) {
		k := u.Revoked + "\x00" + u.From + "\x00" + u.To + "\x00" + u.Key
		if seen[k] {
			return
		}
		seen[k] = true
		if attempt {
			rep.Attempts = append(rep.Attempts, u)
		} else {
			rep.Uses = append(rep.Uses, u)
		}
	}

	// What the revoked identities, or the identities the revoked
	// credentials act as, did.
	for _, sc := range scopes {
		edges, err := r.Expand(ctx, []string{sc.identity}, graph.Out, graph.EdgeObserved)
		if err != nil {
			return nil, err
		}
		for _, e := range edges {
			if u, attempt, ok := useOf(e, sc, at); ok {
				add(u, attempt)
			}
		}
	}
	// What was done to the revoked nodes: a role still being assumed, a
	// secret still being read.
	if len(targets) > 0 {
		edges, err := r.Expand(ctx, targets, graph.In, graph.EdgeObserved)
		if err != nil {
			return nil, err
		}
		for _, e := range edges {
			if u, attempt, ok := useOf(e, scope{revoked: e.To}, at); ok {
				u.Obtained = true
				add(u, attempt)
			}
		}
	}
	// Credential ids with no node: every edge whose evidence names them.
	if len(bareKeys) > 0 {
		edges, err := r.EdgesByKind(ctx, graph.EdgeObserved)
		if err != nil {
			return nil, err
		}
		for _, key := range bareKeys {
			found := false
			callers := map[string]bool{} // identities whose calls name the key
			for _, e := range edges {
				if e.Evidence == nil || !slices.Contains(e.Evidence.Keys, key) {
					continue
				}
				found = true
				callers[e.From] = true
				if u, attempt, ok := useOf(e, scope{revoked: key, identity: e.From, key: key}, at); ok {
					add(u, attempt)
				}
			}
			// An edge whose key list is full may have left the key out: one
			// of an identity that used the key, or any when no edge names it.
			anyCaller := !found
			for _, e := range edges {
				if e.Evidence == nil || !keysFull(e.Evidence) || slices.Contains(e.Evidence.Keys, key) || !(anyCaller || callers[e.From]) {
					continue
				}
				found = true
				if u, attempt, ok := useOf(e, scope{revoked: key, identity: e.From, key: key}, at); ok {
					add(u, attempt)
				}
			}
			if !found {
				return nil, &exitError{code: exitNoMatch, err: fmt.Errorf("no node and no log evidence names credential %q", key)}
			}
		}
	}

	sortUses(rep.Uses)
	sortUses(rep.Attempts)
	rep.Uses = mergeSameCalls(rep.Uses)
	rep.Attempts = mergeSameCalls(rep.Attempts)
	rep.Continued = len(rep.Uses) > 0
	return rep, nil
}

// onlyKeyOf returns the one access key id that the logged calls of the
// identity a key authenticates as show, or "" when they show none or
// several.
func onlyKeyOf(ctx context.Context, r graph.Reader, edges []graph.Edge, key string) (string, error) {
	var ids []string
	for _, e := range edges {
		if e.From == key && e.Kind == graph.EdgeAuthenticatesAs {
			ids = append(ids, e.To)
		}
	}
	if len(ids) == 0 {
		return "", nil
	}
	calls, err := r.Expand(ctx, ids, graph.Out, graph.EdgeObserved)
	if err != nil {
		return "", err
	}
	seen := map[string]bool{}
	for _, e := range calls {
		if e.Evidence != nil {
			for _, k := range e.Evidence.Keys {
				seen[k] = true
			}
		}
	}
	if len(seen) != 1 {
		return "", nil
	}
	for k := range seen {
		return k, nil
	}
	return "", nil
}

// looksLikeKeyID reports whether a reference can be a credential id that
// logs name: an AWS access key id, a numeric token id, or a token hash.
func looksLikeKeyID(s string) bool {
	if len(s) < 6 || strings.ContainsAny(s, " :") {
		return false
	}
	return strings.HasPrefix(s, "AKIA") || strings.HasPrefix(s, "ASIA") || strings.Trim(s, "0123456789") == "" ||
		strings.HasSuffix(s, "=")
}

// scopesOf returns the identities whose evidence counts for a revoked
// node. An identity counts itself. A credential counts the identities it
// authenticates as, narrowed to its key id when it has one, and a secret
// that stores credentials counts theirs.
func scopesOf(ctx context.Context, r graph.Reader, n graph.Node) ([]scope, error) {
	if n.Kind == graph.NodeIdentity {
		return []scope{{revoked: n.ID, identity: n.ID}}, nil
	}
	if n.Kind != graph.NodeSecret {
		return nil, nil
	}
	var out []scope
	frontier := []graph.Node{n}
	seen := map[string]bool{n.ID: true}
	for depth := 0; len(frontier) > 0 && depth < 4; depth++ {
		var ids []string
		for _, s := range frontier {
			ids = append(ids, s.ID)
		}
		edges, err := r.Expand(ctx, ids, graph.Out, graph.EdgeAuthenticatesAs, graph.EdgeHolds)
		if err != nil {
			return nil, err
		}
		keys := map[string]string{}
		for _, s := range frontier {
			keys[s.ID] = s.Attr("key_id")
			if keys[s.ID] == "" && s.Attr("type") == "access-key" {
				// A key declared without its id (Terraform's
				// aws_iam_access_key) stands for the one key id its
				// user's calls show, as in the plan's revoke command.
				id, err := onlyKeyOf(ctx, r, edges, s.ID)
				if err != nil {
					return nil, err
				}
				keys[s.ID] = id
			}
		}
		var held []string
		for _, e := range edges {
			switch e.Kind {
			case graph.EdgeAuthenticatesAs:
				out = append(out, scope{revoked: n.ID, identity: e.To, key: keys[e.From], keyEv: e.Evidence, shared: keys[e.From] == ""})
			case graph.EdgeHolds:
				if !seen[e.To] {
					seen[e.To] = true
					held = append(held, e.To)
				}
			}
		}
		next, err := r.Nodes(ctx, held)
		if err != nil {
			return nil, err
		}
		frontier = next
	}
	return out, nil
}

// useOf returns the use an OBSERVED edge shows after at for a scope, or
// an attempt (denied calls only), or false when the edge shows nothing
// after at for it.
func useOf(e graph.Edge, sc scope, at time.Time) (useView, bool, bool) {
	ev := e.Evidence
	if ev == nil || !ev.Last.After(at) {
		return useView{}, false, false
	}
	u := useView{
		Revoked: sc.revoked, Key: sc.key, From: e.From, To: e.To, Confidence: graph.Certain,
		First: ev.First, Last: ev.Last, Calls: ev.Count, Denied: ev.Denied,
	}

	// Evidence is aggregated per edge. When it keeps each key's calls
	// apart, the use narrows to the revoked key's calls. When it does not,
	// other keys' calls on the edge make the use possible.
	var doubts []string
	// The actions, addresses, agents and records shown are the edge's,
	// unless the revoked key's own are known.
	actions, addrs, agents, records := ev.Actions, ev.Addrs, ev.Agents, ev.Records
	allowed := allowedAfter(ev, at)
	count, denied := ev.Count, ev.Denied
	// Evidence that keeps the time of the last allowed call separates a
	// use from an attempt. Older evidence has only the last call's time.
	knowsAllowed := !ev.LastAllowed.IsZero()
	if sc.key != "" {
		if sc.keyEv != nil && !sc.keyEv.Last.After(at) {
			// The key's own calls all came before the revocation.
			return useView{}, false, false
		}
		if !slices.Contains(ev.Keys, sc.key) {
			if !keysFull(ev) {
				return useView{}, false, false
			}
			// The key list stopped growing before the key's calls, if any.
			doubts = append(doubts, fmt.Sprintf("the evidence keeps only the first %d key ids of these calls, and key %s may be among those it left out", graph.MaxSeen, sc.key))
		} else if ku, ok := ev.KeyUse(sc.key); ok {
			if !ku.Last.After(at) {
				return useView{}, false, false
			}
			u.First, u.Last, u.Calls, u.Denied = ku.First, ku.Last, ku.Count, ku.Denied
			count, denied = ku.Count, ku.Denied
			allowed = ku.LastAllowed.After(at)
			knowsAllowed = true
			var shared []string
			actions, addrs, agents, records, shared = ev.Lists(ku)
			if len(shared) > 0 && len(ev.Keys) > 1 {
				pooled := listText(shared)
				if !ku.Detailed {
					pooled = "actions, addresses and records"
				}
				u.Shared = fmt.Sprintf("%s of all %d keys of these calls", pooled, len(ev.Keys))
			}
		} else if len(ev.Keys) > 1 {
			doubts = append(doubts, fmt.Sprintf("the calls mix key %s with %d other keys", sc.key, len(ev.Keys)-1))
		}
	}
	if sc.shared {
		doubts = append(doubts, "the identity may act with other credentials too")
	}
	if count > 0 && denied > 0 && !knowsAllowed {
		doubts = append(doubts, fmt.Sprintf("denied calls: %d", denied))
	}
	if len(doubts) > 0 {
		u.Confidence = graph.Possible
		u.Reason = strings.Join(doubts, "; ")
	}

	u.Actions = actions
	for _, s := range addrs {
		if s.Last.After(at) {
			u.Addrs = append(u.Addrs, s)
		}
	}
	for _, s := range agents {
		if s.Last.After(at) {
			u.Agents = append(u.Agents, s)
		}
	}
	for _, p := range records {
		u.Records = append(u.Records, p.String())
	}
	return u, !allowed, true
}

// listText joins names as "a", "a and b" or "a, b and c".
func listText(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// keysFull reports whether the evidence names as many key ids as it
// keeps, so that the calls of further keys may be among its calls.
func keysFull(ev *graph.Evidence) bool {
	return len(ev.Keys) >= graph.MaxSeen
}

// allowedAfter reports whether some call that was not denied came after
// at. Evidence written before LastAllowed was kept has only Last, so a
// denied call there may stand for an allowed one.
func allowedAfter(ev *graph.Evidence, at time.Time) bool {
	if ev.Count == 0 {
		return false
	}
	if ev.LastAllowed.IsZero() {
		return ev.Last.After(at)
	}
	return ev.LastAllowed.After(at)
}

// mergeSameCalls folds each use into the first earlier use of the same
// revoked node and target that rests on the same log records and calls:
// the same calls, reached from two callers. The folded caller goes to
// AlsoFrom.
func mergeSameCalls(us []useView) []useView {
	out := us[:0]
	for _, u := range us {
		i := slices.IndexFunc(out, func(v useView) bool {
			return len(u.Records) > 0 && v.Revoked == u.Revoked && v.To == u.To && v.Calls == u.Calls &&
				v.First.Equal(u.First) && v.Last.Equal(u.Last) && slices.Equal(v.Records, u.Records)
		})
		if i < 0 {
			out = append(out, u)
			continue
		}
		out[i].AlsoFrom = append(out[i].AlsoFrom, u.From)
	}
	return out
}

func sortUses(us []useView) {
	sort.SliceStable(us, func(i, j int) bool {
		a, b := us[i], us[j]
		if a.Revoked != b.Revoked {
			return a.Revoked < b.Revoked
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
}

func renderVerify(w io.Writer, format string, rep *verifyReport) error {
	if format == "json" {
		return writeJSON(w, rep)
	}
	md := format == "markdown"
	when := rep.After.Format(time.RFC3339)
	switch {
	case md && rep.Continued:
		fmt.Fprintf(w, "# Use continued after revocation at %s\n\n", when)
	case md:
		fmt.Fprintf(w, "# No use after revocation at %s\n\n", when)
	case rep.Continued:
		fmt.Fprintf(w, "USE CONTINUED after revocation at %s: %s\n", when, plural(int64(len(rep.Uses)), "use"))
	default:
		fmt.Fprintf(w, "no use after revocation at %s\n", when)
	}
	for _, rv := range rep.Revoked {
		matched := strings.Join(rv.Nodes, ", ")
		if rv.KeyID != "" {
			matched = "credential id seen in logs"
		}
		if md {
			fmt.Fprintf(w, "- revoked `%s`: %s\n", rv.Ref, matched)
		} else {
			fmt.Fprintf(w, "revoked %s: %s\n", rv.Ref, matched)
		}
	}
	renderUses(w, md, "Uses after revocation", rep.Uses, rep.After)
	renderUses(w, md, "Denied attempts after revocation", rep.Attempts, rep.After)
	return nil
}

func renderUses(w io.Writer, md bool, title string, us []useView, after time.Time) {
	if len(us) == 0 {
		return
	}
	if md {
		fmt.Fprintf(w, "\n## %s (%d)\n\n", title, len(us))
	} else {
		fmt.Fprintf(w, "\n%s (%d)\n", strings.ToUpper(title), len(us))
	}
	for _, u := range us {
		verb := "acted on"
		if u.Obtained {
			verb = "acted on revoked"
		}
		from := u.From
		if len(u.AlsoFrom) > 0 {
			from += " (also logged as " + strings.Join(u.AlsoFrom, ", ") + ")"
		}
		head := fmt.Sprintf("%s %s %s", from, verb, u.To)
		calls := fmt.Sprintf("%d made, %d denied, %s .. %s", u.Calls, u.Denied, u.First.Format(time.RFC3339), u.Last.Format(time.RFC3339))
		if u.First.Before(after) {
			// Calls, actions and records are counted per edge over every
			// log, so they include calls made before the revocation.
			calls += " (every call in the logs, some before the revocation; the actions and records below cover them all)"
		}
		lines := [][2]string{
			{"revoked", u.Revoked + keySuffix(u.Key)},
			{"confidence", string(u.Confidence) + reasonSuffix(u.Reason)},
			{"calls", calls},
			{"actions", strings.Join(u.Actions, ", ")},
			{"addresses", seenList(u.Addrs)},
			{"agents", seenList(u.Agents)},
			{"records", strings.Join(u.Records, ", ")},
		}
		if u.Shared != "" {
			lines = append(lines, [2]string{"lists", u.Shared})
		}
		if md {
			fmt.Fprintf(w, "- **%s**\n", head)
		} else {
			fmt.Fprintf(w, "  %s\n", head)
		}
		for _, l := range lines {
			if l[1] == "" {
				continue
			}
			if md {
				fmt.Fprintf(w, "  - %s: %s\n", l[0], l[1])
			} else {
				fmt.Fprintf(w, "      %-10s %s\n", l[0], l[1])
			}
		}
	}
}

func keySuffix(key string) string {
	if key == "" {
		return ""
	}
	return " (key " + key + ")"
}

func reasonSuffix(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

// seenList renders addresses or agents with their first and last time.
func seenList(ss []graph.Seen) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("%s (%d, %s .. %s)", s.Value, s.Count, s.First.Format(time.RFC3339), s.Last.Format(time.RFC3339)))
	}
	return strings.Join(parts, "; ")
}
