// Package dockerfile reads Dockerfiles and Containerfiles. Each file gives
// one Package node (graph.DockerfileID), which is the image that a build of
// its last stage makes. The node DEPENDS_ON:
//
//   - the base image of the last stage and of every stage it builds on
//     (FROM stage), copies from (COPY --from) or mounts from (RUN
//     --mount=from=...), transitively, and the images that COPY --from or
//     a mount names directly;
//   - the packages that its RUN instructions install by name with an
//     exact version (npm install -g x@1.2.3, pip install x==1.0).
//
// Stages that the last stage does not use are left out, and FROM scratch
// names no image. The node's attributes record how the RUN instructions of
// the stages it uses install a project's packages. They list the
// ecosystems (pkgcmd.AttrInstalls), and those whose every install leaves
// out development packages or install scripts (pkgcmd.AttrDevOff,
// pkgcmd.AttrScriptsOff). For each install, graph.AttrInstallSources gives
// the folder of the build context from which a COPY or ADD put the
// lockfile or manifest in place. The linker joins these to the lockfiles
// of the repository.
//
// RUN scripts are read with the shell scanner and the command classifier
// that the CI readers use. The values of ARG and ENV are read to expand
// FROM and --from and to classify commands, and only their names are
// stored. The node also lists the build arguments that it gives a package
// registry as a password or token (graph.AttrArgLogins). A credential written as a literal
// into the image's stages becomes a Secret node that keeps only a salted
// fingerprint of the value (imageLiterals).
//
// A FROM that a build argument chooses names the image of the ARG's
// default. The node lists such FROM references (graph.AttrFromArgs), so
// that the linker adds the images that CI builds give with the values
// they pass (--build-arg).
//
// Each named stage before the last also gives a Package node
// (graph.DockerfileStageID), the image that a build with --target NAME
// makes, with the same attributes and edges computed from that stage and
// the stages it uses. It has graph.AttrStage and graph.AttrStageOf. The
// literal credentials are read for the file's node alone.
//
// Limits: a FROM whose argument has no default names no image of its
// own. RUN is read as a POSIX shell script,
// whatever shell a SHELL instruction sets. ONBUILD instructions, of the
// file or of its base images, are not read.
package dockerfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Parser reads Dockerfiles.
type Parser struct{}

// New returns the Dockerfile parser.
func New() *Parser { return &Parser{} }

// Format implements ingest.Parser.
func (*Parser) Format() string { return "dockerfile" }

// Detect implements ingest.Parser. It accepts Dockerfile and Containerfile,
// NAME.Dockerfile and NAME.dockerfile, and Dockerfile.SUFFIX
// (Dockerfile.prod). It leaves out the per-file ignore list
// Dockerfile.dockerignore, and documents and templates (notSource).
func (*Parser) Detect(f *ingest.File) bool {
	name := path.Base(strings.ReplaceAll(f.RelPath, `\`, "/"))
	switch {
	case name == "Dockerfile" || name == "Containerfile":
		return true
	case notSource[strings.ToLower(path.Ext(name))]:
		return false
	case strings.HasSuffix(name, ".Dockerfile") || strings.HasSuffix(name, ".dockerfile"):
		return len(name) > len(".dockerfile")
	case strings.HasPrefix(name, "Dockerfile.") || strings.HasPrefix(name, "Containerfile."):
		return !strings.HasSuffix(name, ".")
	}
	return false
}

// notSource are the extensions of files named like Dockerfiles that are
// not one: ignore lists, documents, templates and editor backups.
var notSource = map[string]bool{
	".dockerignore": true, ".md": true, ".txt": true, ".rst": true, ".adoc": true, ".j2": true, ".jinja": true,
	".jinja2": true, ".tmpl": true, ".tpl": true, ".template": true, ".erb": true, ".bak": true, ".orig": true,
	".swp": true,
}

// maxSize is the size of the largest Dockerfile read, 4 MiB, far above the
// few kilobytes of a usual Dockerfile.
const maxSize = 4 << 20

// Parse implements ingest.Parser.
func (*Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := read(f)
	if err != nil {
		return err
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := bytes.Count(data[:i], []byte("\n")) + 1
		return ingest.Errorf(ingest.Position{File: f.Path, Line: line}, "binary content where a Dockerfile was expected")
	}
	ast, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		// The parser's message may quote the file's text, which may hold
		// a secret, so only its position is kept.
		return ingest.Errorf(ingest.Position{File: f.Path, Line: errorLine(err)}, "the file does not parse as a Dockerfile")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d := newDocument(f, ast, res)
	d.env = env
	d.read()
	if len(d.stages) == 0 {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: 1}, "missing FROM instruction: a Dockerfile needs one to start its first stage")
	}
	d.emit()
	return nil
}

// read returns the file's content, and rejects a file larger than
// maxSize.
func read(f *ingest.File) ([]byte, error) {
	if f.Size > maxSize {
		return nil, tooLarge(f)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSize {
		return nil, tooLarge(f)
	}
	return data, nil
}

func tooLarge(f *ingest.File) error {
	return ingest.Errorf(ingest.Position{File: f.Path}, "file too large for a Dockerfile: more than %d bytes", maxSize)
}

// errorLine returns the first line that a parser error points at, or 0.
func errorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, rs := range le.Locations {
			for _, r := range rs {
				if r.Start.Line > 0 {
					return r.Start.Line
				}
			}
		}
	}
	return 0
}

// id returns the id of the file's Package node.
func id(f *ingest.File) string {
	if f.Repo == "" {
		return graph.DockerfileID("", f.RelPath)
	}
	return graph.DockerfileID(f.RepoID(), f.RelPath)
}
