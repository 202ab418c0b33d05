package terraform

import (
	"encoding/base64"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	imageref "github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// userDataRunner names an instance's user data in the reasons of the edges
// it gives.
const userDataRunner = "the instance's user data"

// maxUserDataCommands bounds the commands read from one user data script.
const maxUserDataCommands = 2000

// userDataRuns reads what an instance's user data runs when the instance
// first boots: the images that docker run or podman run starts, and the
// packages that commands install by name (npm install -g, pip install).
// The instance EXECUTES them. User data is a shell script, a cloud-config
// document whose runcmd and bootcmd hold commands, or either one
// base64-encoded.
//
// NOTE: a multi-part MIME document (the cloudinit_config data source) is
// not read, and neither are scripts that user data downloads.
func (e *emitter) userDataRuns(runtime string, b *block, names ...string) {
	seen := map[string]bool{}
	for _, name := range names {
		a := b.attr(name)
		if a == nil {
			continue
		}
		rng := a.Expr.Range()
		for _, text := range e.texts(b, a.Expr) {
			script := userDataScript(text)
			if script == "" {
				continue
			}
			for _, r := range registry.Runs(script, nil) {
				id := r.Image.PURL(true)
				if seen[id] {
					continue
				}
				seen[id] = true
				e.imageNodes(r.Image, rng)
				e.edge(runtime, graph.EdgeExecutes, id, rng, map[string]string{
					graph.AttrVia:        "container-run",
					"pinned":             r.Image.Pinned(),
					graph.AttrPullPolicy: graph.PullOnDeploy,
					graph.AttrReason: userDataRunner + " runs docker run " + r.Image.Name() + ":" + r.Image.Version() +
						" when the instance first boots, so a new instance pulls the tag again",
				})
			}
			for _, n := range userDataInstalls(script) {
				if seen[n.ID()] {
					continue
				}
				seen[n.ID()] = true
				nameAttrs, verAttrs := n.NodeAttrs()
				e.node(graph.NodePackage, n.NameID(), n.Name, rng, nameAttrs)
				if n.Version != "" {
					e.node(graph.NodePackage, n.ID(), n.Name+"@"+n.Version, rng, verAttrs)
					e.edge(n.ID(), graph.EdgeVersionOf, n.NameID(), rng, nil)
				}
				e.edge(runtime, graph.EdgeExecutes, n.ID(), rng, n.EdgeAttrsBy(userDataRunner))
				e.ff.edges[len(e.ff.edges)-1].Confidence = n.Confidence()
			}
		}
	}
}

// imageNodes adds an image's version and name nodes and its VERSION_OF
// edge.
func (e *emitter) imageNodes(img imageref.Ref, rng hcl.Range) {
	ver, name := img.PURL(true), img.PURL(false)
	e.node(graph.NodePackage, ver, img.Name()+"@"+img.Version(), rng, map[string]string{
		"ecosystem": "docker", graph.AttrName: img.Name(), "version": img.Version(),
	})
	e.node(graph.NodePackage, name, img.Name(), rng, map[string]string{"ecosystem": "docker", graph.AttrName: img.Name()})
	e.edge(ver, graph.EdgeVersionOf, name, rng, nil)
}

// userDataInstalls returns the packages that a user data script installs
// by name.
func userDataInstalls(script string) []pkgcmd.NamedInstall {
	var out []pkgcmd.NamedInstall
	_, err := shellscan.Scan(script, "/", nil, shellscan.Options{MaxCommands: maxUserDataCommands}, func(c *shellscan.Command) bool {
		if c.Keyword {
			return true
		}
		for _, eff := range pkgcmd.Effects(c.Args(), c.Vars) {
			for _, n := range eff.Named {
				if !n.Computed {
					out = append(out, n)
				}
			}
		}
		return true
	})
	if err != nil {
		return nil
	}
	return out
}

// userDataScript returns the shell commands of an instance's user data:
// the text itself, the commands of a cloud-config document, or the same
// after base64 decoding. It returns "" for text that is neither.
func userDataScript(text string) string {
	trimmed := strings.TrimSpace(text)
	if trimmed == "" {
		return ""
	}
	if !strings.ContainsAny(trimmed, " \n") {
		decoded, err := base64.StdEncoding.DecodeString(trimmed)
		if err != nil {
			return ""
		}
		trimmed = strings.TrimSpace(string(decoded))
	}
	if strings.HasPrefix(trimmed, "#cloud-config") {
		return cloudConfigCommands(trimmed)
	}
	return trimmed
}

// cloudConfigCommands returns the bootcmd and runcmd entries of a
// cloud-config document, one command a line. An entry is a string, which
// cloud-init runs with sh, or a list of words, which it runs as one
// command.
func cloudConfigCommands(doc string) string {
	var cfg struct {
		BootCmd []yaml.Node `yaml:"bootcmd"`
		RunCmd  []yaml.Node `yaml:"runcmd"`
	}
	if err := yaml.Unmarshal([]byte(doc), &cfg); err != nil {
		return ""
	}
	var lines []string
	for _, n := range append(cfg.BootCmd, cfg.RunCmd...) {
		switch n.Kind {
		case yaml.ScalarNode:
			lines = append(lines, n.Value)
		case yaml.SequenceNode:
			var words []string
			for _, w := range n.Content {
				words = append(words, shellQuote(w.Value))
			}
			lines = append(lines, strings.Join(words, " "))
		}
	}
	return strings.Join(lines, "\n")
}

// shellQuote quotes a word for sh unless it needs no quotes.
func shellQuote(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\n'\"\\$`;&|<>()*?[]#~") {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
