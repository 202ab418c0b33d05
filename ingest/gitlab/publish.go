package gitlab

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// registryLogin is a login the job's scripts ran, with the identity the
// credential logs in as.
type registryLogin struct {
	identity, credential string
	conf                 graph.Confidence
	line                 int
}

// registryPublish writes what the job's registry logins let it publish.
// Each login's credential AUTHENTICATES_AS an account on the registry, or,
// for CI_REGISTRY_PASSWORD, is the job token. Each image the job pushes,
// or passes to another command, on a registry it logged in to before gets
// CAN_PUBLISH from that account: certain for a push command, possible for
// a command that only names the image. The logins of every script count,
// since a login lasts for the job, except for a push from a container that
// the job's Docker config does not reach: only the container's own
// credentials count for it. A Compose command that pushes records the
// identities of the logins of its script and the scripts before it
// (registry.ComposePublisher), for the linker.
func (c *converter) registryPublish(j *jobState) {
	logins := map[string][]registryLogin{} // by registry host
	expand := func(s string) string { return c.expand(j, s) }
	publishers := false
	for i, s := range j.scripts {
		base := c.lineOf(j, s)
		ls, pushes := registry.Scan(s.str, expand)
		for _, l := range ls {
			logins[l.Host] = append(logins[l.Host], c.loginIdentities(j, l, base)...)
		}
		publishers = j.composePublishers(i, logins) || publishers
		for _, p := range pushes {
			host := registry.ImageHost(p.Image)
			name := p.Image.PURL(false)
			var counted []registryLogin
			for _, l := range p.Logins {
				counted = append(counted, c.loginIdentities(j, l, base)...)
			}
			if !p.Isolated {
				counted = append(counted, logins[host]...)
			}
			for _, rl := range counted {
				conf, text := graph.Certain, fmt.Sprintf("the job logs in to %s with %s and pushes %s", host, rl.credential, p.Image.Name())
				if !p.Direct {
					conf = graph.Possible
					text = fmt.Sprintf("the job logs in to %s with %s and passes %s to a command that may push it", host, rl.credential, p.Image.Name())
				}
				if rl.conf == graph.Possible {
					conf = graph.Possible
				}
				c.b.Node(name, graph.NodePackage, p.Image.Name(), base, attrs{"ecosystem": "docker", "name": p.Image.Name()})
				c.b.Edge(rl.identity, graph.EdgeCanPublish, name, conf, base, attrs{graph.AttrReason: text})
			}
		}
	}
	if publishers {
		c.b.SetAttr(j.rid, graph.AttrComposeCommands, registry.EncodeCompose(j.composeCmds))
	}
}

// loginIdentities returns the identities one login acts as, writing their
// nodes and AUTHENTICATES_AS edges.
func (c *converter) loginIdentities(j *jobState, l registry.Login, line int) []registryLogin {
	var out []registryLogin
	account := func(cred, label string, conf graph.Confidence, reason string) {
		id := graph.RegistryAccountID(l.Host, cred)
		c.b.Node(id, graph.NodeIdentity, l.Host+" account of "+label, line, attrs{
			graph.AttrProvider: "registry", "type": "registry-account", "registry": l.Host,
		})
		c.b.Edge(cred, graph.EdgeAuthenticatesAs, id, conf, line, attrs{graph.AttrReason: reason})
		out = append(out, registryLogin{identity: id, credential: label, conf: conf, line: line})
	}
	for _, v := range l.Vars {
		switch {
		case v == "CI_REGISTRY_PASSWORD" || v == "CI_JOB_TOKEN":
			out = append(out, registryLogin{identity: graph.GitLabJobTokenIdentityID(j.rid), credential: v, conf: graph.Certain, line: line})
		case projectVariable(v) && !j.defined[v]:
			account(graph.GitLabVariableID(c.project, v), v, graph.Certain,
				fmt.Sprintf("the job logs in to %s with the password in %s", l.Host, v))
		}
	}
	if id := j.literals[l.Literal]; l.Literal != "" && id != "" {
		account(id, "a password written into its script", graph.Certain,
			fmt.Sprintf("the job logs in to %s with a password written into its script", l.Host))
	}
	if l.AWS {
		id := c.awsIdentity(line)
		out = append(out, registryLogin{identity: id, credential: "the AWS credentials of the CI/CD variables", conf: graph.Possible, line: line})
	}
	if l.GCP {
		id := c.gcpIdentity(line)
		out = append(out, registryLogin{identity: id, credential: "the Google Cloud credentials of the CI/CD variables", conf: graph.Possible, line: line})
	}
	return out
}

// gcpIdentity returns the Google Cloud identity that the project's CI/CD
// variables act as (variablesIdentity). gcloud may also act as the
// runner's own account or an account a step impersonates, which the input
// does not show either.
func (c *converter) gcpIdentity(line int) string {
	return c.variablesIdentity(graph.CIGCPIdentityID, "gcp", "Google Cloud", line,
		"the job logs in to a Google registry with gcloud's credentials, which it does not set itself, so CI/CD variables hold them; which ones, and whose they are, is not in the input")
}

// awsIdentity returns the AWS identity that the project's CI/CD variables
// act as (variablesIdentity).
func (c *converter) awsIdentity(line int) string {
	return c.variablesIdentity(graph.CIAWSIdentityID, "aws", "AWS", line,
		"the job uses AWS credentials it does not set itself, so CI/CD variables hold them; which ones, and whose they are, is not in the input")
}

// variablesIdentity returns the cloud identity that the project's CI/CD
// variables act as, writing it and its AUTHENTICATES_AS edge from the
// variables. The edge is possible, because which variables hold the
// credentials, and whose they are, is not in the input. idOf makes the
// identity's id from the variables' id, and provider and cloud name it.
func (c *converter) variablesIdentity(idOf func(string) string, provider, cloud string, line int, reason string) string {
	all := graph.GitLabAllVariablesID(c.project)
	id := idOf(all)
	c.b.Node(id, graph.NodeIdentity, cloud+" identity of "+c.project+" CI/CD variables", line, attrs{
		graph.AttrProvider: provider, "type": "ci-credentials",
	})
	c.b.Edge(all, graph.EdgeAuthenticatesAs, id, graph.Possible, line, attrs{graph.AttrReason: reason})
	return id
}

// s3Website matches an environment URL served by an S3 bucket: the
// bucket's virtual-hosted or website address.
var s3Website = regexp.MustCompile(`^https?://([a-z0-9][a-z0-9.-]*[a-z0-9])\.s3(?:-website)?(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:/|$)`)

// s3Deploy writes the bucket a job deploys to when its environment's URL
// is the address of an S3 bucket: the AWS credentials among the CI/CD
// variables may write it.
func (c *converter) s3Deploy(j *jobState, v *value) {
	ev := v.get("environment")
	url := c.expand(j, ev.get("url").text())
	m := s3Website.FindStringSubmatch(url)
	if m == nil {
		return
	}
	line := c.lineOf(j, ev.get("url"))
	bucket := "arn:aws:s3:::" + m[1]
	c.b.Node(bucket, graph.NodeResource, m[1], line, attrs{graph.AttrProvider: "aws", "type": "s3-bucket"})
	id := c.awsIdentity(line)
	c.b.Edge(id, graph.EdgeCanAccess, bucket, graph.Possible, line, attrs{
		graph.AttrLevel: "write",
		graph.AttrReason: fmt.Sprintf("the job deploys to environment %s, whose URL %s is the bucket's address; "+
			"undecided: the input does not show the upload or the identity's permissions", j.env, url),
	})
}

// registryReleases writes the npm and PyPI releases of the job's scripts.
// A release logs in with the CI/CD variables its command line reads, those
// that earlier lines writing an npm token to .npmrc or .yarnrc.yml read,
// and those that the job's variables named for release tools take their
// values from. It also logs in with those that earlier lines of the job
// stored in the files its tool reads a token from, as cargo login and a
// write to ~/.pypirc or ~/.gem/credentials do (registry.ToolLogins).
// A variable that the scripts assign is replaced by the CI/CD
// variables its values read (ciscan.Scanner.Sources). A variable written
// into an .npmrc auth setting whose key names a registry, or names none,
// logs in on that registry or the job's default one, whatever the job
// publishes, and a release uses it only when it goes there.
// Files such as .npmrc are not read, so a release goes to the ecosystem's
// registry unless its options, the job's NPM_CONFIG_REGISTRY or, for the
// package at the top of the project, the publishConfig of its
// package.json name another.
func (c *converter) registryReleases(j *jobState) {
	var tokenVars []registry.TokenVar
	var configured ciscan.ConfigTokens
	// before_script and script items run in one shell, so a cd in one
	// moves the releases after it. after_script starts afresh at the top,
	// and a release there after a cd claims no project: less, not more.
	sh := &registry.Shell{Top: true}
	// exported holds the values that earlier scripts of the shell gave
	// to variables release tools read, by variable.
	exported := map[string]string{}
	// stored contains the variables that earlier lines of the job wrote into
	// the files release tools read their tokens from, which outlive the
	// script and the shell that write them.
	var stored registry.ToolLogins
	for i, s := range j.scripts {
		if slices.Contains(j.shellStarts, i) {
			configured.NewShell()
			clear(exported)
			// Variables the earlier shell unset are set again in a new one.
			sh = &registry.Shell{Top: sh.Top}
		}
		base := c.lineOf(j, s)
		commands := registry.Commands(s.str)
		releases, writes := registry.ScanShellReleases(s.str, sh)
		earlier := len(tokenVars)
		tokenVars = append(tokenVars, writes...)
		var lits ciscan.ScriptLiterals
		if len(j.literals) > 0 {
			lits = ciscan.ScanLiterals(s.str, &configured)
		}
		storing := stored.Script(s.str, registry.VarRefs)
		for _, r := range releases {
			storing.Through(r.Line)
			if r.Top {
				r = c.withPackageRegistry(r)
			}
			host, unknown := c.releaseHost(j, r)
			target := c.releaseTarget(j, r)
			// A variable that the scripts assign contains the CI/CD
			// variables its values read, and none for a literal, which
			// lits finds. A token of an .npmrc key that names a registry
			// logs in there, also when the registry is set at run time.
			var logins []variableLogin
			add := func(name string, scope registry.TokenScope, unsure bool) {
				if !scope.Reaches(target) {
					return
				}
				login := host
				if h, ok := scope.LoginHost(host); ok {
					login = h
				}
				for _, source := range j.scan.Sources(name) {
					logins = append(logins, variableLogin{name: source, host: login, unsure: unsure})
				}
			}
			anyRegistry := registry.TokenScope{Unknown: true}
			for _, name := range r.Vars {
				add(name, anyRegistry, false)
			}
			for _, name := range stored.For(r.Eco, r.Words) {
				add(name, anyRegistry, false)
			}
			if r.Eco == "npm" {
				for _, tv := range registry.WrittenBefore(tokenVars, earlier, r.Line) {
					if reads, unsure := r.ReadsSetting(tv.Yarnrc); reads {
						add(tv.Name, tv.Scope, unsure)
					}
				}
			}
			for name, v := range j.vars {
				if r.ReadsEnv(name) {
					for _, ref := range registry.VarRefs(v.value) {
						logins = append(logins, variableLogin{name: ref, host: host})
					}
				}
			}
			// Variables the shell exported before the release, the
			// release's own script up to its command included.
			before := maps.Clone(exported)
			ciscan.RecordAuthExports(before, commands[:min(max(r.Index, 0), len(commands))], r.Eco)
			for name, value := range before {
				if r.ReadsEnv(name) {
					for _, ref := range ciscan.ValueRefs(value) {
						add(ref, anyRegistry, false)
					}
				}
			}
			slices.SortFunc(logins, compareVariableLogins)
			for _, l := range slices.CompactFunc(logins, sameVariableLogin) {
				if !projectVariable(l.name) || j.defined[l.name] {
					continue
				}
				c.releaseAccount(j, r, l.host, unknown, l.unsure, graph.GitLabVariableID(c.project, l.name), l.name, "the token in "+l.name, base)
			}
			for _, lit := range lits.Tokens(j.literals, r, target, configured) {
				login := host
				if h, ok := lit.Scope.LoginHost(host); ok {
					login = h
				}
				c.releaseAccount(j, r, login, unknown, lit.Unsure, lit.ID, "a token written into a script", "a token written into its script", base)
			}
		}
		storing.Rest()
		def, unknown := c.releaseHost(j, registry.Release{Eco: "npm"})
		if unknown {
			def = ""
		}
		for _, lit := range lits.NPMRCTokens(j.literals) {
			if h, ok := lit.Scope.LoginHost(def); ok {
				c.npmrcLogin(h, lit.ID, "a token written into a script", "the token", base)
			}
		}
		for _, tv := range writes {
			h, ok := tv.Scope.LoginHost(def)
			if !ok {
				continue
			}
			for _, name := range j.scan.Sources(tv.Name) {
				if projectVariable(name) && !j.defined[name] {
					c.npmrcLogin(h, graph.GitLabVariableID(c.project, name), name, "the token in "+name, base)
				}
			}
		}
		lits.AddConfigTokens(&configured, j.literals)
		for _, eco := range registry.Ecosystems {
			ciscan.RecordAuthExports(exported, commands, eco)
		}
	}
}

// variableLogin is a variable that a release logs in with, and the
// registry it logs in on.
type variableLogin struct {
	name, host string
	// unsure is set for an .npmrc token of a Yarn 2 release
	// (registry.Release.ReadsSetting).
	unsure bool
}

// compareVariableLogins orders logins by variable and registry, a sure
// login before an unsure one of the same token.
func compareVariableLogins(a, b variableLogin) int {
	return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.host, b.host), ciscan.CompareBool(a.unsure, b.unsure))
}

// sameVariableLogin reports whether a and b log in with one variable on
// one registry.
func sameVariableLogin(a, b variableLogin) bool { return a.name == b.name && a.host == b.host }

// npmrcLogin writes the account on a registry that a token of an .npmrc
// auth setting for that registry logs in as. npm sends the token only to
// that registry, so it is a token of an account there whatever the job
// publishes, and whether it publishes at all. name is the account's
// label for the credential and how the way the job holds it, as for
// releaseAccount.
func (c *converter) npmrcLogin(host, cred, name, how string, line int) {
	id := graph.RegistryAccountID(host, cred)
	c.b.Node(id, graph.NodeIdentity, host+" account of "+name, line, attrs{
		graph.AttrProvider: "registry", "type": "registry-account", "registry": host, "ecosystem": "npm",
	})
	c.b.Edge(cred, graph.EdgeAuthenticatesAs, id, graph.Certain, line, attrs{
		graph.AttrReason: "the job writes " + how + " into an .npmrc auth setting for " + host + ", the only registry npm sends it to",
	})
}

// releaseAccount writes the account a CI/CD variable logs in as on a
// package registry, and its reach (ciscan.Builder.ReleaseReach).
//
// cred is the credential's node and name the account's label for it
// ("NPM_TOKEN"). how is the way the job holds it, for reasons ("the token
// in NPM_TOKEN").
func (c *converter) releaseAccount(j *jobState, r registry.Release, host string, unknown, unsure bool, cred, name, how string, line int) {
	id := graph.RegistryAccountID(host, cred)
	c.b.Node(id, graph.NodeIdentity, host+" account of "+name, line, attrs{
		graph.AttrProvider: "registry", "type": "registry-account", "registry": host, "ecosystem": r.Eco,
	})
	c.b.Edge(cred, graph.EdgeAuthenticatesAs, id, graph.Certain, line, attrs{
		graph.AttrReason: fmt.Sprintf("the job publishes to %s with %s", host, how),
	})
	rel := ciscan.Release{Account: id, Host: host, Eco: r.Eco, Login: "with " + how,
		Maybe: r.Maybe, HostUnknown: unknown, YarnrcUnread: unsure, Line: line}
	// A job starts in the clone of its project (CI_PROJECT_DIR), whose
	// top is the pipeline's root folder when that folder is the project's.
	if r.Top && c.prefix == "" {
		rel.Project = c.project
		// The project's package name is read from the files of its
		// folder, which are named on the checkout's host.
		rel.ProjectHost = c.f.Forge()
	}
	c.b.ReleaseReach(rel)
}

// withPackageRegistry returns a release of the package at the top of the
// project sent to the registry that its package.json's publishConfig
// names (registry.WithPackageRegistry). The file is read once, from the
// pipeline's root folder, where a job starts.
// NOTE: a release from another folder is taken to go where its options
// or the job send it, because the folder's package.json is not read.
func (c *converter) withPackageRegistry(r registry.Release) registry.Release {
	if c.pkgRegistry == nil {
		c.pkgRegistry = &packageRegistry{}
		if data, err := c.p.repo.read("package.json"); err == nil {
			c.pkgRegistry.url, c.pkgRegistry.scoped = registry.PackageRegistry(data)
		}
	}
	return registry.WithPackageRegistry(r, c.pkgRegistry.url, c.pkgRegistry.scoped)
}

// packageRegistry is the registry that the publishConfig of a
// package.json names, and whether it is the one for the package's scope.
type packageRegistry struct {
	url    string
	scoped bool
}

// releaseTarget returns the registry a release goes to, for the scopes
// of .npmrc tokens (see registry.Target).
func (c *converter) releaseTarget(j *jobState, r registry.Release) registry.NPMTarget {
	for name, v := range j.vars {
		if strings.EqualFold(name, registry.NPMRegistryEnv) {
			return registry.Target(r, v.value, true)
		}
	}
	return registry.Target(r, "", false)
}

// releaseHost returns the registry a release goes to (see
// registry.Destination), with the job's NPM_CONFIG_REGISTRY variable.
func (c *converter) releaseHost(j *jobState, r registry.Release) (host string, unknown bool) {
	for name, v := range j.vars {
		if strings.EqualFold(name, registry.NPMRegistryEnv) {
			return registry.Destination(r, v.value, true)
		}
	}
	return registry.Destination(r, "", false)
}
