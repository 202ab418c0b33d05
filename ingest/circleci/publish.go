package circleci

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// script is the command of one run step and its line.
type script struct {
	text string
	line int
	// block is the file line of the command's first line when the
	// command is a literal block scalar (command: |), else 0.
	block int
	// command is the file line of the command's value.
	command int
	// params are the parameter values put into the command.
	params []paramValue
	// top is set when the command starts at the top of the project's
	// checkout: a checkout step ran before it, and it sets no
	// working_directory of its own.
	top bool
	// env holds the literal values of the environment of the job and
	// the step that the command starts with.
	env pkgcmd.Env
}

// paramValue is the value of a parameter and the file line that holds it.
type paramValue struct {
	text string
	line int
}

// registryPublish writes what the job's registry logins let it publish.
// A login's password comes from an environment variable that the project
// or any context of the job may hold, so each of those possibly
// AUTHENTICATES_AS the account the variable logs in as. Each image a later
// command pushes, or names, on that registry gets CAN_PUBLISH from the
// account: certain for a push command, possible for a command that only
// names the image. A variable the job's own environment sets is not a
// secret of the project and gives no account. A push from a container that
// the job's Docker config does not reach counts only the container's own
// credentials. A Compose command that pushes records the accounts of the
// logins of its run step and the steps before it
// (registry.ComposePublisher), for the linker.
func (c *converter) registryPublish(j *jobState) {
	accounts := map[string][]string{} // registry host -> account ids
	publishers := false
	for i, s := range j.scripts {
		logins, pushes := registry.Scan(s.text, nil)
		for _, l := range logins {
			accounts[l.Host] = append(accounts[l.Host], c.loginAccounts(j, l, s.line)...)
		}
		publishers = j.composePublishers(i, accounts) || publishers
		for _, p := range pushes {
			host := registry.ImageHost(p.Image)
			name := p.Image.PURL(false)
			var counted []string
			for _, l := range p.Logins {
				counted = append(counted, c.loginAccounts(j, l, s.line)...)
			}
			if !p.Isolated {
				counted = append(counted, accounts[host]...)
			}
			for _, id := range counted {
				conf, text := graph.Certain, "the job logs in to "+host+" and pushes "+p.Image.Name()
				if !p.Direct {
					conf = graph.Possible
					text = "the job logs in to " + host + " and passes " + p.Image.Name() + " to a command that may push it"
				}
				c.b.Node(name, graph.NodePackage, p.Image.Name(), s.line, attrs{"ecosystem": "docker", "name": p.Image.Name()})
				c.b.Edge(id, graph.EdgeCanPublish, name, conf, s.line, attrs{graph.AttrReason: text})
			}
		}
	}
	if publishers {
		c.b.SetAttr(j.rid, graph.AttrComposeCommands, registry.EncodeCompose(j.composeCmds))
	}
}

// loginAccounts returns the accounts that one login logs in as, writing
// their nodes and AUTHENTICATES_AS edges.
func (c *converter) loginAccounts(j *jobState, l registry.Login, line int) []string {
	var out []string
	for _, v := range l.Vars {
		if j.envKeys[v] {
			continue
		}
		out = append(out, c.registryAccount(j, l.Host, v, line))
	}
	if l.AWS {
		out = append(out, c.cloudIdentity(j, graph.CIAWSIdentityID, "aws", "AWS", line))
	}
	if l.GCP {
		out = append(out, c.cloudIdentity(j, graph.CIGCPIdentityID, "gcp", "Google Cloud", line))
	}
	if lit := j.literals[l.Literal]; l.Literal != "" && lit != "" {
		id := graph.RegistryAccountID(l.Host, lit)
		c.b.Node(id, graph.NodeIdentity, l.Host+" account of a password written into a run step", line, attrs{
			graph.AttrProvider: "registry", "type": "registry-account", "registry": l.Host,
		})
		c.b.Edge(lit, graph.EdgeAuthenticatesAs, id, graph.Certain, line, attrs{
			graph.AttrReason: "the job logs in to " + l.Host + " with a password written into a run step",
		})
		out = append(out, id)
	}
	return out
}

// cloudIdentity writes the cloud identity whose credentials a login with
// aws ecr get-login-password or gcloud uses: that of the variables the
// project or a context of the job holds. Each possibly AUTHENTICATES_AS
// it, since which variables hold the credentials, and whose they are, is
// not in the input. idOf makes the identity's id from the project's
// variables, and provider and cloud name it.
func (c *converter) cloudIdentity(j *jobState, idOf func(string) string, provider, cloud string, line int) string {
	return c.variablesIdentity(j, idOf, provider, cloud, line,
		"the job logs in to a registry with "+cloud+" credentials it does not set itself, so the project's or a context's variables hold them; which ones, and whose they are, is not in the input")
}

// variablesIdentity writes the cloud identity that the project's and the
// job's contexts' variables act as, with the reason for each possible
// AUTHENTICATES_AS edge, and returns its id.
func (c *converter) variablesIdentity(j *jobState, idOf func(string) string, provider, cloud string, line int, reason string) string {
	project := graph.CircleCIProjectVariablesID(c.idRepo())
	id := idOf(project)
	c.b.Node(id, graph.NodeIdentity, cloud+" identity of "+c.idRepo()+" CircleCI variables", line, attrs{
		graph.AttrProvider: provider, "type": "ci-credentials",
	})
	c.b.Edge(project, graph.EdgeAuthenticatesAs, id, graph.Possible, line, attrs{graph.AttrReason: reason})
	for _, cu := range j.inv.contexts {
		c.b.Edge(graph.CircleCIContextID(c.org, cu.name), graph.EdgeAuthenticatesAs, id, graph.Possible, line, attrs{graph.AttrReason: reason})
	}
	return id
}

// registryAccount writes the account a variable's password logs in as, and
// the possible AUTHENTICATES_AS edges from the project's variables and
// from each context of the job, which may hold it.
func (c *converter) registryAccount(j *jobState, host, variable string, line int) string {
	id := graph.RegistryAccountID(host, graph.CircleCIProjectVariablesID(c.idRepo())+"/"+variable)
	c.b.Node(id, graph.NodeIdentity, host+" account of "+variable, line, attrs{
		graph.AttrProvider: "registry", "type": "registry-account", "registry": host,
	})
	reason := fmt.Sprintf("the job logs in to %s with $%s; undecided: whether the project or this context holds it", host, variable)
	c.b.Edge(graph.CircleCIProjectVariablesID(c.idRepo()), graph.EdgeAuthenticatesAs, id, graph.Possible, line, attrs{graph.AttrReason: reason})
	for _, cu := range j.inv.contexts {
		c.b.Edge(graph.CircleCIContextID(c.org, cu.name), graph.EdgeAuthenticatesAs, id, graph.Possible, line, attrs{graph.AttrReason: reason})
	}
	return id
}

// registryReleases writes the npm and PyPI releases of the job's run steps.
// A release logs in with the variables its command line reads and, for
// npm, those that earlier lines writing a token to .npmrc or .yarnrc.yml
// read. It also logs in with those that earlier lines of the job stored in
// the files its tool reads a token from, as cargo login and a write to
// ~/.pypirc or ~/.gem/credentials do (registry.ToolLogins). A variable that the run steps assign is replaced by the variables its
// values read (ciscan.Scanner.Sources). Each such variable that the job's
// own environment does not set gives an account on the registry, as for
// image logins, which can
// publish the packages there. A variable written into an .npmrc auth
// setting whose key names a registry, or names none, logs in on that
// registry or the job's default one, whatever the job publishes, and a
// release uses it only when it goes there. Files such as .npmrc are not
// read, so a release goes to the ecosystem's registry unless its options
// name another.
func (c *converter) registryReleases(j *jobState) {
	var tokenVars []registry.TokenVar
	var configured ciscan.ConfigTokens
	// bashEnv holds the values that earlier run steps exported through
	// $BASH_ENV to variables release tools read, by variable.
	bashEnv := map[string]string{}
	// stored contains the variables that earlier lines of the job wrote into
	// the files release tools read their tokens from, which outlive the
	// run step that writes them.
	var stored registry.ToolLogins
	for _, s := range j.scripts {
		commands := registry.Commands(s.text)
		releases, writes := registry.ScanReleases(s.text)
		earlier := len(tokenVars)
		tokenVars = append(tokenVars, writes...)
		var lits ciscan.ScriptLiterals
		if len(j.literals) > 0 {
			lits = ciscan.ScanLiterals(s.text, &configured)
		}
		storing := stored.Script(s.text, settingsVariables)
		for _, r := range releases {
			storing.Through(r.Line)
			if r.Top && s.top {
				r = c.withPackageRegistry(r)
			}
			// NOTE: an NPM_CONFIG_REGISTRY that one step's environment
			// sets counts for every release of the job.
			host, unknown := registry.Destination(r, j.npmRegistry, j.npmRegistrySet)
			target := registry.Target(r, j.npmRegistry, j.npmRegistrySet)
			// A release at the top of the checkout, with no cd before it,
			// publishes the project's own package.
			project := ""
			if r.Top && s.top {
				project = c.repo
			}
			// A variable that the run steps assign contains the variables
			// its values read, and none for a literal, which lits finds.
			// A token of an .npmrc key that names a registry logs in
			// there, also when the registry is set at run time.
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
			for _, v := range r.Vars {
				add(v, registry.TokenScope{Unknown: true}, false)
			}
			for _, v := range stored.For(r.Eco, r.Words) {
				add(v, registry.TokenScope{Unknown: true}, false)
			}
			// Variables the step exported before the release, and those
			// of earlier steps' $BASH_ENV lines: each run step runs in a
			// shell of its own.
			exported := maps.Clone(bashEnv)
			ciscan.RecordAuthExports(exported, commands[:min(max(r.Index, 0), len(commands))], r.Eco)
			for name, value := range exported {
				if r.ReadsEnv(name) {
					for _, ref := range ciscan.ValueRefs(value) {
						add(ref, registry.TokenScope{Unknown: true}, false)
					}
				}
			}
			if r.Eco == "npm" {
				for _, tv := range registry.WrittenBefore(tokenVars, earlier, r.Line) {
					if reads, unsure := r.ReadsSetting(tv.Yarnrc); reads {
						add(tv.Name, tv.Scope, unsure)
					}
				}
			}
			slices.SortFunc(logins, compareVariableLogins)
			for _, l := range slices.CompactFunc(logins, sameVariableLogin) {
				if j.envKeys[l.name] {
					continue
				}
				id := c.registryAccount(j, l.host, l.name, s.line)
				c.b.ReleaseReach(ciscan.Release{Account: id, Host: l.host, Eco: r.Eco, Login: "with $" + l.name,
					Maybe: r.Maybe, HostUnknown: unknown, YarnrcUnread: l.unsure, Line: s.line, Project: project, ProjectHost: c.repoHost})
			}
			// A token written into the step logs in as it would from a
			// variable, certainly: the job holds it.
			for _, lit := range lits.Tokens(j.literals, r, target, configured) {
				login := host
				if h, ok := lit.Scope.LoginHost(host); ok {
					login = h
				}
				id := graph.RegistryAccountID(login, lit.ID)
				c.b.Node(id, graph.NodeIdentity, login+" account of a token written into a run step", s.line, attrs{
					graph.AttrProvider: "registry", "type": "registry-account", "registry": login, "ecosystem": r.Eco,
				})
				c.b.Edge(lit.ID, graph.EdgeAuthenticatesAs, id, graph.Certain, s.line, attrs{
					graph.AttrReason: "the job publishes to " + login + " with a token written into its run step",
				})
				c.b.ReleaseReach(ciscan.Release{Account: id, Host: login, Eco: r.Eco, Login: "with a token written into its run step",
					Maybe: r.Maybe, HostUnknown: unknown, YarnrcUnread: lit.Unsure, Line: s.line, Project: project, ProjectHost: c.repoHost})
			}
		}
		storing.Rest()
		def, unknown := registry.Destination(registry.Release{Eco: "npm"}, j.npmRegistry, j.npmRegistrySet)
		if unknown {
			def = ""
		}
		for _, lit := range lits.NPMRCTokens(j.literals) {
			if h, ok := lit.Scope.LoginHost(def); ok {
				c.npmrcLogin(h, lit.ID, s.line)
			}
		}
		for _, tv := range writes {
			h, ok := tv.Scope.LoginHost(def)
			if !ok {
				continue
			}
			for _, name := range j.scan.Sources(tv.Name) {
				if j.envKeys[name] {
					continue
				}
				id := c.registryAccount(j, h, name, s.line)
				c.b.Node(id, graph.NodeIdentity, "", s.line, attrs{"ecosystem": "npm"})
			}
		}
		lits.AddConfigTokens(&configured, j.literals)
		// Each run step runs in a shell of its own.
		configured.NewShell()
		for _, eco := range registry.Ecosystems {
			ciscan.RecordBashEnvExports(bashEnv, commands, eco)
		}
	}
}

// settingsVariables returns the variables that a text reads which the
// project or a context may set, leaving out those of CircleCI and the
// shell, as $HOME in the path of a settings file.
func settingsVariables(text string) []string {
	return slices.DeleteFunc(registry.VarRefs(text), func(name string) bool { return !environmentVariable(name) })
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

// npmrcLogin writes the account on a registry that a literal token of an
// .npmrc auth setting for that registry logs in as. npm sends the token
// only to that registry, so it is a token of an account there whatever
// the job publishes, and whether it publishes at all.
func (c *converter) npmrcLogin(host, cred string, line int) {
	id := graph.RegistryAccountID(host, cred)
	c.b.Node(id, graph.NodeIdentity, host+" account of a token written into a run step", line, attrs{
		graph.AttrProvider: "registry", "type": "registry-account", "registry": host, "ecosystem": "npm",
	})
	c.b.Edge(cred, graph.EdgeAuthenticatesAs, id, graph.Certain, line, attrs{
		graph.AttrReason: "the job writes the token into an .npmrc auth setting for " + host + ", the only registry npm sends it to",
	})
}

// withPackageRegistry returns a release of the package at the top of the
// project's checkout sent to the registry that the publishConfig of the
// repository's top package.json names (registry.WithPackageRegistry). The
// file is read once, from the folder that holds .circleci, and not when
// it resolves outside that folder.
// NOTE: a release from another folder is taken to go where its options
// or the job send it, because the folder's package.json is not read.
func (c *converter) withPackageRegistry(r registry.Release) registry.Release {
	if c.pkgRegistry == nil {
		c.pkgRegistry = &packageRegistry{}
		if data, err := registry.ReadTopFile(c.f.Path, c.f.RelPath, "package.json"); err == nil {
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
