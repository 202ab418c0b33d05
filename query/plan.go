package query

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// Plan is the order in which to contain and revoke: step 1 contains the
// runtimes where the compromised code runs, then each step revokes
// credentials that no credential of a later step can yield.
type Plan struct {
	Query string  `json:"query"`
	Steps []*Step `json:"steps"`
}

// Step is one step of a plan: items that can be done in any order.
type Step struct {
	Number int     `json:"number"`
	Title  string  `json:"title"`
	Why    string  `json:"why"`
	Items  []*Item `json:"items"`
}

// Item is one thing to contain or revoke.
type Item struct {
	Node graph.Node `json:"node"`
	// Also lists the other nodes the item stands for, after Node: the jobs
	// of one workflow that its command contains, or job-scoped tokens that
	// expire the same way.
	Also    []string `json:"also,omitempty"`
	Kind    string   `json:"kind"` // contain, revoke, expire, rotate, undo, check, rebuild
	Action  string   `json:"action"`
	Command string   `json:"command,omitempty"` // printed for the user, never run
	// Consumers lists where the replacement goes: the secrets that store
	// the credential and the runtimes that are given it directly.
	Consumers []string `json:"consumers,omitempty"`
	// ReadBy lists the runtimes that read the credential through one of
	// those secrets: they get the replacement from it.
	ReadBy []string `json:"readBy,omitempty"`
	// YieldedBy lists the credentials that can re-read or re-mint this
	// one, which is why it comes after them.
	YieldedBy []string `json:"yieldedBy,omitempty"`
	// Yields lists what this credential gives access to.
	Yields    []string `json:"yields,omitempty"`
	Reach     int      `json:"reach"`
	InUse     bool     `json:"inUse"`
	Strangers []string `json:"strangers,omitempty"` // addresses or agents first seen after the compromise
	LongLived bool     `json:"longLived"`
	// Verify is the log query that shows use has stopped, or, on a check
	// item, its command to run again once the revocations are done.
	Verify string `json:"verify,omitempty"`
}

// IDs returns the id of the item's node, then those of Also.
func (it *Item) IDs() []string { return append([]string{it.Node.ID}, it.Also...) }

// credential types that die with the job that holds them.
var jobScoped = map[string]bool{"github-token": true, "job-token": true, "oidc-token": true}

// loggedAssume reports whether an OBSERVED edge records its target role
// being assumed. The evidence lists denied calls' actions too and does not
// say which action was denied, so an sts:AssumeRole action counts only
// when no call on the edge was denied.
func loggedAssume(e graph.Edge) bool {
	if e.Attr("session_keys") != "" {
		return true
	}
	return e.Evidence != nil && e.Evidence.Denied == 0 && slices.ContainsFunc(e.Evidence.Actions, func(a string) bool {
		return strings.HasPrefix(a, "sts:AssumeRole")
	})
}

// sameValueCopy reports whether HOLDS edge e joins two copies of one
// value, as the linker joins secrets of one fingerprint. A copy does not
// store the other one: each is the credential, so both are revoked. A
// secret of several values still stores the copy of one of them.
func sameValueCopy(res *Result, e graph.Edge) bool {
	if e.Attr(graph.AttrVia) != "same-value" {
		return false
	}
	from := res.index[e.From]
	return from != nil && len(graph.SplitList(from.Node.Attr(graph.AttrFingerprint))) == 1
}

// BuildPlan orders the containment and revocation of a blast radius.
func BuildPlan(ctx context.Context, r graph.Reader, res *Result) (*Plan, error) {
	plan := &Plan{Query: res.Query}
	adj := map[string][]string{}
	walked := res.walked()
	for _, e := range walked {
		from, to := e.From, e.To
		switch {
		case e.Kind == graph.EdgeDependsOn || e.Kind == graph.EdgeExecutes:
			from, to = e.To, e.From
		case e.Kind == graph.EdgeDefines:
			// Only write access runs a repository's jobs. A repository
			// that one credential reads and another modifies leads on to
			// its jobs from the modifier only.
			from = modifyNode(from)
		case e.Kind == graph.EdgeCanModify && kindFromID(to) == graph.NodeRepository:
			adj[modifyNode(to)] = append(adj[modifyNode(to)], to)
			to = modifyNode(to)
		}
		adj[from] = append(adj[from], to)
	}

	// Credentials: reached secrets (a secret that only stores another
	// reached credential is a place to put the replacement, not a
	// credential of its own) and roles whose sessions the attacker holds.
	holds := map[string][]string{}
	// Roles whose sessions the attacker can open. A caller may assume the
	// role (CAN_ASSUME), a web identity token logs in as it, or a walked
	// log record shows it assumed (session_keys, or an sts:AssumeRole
	// call). Any walked edge counts, not only the last hop of the kept
	// path: a role reached first through a runtime's session credentials
	// may still be assumed by a principal reached another way, so its
	// sessions are revoked again after that principal. Google Cloud
	// service accounts count when a caller can impersonate them.
	assumed, impersonated := map[string]bool{}, map[string]bool{}
	for _, e := range walked {
		if e.Kind == graph.EdgeHolds && !sameValueCopy(res, e) {
			holds[e.From] = append(holds[e.From], e.To)
		}
		if e.Kind == graph.EdgeObserved && loggedAssume(e) || e.Kind == graph.EdgeCanAssume ||
			webIdentityLogin(res, Hop{Kind: e.Kind, From: e.From}) {
			assumed[e.To] = true
		}
		if e.Kind == graph.EdgeCanAssume {
			impersonated[e.To] = true
		}
	}
	isCred := map[string]bool{}
	var creds, tokens, runtimes []*Reached
	for _, x := range res.Reached {
		switch x.Node.Kind {
		case graph.NodeRuntime:
			runtimes = append(runtimes, x)
		case graph.NodeSecret:
			if len(holds[x.Node.ID]) > 0 {
				continue
			}
			if jobScoped[x.Node.Attr("type")] {
				tokens = append(tokens, x)
				continue
			}
			creds = append(creds, x)
			isCred[x.Node.ID] = true
		case graph.NodeIdentity:
			switch t := x.Node.Attr("type"); {
			case t == "role" && assumed[x.Node.ID],
				t == "service-account" && strings.HasPrefix(x.Node.ID, "gcp:sa:") && impersonated[x.Node.ID],
				t == "admin-grant", t == "administrator":
				// An administrator grant lasts until it is undone, and
				// undoing it before its grantor is revoked lets the
				// attacker grant it again, so it is ordered as a
				// credential is.
				creds = append(creds, x)
				isCred[x.Node.ID] = true
			}
		}
	}
	for _, s := range res.Starts {
		x := res.index[s.ID]
		if x == nil {
			continue
		}
		switch {
		case s.Kind == graph.NodeSecret && !isCred[s.ID] && len(holds[s.ID]) == 0:
			creds = append([]*Reached{x}, creds...)
			isCred[s.ID] = true
		case s.Kind == graph.NodeIdentity && s.Attr("type") == "role" && !isCred[s.ID]:
			// A compromised role's sessions are revoked with the first step.
			creds = append([]*Reached{x}, creds...)
			isCred[s.ID] = true
		case s.Kind == graph.NodeIdentity && s.Attr("type") == "service-account" && strings.HasPrefix(s.ID, "gcp:sa:") && !isCred[s.ID]:
			// A compromised service account is disabled with the first
			// step: the input may not show all of its keys, and tokens
			// minted for it stay valid until the account is disabled.
			creds = append([]*Reached{x}, creds...)
			isCred[s.ID] = true
		case s.Kind == graph.NodeIdentity && s.Attr("type") == "user" && strings.HasPrefix(s.ID, "arn:aws:iam::") && !isCred[s.ID]:
			// A compromised IAM user's keys and password are revoked with
			// the first step, also those the input does not declare.
			creds = append([]*Reached{x}, creds...)
			isCred[s.ID] = true
		case s.Kind == graph.NodeRuntime && !slices.ContainsFunc(runtimes, func(r *Reached) bool { return r.Node.ID == s.ID }):
			// A compromised runtime is contained like those it reaches.
			runtimes = append([]*Reached{x}, runtimes...)
		}
	}
	// A compromised identity's own credentials (its access keys, the
	// secrets that act as it) are revoked with the first step.
	own, err := ownCredentials(ctx, r, res)
	if err != nil {
		return nil, err
	}
	for _, x := range own {
		if !isCred[x.Node.ID] {
			creds = append(creds, x)
			isCred[x.Node.ID] = true
			res.index[x.Node.ID] = x
			for _, s := range res.Starts {
				adj[x.Node.ID] = append(adj[x.Node.ID], s.ID)
			}
		}
	}

	creds = dropLoggedTwins(creds, isCred)

	// yields[a] lists the credentials reachable from a without passing
	// through another credential; reach[a] counts everything reachable.
	yields := map[string][]string{}
	reach := map[string]int{}
	for _, c := range creds {
		// Each credential walks the radius again, which takes long on a
		// large radius, so a cancelled command stops between credentials.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		seen := map[string]bool{c.Node.ID: true}
		queue := []string{c.Node.ID}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			for _, to := range adj[id] {
				if seen[to] {
					continue
				}
				seen[to] = true
				if isCred[to] {
					yields[c.Node.ID] = append(yields[c.Node.ID], to)
					continue
				}
				queue = append(queue, to)
			}
		}
		// The reach counts everything beyond other credentials too.
		reach[c.Node.ID] = countReach(adj, c.Node.ID)
	}

	consumers, readBy, err := consumersOf(ctx, r, creds)
	if err != nil {
		return nil, err
	}

	run, changed, hops := splitChanged(runtimes, res)
	if len(run) > 0 || len(tokens) > 0 || len(changed) > 0 {
		st := &Step{Title: "Contain the runtimes where the compromised code runs",
			Why: "Until the compromised code is removed, every run can read the replacement credentials too. Keep job logs and artifacts as evidence before deleting anything."}
		switch {
		case len(changed) > 0 && len(run) == 0:
			// No runtime ran the compromised code: the tokens, if any,
			// are those of runtimes a credential can change.
			st.Title = "Check the runtimes that the attacker could change"
			st.Why = "The compromised code did not run in these runtimes, but credentials in the blast radius can change them. Contain each one that changed since the compromise before any credential is replaced: its new code could read the replacement."
		case len(changed) > 0:
			st.Why += " The runtimes to check ran no compromised code, but credentials in the blast radius can change them: contain each one that changed since the compromise before any credential is replaced."
		}
		st.Items = append(st.Items, containItems(run, res)...)
		st.Items = append(st.Items, tokenItems(tokens)...)
		st.Items = append(st.Items, changeItems(changed, hops, res)...)
		plan.Steps = append(plan.Steps, st)
	}
	if st := rebuildStep(res); st != nil {
		plan.Steps = append(plan.Steps, st)
	}

	// yieldedBy inverts yields, so that each item finds the credentials
	// that yield it without a pass over all of them.
	yieldedBy := map[string][]string{}
	for _, c := range creds {
		for _, y := range yields[c.Node.ID] {
			yieldedBy[y] = append(yieldedBy[y], c.Node.ID)
		}
	}
	levels := layer(creds, yields)
	for k, lv := range levels {
		inLevel := make(map[string]bool, len(lv))
		for _, id := range lv {
			inLevel[id] = true
		}
		// A later level waits for the one before it, which is the
		// previous step.
		st := &Step{Title: "Revoke"}
		if k > 0 {
			st.Title = fmt.Sprintf("Revoke once step %d is done", len(plan.Steps))
		}
		var before []string
		for _, id := range lv {
			x := res.index[id]
			it := credentialItem(x, res, consumers[id], yields[id], reach[id])
			it.ReadBy = readBy[id]
			if x.Node.Attr("minted") == "true" && x.Node.Attr("type") == "access-key" {
				if err := namedMintedKeys(ctx, r, res, it); err != nil {
					return nil, err
				}
			}
			if x.Node.Attr("type") == "service-account" && strings.HasPrefix(id, "gcp:sa:") {
				if err := namedUsedKeys(ctx, r, res, it); err != nil {
					return nil, err
				}
			}
			for _, c := range yieldedBy[id] {
				if !inLevel[c] {
					it.YieldedBy = append(it.YieldedBy, c)
				}
			}
			sort.Strings(it.YieldedBy)
			before = append(before, it.YieldedBy...)
			st.Items = append(st.Items, it)
		}
		sortItems(st.Items)
		if len(before) == 0 {
			st.Why = "Nothing else in the blast radius can re-read or re-mint these credentials, so they go first."
		} else {
			st.Why = "Each of these can be re-read or re-minted through a credential of an earlier step, so they are rotated only after those are revoked."
		}
		if len(lv) > 1 && inCycle(lv, inLevel, yields) {
			st.Why += " Some of them yield each other, so they must be revoked together."
		}
		plan.Steps = append(plan.Steps, st)
	}
	if st := publishedStep(res); st != nil {
		plan.Steps = append(plan.Steps, st)
	}
	st, err := gcpIAMStep(ctx, r, res)
	if err != nil {
		return nil, err
	}
	if st != nil {
		plan.Steps = append(plan.Steps, st)
	}
	for i, st := range plan.Steps {
		st.Number = i + 1
	}
	return plan, nil
}

// packageRegistry marks the ecosystems whose registries hold packages,
// not images, by purl type.
var packageRegistry = map[string]bool{"npm": true, "pypi": true, "cargo": true, "gem": true, "maven": true, "nuget": true}

// publishedStep lists the packages and registries that a credential in
// the blast radius can publish to, to check for what the attacker may
// have published. It comes last: checking before the credentials are
// revoked would miss what is published meanwhile.
func publishedStep(res *Result) *Step {
	byID := map[string]graph.Node{}
	for _, x := range res.Reached {
		byID[x.Node.ID] = x.Node
	}
	// An identity of the radius may publish a package that the walk
	// reached by another path first, such as an image that contains the
	// compromised package. The first such edge names the publisher.
	publishers := map[string]string{}
	for _, e := range res.walkedOf(graph.EdgeCanPublish, func(from, to string) bool {
		x := res.index[from]
		return x != nil && !x.Inspected && res.index[to] != nil
	}) {
		if _, seen := publishers[e.To]; !seen {
			publishers[e.To] = e.From
		}
	}
	var items []*Item
	for _, x := range res.Reached {
		if len(x.Path) == 0 {
			continue
		}
		last := x.Path[len(x.Path)-1]
		publisher := last.From
		switch {
		case last.Kind == graph.EdgeCanPublish && x.Node.Kind == graph.NodePackage:
		case last.Kind == graph.EdgeCanAccess && x.Node.Attr("type") == "registry-scope":
		case x.Node.Kind == graph.NodePackage && publishers[x.Node.ID] != "":
			publisher = publishers[x.Node.ID]
		default:
			continue
		}
		it := &Item{Node: x.Node, Kind: "check"}
		name := x.Node.Attr(graph.AttrName)
		switch {
		case x.Node.Attr("type") == "registry-scope" && packageRegistry[x.Node.Attr("ecosystem")]:
			it.Action = fmt.Sprintf("List the packages the accounts above can publish on %s and the versions published since the compromise, and %s those you did not build", x.Node.Attr("registry"), withdrawFrom(x.Node.Attr("ecosystem"), x.Node.Attr("registry")))
		case x.Node.Attr("type") == "registry-scope":
			it.Action = fmt.Sprintf("List the images pushed to %s since the compromise with the accounts above, and delete or re-sign those you did not build", x.Node.Attr("registry"))
		case x.Node.Attr("ecosystem") == "docker" && name != "":
			it.Action = fmt.Sprintf("List the tags of %s pushed since the compromise, compare their digests with your builds, and delete or re-push those you did not build", name)
			it.Command = shellCommand("crane", "ls", name)
		default:
			it.Action = fmt.Sprintf("List the versions of %s published since the compromise and %s those you did not build", x.Node.Label, withdraw(x.Node.Attr("ecosystem")))
			// npm view reads registry.npmjs.org unless --registry names
			// another: the registry of the account that publishes here.
			var opts []string
			if host := byID[publisher].Attr("registry"); host != "" && host != "registry.npmjs.org" {
				opts = []string{"--registry", "https://" + host}
			}
			switch {
			case x.Node.Attr("ecosystem") != "npm" || name == "":
			case strings.HasPrefix(name, "-"):
				// After "--" npm reads the name as a name, not as an option.
				it.Command = shellCommand(slices.Concat([]string{"npm", "view"}, opts, []string{"--json", "--", name, "time"})...)
			default:
				// npm view prints each version's publish time.
				it.Command = shellCommand(slices.Concat([]string{"npm", "view", name, "time", "--json"}, opts)...)
			}
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil
	}
	sortItems(items)
	return &Step{Title: "Check what may have been published",
		Why:   "Credentials in the blast radius can publish these packages and images, so a release the attacker pushed would reach everyone who installs them. Check once the credentials are revoked, so that nothing is published after the check.",
		Items: items}
}

// gcpScopes maps the id prefix of a Google Cloud project, folder and
// organization to the permission that sets its IAM policy and the
// gcloud logging read flag that names it.
var gcpScopes = []struct{ prefix, perm, flag, noun string }{
	{"gcp:project:", "resourcemanager.projects.setIamPolicy", "--project", "project"},
	{"gcp:folder:", "resourcemanager.folders.setIamPolicy", "--folder", "folder"},
	{"gcp:organization:", "resourcemanager.organizations.setIamPolicy", "--organization", "organization"},
}

// gcpIAMStep lists the Google Cloud projects, folders and organizations
// whose IAM policy an identity in the blast radius can set. Such an
// identity can grant any role there, also to an identity of the
// attacker's own, which outlives every credential the plan revokes. The
// grants are reviewed once those are revoked, so that none is added
// after the review. The path that reached a scope may end in read
// access while another identity of the radius can set its policy, so
// every CAN_ACCESS edge into the scope is read.
func gcpIAMStep(ctx context.Context, r graph.Reader, res *Result) (*Step, error) {
	type scope struct {
		x                      *Reached
		name, perm, flag, noun string
	}
	var scopes []scope
	var ids []string
	for _, x := range res.Reached {
		for _, sc := range gcpScopes {
			if name, ok := strings.CutPrefix(x.Node.ID, sc.prefix); ok && name != "" {
				scopes = append(scopes, scope{x, name, sc.perm, sc.flag, sc.noun})
				ids = append(ids, x.Node.ID)
			}
		}
	}
	if len(scopes) == 0 {
		return nil, nil
	}
	in, err := r.Expand(ctx, ids, graph.In, graph.EdgeCanAccess)
	if err != nil {
		return nil, err
	}
	// setters[scope] lists the identities the attacker holds that can set
	// the scope's IAM policy: reached by a forward walk, or a start.
	setters := map[string][]string{}
	for _, e := range in {
		from := res.index[e.From]
		if from == nil || len(from.Path) > 0 && from.Path[len(from.Path)-1].Reversed {
			continue
		}
		for _, sc := range gcpScopes {
			if strings.HasPrefix(e.To, sc.prefix) && slices.Contains(graph.SplitList(e.Attr(graph.AttrActions)), sc.perm) {
				setters[e.To] = append(setters[e.To], e.From)
			}
		}
	}

	var items []*Item
	for _, sc := range scopes {
		x := sc.x
		holder := ""
		if len(x.Path) > 0 {
			// The path's own last step names the holder when it sets the
			// policy, so the item agrees with the path shown.
			last := x.Path[len(x.Path)-1]
			if last.Kind == graph.EdgeCanAccess && !last.Reversed && slices.Contains(graph.SplitList(last.Actions), sc.perm) {
				holder = last.From
			}
		}
		if holder == "" {
			if l := setters[x.Node.ID]; len(l) > 0 {
				holder = slices.Min(l)
			}
		}
		if holder == "" {
			continue
		}
		query := `protoPayload.methodName:"SetIamPolicy" AND timestamp>="%s"`
		it := &Item{Node: x.Node, Kind: "undo"}
		it.Action = fmt.Sprintf("Review the IAM policy changes of %s %s since the compromise and undo the attacker's: %s can set its IAM policy (%s), so the attacker can grant any role there, also to an identity of their own",
			sc.noun, sc.name, holder, sc.perm)
		it.Command = shellCommand("gcloud", "logging", "read", fmt.Sprintf(query, compromiseTime(res)), sc.flag, sc.name, "--format", "json")
		it.Verify = shellCommand("gcloud", "logging", "read", fmt.Sprintf(query, "<revocation time>"), sc.flag, sc.name, "--format", "json")
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, nil
	}
	sortItems(items)
	return &Step{Title: "Undo the IAM grants the attacker could make",
		Why:   "Identities in the blast radius can set the IAM policy of these projects, folders or organizations, and a role granted there stays after every credential above is revoked. Review once those are revoked, so that nothing is granted after the review.",
		Items: items}, nil
}

func countReach(adj map[string][]string, start string) int {
	seen := map[string]bool{start: true}
	queue := []string{start}
	count := 0
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, to := range adj[id] {
			if !seen[to] {
				seen[to] = true
				queue = append(queue, to)
				if !strings.HasSuffix(to, modifySuffix) {
					count++
				}
			}
		}
	}
	return count
}

// modifySuffix marks the node of the ordering graph that stands for write
// access to a repository, next to the repository's own node.
const modifySuffix = "\x00modify"

// modifyNode returns the node of the ordering graph that stands for write
// access to a repository: CAN_MODIFY edges lead to it, and the
// repository's DEFINES edges leave from it.
func modifyNode(repo string) string { return repo + modifySuffix }

// layer orders credentials so that each comes after every credential that
// yields it; credentials that yield each other (a cycle) share a layer.
func layer(creds []*Reached, yields map[string][]string) [][]string {
	ids := make([]string, len(creds))
	for i, c := range creds {
		ids[i] = c.Node.ID
	}
	comp := scc(ids, yields)
	// Layer of a component: 1 + the largest layer of a component yielding it.
	compOf := map[string]int{}
	for i, c := range comp {
		for _, id := range c {
			compOf[id] = i
		}
	}
	preds := map[int]map[int]bool{}
	for _, a := range ids {
		for _, b := range yields[a] {
			ca, cb := compOf[a], compOf[b]
			if ca != cb {
				if preds[cb] == nil {
					preds[cb] = map[int]bool{}
				}
				preds[cb][ca] = true
			}
		}
	}
	depth := map[int]int{}
	var depthOf func(c int, stack map[int]bool) int
	depthOf = func(c int, stack map[int]bool) int {
		if d, ok := depth[c]; ok {
			return d
		}
		stack[c] = true
		d := 0
		for p := range preds[c] {
			if !stack[p] {
				if pd := depthOf(p, stack) + 1; pd > d {
					d = pd
				}
			}
		}
		delete(stack, c)
		depth[c] = d
		return d
	}
	var out [][]string
	for i := range comp {
		d := depthOf(i, map[int]bool{})
		for len(out) <= d {
			out = append(out, nil)
		}
		out[d] = append(out[d], comp[i]...)
	}
	for _, lv := range out {
		sort.Strings(lv)
	}
	return out
}

// scc returns the strongly connected components (Tarjan's algorithm).
func scc(ids []string, edges map[string][]string) [][]string {
	index := map[string]int{}
	low := map[string]int{}
	on := map[string]bool{}
	var stack []string
	var out [][]string
	n := 0
	var visit func(v string)
	visit = func(v string) {
		index[v], low[v] = n, n
		n++
		stack = append(stack, v)
		on[v] = true
		for _, w := range edges[v] {
			if _, ok := index[w]; !ok {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var c []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				c = append(c, w)
				if w == v {
					break
				}
			}
			sort.Strings(c)
			out = append(out, c)
		}
	}
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	for _, v := range sorted {
		if _, ok := index[v]; !ok {
			visit(v)
		}
	}
	return out
}

// inCycle reports whether a credential of a level yields another of the
// same level (inLevel holds the level's ids).
func inCycle(lv []string, inLevel map[string]bool, yields map[string][]string) bool {
	for _, a := range lv {
		for _, b := range yields[a] {
			if inLevel[b] {
				return true
			}
		}
	}
	return false
}

func sortItems(items []*Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if (len(a.Strangers) > 0) != (len(b.Strangers) > 0) {
			return len(a.Strangers) > 0
		}
		if a.InUse != b.InUse {
			return a.InUse
		}
		if a.Reach != b.Reach {
			return a.Reach > b.Reach
		}
		if a.LongLived != b.LongLived {
			return a.LongLived
		}
		return a.Node.ID < b.Node.ID
	})
}

// sessionCredential marks the types of credentials that a runtime is
// handed for a session (a role's, a metadata server's, a service
// account's token): revoking them needs no replacement put anywhere.
var sessionCredential = map[string]bool{
	"role-credentials": true, "metadata-token": true, "service-account-token": true, "web-identity-token": true,
}

// storedCredential marks the types of credentials that are stores of
// their own value (a CI secret, a vault entry, a Kubernetes Secret): the
// item that rotates one writes the new value into it.
var storedCredential = map[string]bool{
	"actions-secret": true, "all-actions-secrets": true, "ci-variable": true, "all-ci-variables": true,
	"project-variables": true, "context": true, "external-secret": true, "ssh-key": true,
	"secretsmanager": true, "secretmanager": true, "ssm-parameter": true, "k8s-secret": true,
}

// consumersOf lists, for each credential, where its replacement goes: the
// secrets that store it and the runtimes given it directly. It also lists
// the runtimes that read it through one of those secrets, or from the
// credential itself when it is a store of its own value.
func consumersOf(ctx context.Context, r graph.Reader, creds []*Reached) (consumers, readBy map[string][]string, err error) {
	consumers, readBy = map[string][]string{}, map[string][]string{}
	for _, c := range creds {
		id := c.Node.ID
		holders, err := r.Expand(ctx, []string{id}, graph.In, graph.EdgeHolds)
		if err != nil {
			return nil, nil, err
		}
		stores := []string{}
		for _, h := range holders {
			stores = append(stores, h.From)
			consumers[id] = append(consumers[id], h.From)
		}
		direct, err := r.Expand(ctx, []string{id}, graph.In, graph.EdgeExposes)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range direct {
			if sessionCredential[c.Node.Attr("type")] {
				// The runtime gets new session credentials of its own
				// once the old are revoked: there is no replacement.
				continue
			}
			if storedCredential[c.Node.Attr("type")] || c.Node.Attr(graph.AttrStoredInline) == "true" {
				// The replacement goes into the credential's own store,
				// which its item names, or into a secret store in place
				// of the file the old value is written in. The runtimes
				// read it from there.
				readBy[id] = append(readBy[id], e.From)
				continue
			}
			consumers[id] = append(consumers[id], e.From)
		}
		if len(stores) > 0 {
			through, err := r.Expand(ctx, stores, graph.In, graph.EdgeExposes)
			if err != nil {
				return nil, nil, err
			}
			for _, e := range through {
				readBy[id] = append(readBy[id], e.From)
			}
		}
		consumers[id] = uniqueSorted(consumers[id])
		// A runtime given the credential directly is listed once, where
		// the replacement goes.
		readBy[id] = slices.DeleteFunc(uniqueSorted(readBy[id]), func(x string) bool { return slices.Contains(consumers[id], x) })
	}
	return consumers, readBy, nil
}

func uniqueSorted(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// containItems returns an item for each runtime, in order, except that the
// jobs of one workflow share the item of the first: disabling the workflow
// and cancelling its runs contains all of them with one command.
func containItems(runtimes []*Reached, res *Result) []*Item {
	var groups [][]*Reached
	byWorkflow := map[string]int{} // repository and workflow -> group
	for _, rt := range runtimes {
		repo, wf := rt.Node.Attr(graph.AttrRepository), rt.Node.Attr("workflow")
		key := ""
		switch containType(rt.Node) {
		case "gha-job":
			if repo != "" && wf != "" {
				key = ghRepoFlag(rt.Node) + "\x00" + wf
			}
		case "gitlab-job":
			// CI/CD is turned off for a whole project.
			if repo != "" {
				key = "gitlab\x00" + repo
			}
		}
		if key != "" {
			if g, ok := byWorkflow[key]; ok {
				groups[g] = append(groups[g], rt)
				continue
			}
			byWorkflow[key] = len(groups)
		}
		groups = append(groups, []*Reached{rt})
	}
	items := make([]*Item, 0, len(groups))
	for _, g := range groups {
		items = append(items, containItem(g, res))
	}
	return items
}

// ghContainWorkflow returns the commands that disable workflow wf of
// repo, cancel its running and queued runs and save their logs.
// Disabling stops new runs; the runs already queued or going are
// cancelled one by one. Cancelling keeps a run's logs, so they are saved
// after the workflow is stopped, one file a run in the current folder.
func ghContainWorkflow(wf, repo string) string {
	disable := shellCommand("gh", "workflow", "disable", wf, "--repo", repo)
	if strings.HasPrefix(wf, "-") {
		// After "--" gh reads the path as the workflow, not as an
		// option.
		disable = shellCommand("gh", "workflow", "disable", "--repo", repo, "--", wf)
	}
	return disable + " && " +
		shellCommand("gh", "run", "list", "--repo", repo, "--workflow", wf, "--limit", "100", "--json", "databaseId,status",
			"--jq", `.[] | select(.status != "completed") | .databaseId`) +
		" | xargs -n1 " + shellCommand("gh", "run", "cancel", "--repo", repo) +
		"; for id in $(" + shellCommand("gh", "run", "list", "--repo", repo, "--workflow", wf, "--limit", "100", "--json", "databaseId", "--jq", ".[].databaseId") +
		`); do gh run view "$id" ` + shellCommand("--repo", repo, "--log") + ` > "run-$id.log"; done`
}

// callerWorkflow is a workflow that calls a reusable workflow.
type callerWorkflow struct{ repo, workflow string }

// calledBy returns the workflows that call the jobs of group, when their
// workflow has the trigger workflow_call. The linker gives a called job
// the GITHUB_TOKEN of each caller's job, so the callers are the workflows
// of those tokens, except the group's own workflow. The walk may reach a
// caller's token through the caller itself, so every walked edge from the
// group to a token counts, not only the edge on the token's path.
func calledBy(group []*Reached, res *Result) []callerWorkflow {
	if !slices.ContainsFunc(group, func(x *Reached) bool {
		return slices.Contains(graph.SplitList(x.Node.Attr("triggers")), "workflow_call")
	}) {
		return nil
	}
	own := callerWorkflow{repo: ghRepoFlag(group[0].Node), workflow: group[0].Node.Attr("workflow")}
	inGroup := func(from, to string) bool {
		return strings.HasPrefix(to, "secret:gha:token:") &&
			slices.ContainsFunc(group, func(x *Reached) bool { return x.Node.ID == from })
	}
	var out []callerWorkflow
	for _, e := range res.walkedOf(graph.EdgeExposes, inGroup) {
		job := strings.TrimPrefix(e.To, "secret:gha:token:")
		// The token's id names the job: REPO/.github/workflows/FILE#JOB,
		// REPO being OWNER/NAME or HOST/OWNER/NAME.
		repo, rest, ok := strings.Cut(job, "/.github/workflows/")
		if !ok {
			continue
		}
		file, _, _ := strings.Cut(rest, "#")
		c := callerWorkflow{repo: repo, workflow: ".github/workflows/" + file}
		if c != own && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].repo != out[j].repo {
			return out[i].repo < out[j].repo
		}
		return out[i].workflow < out[j].workflow
	})
	return out
}

// calledOnly reports whether the jobs of group run only when another
// workflow calls them, so that their workflow has no runs of its own.
func calledOnly(group []*Reached) bool {
	return !slices.ContainsFunc(group, func(x *Reached) bool { return x.Node.Attr("triggers") != "workflow_call" })
}

// isLocalAction reports whether a package id is an action in a folder of
// a repository, which a job runs as uses: ./dir (no version).
func isLocalAction(id string) bool {
	rest, ok := strings.CutPrefix(id, "pkg:githubactions/")
	name, _, sub := strings.Cut(rest, "#")
	return ok && sub && !strings.Contains(name, "@")
}

// localActionCause names the compromised package that the chain of local
// actions at the end of path uses, as "X in ACTION", ACTION being the local
// action whose step uses X. A local action has no version of its own, so
// the package inside it is what is removed or pinned.
func localActionCause(path []Hop) string {
	action := path[len(path)-1].To
	holder, used := action, action
	for k := len(path) - 2; k >= 0; k-- {
		h := path[k]
		if h.Kind != graph.EdgeDependsOn || h.From != used {
			break
		}
		holder, used = used, h.To
		if !isLocalAction(used) {
			break
		}
	}
	if used == action {
		return graph.ReadableID(action)
	}
	return graph.ReadableID(used) + " in " + graph.ReadableID(holder)
}

// containItem returns the item that contains the runtimes of a group: one
// runtime, jobs of one workflow, or GitLab jobs of one project.
func containItem(group []*Reached, res *Result) *Item {
	rt := group[0]
	it := &Item{Node: rt.Node, Kind: "contain"}
	var pkgs, pinned, labels []string
	for _, x := range group {
		if x != rt {
			it.Also = append(it.Also, x.Node.ID)
		}
		label := x.Node.Label
		if x.Node.Attr("type") == graph.RuntimeImageBuild {
			// "the image build of Dockerfile at line 9 in image / image"
			label = "the " + label
		}
		if !slices.Contains(labels, label) {
			labels = append(labels, label)
		}
		// The package the runtime runs is the last one its path executes.
		// A job reached through a package the attacker can publish runs
		// a version its lockfile pins, which stays as it was built: the
		// risk is a new resolve of the name, not the job's next run.
		last := -1
		for k, h := range x.Path {
			if h.Kind == graph.EdgeExecutes && h.To != "" {
				last = k
			}
		}
		if last < 0 {
			continue
		}
		// A push moves an image tag at once, so a job that runs one is
		// contained as if it ran the bad package itself.
		viaPublish := slices.ContainsFunc(x.Path[:last], func(h Hop) bool { return h.Kind == graph.EdgeCanPublish })
		switch {
		case viaPublish && imageVersion(x.Path[last].To) != "tag":
			pinned = append(pinned, graph.ReadableID(x.Path[last].To))
		case isLocalAction(x.Path[last].To):
			pkgs = append(pkgs, localActionCause(x.Path[:last+1]))
		default:
			pkgs = append(pkgs, graph.ReadableID(x.Path[last].To))
		}
	}
	typ := containType(rt.Node)
	cause := ""
	if typ == "gha-job" || typ == "gitlab-job" {
		pkgs = uniqueSorted(pkgs)
		cause = strings.Join(pkgs, ", ") + " is removed or pinned to a known-good version"
		switch {
		case len(pkgs) > 1:
			cause = strings.Join(pkgs, ", ") + " are removed or pinned to known-good versions"
		case len(pkgs) == 0 && len(pinned) > 0:
			it.Action = fmt.Sprintf("Hold updates of the lockfile of %s, by people and by dependency bots, until the versions of %s published since the compromise are checked (see the last step): the versions it pins stay as built, and a new resolve may pick the attacker's",
				rt.Node.Attr(graph.AttrRepository), strings.Join(uniqueSorted(pinned), ", "))
			return it
		case len(pkgs) == 0:
			// The job itself is the start: what compromised it is not a
			// package of the graph.
			cause = "the cause of its compromise is removed"
		}
	}
	switch typ {
	case "gitlab-job":
		repo := rt.Node.Attr(graph.AttrRepository)
		jobs := labels[0]
		if len(labels) > 1 {
			last := len(labels) - 1
			jobs = strings.Join(labels[:last], ", ") + " and " + labels[last]
		}
		it.Action = fmt.Sprintf("Cancel the running and pending pipelines of project %s, which runs %s, save the logs of its last 100 jobs, cancel what started meanwhile, then turn off its CI/CD until %s",
			repo, jobs, cause)
		if repo == "" {
			break
		}
		// The running and pending pipelines are cancelled one by one.
		// The logs of the last 100 jobs are saved next, one file a job
		// in the current folder, because once CI/CD is turned off GitLab
		// no longer lets the API read the project's pipelines and jobs.
		// The pipeline list follows every page, since GitLab returns 20
		// pipelines a page by default. The later calls run even when a
		// cancel fails, for a pipeline that ended meanwhile.
		// glab api replaces :id, :branch and its other placeholders in
		// the endpoint with values of the clone it runs in, so a colon is
		// percent-encoded too.
		project := "projects/" + strings.ReplaceAll(url.PathEscape(repo), ":", "%3A")
		// Without --hostname, glab sends its calls to the server of the
		// clone it runs in, else gitlab.com, so every call names the
		// project's server: gitlab.com unless a self-managed one is known.
		// Run in a clone of another server's project, the calls would
		// otherwise reach a project of the same path there.
		server := rt.Node.Attr("server")
		if server == "" {
			server = "gitlab.com"
		}
		glab := []string{"glab", "api", "--hostname", server}
		cancel := "for status in running pending; do " + shellCommand(slices.Concat(glab, []string{"--paginate", project + "/pipelines?status="})...) + `"$status"` +
			" | jq -r '.[].id'; done | xargs -I{} " + shellCommand(slices.Concat(glab, []string{"--method", "POST", project + "/pipelines/{}/cancel"})...)
		// A pipeline that starts while the logs are saved is cancelled by
		// the second pass, right before CI/CD is turned off.
		it.Command = cancel +
			"; for id in $(" + shellCommand(slices.Concat(glab, []string{project + "/jobs?per_page=100"})...) + " | jq -r '.[].id'); do " +
			shellCommand(glab...) + " " + shellQuote(project+"/jobs/") + `"$id"` + shellQuote("/trace") + ` > "job-$id.log"; done` +
			"; " + cancel +
			"; " + shellCommand(slices.Concat(glab, []string{"--method", "PUT", project, "--raw-field", "builds_access_level=disabled"})...)
	case "gha-job":
		it.Action = fmt.Sprintf("Disable the workflow that runs %s and cancel its running and queued runs until %s, then save the runs' logs, which cancelling keeps",
			labels[0], cause)
		if len(labels) > 1 {
			last := len(labels) - 1
			jobs := strings.Join(labels[:last], ", ") + " and " + labels[last]
			it.Action = fmt.Sprintf("Disable the workflow that runs %s and cancel its running and queued runs until %s, then save the runs' logs, which cancelling keeps",
				jobs, cause)
		}
		wf, repo := rt.Node.Attr("workflow"), ghRepoFlag(rt.Node)
		if callers := calledBy(group, res); len(callers) > 0 {
			// A called workflow's jobs run in the runs of the calling
			// workflows. A workflow with other triggers has runs of its
			// own as well, so it is disabled too.
			var names, commands []string
			for _, c := range callers {
				names = append(names, c.workflow+" of "+c.repo)
				commands = append(commands, ghContainWorkflow(c.workflow, c.repo))
			}
			if calledOnly(group) {
				it.Action = fmt.Sprintf("%s runs only when another workflow calls it: disable the calling workflow %s and cancel its running and queued runs until %s, then save the runs' logs, which cancelling keeps",
					strings.Join(labels, ", "), strings.Join(names, ", "), cause)
				it.Command = strings.Join(commands, "; ")
				break
			}
			it.Action = fmt.Sprintf("Disable the workflow %s of %s, which runs %s, and the workflows that call it (%s), and cancel their running and queued runs until %s, then save the runs' logs, which cancelling keeps",
				wf, repo, strings.Join(labels, ", "), strings.Join(names, ", "), cause)
			it.Command = strings.Join(append([]string{ghContainWorkflow(wf, repo)}, commands...), "; ")
			break
		}
		it.Command = ghContainWorkflow(wf, repo)
	case "lambda":
		it.Action = "Set the function's reserved concurrency to 0 until a clean build is deployed"
		if len(rt.Path) > 0 && appInput(rt.Path[len(rt.Path)-1].Kind) {
			// Reached through its input, not through code it runs.
			it.Action = "Set the function's reserved concurrency to 0 until its input handling is reviewed and fixed"
		}
		// The function's ARN names it in any region, and the call goes
		// to the ARN's region, not to the shell's default one.
		fn := lastSegment(strings.TrimPrefix(rt.Node.ID, "runtime:aws:lambda:"))
		region, account, resource := arnRegion(fn)
		if name, ok := strings.CutPrefix(resource, "function:"); ok && account == "" {
			// Lambda rejects an ARN whose account is empty, so the
			// command names the function by its name.
			fn, _, _ = strings.Cut(name, ":")
		}
		args := []string{"aws", "lambda", "put-function-concurrency", "--function-name", fn, "--reserved-concurrent-executions", "0"}
		if region != "" {
			args = append(args, "--region", region)
		}
		it.Command = shellCommand(args...)
	case "ec2-instance":
		it.Action = "Isolate the instance (restrictive security group) and snapshot its volumes before rebuilding it"
	case "ec2-fleet":
		// Suspending Launch keeps the group from starting instances that
		// run the compromised code again; the running ones are isolated
		// as a single instance is.
		it.Action = "Suspend the group's launches, isolate its instances (restrictive security group) and snapshot their volumes, " +
			"then replace the instances from a clean launch template (an instance refresh) once the image or user data is clean"
		args := []string{"aws", "autoscaling", "suspend-processes", "--auto-scaling-group-name",
			gcloudValue(rt.Node.Attr(graph.AttrName), prefixedPlaceholder("group name", rt.Node)), "--scaling-processes", "Launch"}
		if region := rt.Node.Attr("region"); region != "" {
			args = append(args, "--region", region)
		}
		it.Command = shellCommand(args...)
	case "eks-node-group":
		// EKS labels each node of a managed node group with the group's
		// name, so cordoning by label reaches every node of the group.
		it.Action = "Cordon the group's nodes so that no new pod is scheduled on them, isolate them (restrictive security group), " +
			"and replace them once the workloads that run the compromised code are contained"
		it.Command = shellCommand("kubectl", "cordon", "-l", "eks.amazonaws.com/nodegroup="+gcloudValue(rt.Node.Attr(graph.AttrName), prefixedPlaceholder("node group name", rt.Node)))
		// kubectl acts on the current context's cluster, which may have
		// a node group of the same name. update-kubeconfig makes the
		// group's own cluster the current context, and fails for a
		// cluster that the shell's account and region do not have.
		if cluster, region := rt.Node.Attr("eks_cluster"), rt.Node.Attr("region"); gcloudValue(cluster, "") != "" && gcloudValue(region, "") != "" {
			it.Command = shellCommand("aws", "eks", "update-kubeconfig", "--name", cluster, "--region", region) + " && " + it.Command
		}
	case "cloud-run-service":
		// A revision keeps the image it was deployed with, so traffic moves
		// to a revision of a clean image.
		it.Action = "Send all traffic to a revision built from a clean image, or delete the service, until it is rebuilt; download its request and container logs first"
		// A name is a positional argument, so one that starts with "-"
		// would be read as a flag (see gcloudValue).
		it.Command = shellCommand("gcloud", "run", "services", "update-traffic", gcloudValue(rt.Node.Attr(graph.AttrName), "<service name>"), "--to-revisions", "<clean revision>=100",
			"--region", rt.Node.Attr("location"), "--project", rt.Node.Attr("project"))
	case "cloud-run-job":
		it.Action = "Point the job at a clean image before its next execution, and cancel the executions running now"
		it.Command = shellCommand("gcloud", "run", "jobs", "update", gcloudValue(rt.Node.Attr(graph.AttrName), "<job name>"), "--image", "<clean image>",
			"--region", rt.Node.Attr("location"), "--project", rt.Node.Attr("project"))
	case "gce-instance":
		// The serial port output holds the instance's console log since
		// boot. It is saved before the stop, one file an instance in the
		// current folder.
		name := gcloudValue(rt.Node.Attr(graph.AttrName), "<instance name>")
		where := []string{"--zone", gcloudValue(rt.Node.Attr("zone"), "<zone>"), "--project", gcloudValue(rt.Node.Attr("project"), "<project>")}
		file := "serial-" + fileWord(where[3]) + "-" + fileWord(where[1]) + "-" + fileWord(name) + ".log"
		it.Action = "Save the instance's serial port output as evidence, then stop the instance until it is rebuilt from a clean image"
		it.Command = shellCommand(slices.Concat([]string{"gcloud", "compute", "instances", "get-serial-port-output", name}, where)...) +
			" > " + shellQuote(file) + "; " +
			shellCommand(slices.Concat([]string{"gcloud", "compute", "instances", "stop", name}, where)...)
	case "gce-instance-template":
		// A template is only the configuration that instances are made
		// from, so containing it means stopping those instances.
		name := orPlaceholder(rt.Node.Attr(graph.AttrName), rt.Node.Label)
		var groups, cmds []string
		for _, g := range graph.SplitList(rt.Node.Attr("instance_groups")) {
			cmd, label, ok := resizeGroupCommand(g)
			if ok {
				groups = append(groups, label)
				cmds = append(cmds, cmd)
			}
		}
		if len(groups) == 0 {
			it.Action = fmt.Sprintf("Instance template %s runs nothing itself, so stop the instances made from it: resize each managed instance group that uses it to 0, "+
				"or point the group at a clean template and replace its instances, and stop the instances created from it outside a group. "+
				"The input names no group that uses it", name)
			break
		}
		it.Action = fmt.Sprintf("Instance template %s runs nothing itself, so stop the instances made from it. For each managed instance group that uses it (%s), "+
			"save the serial port output of its instances, then resize the group to 0 or point it at a clean template and replace its instances, "+
			"after turning off its autoscaling if it has any. Stop the instances created from it outside a group too", name, strings.Join(groups, ", "))
		it.Command = strings.Join(cmds, "; ")
	case "k8s-workload":
		k8sContainItem(it, rt.Node)
	default:
		it.Action = "Stop the runtime from running the compromised code until it is rebuilt from a clean version"
	}
	return it
}

// k8sContainItem fills in the item that saves a Kubernetes workload's logs
// and stops it. The input does not name the cluster's kubectl context.
func k8sContainItem(it *Item, n graph.Node) {
	ns, name, kind := n.Attr("namespace"), n.Attr(graph.AttrName), n.Attr("kind")
	it.Action = fmt.Sprintf("In the cluster of %s %s/%s, save its pods' logs, then stop it until it runs a clean image", kind, ns, name)
	if ns == "" || name == "" {
		return
	}

	resource := strings.ToLower(kind) + "/" + name
	namespace := "--namespace=" + ns
	var stop string
	switch kind {
	case "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController":
		stop = shellCommand("kubectl", "scale", namespace, resource, "--replicas=0")
	case "CronJob":
		// A suspended CronJob starts no new Job, but the Jobs it started
		// keep running.
		it.Action += ", and delete the Jobs it started that still run"
		stop = shellCommand("kubectl", "patch", namespace, resource, "--type=merge", `--patch={"spec":{"suspend":true}}`)
	case "Job", "Pod":
		stop = shellCommand("kubectl", "delete", namespace, resource)
	default:
		// A DaemonSet does not scale: it runs a pod on every node it selects.
		it.Action = fmt.Sprintf("In the cluster of %s %s/%s, save its pods' logs, then delete it, or change its node selector to match no node, until it runs a clean image", kind, ns, name)
		return
	}

	file := shellQuote("k8s-" + fileWord(ns) + "-" + fileWord(name) + ".log")
	var logs string
	switch labels := n.Attr("pod_labels"); {
	case kind == "Pod":
		logs = shellCommand("kubectl", "logs", namespace, resource, "--all-containers", "--prefix") + " > " + file
	case labels != "":
		// With a selector, kubectl logs prints the last 10 lines of each
		// pod unless --tail sets another count.
		logs = shellCommand("kubectl", "logs", namespace, "--selector="+labels, "--all-containers", "--prefix", "--tail=-1") + " > " + file
	}

	it.Command = stop
	if logs != "" {
		it.Command = logs + "; " + stop
	}
}

// resizeGroupCommand returns the command that saves the serial port
// output of the instances of a managed instance group, given as
// projects/P/zones/Z/instanceGroupManagers/N or
// projects/P/regions/R/instanceGroupManagers/N, and then resizes the group
// to 0, with the label of the group for the action. It reports false for
// any other text.
func resizeGroupCommand(group string) (cmd, label string, ok bool) {
	parts := strings.Split(group, "/")
	if len(parts) != 6 || parts[0] != "projects" || parts[4] != "instanceGroupManagers" {
		return "", "", false
	}
	var where []string
	switch parts[2] {
	case "zones":
		where = []string{"--zone", gcloudValue(parts[3], "<zone>")}
	case "regions":
		where = []string{"--region", gcloudValue(parts[3], "<region>")}
	default:
		return "", "", false
	}
	name := gcloudValue(parts[5], "<group name>")
	where = append(where, "--project", gcloudValue(parts[1], "<project>"))
	// The list gives each instance's URL, .../zones/ZONE/instances/NAME,
	// from which the shell takes the name and zone. These come from the
	// API, which accepts only valid names, so they name the saved file.
	project := where[len(where)-1]
	list := shellCommand(slices.Concat([]string{"gcloud", "compute", "instance-groups", "managed", "list-instances", name}, where, []string{"--format", "value(instance)"})...)
	cmd = "for i in $(" + list + `); do z=${i%/instances/*}; gcloud compute instances get-serial-port-output "${i##*/}" --zone "${z##*/}" --project ` +
		shellQuote(project) + ` > "serial-${i##*/}.log"; done; ` +
		shellCommand(slices.Concat([]string{"gcloud", "compute", "instance-groups", "managed", "resize", name, "--size", "0"}, where)...)
	return cmd, parts[5] + " in " + parts[3], true
}

// gcloudValue returns a value from the input for a gcloud command, or the
// placeholder when the input does not give it or gives one that gcloud
// would read as a flag. No Compute Engine name, zone or project id starts
// with "-".
func gcloudValue(s, placeholder string) string {
	if s == "" || strings.HasPrefix(s, "-") || strings.Contains(s, "${") {
		return placeholder
	}
	return s
}

// instanceProfileName returns the name of the instance profile that s
// gives by name or by ARN, as get-instance-profile takes it. Elastic
// Beanstalk's IamInstanceProfile takes either; the name is the ARN's last
// part, after the profile's path. A value IAM could not hold as a name
// (characters other than letters, digits and +=,.@_-, or a variable)
// gives "".
func instanceProfileName(s string) string {
	if strings.HasPrefix(s, "arn:") {
		_, s, _ = strings.Cut(s, ":instance-profile/")
		s = s[strings.LastIndexByte(s, '/')+1:]
	}
	if s == "" || strings.HasPrefix(s, "-") || strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-") != "" {
		return ""
	}
	return s
}

// prefixedPlaceholder returns the placeholder <what> of a name that the
// input does not show, with the prefix that Terraform's name_prefix gives
// it when the node records one.
func prefixedPlaceholder(what string, n graph.Node) string {
	if p := n.Attr("name_prefix"); p != "" {
		return "<" + what + " starting with " + p + ">"
	}
	return "<" + what + ">"
}

// fileWord returns s for use in a file name: each character other than a
// lowercase letter, a digit or "-" becomes "_", so that a value from the
// input cannot name another folder.
func fileWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

// tokenItems returns an item for each job-scoped token. Tokens whose items
// would read the same, such as GITHUB_TOKENs with the same permissions,
// share the item of the first, because each dies with its job.
func tokenItems(tokens []*Reached) []*Item {
	var items []*Item
	byAction := map[string]*Item{}
	for _, t := range tokens {
		it := tokenItem(t)
		if first := byAction[it.Action]; first != nil {
			first.Also = append(first.Also, t.Node.ID)
			continue
		}
		byAction[it.Action] = it
		items = append(items, it)
	}
	return items
}

// tokenItem returns the item of a job-scoped token. The runbook prints a
// sentence of its action that starts with "Check " as a checklist item.
func tokenItem(t *Reached) *Item {
	it := &Item{Node: t.Node, Kind: "expire"}
	switch t.Node.Attr("type") {
	case "github-token":
		it.Action = "Expires when the job ends; cancelling the run revokes it. Check what it pushed or published while valid (permissions: " + t.Node.Attr("permissions") + ")"
	case "job-token":
		// GitLab's CI_JOB_TOKEN.
		it.Action = "Expires when the job ends; cancelling the job revokes it. Check what it pushed or published while valid: the project's container and package registries accept it"
	case "oidc-token":
		it.Action = "Expires minutes after it is issued; the cloud sessions it was exchanged for live longer and are revoked below"
	}
	return it
}

// namedMintedKeys names, in the item of a key the attacker can mint, the
// keys of its user that logs show created (since the compromise time when
// there is one), with the command that deletes each.
func namedMintedKeys(ctx context.Context, r graph.Reader, res *Result, it *Item) error {
	user := strings.TrimSuffix(strings.TrimPrefix(it.Node.ID, "secret:aws:access-key:"), "/new")
	in, err := r.Expand(ctx, []string{user}, graph.In, graph.EdgeAuthenticatesAs)
	if err != nil {
		return err
	}
	var ids []string
	for _, e := range in {
		ids = append(ids, e.From)
	}
	ns, err := r.Nodes(ctx, ids)
	if err != nil {
		return err
	}
	var keys, cmds []string
	name := iamName(user)
	for _, n := range ns {
		created, err := time.Parse(time.RFC3339, n.Attr("created"))
		if err != nil || n.Attr("key_id") == "" || (!res.Since.IsZero() && created.Before(res.Since)) {
			continue
		}
		keys = append(keys, n.Attr("key_id")+" (created "+n.Attr("created")+" by "+n.Attr("created_by")+")")
		cmds = append(cmds, shellCommand("aws", "iam", "delete-access-key", "--user-name", name, "--access-key-id", n.Attr("key_id")))
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	sort.Strings(cmds)
	it.Action += "; logs show these created: " + strings.Join(keys, ", ")
	it.Command = strings.Join(cmds, " && ")
	return nil
}

// namedUsedKeys names, in the item of a Google Cloud service account, the
// user-managed keys that logs show signing its calls (since the compromise
// time when there is one), with the command that disables each. Disabling
// the account stops its keys only until it is enabled again, so the keys
// go too. A key that has an item of its own is left to that item.
func namedUsedKeys(ctx context.Context, r graph.Reader, res *Result, it *Item) error {
	email := strings.TrimPrefix(it.Node.ID, "gcp:sa:")
	in, err := r.Expand(ctx, []string{it.Node.ID}, graph.In, graph.EdgeAuthenticatesAs)
	if err != nil {
		return err
	}

	var keyIDs []string
	for _, e := range in {
		if !strings.HasPrefix(e.From, "secret:gcp:sa-key:") || res.index[e.From] != nil || e.Evidence == nil {
			continue
		}
		last := e.Evidence.LastAllowed
		if last.IsZero() || (!res.Since.IsZero() && !last.After(res.Since)) {
			continue
		}
		_, keyID, _ := strings.Cut(strings.TrimPrefix(e.From, "secret:gcp:sa-key:"), "/")
		if isKeyID(keyID) {
			keyIDs = append(keyIDs, keyID)
		}
	}
	if len(keyIDs) == 0 {
		return nil
	}

	keyIDs = uniqueSorted(keyIDs)
	when := "in use"
	if !res.Since.IsZero() {
		when = "in use after the compromise"
	}
	noun, pronoun := "keys", "them"
	if len(keyIDs) == 1 {
		noun, pronoun = "key", "it"
	}
	it.Action += fmt.Sprintf(". Logs show its %s %s %s. A disabled account's keys work again once it is enabled, so disable %s first and delete %s once the replacement is in place",
		noun, strings.Join(keyIDs, ", "), when, pronoun, pronoun)
	account := gcloudValue(email, "<service account email>")
	for _, keyID := range keyIDs {
		it.Command += "; " + shellCommand("gcloud", "iam", "service-accounts", "keys", "disable", keyID, "--iam-account", account)
	}
	return nil
}

// accessKeyID returns the key id an access key's revocation names: its
// key_id attribute, or the one key its evidence shows.
func accessKeyID(x *Reached) string {
	if id := x.Node.Attr("key_id"); id != "" {
		return id
	}
	if x.Evidence != nil && len(x.Evidence.Keys) == 1 {
		return x.Evidence.Keys[0]
	}
	return ""
}

// AccessKeyOf returns the IAM user name and the key id of a reached AWS
// access key. The key id comes from the node or, for a declared key, from
// its user's logged calls when they show exactly one key. The key id is ""
// when neither names one, and both are "" for a node that is no access key.
// A declared key and a logged key with the same user and key id are one
// key seen twice.
func AccessKeyOf(x *Reached) (user, keyID string) {
	if x.Node.Attr("type") != "access-key" {
		return "", ""
	}
	keyID = accessKeyID(x)
	if keyID == "" {
		return "", ""
	}
	user = iamName(x.Node.Attr("user"))
	if user == "" {
		user = userOfKey(x.Node.ID)
	}
	return user, keyID
}

// dropLoggedTwins removes from creds each access key that only logs show
// when a declared access key of the same user resolves to the same key
// id: both stand for one key, which the declared one revokes, with its
// consumers.
func dropLoggedTwins(creds []*Reached, isCred map[string]bool) []*Reached {
	declared := map[string]bool{} // user + key id
	keyOf := func(x *Reached) string {
		user, id := AccessKeyOf(x)
		if id == "" {
			return ""
		}
		return user + "\x00" + id
	}
	for _, x := range creds {
		if k := keyOf(x); k != "" && x.Node.Attr(graph.AttrObserved) != "true" {
			declared[k] = true
		}
	}
	out := creds[:0]
	for _, x := range creds {
		if k := keyOf(x); k != "" && x.Node.Attr(graph.AttrObserved) == "true" && declared[k] {
			delete(isCred, x.Node.ID)
			continue
		}
		out = append(out, x)
	}
	return out
}

// openTrustNote warns, for a role whose trust policy lets a web identity
// provider's tokens in without pinning their subject, that workflows
// outside the blast radius can open new sessions after the revocation.
// It is "" for other roles.
func openTrustNote(role graph.Node) string {
	doc := role.PolicyAttr("trust_policy")
	if doc == "" {
		return ""
	}
	p, err := awspolicy.Parse(doc)
	if err != nil {
		return ""
	}
	var open []string
	for _, o := range awspolicy.OpenWebIdentityTrust(p) {
		subjects := "any subject"
		if len(o.Patterns) > 0 {
			subjects = "subjects matching " + strings.Join(o.Patterns, ", ")
		}
		open = append(open, fmt.Sprintf("statement %s lets tokens of %s for %s assume it", o.Statement, strings.Join(o.Providers, ", "), subjects))
	}
	if len(open) == 0 {
		return ""
	}
	return "; its trust policy is open (" + strings.Join(open, "; ") + "), so a workflow or project outside the blast radius can open new sessions after the revocation: pin the sub condition to the subjects that need the role first"
}

// grantItem fills the item that undoes an administrator grant to an IAM
// user or role: a policy attached to it or written into it.
func grantItem(it *Item, holder string) {
	it.Kind = "undo"
	name := iamName(holder)
	kind, flag := "user", "--user-name"
	if strings.Contains(holder, ":role/") {
		kind, flag = "role", "--role-name"
	}
	it.Action = fmt.Sprintf("Detach or delete every policy attached to or written into %s %s since the compromise: the attacker can make it an administrator", kind, name)
	it.Command = shellCommand("aws", "iam", "list-attached-"+kind+"-policies", flag, name) + " && " + shellCommand("aws", "iam", "list-"+kind+"-policies", flag, name)
	it.Verify = trailLookup("ResourceName", iamARN(holder), "<revocation time>", true)
}

func credentialItem(x *Reached, res *Result, consumers, yields []string, reach int) *Item {
	n := x.Node
	it := &Item{Node: n, Kind: "revoke", Consumers: consumers, Yields: uniqueSorted(append([]string(nil), yields...)), Reach: reach,
		LongLived: n.Attr(graph.AttrLongLived) == "true"}
	if ev := x.Evidence; ev != nil {
		it.InUse = ev.Count > 0
	}
	it.Strangers = x.NewSources
	if n.Kind == graph.NodeIdentity {
		if ev := x.Evidence; ev != nil {
			it.InUse = ev.Count > 0
		}
		switch n.Attr("type") {
		case "admin-grant":
			grantItem(it, strings.TrimSuffix(n.ID, "#administrator"))
			return it
		case "administrator":
			acct := n.Attr(graph.AttrAccount)
			it.Kind = "undo"
			it.Action = fmt.Sprintf("Review the IAM changes made in account %s since the compromise and undo the attacker's: an identity in the blast radius can make itself or another identity an administrator there", acct)
			it.Command = trailLookup("EventSource", "iam.amazonaws.com", compromiseTime(res), false)
			it.Verify = trailLookup("EventSource", "iam.amazonaws.com", "<revocation time>", false)
			return it
		}
		if n.Attr("type") == "service-account" {
			email := strings.TrimPrefix(n.ID, "gcp:sa:")
			serviceAccountItem(it, email)
			if slices.ContainsFunc(res.Starts, func(s graph.Node) bool { return s.ID == n.ID }) {
				startServiceAccountItem(it, email)
			}
			return it
		}
		name := iamName(n.ID)
		if n.Attr("type") == "user" {
			it.Action = fmt.Sprintf("Deactivate every access key of IAM user %s and delete its console password: the input may not show all of its keys", name)
			it.Command = shellCommand("aws", "iam", "list-access-keys", "--user-name", name) + "; " +
				shellCommand("aws", "iam", "update-access-key", "--user-name", name, "--access-key-id", "<key id>", "--status", "Inactive") + "; " +
				shellCommand("aws", "iam", "delete-login-profile", "--user-name", name)
			it.Verify = trailLookup("Username", name, "<revocation time>", true)
			return it
		}
		it.Action = fmt.Sprintf("Revoke every active session of role %s: deny tokens issued before now", name) + openTrustNote(n)
		it.Command = revokeSessionsCommand(name)
		it.Verify = roleUseLookup(n.ID, name, "<revocation time>")
		escalationLeftovers(it, res, n.ID, name)
		return it
	}
	switch n.Attr("type") {
	case "personal-access-token", "fine-grained-token", "oauth-token":
		if n.Attr(graph.AttrProvider) == "github" && n.Attr("key_id") != "" {
			githubTokenItem(it, res, n)
			return it
		}
	case "access-key":
		user := iamName(n.Attr("user"))
		if user == "" {
			user = userOfKey(n.ID)
		}
		keyID := n.Attr("key_id")
		if keyID == "" && x.Evidence != nil && len(x.Evidence.Keys) == 1 {
			keyID = x.Evidence.Keys[0]
		}
		if keyID == "" {
			keyID = "<id of " + lastSegment(n.ID) + ">"
		}
		if n.Attr("minted") == "true" {
			it.Action = fmt.Sprintf("Delete any access key of %s created since the compromise; the attacker can mint them", user)
			it.Command = shellCommand("aws", "iam", "list-access-keys", "--user-name", user)
		} else {
			it.Action = fmt.Sprintf("Deactivate the access key of user %s, create a replacement, store it only where the replacement goes (listed), then delete the old key", user)
			it.Command = shellCommand("aws", "iam", "update-access-key", "--user-name", user, "--access-key-id", keyID, "--status", "Inactive")
		}
		it.Verify = trailLookup("AccessKeyId", keyID, "<revocation time>", true)
	case "console-password":
		user := iamName(n.Attr("user"))
		if user == "" {
			user = iamName(strings.TrimPrefix(n.ID, "secret:aws:console-password:"))
		}
		it.Action = fmt.Sprintf("Remove the console password of user %s (the attacker can set one) and check its sign-ins since the compromise", user)
		it.Command = shellCommand("aws", "iam", "delete-login-profile", "--user-name", user)
		it.Verify = trailLookup("Username", user, "<revocation time>", true)
	case "actions-secret":
		it.Action = "Rotate the value at the service that issued it, then store the new value in the GitHub secret"
		if revoke := registryRevocation(registryAccountOf(res, n.ID)); revoke != "" {
			it.Action = revoke + ", create a replacement, then store it in the GitHub secret"
		}
		it.Command = ghSecretCommand(n)
		if org := orgSecretInstead(res, n); org != "" {
			// gh secret set would create a repository secret that shadows
			// the organisation's, so the command sets it only if the
			// repository has one.
			it.Action = fmt.Sprintf("No input declares a repository secret %s: the job reads the organisation's (%s), whose item is in this plan. If the repository has a secret of that name after all, rotate it too", n.Attr(graph.AttrName), org)
			it.Command = shellCommand("gh", "secret", "list", "--repo", ghRepoFlag(n), "--json", "name", "--jq", ".[].name") +
				" | grep -qx " + shellQuote(n.Attr(graph.AttrName)) + " && " + it.Command
		}
		if u := iamUserOf(res, n.ID); u != "" {
			storedKeyItem(it, u, "the GitHub secret", keySiblings(res, n.ID, u))
		}
	case "ci-variable":
		// A GitLab CI/CD variable that a job reads may be the project's or
		// one of its groups', which the input does not show. One that an
		// input declares on a group names it.
		store := fmt.Sprintf("the CI/CD variable %s of %s (or of the group that defines it)", n.Attr(graph.AttrName), n.Attr(graph.AttrRepository))
		if g := n.Attr("group"); g != "" {
			store = fmt.Sprintf("the CI/CD variable %s of group %s", n.Attr(graph.AttrName), g)
		}
		it.Action = "Rotate the value at the service that issued it, then store the new value in " + store
		if revoke := registryRevocation(registryAccountOf(res, n.ID)); revoke != "" {
			it.Action = revoke + ", create a replacement, then store it in " + store
		}
		if u := iamUserOf(res, n.ID); u != "" {
			storedKeyItem(it, u, store, keySiblings(res, n.ID, u))
		}
	case "project-variables", "context":
		circleCIVariablesItem(it, res, n)
	case "all-ci-variables":
		// GitLab hands every job all the CI/CD variables its project can
		// see, so each of them that holds a credential is rotated.
		project := n.Attr(graph.AttrRepository)
		it.Action = fmt.Sprintf("The job received every CI/CD variable of project %s, of its groups and of the instance: rotate each that holds a credential at its issuer, then store the new value in the variable (Settings, CI/CD, Variables of the project or group that defines it)", project)
		if project != "" {
			repo := project
			if server := gitlabServerOf(res, project); server != "" {
				// glab reads a project of another server than its
				// default one from the project's full URL.
				repo = "https://" + server + "/" + project
			}
			it.Command = shellCommand("glab", "variable", "list", "--repo", repo)
		}
	case "all-actions-secrets":
		it.Action = "The job received every secret of the repository: rotate each of them at its issuer, then store each new value in its GitHub secret"
		it.Command = shellCommand("gh", "secret", "list", "--repo", ghRepoFlag(n))
	case "external-secret":
		it.Action = fmt.Sprintf("Rotate the value at the service that issued it, then write the new value to the %s entry %s, which the job reads", n.Attr("engine"), n.Attr(graph.AttrName))
	case "k8s-secret":
		kubernetesSecretItem(it, n)
	case "ssh-key":
		it.Action = fmt.Sprintf("Remove the key from the settings of CircleCI project %s (Project Settings, SSH Keys) and its public key from every host or service that trusts it, then add a new key pair in both places", n.Attr(graph.AttrRepository))
	case "secretmanager":
		secretManagerItem(it, n)
	case "secretsmanager":
		it.Action = "Replace the secret's value: if the secret has rotation configured, rotate-secret has its rotation function do it; otherwise rotate the value at its issuer and write the new value with put-secret-value"
		region, account, name := arnRegion(n.ID)
		args := []string{"--secret-id", n.ID}
		if region == "" || account == "" {
			// An ARN without its region or account is not a valid secret
			// id, so the command names the secret in a region to fill in.
			args = []string{"--secret-id", strings.TrimPrefix(name, "secret:"), "--region", orPlaceholder(region, "<region>")}
		}
		// rotate-secret fails on a secret without rotation configured,
		// and describe-secret prints None for RotationEnabled then.
		sm := func(sub string, more ...string) string {
			return shellCommand(append(append([]string{"aws", "secretsmanager", sub}, args...), more...)...)
		}
		it.Command = `if [ "$(` + sm("describe-secret", "--query", "RotationEnabled", "--output", "text") + `)" = True ]; ` +
			"then " + sm("rotate-secret") + "; " +
			"else " + sm("put-secret-value", "--secret-string", "file://<file with the new value>") + "; fi"
	case "ssm-parameter":
		it.Action = "Rotate the value at its issuer and overwrite the parameter"
		region, _, resource := arnRegion(n.ID)
		it.Command = shellCommand("aws", "ssm", "put-parameter", "--overwrite", "--type", "SecureString", "--name", parameterName(resource, n.ID), "--value", "<new value>", "--region", orPlaceholder(region, "<region>"))
	case "role-credentials":
		role := sessionRole(res, n.ID)
		if role == "" {
			it.Action = "Revoke the sessions of the role this runtime hands out, after the runtime is contained"
			if profile := instanceProfileName(n.Attr("instance_profile")); profile != "" {
				// The instance profile names the role in the account,
				// where the input does not show it.
				it.Action += ": the input does not show the role, so the command looks it up in instance profile " + profile
				it.Command = "role=$(" + shellCommand("aws", "iam", "get-instance-profile", "--instance-profile-name", profile,
					"--query", "InstanceProfile.Roles[0].RoleName", "--output", "text") + ") && " + revokeSessionsCommandOf(`"$role"`)
			}
			break
		}
		name := iamName(role)
		it.Action = fmt.Sprintf("Revoke every active session of role %s, which this runtime hands out, after the runtime is contained: deny tokens issued before now", name)
		it.Command = revokeSessionsCommand(name)
		it.Verify = roleUseLookup(role, name, "<revocation time>")
	case "service-account-token":
		// A bound token carries the uid of its pod and of its service
		// account, and the API server rejects it once either is deleted.
		account := n.Attr("namespace") + "/" + n.Attr(graph.AttrName)
		it.Action = fmt.Sprintf("Cannot be revoked by itself: after the runtime is contained, delete the pods that held it, whose tokens then stop working, or delete and recreate service account %s, which ends every token issued for it", account)
		minted := res.walkedOf(graph.EdgeCanMint, func(_, to string) bool { return to == n.ID })
		if len(minted) > 0 {
			// A token from the TokenRequest API may be bound to no pod,
			// and one from a token Secret lasts until the Secret is
			// deleted, so deleting pods leaves both valid.
			it.Action = fmt.Sprintf("Cannot be revoked by itself, and the blast radius can request new tokens of it that are bound to no pod: delete and recreate service account %s, which ends every token issued for it, including those of its token Secrets", account)
		}
	case "web-identity-token":
		it.Action = "Cannot be revoked: AWS STS accepts a token already read until it expires. After the runtime is contained, revoke the sessions of the role it acts as (a later item), and again once the token has expired, since until then it can open new ones"
	case "sa-key":
		serviceAccountKeyItem(it, n)
	case "metadata-token":
		email := strings.TrimPrefix(tokenAccount(res, n.ID), "gcp:sa:")
		if email == "" {
			it.Action = "Metadata server tokens expire about an hour after issue; stop the runtime first, then the account it runs as"
			break
		}
		serviceAccountItem(it, email)
		it.Action = fmt.Sprintf("Metadata server tokens expire about an hour after issue and cannot be revoked one by one: disable service account %s so that none is issued or refreshed, and enable it again once the runtime runs a clean build", email)
	case "inline-value":
		it.Action = "Rotate the credential at the service that issued it"
		switch acct := registryAccountOf(res, n.ID); {
		case acct.Attr("ecosystem") == "npm" && acct.Attr("registry") != "npm.pkg.github.com":
			it.Action = fmt.Sprintf("Revoke the token on %s (npm token list, then npm token revoke with its id, as the account it belongs to)", acct.Attr("registry"))
		case acct.Attr("ecosystem") == "pypi":
			it.Action = fmt.Sprintf("Remove the API token on %s (account settings, API tokens)", acct.Attr("registry"))
		case acct.Attr("registry") != "":
			it.Action = fmt.Sprintf("Change the password or revoke the token that the job logs in to %s with, as the account it belongs to", acct.Attr("registry"))
		}
	default:
		it.Action = "Rotate the credential at the service that issued it"
		if keyID := n.Attr("key_id"); strings.HasPrefix(keyID, "AKIA") {
			literalKeyItem(it, keyID)
		}
	}
	if n.Attr(graph.AttrStoredInline) == "true" && n.Pos.File != "" && n.Pos.File != graph.DerivedSource {
		// Everyone who can read the file has the old value: the file's
		// history keeps it after the line is deleted.
		it.Action += fmt.Sprintf("; its value is written in %s, so keep the replacement in a secret store and remove the old value from the file and its history", n.Pos)
		if n.Attr(graph.AttrBuildOnly) == "true" {
			// A stage that the image only copies from stays in the
			// build cache, not in the image.
			it.Action += "; the stage that holds it is only built, not pushed, but build caches may keep it, so clear them, and give the replacement to the build as a BuildKit secret (RUN --mount=type=secret), not with ENV or ARG"
		} else if n.Attr(graph.AttrBakedInto) != "" {
			// ENV values sit in an image's configuration, and ARG values
			// and RUN scripts in its history, after the file changes.
			it.Action += "; the layers and history of every image built from it keep the value, so rebuild and push those images without it, delete the old images from their registries, and give the replacement to the containers at run time or to the build as a BuildKit secret (RUN --mount=type=secret), not with ENV or ARG"
		}
	}
	return it
}

// passedRoleServices names, for each PassRole escalation method, what the
// service runs as the passed role and the service's CloudTrail event
// source.
var passedRoleServices = map[string][2]string{
	"PassRoleToEC2":            {"EC2 instances", "ec2.amazonaws.com"},
	"PassRoleToLambda":         {"Lambda functions", "lambda.amazonaws.com"},
	"PassRoleToCloudFormation": {"CloudFormation stacks", "cloudformation.amazonaws.com"},
	"PassRoleToGlue":           {"Glue development endpoints and jobs", "glue.amazonaws.com"},
	"PassRoleToDataPipeline":   {"Data Pipeline pipelines", "datapipeline.amazonaws.com"},
	"PassRoleToCodeBuild":      {"CodeBuild projects", "codebuild.amazonaws.com"},
	"PassRoleToSageMaker":      {"SageMaker notebook instances and jobs", "sagemaker.amazonaws.com"},
	"PassRoleToECS":            {"ECS task definitions, tasks and services", "ecs.amazonaws.com"},
	"PassRoleToStepFunctions":  {"Step Functions state machines", "states.amazonaws.com"},
	"PassRoleToAppRunner":      {"App Runner services", "apprunner.amazonaws.com"},
}

// escalationLeftovers adds to a role's item what an escalation to the role
// leaves behind to open new sessions after the revocation. These are the
// resources the role was passed to and the principals added to its trust
// policy, and the commands that list them run first.
func escalationLeftovers(it *Item, res *Result, role, name string) {
	var services, sources []string
	rewritten := false
	for _, e := range res.walkedOf(graph.EdgeCanAssume, func(_, to string) bool { return to == role }) {
		// One edge stands for every method that derives it (methods),
		// and names one of them (method).
		methods := graph.SplitList(e.Attr("methods"))
		if len(methods) == 0 {
			methods = []string{e.Attr("method")}
		}
		for _, method := range methods {
			if svc, ok := passedRoleServices[method]; ok && !slices.Contains(sources, svc[1]) {
				services = append(services, svc[0])
				sources = append(sources, svc[1])
			}
			rewritten = rewritten || method == "UpdateAssumeRolePolicy"
		}
	}
	var cmds []string
	if rewritten {
		it.Action += "; the blast radius can rewrite its trust policy, so first compare it with the one in the input and remove any principal added since the compromise, which could otherwise assume the role again"
		cmds = append(cmds, shellCommand("aws", "iam", "get-role", "--role-name", name, "--query", "Role.AssumeRolePolicyDocument"))
	}
	if len(services) > 0 {
		list := services[0]
		if n := len(services); n > 1 {
			list = strings.Join(services[:n-1], ", ") + " and " + services[n-1]
		}
		it.Action += fmt.Sprintf("; the blast radius can pass the role to new %s, which keep getting new sessions of it: first delete those that CloudTrail shows were created since the compromise", list)
		for _, src := range sources {
			cmds = append(cmds, trailLookup("EventSource", src, compromiseTime(res), true))
		}
	}
	if len(cmds) > 0 {
		it.Command = strings.Join(cmds, "; ") + "; " + it.Command
	}
}

// serviceAccountItem fills in the item that stops the tokens of a Google
// Cloud service account that the attacker can impersonate. A disabled
// account gets no new token. Tokens issued before it was disabled may
// stay valid until they expire, one hour after issue by default.
func serviceAccountItem(it *Item, email string) {
	it.Action = fmt.Sprintf("Disable service account %s so that no new token is issued for it, remove the bindings that let the principals in the blast radius impersonate it, then enable it again. Tokens issued before may stay valid until they expire", email)
	account := gcloudValue(email, "<service account email>")
	it.Command = shellCommand("gcloud", "iam", "service-accounts", "disable", account) + "; " +
		shellCommand("gcloud", "iam", "service-accounts", "get-iam-policy", account)
	it.Verify = logLookup("protoPayload.authenticationInfo.principalEmail="+loggingString(email), email)
}

// startServiceAccountItem fills in the item of a service account that
// the query starts from: the attacker holds the account itself, through
// keys the input may not show all of, so every user-managed key is
// deleted while the account is disabled.
func startServiceAccountItem(it *Item, email string) {
	it.Action = fmt.Sprintf("Disable service account %s so that no new token is issued for it, list its user-managed keys and delete each one, including those the input does not show, then enable it again. Tokens issued before may stay valid until they expire", email)
	account := gcloudValue(email, "<service account email>")
	it.Command = shellCommand("gcloud", "iam", "service-accounts", "disable", account) + "; " +
		shellCommand("gcloud", "iam", "service-accounts", "keys", "list", "--iam-account", account, "--managed-by", "user") + "; " +
		shellCommand("gcloud", "iam", "service-accounts", "keys", "delete", "<key id>", "--iam-account", account)
}

// logLookup returns the Cloud Logging command that lists the calls matching
// filter since the revocation, in the project of service account email
// when its address names one.
func logLookup(filter, email string) string {
	args := []string{"gcloud", "logging", "read", filter + ` AND timestamp>="<revocation time>"`}
	if project, ok := strings.CutSuffix(email[strings.IndexByte(email, '@')+1:], ".iam.gserviceaccount.com"); ok && project != "" {
		args = append(args, "--project", project)
	}
	return shellCommand(args...)
}

// loggingString returns s as a string of the Cloud Logging query language:
// in double quotes, with '\' and '"' escaped by '\', so that a value from
// the input cannot end the string and add conditions of its own.
func loggingString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// secretManagerItem fills in the item that rotates a Google Cloud Secret
// Manager secret: a new version with the new value, then the versions
// before it disabled. Reads of the secret appear in Cloud Logging only
// when its Data Access audit logs are on.
func secretManagerItem(it *Item, n graph.Node) {
	project, secret, ok := strings.Cut(strings.TrimPrefix(n.Attr("resource_name"), "projects/"), "/secrets/")
	if !ok {
		project, secret = "", ""
	}
	project = gcloudValue(project, "<project>")
	name := gcloudValue(secret, "<secret>")
	it.Action = "Rotate the secret's value at its issuer, add the new value as a version of the secret, then disable the versions before it. Reads of the secret since the compromise are in Cloud Logging if its Data Access audit logs are on"
	it.Command = shellCommand("gcloud", "secrets", "versions", "add", name, "--project", project, "--data-file", "<file with the new value>") + " && " +
		shellCommand("gcloud", "secrets", "versions", "list", name, "--project", project, "--filter", "state=ENABLED") + "; " +
		shellCommand("gcloud", "secrets", "versions", "disable", "<old version>", "--secret", name, "--project", project)
	it.Verify = shellCommand("gcloud", "logging", "read",
		`protoPayload.methodName="google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion" AND protoPayload.resourceName:`+
			loggingString("projects/"+project+"/secrets/"+secret+"/")+` AND timestamp>="<revocation time>"`, "--project", project)
}

// serviceAccountKeyItem fills in the item that revokes a key of a Google
// Cloud service account. A key whose id the input shows is disabled by
// id. A key the attacker can create has no id yet, so every key created
// since the compromise is listed for deletion.
func serviceAccountKeyItem(it *Item, n graph.Node) {
	email, label, _ := strings.Cut(strings.TrimPrefix(n.ID, "secret:gcp:sa-key:"), "/")
	if n.Attr("minted") == "true" {
		it.Action = fmt.Sprintf("Delete any key of service account %s created since the compromise; the attacker can create them", email)
		it.Command = shellCommand("gcloud", "iam", "service-accounts", "keys", "list", "--iam-account", email, "--managed-by", "user")
		return
	}
	keyID := n.Attr("key_id")
	if keyID == "" && isKeyID(label) {
		keyID = label
	}
	list := ""
	if keyID == "" {
		// The listing shows the id to fill in.
		keyID = "<id of " + label + ">"
		list = shellCommand("gcloud", "iam", "service-accounts", "keys", "list", "--iam-account", email, "--managed-by", "user") + "; "
	}
	it.Action = fmt.Sprintf("Disable the key of service account %s, create a replacement, store it only where the replacement goes (listed), then delete the old key", email)
	it.Command = list + shellCommand("gcloud", "iam", "service-accounts", "keys", "disable", gcloudValue(keyID, "<key id>"), "--iam-account", email)
	it.Verify = logLookup("protoPayload.authenticationInfo.serviceAccountKeyName:"+loggingString(keyID), email)
}

// isKeyID reports whether s has the form of a service account key's id:
// 40 hexadecimal digits.
func isKeyID(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// tokenAccount returns the id of the Google Cloud service account that
// the metadata credentials cred authenticate as in the blast radius, or ""
// when none is reached.
func tokenAccount(res *Result, cred string) string {
	for _, r := range res.Reached {
		if !strings.HasPrefix(r.Node.ID, "gcp:sa:") {
			continue
		}
		for _, h := range r.Path {
			if h.Kind == graph.EdgeAuthenticatesAs && h.From == cred && h.To == r.Node.ID {
				return r.Node.ID
			}
		}
	}
	return ""
}

// sessionRole returns the id of the IAM role that the role credentials
// cred authenticate as in the blast radius, or "" when none is reached.
func sessionRole(res *Result, cred string) string {
	for _, r := range res.Reached {
		if r.Node.Kind != graph.NodeIdentity || !strings.Contains(r.Node.ID, ":role/") {
			continue
		}
		for _, h := range r.Path {
			if h.Kind == graph.EdgeAuthenticatesAs && h.From == cred && h.To == r.Node.ID {
				return r.Node.ID
			}
		}
	}
	return ""
}

// circleCIVariablesItem fills the item of a CircleCI project's or
// context's environment variables, which every job of the project (or
// every job given the context) receives. For each variable that logs in
// to a registry it names where that registry revokes the token.
func circleCIVariablesItem(it *Item, res *Result, n graph.Node) {
	store := fmt.Sprintf("the settings of %s (Project Settings, Environment Variables)", n.Attr(graph.AttrRepository))
	owner := "of the CircleCI project " + n.Attr(graph.AttrRepository)
	if n.Attr("type") == "context" {
		store = fmt.Sprintf("the context (Organization Settings, Contexts, %s)", n.Attr(graph.AttrName))
		owner = "of the CircleCI context " + n.Attr(graph.AttrName)
	}
	it.Action = "Rotate every environment variable " + owner + " at the service that issued it, then store the new values in " + store
	var notes []string
	for _, acct := range registryAccountsOf(res, n.ID) {
		if revoke := registryRevocation(acct); revoke != "" {
			variable := acct.ID[strings.LastIndex(acct.ID, "/")+1:]
			notes = append(notes, fmt.Sprintf("$%s logs in to %s: %s", variable, acct.Attr("registry"), revoke))
		}
	}
	if len(notes) > 0 {
		it.Action += ". " + strings.Join(notes, ". ")
	}
}

// iamUserOf returns the AWS IAM user that a stored secret acts as in the
// blast radius (a mapping file states it for a key set by hand), or ""
// when it acts as none. Of several, it returns the first by ARN.
func iamUserOf(res *Result, cred string) string {
	var users []string
	for _, e := range res.walkedOf(graph.EdgeAuthenticatesAs, func(from, _ string) bool { return from == cred }) {
		r := res.Get(e.To)
		// A node that only a mapping file declares has no type, so the
		// resource part of its ARN identifies a user.
		_, _, resource := arnRegion(e.To)
		if r == nil || r.Node.Kind != graph.NodeIdentity || !strings.HasPrefix(e.To, "arn:aws:iam:") || !strings.HasPrefix(resource, "user/") {
			continue
		}
		users = append(users, e.To)
	}
	if len(users) == 0 {
		return ""
	}
	return slices.Min(users)
}

// storedKeyItem fills the item of a secret that holds an access key of
// IAM user arn, whose key id the input does not show: rotating the
// secret alone would leave the old key valid at AWS.
func storedKeyItem(it *Item, arn, store string, siblings []string) {
	name := iamName(arn)
	it.Action = fmt.Sprintf("Deactivate the access key of IAM user %s that this secret holds (list-access-keys shows its id), create a replacement, store it in %s, then delete the old key", name, store)
	if len(siblings) > 0 {
		// IAM allows a user two access keys, inactive ones included, so
		// the items of a key pair's secrets create one key between them.
		it.Action = fmt.Sprintf("Deactivate the access key of IAM user %s that this secret and %s hold (list-access-keys shows its id), create one replacement key for all of them, store each of its parts where the old part was (this one in %s), then delete the old key", name, strings.Join(siblings, ", "), store)
	}
	it.Command = shellCommand("aws", "iam", "list-access-keys", "--user-name", name) + "; " +
		shellCommand("aws", "iam", "update-access-key", "--user-name", name, "--access-key-id", "<key id>", "--status", "Inactive")
	it.Verify = trailLookup("Username", name, "<revocation time>", true)
}

// githubTokenItem fills the item of a GitHub token that an audit log
// names by its id. Only its owner can delete it. An organisation owner can
// revoke a fine-grained token's access to the organisation, and a classic
// token's SAML single sign-on authorization, in the organisation's
// settings; GitHub's REST endpoints for that take GitHub App tokens only.
// The check lists the audit-log events of the token since the revocation,
// in each organisation whose log names it.
func githubTokenItem(it *Item, res *Result, n graph.Node) {
	id := n.Attr("key_id")
	owner := "its owner"
	for _, e := range res.walkedOf(graph.EdgeAuthenticatesAs, func(from, _ string) bool { return from == n.ID }) {
		if login, ok := strings.CutPrefix(e.To, "github:user:"); ok {
			owner = "GitHub account " + login
		}
	}

	kind := map[string]string{"personal-access-token": "personal access token (classic)", "fine-grained-token": "fine-grained personal access token",
		"oauth-token": "OAuth token"}[n.Attr("type")]
	// The log names a token by its numeric token_id, else by its
	// hashed_token (base64 of its SHA-256), which the audit log's search
	// takes as the qualifier hashed_token:"VALUE".
	field := "token_id"
	phrase := "created:>=<revocation time>"
	filter := fmt.Sprintf(`.[] | select((.token_id | tostring) == %q) | [.created_at, .action, .repo, .actor_ip] | @tsv`, id)
	if strings.Trim(id, "0123456789") != "" {
		field = "hashed_token"
		phrase = fmt.Sprintf("hashed_token:%q %s", id, phrase)
		filter = `.[] | [.created_at, .action, .repo, .actor_ip] | @tsv`
	}

	it.Action = fmt.Sprintf("Have %s delete %s %s (the audit log's %s), or, as an organisation owner, revoke its access to the organisation in the organisation's settings: for a fine-grained token under personal access tokens, for a token (classic) by removing its SAML single sign-on authorization", owner, kind, id, field)
	// Each organisation whose log names the token gets its own check.
	var orgs []string
	for _, v := range n.AttrValues("org") {
		orgs = append(orgs, graph.SplitList(v)...)
	}
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	if len(orgs) == 0 {
		orgs = []string{"<organization>"}
	}

	cmds := make([]string, len(orgs))
	for i, org := range orgs {
		cmds[i] = shellCommand("gh", "api", "-X", "GET", "--paginate", "orgs/"+org+"/audit-log", "-f", "phrase="+phrase, "--jq", filter)
	}
	it.Verify = strings.Join(cmds, "; ")
}

// literalKeyItem fills the item of a credential whose value is the
// long-lived AWS access key id keyID, written out in the input. The input
// does not name the key's user, and get-access-key-last-used returns it.
func literalKeyItem(it *Item, keyID string) {
	it.Action = fmt.Sprintf("Deactivate access key %s (get-access-key-last-used names the IAM user who owns it), create a replacement, store it only where the replacement goes (listed), then delete the old key", keyID)
	it.Command = "user=$(" + shellCommand("aws", "iam", "get-access-key-last-used", "--access-key-id", keyID, "--query", "UserName", "--output", "text") + ") && " +
		shellCommand("aws", "iam", "update-access-key", "--user-name") + ` "$user" ` + shellCommand("--access-key-id", keyID, "--status", "Inactive")
	it.Verify = trailLookup("AccessKeyId", keyID, "<revocation time>", true)
}

// keySiblings returns the names of the other secrets in the blast radius
// that act as IAM user arn, such as the second half of a key pair.
func keySiblings(res *Result, cred, arn string) []string {
	var out []string
	for _, x := range res.ByKind(graph.NodeSecret) {
		if x.Node.ID == cred || iamUserOf(res, x.Node.ID) != arn {
			continue
		}
		out = append(out, cmp.Or(x.Node.Attr(graph.AttrName), x.Node.ID))
	}
	sort.Strings(out)
	return out
}

// registryAccountsOf returns the registry accounts that a credential
// acts as in the blast radius, sorted by id. It reads the walked edges
// because an account that several variable sets may log in as is on the
// path of only one of them.
func registryAccountsOf(res *Result, cred string) []graph.Node {
	var out []graph.Node
	edges := res.walkedOf(graph.EdgeAuthenticatesAs, func(from, _ string) bool { return from == cred })
	for _, e := range edges {
		r := res.Get(e.To)
		if r == nil || r.Node.Attr("type") != "registry-account" {
			continue
		}
		out = append(out, r.Node)
	}
	slices.SortFunc(out, func(a, b graph.Node) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b graph.Node) bool { return a.ID == b.ID })
}

// registryRevocation names where a token of a registry account is revoked,
// or returns "" for a registry whose token page is not known.
func registryRevocation(acct graph.Node) string {
	switch {
	case githubPackagesHost(acct.Attr("registry")):
		return "Revoke the personal access token at GitHub (Settings, Developer settings, Personal access tokens, as the user it belongs to)"
	case acct.Attr("ecosystem") == "npm":
		return fmt.Sprintf("Revoke the token on %s (npm token list, then npm token revoke with its id, as the account it belongs to)", acct.Attr("registry"))
	case acct.Attr("ecosystem") == "pypi":
		return fmt.Sprintf("Remove the API token on %s (account settings, API tokens)", acct.Attr("registry"))
	case acct.Attr("registry") == "nuget.org":
		return "Delete the API key on nuget.org (account, API Keys, as the account it belongs to)"
	case acct.Attr("registry") == "central.sonatype.com":
		return "Revoke the user token on central.sonatype.com (account, user tokens, as the account it belongs to)"
	case acct.Attr("registry") == "crates.io":
		return "Revoke the API token on crates.io (Account Settings, API Tokens, as the account it belongs to)"
	case acct.Attr("registry") == "rubygems.org":
		return "Delete the API key on rubygems.org (Settings, API keys, as the account it belongs to)"
	case acct.Attr("registry") == "docker.io":
		// A Docker Hub login takes a personal access token, an
		// organization access token or the account's password.
		return "Delete the access token on Docker Hub (Account settings, Personal access tokens, or the organization's access tokens in the Admin Console), or change the account's password if that is what the secret holds"
	}
	return ""
}

// githubPackagesHost reports whether host is GitHub's container registry
// or one of GitHub Packages' registries (npm.pkg.github.com and the like).
// A token stored for them is a personal access token, because a job's
// GITHUB_TOKEN expires when the job ends.
func githubPackagesHost(host string) bool {
	return host == "ghcr.io" || strings.HasSuffix(host, ".pkg.github.com")
}

// webIdentityLogin reports whether a hop is a web identity token (IRSA)
// acting as an IAM role, whose STS sessions outlive the pod that held it.
func webIdentityLogin(res *Result, hop Hop) bool {
	if hop.Kind != graph.EdgeAuthenticatesAs {
		return false
	}
	from := res.index[hop.From]
	return from != nil && from.Node.Attr("type") == "web-identity-token"
}

// withdraw names how the registry that an ecosystem's purls name takes
// a release back.
func withdraw(eco string) string { return withdrawFrom(eco, "") }

// withdrawFrom names how a registry of an ecosystem takes a release back.
// Host "" is the registry that the ecosystem's purls name.
func withdrawFrom(eco, host string) string {
	switch eco {
	case "npm":
		return "deprecate or unpublish"
	case "pypi", "cargo", "gem":
		// PyPI, crates.io and RubyGems take a release back by
		// yanking it.
		return "yank"
	case "maven":
		if host != "" && host != "central.sonatype.com" {
			// A repository manager of one's own deletes versions.
			return "delete"
		}
		// Only Sonatype's administrators delete a release from Maven
		// Central, never its publisher.
		return "ask Sonatype, which runs Maven Central, to remove"
	case "nuget":
		if host != "" && host != "nuget.org" {
			return "unlist or delete"
		}
		// nuget.org only unlists a package for its owner and deletes one
		// through its support, as for harmful content.
		return "unlist, deprecate and report to nuget.org support"
	}
	return "deprecate or yank"
}

// registryAccountOf returns the package registry account that the secret
// cred logs in as in the blast radius, or a node without attributes. The
// first call indexes the accounts of the whole blast radius, so a plan
// over many secrets reads res.Reached once.
func registryAccountOf(res *Result, cred string) graph.Node {
	if res.accounts == nil {
		res.accounts = map[string]graph.Node{}
		for _, r := range res.Reached {
			if r.Node.Attr("type") != "registry-account" || len(r.Path) == 0 {
				continue
			}
			h := r.Path[len(r.Path)-1]
			if _, seen := res.accounts[h.From]; h.Kind == graph.EdgeAuthenticatesAs && !seen {
				res.accounts[h.From] = r.Node
			}
		}
		// A path reaches each account once, through one secret. The other
		// secrets that log in as it (an organisation's secret of the name
		// that a repository's secret also has) are walked edges.
		isAccount := func(_, to string) bool {
			r := res.Get(to)
			return r != nil && r.Node.Attr("type") == "registry-account"
		}
		for _, e := range res.walkedOf(graph.EdgeAuthenticatesAs, isAccount) {
			if _, seen := res.accounts[e.From]; !seen {
				res.accounts[e.From] = res.Get(e.To).Node
			}
		}
	}
	return res.accounts[cred]
}

// arnRegion returns the region, account and resource parts of an ARN.
// Each is "" when the ARN leaves it empty or id is no ARN.
func arnRegion(id string) (region, account, resource string) {
	parts := strings.SplitN(id, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return "", "", ""
	}
	return parts[3], parts[4], parts[5]
}

// parameterName returns the name of an SSM parameter from the resource
// part of its ARN. The ARN drops a hierarchical name's leading slash, so
// "parameter/prod/db" is "/prod/db" while "parameter/token" is "token".
// For an id that is no ARN it returns the last segment.
func parameterName(resource, id string) string {
	rest, ok := strings.CutPrefix(resource, "parameter/")
	switch {
	case !ok:
		return lastSegment(id)
	case strings.Contains(rest, "/"):
		return "/" + rest
	}
	return rest
}

// orPlaceholder returns s, or the placeholder when s is empty.
func orPlaceholder(s, placeholder string) string {
	if s == "" {
		return placeholder
	}
	return s
}

func userOfKey(id string) string {
	rest := strings.TrimPrefix(id, "secret:aws:access-key:")
	if i := strings.LastIndex(rest, "/"); i >= 0 {
		rest = rest[:i]
	}
	return iamName(rest)
}

// iamName returns the name of an IAM user or role from its ARN: the text
// after the last '/', which ends the path. Input may carry a '#' that IAM
// would reject in a name, and cutting there would name another identity.
func iamName(arn string) string {
	name := arn[strings.LastIndex(arn, "/")+1:]
	if strings.Contains(name, "${") {
		// A name the input leaves unresolved, such as the one
		// CloudFormation generates for a role without RoleName, is a
		// placeholder for the responder to fill in, not a name to run.
		return "<deployed name of " + name + ">"
	}
	return name
}

// iamARN returns the ARN of an IAM user or role with its name written as
// iamName writes it, so that an unresolved name becomes the same
// placeholder in a log query as in the commands. An ARN without the
// account (arn:aws:iam:::role/NAME, when no input names it) gets the
// placeholder <account id>: CloudTrail records the account in every ARN,
// so a lookup of the ARN as it is would match no event and look clean.
func iamARN(arn string) string {
	out := arn[:strings.LastIndex(arn, "/")+1] + iamName(arn)
	if parts := strings.SplitN(out, ":", 6); len(parts) == 6 && parts[0] == "arn" && parts[4] == "" {
		parts[4] = "<account id>"
		out = strings.Join(parts, ":")
	}
	return out
}

// ghSecretCommand returns the command that stores a new value in a GitHub
// secret. A name with a leading '-' would be read as an option, so it
// then follows the flags and a "--".
func ghSecretCommand(n graph.Node) string {
	name := n.Attr(graph.AttrName)
	var flags []string
	prefix := ""
	if env := n.Attr("environment"); env != "" {
		flags = []string{"--repo", ghRepoFlag(n), "--env", env}
	} else if strings.HasPrefix(n.ID, "secret:gha:org:") {
		host, org := ghOrgSecret(n.ID)
		flags = append([]string{"--org", org}, orgSecretVisibility(n)...)
		if host != "" {
			// gh secret set has no host flag: with --org it calls the
			// host that GH_HOST names, else github.com.
			prefix = "GH_HOST=" + shellQuote(host) + " "
		}
	} else {
		flags = []string{"--repo", ghRepoFlag(n)}
	}
	if strings.HasPrefix(name, "-") {
		return prefix + shellCommand(append(append([]string{"gh", "secret", "set"}, flags...), "--", name)...)
	}
	return prefix + shellCommand(append([]string{"gh", "secret", "set", name}, flags...)...)
}

// orgSecretInstead returns the id of the organisation secret that a
// job of the blast radius reads in place of repository secret n, because
// no input but a workflow states n (graph.AttrInsteadOf), or "" when
// there is none. The first call indexes the walked edges, so a plan over
// many secrets reads them once.
func orgSecretInstead(res *Result, n graph.Node) string {
	if res.insteadOf == nil {
		res.insteadOf = map[string]string{}
		toOrg := func(_, to string) bool { return strings.HasPrefix(to, "secret:gha:org:") }
		for _, e := range res.walkedOf(graph.EdgeExposes, toOrg) {
			if repo := e.Attr(graph.AttrInsteadOf); repo != "" {
				res.insteadOf[repo] = e.To
			}
		}
	}
	return res.insteadOf[n.ID]
}

// orgSecretVisibility returns the flags that keep an organisation
// secret's visibility when gh secret set stores a new value: without
// --visibility, gh sets it to private, which cuts the secret off from
// the public repositories that read it. A visibility the input does not
// show is a placeholder to fill in.
func orgSecretVisibility(n graph.Node) []string {
	switch v := n.Attr("visibility"); v {
	case "all", "private":
		return []string{"--visibility", v}
	case "selected":
		// The input may name only some of the selected repositories
		// (Terraform lists ids that name no repository it declares), and
		// --repos replaces the whole selection.
		return []string{"--visibility", "selected", "--repos", "<the repositories selected now>"}
	}
	return []string{"--visibility", "<all, private or selected, as now>"}
}

// revokeSessionsCommand returns the command that denies every session of a
// role issued before the moment it runs, as the IAM console's "Revoke
// active sessions" does. The shell fills in the time when the command runs.
func revokeSessionsCommand(role string) string {
	return revokeSessionsCommandOf(shellQuote(role))
}

// revokeSessionsCommandOf is revokeSessionsCommand with the role name
// given as a shell word already, such as "$role".
func revokeSessionsCommandOf(roleWord string) string {
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"TIME"}}}]}`
	before, after, _ := strings.Cut(policy, "TIME")
	return "aws iam put-role-policy --role-name " + roleWord + " --policy-name AWSRevokeOlderSessions --policy-document " +
		shellQuote(before) + `"$(date -u +%Y-%m-%dT%H:%M:%SZ)"` + shellQuote(after)
}

// trailLookup returns the command that lists CloudTrail's management events
// with one lookup attribute since start. Event history is kept per region:
// IAM's own events are in us-east-1, while calls made with a key or a role
// session are in the region of the endpoint called, so everyRegion loops
// over the account's enabled regions.
func trailLookup(attr, value, start string, everyRegion bool) string {
	cmd := shellCommand("aws", "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey="+attr+",AttributeValue="+shorthandValue(value), "--start-time", start)
	if !everyRegion {
		return cmd + " --region us-east-1"
	}
	return inEveryRegion(cmd)
}

// inEveryRegion returns a shell loop that runs each command, with --region,
// in every region the account has enabled.
func inEveryRegion(cmds ...string) string {
	loop := `for region in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do`
	for _, c := range cmds {
		loop += " " + c + ` --region "$region";`
	}
	return loop + " done"
}

// roleUseLookup returns the command that lists, in each enabled region, the
// events since start that name a role as their resource (its AssumeRole
// calls), then those made with its sessions, whose caller is
// arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION. A session issued before
// the revocation keeps calling until it expires, and the revocation's deny
// policy makes those calls fail: CloudTrail records them as denied.
func roleUseLookup(role, name, start string) string {
	byRole := shellCommand("aws", "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=ResourceName,AttributeValue="+shorthandValue(iamARN(role)), "--start-time", start)
	bySession := shellCommand("aws", "cloudtrail", "lookup-events", "--start-time", start,
		"--query", "Events[?contains(CloudTrailEvent, ':assumed-role/"+jmespathRaw(name)+"/')]")
	return inEveryRegion(byRole, bySession)
}

// jmespathRaw escapes s for a JMESPath raw string literal ('...'), in
// which a backslash escapes a quote or a backslash, so that a name from
// the input cannot end the literal and add conditions of its own.
func jmespathRaw(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}

// shorthandValue returns value as a value of the AWS CLI's shorthand
// syntax. A bare value ends at a ',' and may not hold '=', quotes or
// spaces, so any value beyond a safe set is double-quoted, with '\' and
// '"' escaped by '\' (awscli/shorthand.py, ShorthandParser).
func shorthandValue(value string) string {
	if value != "" && strings.Trim(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@+*-") == "" {
		return value
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"`
}

// compromiseTime returns the compromise time of the query in RFC 3339, or a
// placeholder when none was given.
func compromiseTime(res *Result) string {
	if res.Since.IsZero() {
		return "<compromise time>"
	}
	return res.Since.UTC().Format(time.RFC3339)
}

// shellCommand renders a command line that is safe to paste into a POSIX
// shell: every argument that holds anything beyond a conservative set of
// characters is single-quoted, so names taken from the input (a workflow
// file called "$(touch x).yml", say) stay literal text.
func shellCommand(args ...string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+=,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ownCredentials returns the credentials that act as the start identities
// themselves: the keys a leaked user holds, which the plan must revoke
// even though the walk starts past them.
func ownCredentials(ctx context.Context, r graph.Reader, res *Result) ([]*Reached, error) {
	var ids []string
	for _, s := range res.Starts {
		if s.Kind == graph.NodeIdentity {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, err := r.Expand(ctx, ids, graph.In, graph.EdgeAuthenticatesAs)
	if err != nil {
		return nil, err
	}
	var secretIDs []string
	for _, e := range in {
		secretIDs = append(secretIDs, e.From)
	}
	ns, err := r.Nodes(ctx, uniqueSorted(secretIDs))
	if err != nil {
		return nil, err
	}
	var out []*Reached
	for _, n := range ns {
		if n.Kind != graph.NodeSecret || jobScoped[n.Attr("type")] || n.Attr("minted") == "true" {
			continue
		}
		x := &Reached{Node: n, Confidence: graph.Certain}
		for _, s := range res.Starts {
			if ev := res.index[s.ID]; ev != nil && ev.Evidence != nil {
				x.Evidence = ev.Evidence.Clone()
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// kubernetesSecretItem fills in the item of a Kubernetes Secret. A
// container reads a Secret's environment variables, and files mounted
// with subPath, only when it starts, so the pods that read it restart.
func kubernetesSecretItem(it *Item, n graph.Node) {
	ns, name := n.Attr("namespace"), n.Attr(graph.AttrName)
	if ns == "" || name == "" {
		ns, name, _ = strings.Cut(strings.TrimPrefix(n.ID, "secret:k8s:"), "/")
	}
	it.Action = fmt.Sprintf("Rotate the value at the service that issued it, write the new value into Secret %s/%s, then restart the pods that read it: those given it as environment variables or a subPath mount keep the old value until they restart", ns, name)
	it.Command = shellCommand("kubectl", "--namespace", ns, "edit", "secret", name)
}

// gitlabServerOf returns the self-managed server of the GitLab jobs of
// project in the radius, or "" when they run on gitlab.com or on more
// than one server.
func gitlabServerOf(res *Result, project string) string {
	server := ""
	for _, x := range res.Reached {
		n := x.Node
		if n.Kind != graph.NodeRuntime || n.Attr(graph.AttrProvider) != "gitlab" && !strings.HasPrefix(n.Attr("type"), "gitlab-") || n.Attr(graph.AttrRepository) != project {
			continue
		}
		s := n.Attr("server")
		if s == "" || server != "" && s != server {
			return ""
		}
		server = s
	}
	return server
}
