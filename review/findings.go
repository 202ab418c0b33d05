package review

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// Finding kinds.
const (
	// FindingCISecretKey: a long-lived cloud credential stored as a CI
	// secret, where an OIDC role would issue short-lived sessions.
	FindingCISecretKey = "long-lived-ci-secret"
	// FindingUnused: a long-lived credential the logs show unused for
	// longer than Options.UnusedDays.
	FindingUnused = "unused-credential"
	// FindingOIDCWildcard: a role whose OIDC trust lets any subject, or a
	// subject pattern, of a provider assume it.
	FindingOIDCWildcard = "oidc-wildcard-trust"
	// FindingTagPinned: a third-party action, GitLab include or CircleCI orb
	// referenced by a tag, branch or version range in a job that has
	// secrets, so anyone who can move the tag runs code there.
	FindingTagPinned = "tag-pinned-action"
	// FindingPrivesc: an identity that can escalate its own privileges to
	// administrator.
	FindingPrivesc = "privilege-escalation"
	// FindingUnusedDelivery: a secret delivered to a job that never refers
	// to it (the job receives the whole secrets context).
	FindingUnusedDelivery = "unreferenced-secret"
	// FindingGrant: an identity that can make other identities
	// administrators. The holder of any of them then becomes one.
	FindingGrant = "administrator-grant"
	// FindingLiteral: a credential written as a literal value into a
	// file of the input (a workflow, a CI script, Terraform, a manifest),
	// where everyone who can read the file can read it.
	FindingLiteral = "literal-credential"
	// FindingFloating: a registry package that a job with secrets runs or
	// installs by name without an exact version (npx NAME, pip install
	// NAME), so the next version published to the registry runs there.
	FindingFloating = "floating-package"
)

// Finding is one thing that widens a reach.
type Finding struct {
	Kind   string `json:"kind"`
	Node   string `json:"node"`
	Label  string `json:"label,omitempty"`
	Detail string `json:"detail"`
	// Related lists other nodes the finding concerns (the job that runs a
	// tag-pinned action, the secrets it holds).
	Related []string `json:"related,omitempty"`
	Pos     string   `json:"pos,omitempty"`
}

// finder computes findings of one kind.
type finder func(context.Context, graph.Reader, *Review, Options) ([]*Finding, error)

// graphFindings are the finders that read only the graph, not the
// entries of the review.
var graphFindings = []finder{ciSecretKeys, oidcWildcards, tagPinnedActions, floatingPackages, privesc, grants, unreferencedSecrets, literalCredentials}

func sortFindings(fs []*Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Node < b.Node
	})
}

func findings(ctx context.Context, r graph.Reader, rv *Review, opt Options, finders []finder) ([]*Finding, error) {
	var out []*Finding
	for _, f := range finders {
		fs, err := f(ctx, r, rv, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	sortFindings(out)
	if out == nil {
		out = []*Finding{}
	}
	var ids []string
	for _, f := range out {
		if f.Label == "" {
			ids = append(ids, f.Node)
		}
	}
	ns, err := r.Nodes(ctx, uniqueSorted(ids))
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for _, n := range ns {
		labels[n.ID] = n.Label
	}
	for _, f := range out {
		if f.Label == "" {
			f.Label = labels[f.Node]
		}
	}
	return out, nil
}

func posOf(p graph.Pos) string {
	if p.File == "" || p.File == graph.DerivedSource {
		return ""
	}
	return p.String()
}

// ciSecretTypes are the Secret types that a CI system stores and hands to
// jobs.
var ciSecretTypes = map[string]bool{
	"actions-secret": true, "ci-variable": true, "context": true, "project-variables": true,
}

// keyNames matches CI secret names that by convention hold a cloud key.
var keyNames = regexp.MustCompile(`(?i)(^|_)(AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|GCP_SA_KEY|GCP_CREDENTIALS|GOOGLE_CREDENTIALS|GOOGLE_APPLICATION_CREDENTIALS|SERVICE_ACCOUNT_KEY|AZURE_CREDENTIALS|AZURE_CLIENT_SECRET)$`)

// ciSecretKeys finds long-lived credentials stored as CI secrets: a CI
// secret that holds a long-lived key, acts as a cloud identity itself,
// or is named like a cloud key.
func ciSecretKeys(ctx context.Context, r graph.Reader, _ *Review, _ Options) ([]*Finding, error) {
	secrets, err := r.NodesByKind(ctx, graph.NodeSecret)
	if err != nil {
		return nil, err
	}
	var ci []graph.Node
	var ids []string
	for _, s := range secrets {
		if ciSecretTypes[s.Attr("type")] {
			ci = append(ci, s)
			ids = append(ids, s.ID)
		}
	}
	holds, err := r.Expand(ctx, ids, graph.Out, graph.EdgeHolds, graph.EdgeAuthenticatesAs)
	if err != nil {
		return nil, err
	}
	heldBy := map[string][]string{}
	var held []string
	for _, e := range holds {
		heldBy[e.From] = append(heldBy[e.From], e.To)
		held = append(held, e.To)
	}
	heldNodes, err := r.Nodes(ctx, uniqueSorted(held))
	if err != nil {
		return nil, err
	}
	byID := map[string]graph.Node{}
	for _, n := range heldNodes {
		byID[n.ID] = n
	}

	var out []*Finding
	for _, s := range ci {
		var keys []string
		registry, githubPackages, cloud := "", false, false
		for _, id := range heldBy[s.ID] {
			n := byID[id]
			if n.Kind == graph.NodeIdentity || n.Attr(graph.AttrLongLived) == "true" {
				keys = append(keys, id)
				if p := n.Attr(graph.AttrProvider); p == "aws" || p == "gcp" {
					cloud = true
				}
			}
			if eco := n.Attr("ecosystem"); n.Attr("type") == "registry-account" && (eco == "npm" || eco == "pypi") {
				switch host := n.Attr("registry"); host {
				case "registry.npmjs.org", "pypi.org", "test.pypi.org":
					registry = host
				case "npm.pkg.github.com":
					githubPackages = true
				}
			}
		}
		f := &Finding{Kind: FindingCISecretKey, Node: s.ID, Label: s.Label, Related: uniqueSorted(keys), Pos: posOf(s.Pos)}
		switch {
		case registry != "":
			// npmjs.com, PyPI and TestPyPI accept a workflow's OIDC token
			// in place of a stored token ("trusted publishing").
			f.Detail = fmt.Sprintf("CI secret %s stores a long-lived %s token; trusted publishing would let the release job publish with a short-lived OIDC token instead",
				nameOf(s), registry)
		case githubPackages:
			f.Detail = fmt.Sprintf("CI secret %s stores a long-lived npm.pkg.github.com token; the release job's GITHUB_TOKEN, with packages: write, would publish to GitHub Packages of its own repository instead",
				nameOf(s))
		case len(keys) > 0 && cloud:
			f.Detail = fmt.Sprintf("CI secret %s stores the long-lived credential %s; an OIDC role bound to a branch or environment would issue short-lived sessions instead",
				nameOf(s), strings.Join(f.Related, ", "))
		case len(keys) > 0:
			// Services other than the clouds rarely take a CI job's OIDC
			// token, so the advice is the one that applies to any token.
			f.Detail = fmt.Sprintf("CI secret %s stores the long-lived credential %s; scope it to what the job needs and rotate it, or use short-lived tokens where the service issues them",
				nameOf(s), strings.Join(f.Related, ", "))
		case keyNames.MatchString(s.Attr(graph.AttrName)):
			f.Detail = fmt.Sprintf("CI secret %s is named like a long-lived cloud key; no input shows which key it holds", nameOf(s))
		default:
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

func nameOf(n graph.Node) string {
	if v := n.Attr(graph.AttrName); v != "" {
		return v
	}
	if n.Label != "" {
		return n.Label
	}
	return n.ID
}

// unusedCredentials flags long-lived credentials whose last use is older
// than the threshold, and those the logs of their account never show.
func unusedCredentials(ctx context.Context, r graph.Reader, rv *Review, opt Options) ([]*Finding, error) {
	if opt.UnusedDays <= 0 {
		return nil, nil
	}
	cutoff := opt.AsOf.Add(-time.Duration(opt.UnusedDays) * 24 * time.Hour)
	logged, err := loggedAccounts(ctx, r)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range rv.Entries {
		if e.Kind == KindCredential && e.LongLived {
			ids = append(ids, e.ID)
		}
	}
	nodes, err := r.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]graph.Node{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	actorIDs := []string{}
	for _, e := range rv.Entries {
		actorIDs = append(actorIDs, e.ActsAs...)
	}
	actors, err := r.Nodes(ctx, uniqueSorted(actorIDs))
	if err != nil {
		return nil, err
	}
	accountOf := map[string]string{}
	for _, n := range actors {
		accountOf[n.ID] = n.Attr(graph.AttrAccount)
	}

	var out []*Finding
	for _, e := range rv.Entries {
		n, ok := byID[e.ID]
		if !ok || n.Attr("minted") == "true" {
			continue
		}
		if e.LastUsed.IsZero() {
			// A stored secret is used when the logs show it read.
			reads, err := r.Expand(ctx, []string{e.ID}, graph.In, graph.EdgeObserved)
			if err != nil {
				return nil, err
			}
			e.LastUsed = lastAllowed(reads)
		}
		switch {
		case !e.LastUsed.IsZero() && e.LastUsed.Before(cutoff):
			out = append(out, &Finding{Kind: FindingUnused, Node: e.ID, Label: e.Label, Pos: e.Pos,
				Detail: fmt.Sprintf("last used %s, more than %d days before %s: revoke it if nothing needs it",
					e.LastUsed.UTC().Format(time.RFC3339), opt.UnusedDays, opt.AsOf.UTC().Format("2006-01-02"))})
		case e.LastUsed.IsZero():
			account := n.Attr(graph.AttrAccount)
			for _, a := range e.ActsAs {
				if account == "" {
					account = accountOf[a]
				}
			}
			span, ok := logged[account]
			// Logs that start after the cutoff cannot show the
			// credential unused for the whole period.
			if account == "" || !ok || span.last.Before(cutoff) || span.first.After(cutoff) {
				continue
			}
			out = append(out, &Finding{Kind: FindingUnused, Node: e.ID, Label: e.Label, Pos: e.Pos,
				Detail: fmt.Sprintf("no use in the access logs of account %s, which cover %s to %s", account,
					span.first.UTC().Format(time.RFC3339), span.last.UTC().Format(time.RFC3339))})
		}
	}
	return out, nil
}

// lastAllowed returns the time of the latest allowed call in the evidence
// of the edges, or zero.
func lastAllowed(es []graph.Edge) time.Time {
	var last time.Time
	for _, e := range es {
		ev := e.Evidence
		if ev == nil || ev.Count == 0 {
			continue
		}
		t := ev.LastAllowed
		if t.IsZero() {
			t = ev.Last
		}
		if t.After(last) {
			last = t
		}
	}
	return last
}

// logSpan is the time of the earliest and the latest call that access
// logs show.
type logSpan struct{ first, last time.Time }

func (s *logSpan) add(o logSpan) {
	if s.first.IsZero() || o.first.Before(s.first) {
		s.first = o.first
	}
	if o.last.After(s.last) {
		s.last = o.last
	}
}

// loggedAccounts maps each account that access logs cover to the span of
// the calls they show.
func loggedAccounts(ctx context.Context, r graph.Reader) (map[string]logSpan, error) {
	obs, err := r.EdgesByKind(ctx, graph.EdgeObserved)
	if err != nil {
		return nil, err
	}
	var ids []string
	byCaller := map[string]*logSpan{}
	for _, e := range obs {
		// Denied calls show the logs of that time as well as allowed ones.
		if e.Evidence == nil || e.Evidence.Count+e.Evidence.Denied == 0 {
			continue
		}
		// Calls that landed in another account than the caller's are in
		// that account's logs; the input does not show the caller's
		// account logging them too.
		if e.Attr("cross_account") == "true" {
			continue
		}
		ids = append(ids, e.From)
		if byCaller[e.From] == nil {
			byCaller[e.From] = &logSpan{}
		}
		byCaller[e.From].add(logSpan{first: e.Evidence.First, last: e.Evidence.Last})
	}
	nodes, err := r.Nodes(ctx, uniqueSorted(ids))
	if err != nil {
		return nil, err
	}
	out := map[string]logSpan{}
	for _, n := range nodes {
		a := n.Attr(graph.AttrAccount)
		if a == "" {
			continue
		}
		span := out[a]
		span.add(*byCaller[n.ID])
		out[a] = span
	}
	return out, nil
}

// oidcWildcards reads each role's trust policy: an Allow of
// AssumeRoleWithWebIdentity to a federated principal whose subject is not
// pinned (no sub condition, or a pattern) lets more workflows in than
// the role's owner probably meant.
func oidcWildcards(ctx context.Context, r graph.Reader, _ *Review, _ Options) ([]*Finding, error) {
	ids, err := r.NodesByKind(ctx, graph.NodeIdentity)
	if err != nil {
		return nil, err
	}
	var out []*Finding
	for _, n := range ids {
		doc := n.PolicyAttr("trust_policy")
		if doc == "" {
			continue
		}
		p, err := awspolicy.Parse(doc)
		if err != nil {
			continue
		}
		var why []string
		for _, open := range awspolicy.OpenWebIdentityTrust(p) {
			if len(open.Patterns) == 0 {
				anyone := "any subject the provider issues tokens for can assume it"
				if strings.Contains(strings.Join(open.Providers, ","), githubOIDCHost) {
					anyone = "a workflow of any repository, branch or environment can assume it"
				}
				why = append(why, fmt.Sprintf("statement %s trusts %s with no sub condition: %s",
					open.Statement, strings.Join(open.Providers, ", "), anyone))
				continue
			}
			why = append(why, fmt.Sprintf("statement %s matches subjects by pattern %s", open.Statement, strings.Join(open.Patterns, ", ")))
		}
		if len(why) > 0 {
			out = append(out, &Finding{Kind: FindingOIDCWildcard, Node: n.ID, Label: n.Label, Pos: posOf(n.PolicyPos("trust_policy")),
				Detail: strings.Join(why, "; ")})
		}
	}
	return out, nil
}

// githubOIDCHost is the issuer host of GitHub Actions OIDC tokens.
const githubOIDCHost = "token.actions.githubusercontent.com"

// floating maps how a CI job refers to outside code (the EXECUTES edge's
// via) to the pins that let its owner change that code later: a tag or a
// branch of an action or a GitLab include, and a version range, volatile
// or dev version of a CircleCI orb (orb versions that name one release are
// immutable).
var floating = map[string]map[string]bool{
	"uses":    {"tag-or-branch": true},
	"include": {"tag-or-branch": true, "default-branch": true},
	"orb":     {"range": true, "volatile": true, "dev": true},
}

// firstParty lists the owners, as purl type and namespace, whose code
// the CI service itself maintains; they are not counted as third-party.
var firstParty = map[string]bool{"githubactions/actions": true, "githubactions/github": true, "circleci/circleci": true}

// ciJobTypes are the runtime types of CI jobs.
var ciJobTypes = map[string]bool{"gha-job": true, "gitlab-job": true, "circleci-job": true}

// tagPinnedActions finds third-party actions, includes and orbs that a
// job refers to by a movable tag, branch or version range while it holds
// secrets beyond its own job token.
func tagPinnedActions(ctx context.Context, r graph.Reader, _ *Review, _ Options) ([]*Finding, error) {
	jobs, err := jobsWithSecrets(ctx, r)
	if err != nil {
		return nil, err
	}
	return jobs.findings(ctx, r, FindingTagPinned, func(e graph.Edge) bool {
		if !floating[e.Attr(graph.AttrVia)][e.Attr("pinned")] {
			return false
		}
		typ, owner := purlOwner(e.To)
		return owner != "" && !firstParty[typ+"/"+owner] && !strings.EqualFold(owner, ownerOf(jobs.repoOf[e.From]))
	}, func(id, jobList, hold, secrets string) string {
		return fmt.Sprintf("third-party code %s is referenced by a tag, branch or version range in %s, which %s %s; pin it to a full commit SHA or an exact release",
			id, jobList, hold, secrets)
	})
}

// floatingPackages finds registry packages that a job runs or installs by
// name without an exact version while it holds secrets beyond its own
// job token: the registry decides the version when the job runs.
func floatingPackages(ctx context.Context, r graph.Reader, _ *Review, _ Options) ([]*Finding, error) {
	jobs, err := jobsWithSecrets(ctx, r)
	if err != nil {
		return nil, err
	}
	installed, err := installedCopies(ctx, r, jobs.ids)
	if err != nil {
		return nil, err
	}
	return jobs.findings(ctx, r, FindingFloating, func(e graph.Edge) bool {
		via := e.Attr(graph.AttrVia)
		if via == "tool-run" && e.Attr("prefers_installed") == "true" && e.Attr("after_install") == "true" &&
			installed[[2]string{e.From, e.To}] {
			// npx NAME after an install runs the locked copy that the job
			// installed.
			return false
		}
		return (via == "tool-run" || via == "install") && e.Attr("pinned") == "floating"
	}, func(id, jobList, hold, secrets string) string {
		return fmt.Sprintf("%s is run or installed without an exact version in %s, which %s %s, so the next version published to the registry runs there; pin an exact version",
			id, jobList, hold, secrets)
	})
}

// installedCopies returns the pairs of a job and a package name of which
// the job certainly executes a version that a lockfile pins.
func installedCopies(ctx context.Context, r graph.Reader, jobs []string) (map[[2]string]bool, error) {
	execs, err := r.Expand(ctx, jobs, graph.Out, graph.EdgeExecutes)
	if err != nil {
		return nil, err
	}
	out := map[[2]string]bool{}
	for _, e := range execs {
		if e.Confidence != graph.Certain || e.Attr(graph.AttrLockfile) == "" {
			continue
		}
		if at := strings.LastIndexByte(e.To, '@'); at > strings.LastIndexByte(e.To, '/') {
			out[[2]string{e.From, e.To[:at]}] = true
		}
	}
	return out, nil
}

// ciJobs are the CI jobs of a graph, with their repositories and the
// secrets each holds beyond its own job token.
type ciJobs struct {
	ids     []string
	repoOf  map[string]string
	secrets map[string][]string
}

// withLocalActions adds to a job's EXECUTES edges what each local action
// it runs (pinned=local: uses: ./dir) uses and runs: the action's
// DEPENDS_ON edges, as if from the job, and so on through the local
// actions that those use, to a depth of maxLocalDepth.
func withLocalActions(ctx context.Context, r graph.Reader, execs []graph.Edge) ([]graph.Edge, error) {
	level := execs
	seen := map[string]bool{}
	for range maxLocalDepth {
		jobsOf := map[string][]string{}
		var actions []string
		for _, e := range level {
			if e.Attr("pinned") != "local" || seen[e.From+"\x00"+e.To] {
				continue
			}
			seen[e.From+"\x00"+e.To] = true
			if jobsOf[e.To] == nil {
				actions = append(actions, e.To)
			}
			jobsOf[e.To] = append(jobsOf[e.To], e.From)
		}
		if len(actions) == 0 {
			break
		}
		deps, err := r.Expand(ctx, actions, graph.Out, graph.EdgeDependsOn)
		if err != nil {
			return nil, err
		}
		level = level[:0:0]
		for _, d := range deps {
			for _, job := range jobsOf[d.From] {
				e := d
				e.From = job
				level = append(level, e)
			}
		}
		execs = append(execs, level...)
	}
	return execs, nil
}

// maxLocalDepth bounds the chain of local actions that use local actions.
const maxLocalDepth = 8

func jobsWithSecrets(ctx context.Context, r graph.Reader) (*ciJobs, error) {
	runtimes, err := r.NodesByKind(ctx, graph.NodeRuntime)
	if err != nil {
		return nil, err
	}
	jobs := &ciJobs{repoOf: map[string]string{}, secrets: map[string][]string{}}
	for _, n := range runtimes {
		if ciJobTypes[n.Attr("type")] {
			jobs.ids = append(jobs.ids, n.ID)
			jobs.repoOf[n.ID] = n.Attr(graph.AttrRepository)
		}
	}
	exposes, err := r.Expand(ctx, jobs.ids, graph.Out, graph.EdgeExposes)
	if err != nil {
		return nil, err
	}
	for _, e := range exposes {
		if e.Attr(graph.AttrVia) != "token" {
			jobs.secrets[e.From] = append(jobs.secrets[e.From], e.To)
		}
	}
	return jobs, nil
}

// findings makes one finding of a kind for each package that a job with
// secrets executes by an edge that match accepts. Related lists the jobs
// and their secrets. detail writes the finding's text from the package,
// the first jobs, the verb that agrees with them and the secrets' count.
func (jobs *ciJobs) findings(ctx context.Context, r graph.Reader, kind string, match func(graph.Edge) bool,
	detail func(id, jobList, hold, secrets string) string) ([]*Finding, error) {
	execs, err := r.Expand(ctx, jobs.ids, graph.Out, graph.EdgeExecutes)
	if err != nil {
		return nil, err
	}
	execs, err = withLocalActions(ctx, r, execs)
	if err != nil {
		return nil, err
	}
	byPackage := map[string]*Finding{}
	var order []string
	for _, e := range execs {
		if len(jobs.secrets[e.From]) == 0 || !match(e) {
			continue
		}
		f := byPackage[e.To]
		if f == nil {
			f = &Finding{Kind: kind, Node: e.To, Pos: posOf(e.Pos)}
			byPackage[e.To] = f
			order = append(order, e.To)
		}
		f.Related = append(f.Related, e.From)
		f.Related = append(f.Related, jobs.secrets[e.From]...)
	}

	var out []*Finding
	for _, id := range order {
		f := byPackage[id]
		f.Related = uniqueSorted(f.Related)
		var jobsOf, secrets []string
		for _, rel := range f.Related {
			if strings.HasPrefix(rel, "runtime:") {
				jobsOf = append(jobsOf, rel)
			} else {
				secrets = append(secrets, rel)
			}
		}
		secretCount := fmt.Sprintf("%d secrets", len(secrets))
		if len(secrets) == 1 {
			secretCount = "1 secret"
		}
		hold := "hold"
		if len(jobsOf) == 1 {
			hold = "holds"
		}
		f.Detail = detail(id, firstFew(jobsOf, 3), hold, secretCount)
		out = append(out, f)
	}
	return out, nil
}

// purlOwner returns the type and the first namespace segment of a purl,
// lower-cased: ("githubactions", "actions") for
// pkg:githubactions/actions/checkout@v4.
func purlOwner(purl string) (string, string) {
	rest, ok := strings.CutPrefix(purl, "pkg:")
	if !ok {
		return "", ""
	}
	typ, rest, _ := strings.Cut(rest, "/")
	owner, _, ok := strings.Cut(rest, "/")
	if !ok {
		return "", ""
	}
	return strings.ToLower(typ), strings.ToLower(owner)
}

func ownerOf(repo string) string {
	owner, _, _ := strings.Cut(repo, "/")
	return owner
}

// privesc finds identities with a privilege-escalation edge to
// administrator: a CAN_ACCESS at level admin that the linker derived from
// a named escalation method.
func privesc(ctx context.Context, r graph.Reader, _ *Review, _ Options) ([]*Finding, error) {
	es, err := r.EdgesByKind(ctx, graph.EdgeCanAccess)
	if err != nil {
		return nil, err
	}
	methods := map[string][]string{}
	targets := map[string][]string{}
	pos := map[string]string{}
	for _, e := range es {
		m := e.Attr("method")
		if m == "" || e.Attr(graph.AttrLevel) != "admin" {
			continue
		}
		methods[e.From] = append(methods[e.From], m)
		targets[e.From] = append(targets[e.From], e.To)
		if _, ok := pos[e.From]; !ok {
			pos[e.From] = posOf(e.Pos)
		}
	}
	var out []*Finding
	for id, ms := range methods {
		ts := uniqueSorted(targets[id])
		out = append(out, &Finding{Kind: FindingPrivesc, Node: id, Pos: pos[id], Related: ts,
			Detail: fmt.Sprintf("can make itself administrator of %s by %s", firstFew(ts, 3), firstFew(uniqueSorted(ms), 5))})
	}
	return out, nil
}

// grants finds identities with CAN_GRANT edges: they can make the
// identities named by the edges' holder attributes administrators.
func grants(ctx context.Context, r graph.Reader, _ *Review, _ Options) ([]*Finding, error) {
	es, err := r.EdgesByKind(ctx, graph.EdgeCanGrant)
	if err != nil {
		return nil, err
	}
	holders := map[string][]string{}
	methods := map[string][]string{}
	pos := map[string]string{}
	for _, e := range es {
		h := e.Attr(graph.AttrHolder)
		if h == "" {
			continue
		}
		holders[e.From] = append(holders[e.From], h)
		methods[e.From] = append(methods[e.From], e.Attr("method"))
		if _, ok := pos[e.From]; !ok {
			pos[e.From] = posOf(e.Pos)
		}
	}
	var out []*Finding
	for id, hs := range holders {
		hs = uniqueSorted(hs)
		out = append(out, &Finding{Kind: FindingGrant, Node: id, Pos: pos[id], Related: hs,
			Detail: fmt.Sprintf("can make %s administrator by %s; whoever holds one of them becomes administrator",
				firstFew(hs, 3), firstFew(uniqueSorted(methods[id]), 5))})
	}
	return out, nil
}

// firstFew joins up to n items and counts the rest.
func firstFew(list []string, n int) string {
	if len(list) <= n {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:n], ", "), len(list)-n)
}

// unreferencedSecrets finds secrets that reach a job only because it
// receives the whole secrets context (toJSON(secrets), secrets: inherit)
// and that the job never names.
func unreferencedSecrets(ctx context.Context, r graph.Reader, _ *Review, _ Options) ([]*Finding, error) {
	runtimes, err := r.NodesByKind(ctx, graph.NodeRuntime)
	if err != nil {
		return nil, err
	}
	var jobs []string
	for _, n := range runtimes {
		if n.Attr("type") == "gha-job" {
			jobs = append(jobs, n.ID)
		}
	}
	exposes, err := r.Expand(ctx, jobs, graph.Out, graph.EdgeExposes)
	if err != nil {
		return nil, err
	}
	all := map[string]bool{}
	named := map[string]map[string]bool{}
	// A job that calls a reusable workflow with secrets: inherit hands
	// its secrets to the called jobs, which hold its GITHUB_TOKEN: a
	// secret that one of them names is used. A called job that calls
	// another workflow holds the first caller's token, as do the jobs it
	// calls, so the jobs that share a token count for each other.
	holders := map[string][]string{} // token -> jobs other than its own
	tokens := map[string][]string{}  // job -> tokens it holds
	for _, e := range exposes {
		if job, ok := strings.CutPrefix(e.To, "secret:gha:token:"); ok {
			tokens[e.From] = append(tokens[e.From], e.To)
			if caller := "runtime:gha:" + job; caller != e.From {
				holders[e.To] = append(holders[e.To], e.From)
			}
		}
		if strings.HasSuffix(e.To, "/*") || e.Attr("all") == "true" {
			all[e.From] = true
		}
		if e.Attr(graph.AttrName) != "" {
			if named[e.From] == nil {
				named[e.From] = map[string]bool{}
			}
			named[e.From][e.To] = true
		}
	}

	calleeNames := func(job, secret string) bool {
		return slices.ContainsFunc(tokens[job], func(tok string) bool {
			return slices.ContainsFunc(holders[tok], func(c string) bool { return c != job && named[c][secret] })
		})
	}
	bySecret := map[string][]string{}
	for _, e := range exposes {
		if !all[e.From] || strings.HasSuffix(e.To, "/*") || named[e.From][e.To] || e.Attr(graph.AttrVia) != "ci-secret" || calleeNames(e.From, e.To) {
			continue
		}
		bySecret[e.To] = append(bySecret[e.To], e.From)
	}
	var out []*Finding
	for s, js := range bySecret {
		js = uniqueSorted(js)
		out = append(out, &Finding{Kind: FindingUnusedDelivery, Node: s, Related: js,
			Detail: fmt.Sprintf("delivered to %s, which receive the whole secrets context but never refer to it; pass only the secrets each job names", firstFew(js, 3))})
	}
	return out, nil
}

// literalCredentials finds credentials whose value sits in a file of the
// input rather than a secret manager. Related lists the runtimes that
// read them.
func literalCredentials(ctx context.Context, r graph.Reader, _ *Review, _ Options) ([]*Finding, error) {
	secrets, err := r.NodesByKind(ctx, graph.NodeSecret)
	if err != nil {
		return nil, err
	}
	var lit []graph.Node
	var ids []string
	for _, s := range secrets {
		if s.Attr(graph.AttrStoredInline) == "true" {
			lit = append(lit, s)
			ids = append(ids, s.ID)
		}
	}
	if len(lit) == 0 {
		return nil, nil
	}
	exposes, err := r.Expand(ctx, ids, graph.In, graph.EdgeExposes)
	if err != nil {
		return nil, err
	}
	readers := map[string][]string{}
	for _, e := range exposes {
		readers[e.To] = append(readers[e.To], e.From)
	}
	out := make([]*Finding, 0, len(lit))
	for _, s := range lit {
		where := "a file of the input"
		if p := posOf(s.Pos); p != "" {
			where = p
		}
		out = append(out, &Finding{Kind: FindingLiteral, Node: s.ID, Label: s.Label, Related: uniqueSorted(readers[s.ID]), Pos: posOf(s.Pos),
			Detail: fmt.Sprintf("a credential (%s) is written in %s, where everyone who can read the file reads it; rotate it at its issuer, keep the replacement in a secret store, and remove the old value from the file and its history",
				nameOf(s), where)})
	}
	return out, nil
}
