// Package compose reads Docker Compose files for the images they build.
// A service that names both an image and a build is the usual way to build
// an image and push it (docker compose build, then docker compose push).
// The image's name node DEPENDS_ON the Dockerfile it is built from, with
// the build context, as for an image that a CI job builds. The linker
// then joins the Dockerfile to the lockfiles of that context, so a locked
// package reaches the workloads that run the image.
//
// The edges are possible: the file shows how the image is built, not
// whether anyone pushes it. Only images whose name has a registry host or
// an owner (ghcr.io/acme/api, acme/api) count, because a build can only be
// pushed there: a one-word name such as postgres is an official Docker Hub
// image that the service merely tags locally.
//
// Variables in image names are expanded to their defaults (${TAG:-1.2});
// a variable without a default leaves the tag computed, and a name that a
// variable forms is left out with a warning. The .env file, include and
// extends are not read.
package compose

import (
	"context"
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// Parser reads Docker Compose files.
type Parser struct{}

// New returns the Compose parser.
func New() *Parser { return &Parser{} }

// Format implements ingest.Parser.
func (*Parser) Format() string { return "compose" }

// fileName matches the names Compose looks for and their override files:
// compose.yaml, docker-compose.yml, docker-compose.prod.yml.
var fileName = regexp.MustCompile(`^(docker-)?compose(\.[A-Za-z0-9_-]+)*\.ya?ml$`)

// Detect implements ingest.Parser. It accepts the file names Compose uses
// whose head has a services key.
func (*Parser) Detect(f *ingest.File) bool {
	name := path.Base(strings.ReplaceAll(f.RelPath, `\`, "/"))
	if !fileName.MatchString(name) {
		return false
	}
	for _, line := range strings.Split(string(f.Head), "\n") {
		if strings.HasPrefix(line, "services:") {
			return true
		}
	}
	return false
}

// maxSize is the size of the largest Compose file read, 8 MiB, far above
// the few kilobytes of a usual one.
const maxSize = 8 << 20

// Parse implements ingest.Parser.
func (*Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := yamlfile.ReadAll(f, maxSize)
	if err != nil {
		return err
	}
	root, err := yamlfile.Decode(f.Path, data)
	if err != nil {
		return err
	}
	services := field(root, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: root.Line}, "missing services mapping")
	}
	dir := path.Dir(strings.ReplaceAll(f.RelPath, `\`, "/"))
	for i := 0; i+1 < len(services.Content); i += 2 {
		if err := ctx.Err(); err != nil {
			return err
		}
		name, svc := services.Content[i].Value, deref(services.Content[i+1])
		if svc == nil || svc.Kind != yaml.MappingNode {
			continue
		}
		res.Records++
		readService(f, dir, name, svc, res)
	}
	return nil
}

// readService records the image a service builds, when it names one.
func readService(f *ingest.File, dir, name string, svc *yaml.Node, res *ingest.Result) {
	build, imageNode := deref(field(svc, "build")), deref(field(svc, "image"))
	if build == nil || imageNode == nil || imageNode.Kind != yaml.ScalarNode {
		return
	}
	pos := func(n *yaml.Node) ingest.Position { return ingest.Position{File: f.Path, Line: n.Line, Col: n.Column} }
	at := func(n *yaml.Node) graph.Pos { return graph.Pos{File: f.Path, Line: n.Line} }

	contextDir, dockerfile := ".", "Dockerfile"
	switch build.Kind {
	case yaml.ScalarNode:
		contextDir = build.Value
	case yaml.MappingNode:
		if c := scalar(build, "context"); c != "" {
			contextDir = c
		}
		if d := scalar(build, "dockerfile"); d != "" {
			dockerfile = d
		}
		if field(build, "dockerfile_inline") != nil {
			res.Warnf(pos(build), "service %s: dockerfile_inline is not read, so nothing is recorded for image %s", name, imageNode.Value)
			return
		}
	default:
		return
	}
	if remote(contextDir) || strings.Contains(contextDir, "$") || strings.Contains(dockerfile, "$") ||
		path.IsAbs(contextDir) || path.IsAbs(dockerfile) {
		res.Warnf(pos(build), "service %s: the build context or Dockerfile is not a folder of the repository, so nothing is recorded for image %s", name, imageNode.Value)
		return
	}
	ctxPath := path.Clean(path.Join(dir, contextDir))
	filePath := path.Clean(path.Join(ctxPath, dockerfile))
	if outside(ctxPath) || outside(filePath) {
		res.Warnf(pos(build), "service %s: the build context lies outside the repository, so nothing is recorded for image %s", name, imageNode.Value)
		return
	}

	ref, ok := imageRef(expand(imageNode.Value))
	if !ok {
		res.Warnf(pos(imageNode), "service %s: image name %s depends on a variable without a default, so it is not recorded", name, imageNode.Value)
		return
	}
	if ref.Registry == "" && !strings.Contains(ref.Path, "/") {
		// An official Docker Hub name, which the build only tags locally.
		return
	}
	imageName := ref.PURL(false)
	res.AddNode(graph.Node{ID: imageName, Kind: graph.NodePackage, Label: ref.Name(), Pos: at(imageNode),
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: ref.Name()}})
	dockerfileID := graph.DockerfileID(f.RepoID(), filePath)
	res.AddNode(graph.Node{ID: dockerfileID, Kind: graph.NodePackage, Label: f.Repo + "/" + filePath, Pos: at(build),
		Attrs: map[string]string{"ecosystem": "dockerfile", graph.AttrName: filePath, "path": filePath, graph.AttrRepository: f.Repo}})
	res.AddEdge(graph.Edge{From: imageName, To: dockerfileID, Kind: graph.EdgeDependsOn, Confidence: graph.Possible, Pos: at(imageNode),
		Attrs: map[string]string{
			graph.AttrBuildContext: ctxPath,
			graph.AttrDockerfile:   filePath,
			graph.AttrReason: "service " + name + " of " + f.RelPath + " builds the image from " + filePath + " with context " + ctxPath +
				"; possible: whether the image is pushed, the input does not show",
		}})
}

// imageRef parses an expanded image name. A tag or digest that a variable
// without a default sets leaves the name known.
func imageRef(s string) (image.Ref, bool) {
	if !strings.Contains(s, "$") {
		return image.Parse(s)
	}
	return image.ParseComputedVersion(strings.ReplaceAll(s, "$$", "$"))
}

// variable matches a Compose variable: $NAME, ${NAME} or ${NAME<op>word}
// with the operators :-, -, :?, ?, :+ and +.
var variable = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// expand replaces each variable that has a default (:- and -) by the
// default, and leaves every other variable as ${NAME}, because its value
// comes from the environment Compose runs in.
func expand(s string) string {
	return variable.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return m
		}
		sub := variable.FindStringSubmatch(m)
		name := sub[1] + sub[4]
		if sub[2] == ":-" || sub[2] == "-" {
			return sub[3]
		}
		return "${" + name + "}"
	})
}

// remote reports whether a build context is a URL or a Git address.
func remote(c string) bool {
	return strings.Contains(c, "://") || strings.HasPrefix(c, "git@") || strings.HasSuffix(c, ".git") ||
		strings.HasPrefix(c, "github.com/")
}

// outside reports whether a cleaned path leaves the repository.
func outside(p string) bool { return p == ".." || strings.HasPrefix(p, "../") }

// field returns the value of key in a mapping node, or nil. A key of the
// mapping itself comes before one that a merge key (<<: *base) brings in.
func field(m *yaml.Node, key string) *yaml.Node {
	return mergedField(m, key, map[*yaml.Node]bool{})
}

// mergedField finds key as field does, skipping the mappings in seen.
// Each mapping is searched once, so nested merges that name one mapping
// many times cost as many steps as the file has mappings.
func mergedField(m *yaml.Node, key string, seen map[*yaml.Node]bool) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode || seen[m] {
		return nil
	}
	seen[m] = true
	var merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case key:
			return m.Content[i+1]
		case "<<":
			v := deref(m.Content[i+1])
			if v != nil && v.Kind == yaml.SequenceNode {
				merged = append(merged, v.Content...)
			} else {
				merged = append(merged, v)
			}
		}
	}
	for _, base := range merged {
		if v := mergedField(deref(base), key, seen); v != nil {
			return v
		}
	}
	return nil
}

// scalar returns the text of a scalar field of a mapping, or "".
func scalar(m *yaml.Node, key string) string {
	if v := deref(field(m, key)); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}
