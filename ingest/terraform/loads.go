package terraform

import (
	"path"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// S3 object addresses in the text of a runtime's configuration: a virtual
// hosted URL (https://bucket.s3.amazonaws.com/key, with or without a
// region), a path-style URL (https://s3.region.amazonaws.com/bucket/key)
// and an s3:// URI. A bucket name may hold an interpolation the evaluator
// left unresolved, written ${...}. A key ends before a query string, which
// may carry a signature, and before a comma, which separates list items.
var (
	s3Name        = `((?:[a-z0-9.-]|\$\{[^}]*\})+?)`
	s3Key         = `((?:[^\s"'<>()\\${}?#&,]|\$\{[^}]*\})+)`
	s3HostedURL   = regexp.MustCompile(`https?://` + s3Name + `\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com/` + s3Key)
	s3PathURL     = regexp.MustCompile(`https?://s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com/` + s3Name + `/` + s3Key)
	s3URI         = regexp.MustCompile(`s3://` + s3Name + `/` + s3Key)
	codeExtension = map[string]bool{
		".js": true, ".mjs": true, ".cjs": true, ".sh": true, ".bash": true, ".py": true, ".ps1": true,
		".rb": true, ".pl": true, ".php": true, ".jar": true, ".war": true,
	}
)

// loadedCode returns the S3 objects, as arn:aws:s3:::bucket/key, that the
// texts name with a file extension of code (a script, a module, an
// archive a runtime runs), sorted and without repeats.
func loadedCode(texts []string) []string {
	var out []string
	for _, text := range texts {
		for _, re := range []*regexp.Regexp{s3HostedURL, s3PathURL, s3URI} {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				bucket, key := m[1], strings.TrimRight(m[2], ".,;")
				if bucket == "" || key == "" || strings.Contains(bucket, ",") || !codeExtension[strings.ToLower(path.Ext(key))] {
					continue
				}
				out = append(out, "arn:aws:s3:::"+bucket+"/"+key)
			}
		}
	}
	return graph.SplitList(graph.JoinList(out))
}

// loadsCode returns the S3 objects that the named arguments of b load as
// code, for the runtime attribute graph.AttrLoadsCode.
func (e *emitter) loadsCode(b *block, names ...string) string {
	var texts []string
	for _, name := range names {
		if a := b.attr(name); a != nil {
			texts = append(texts, e.texts(b, a.Expr)...)
		}
	}
	return graph.JoinList(loadedCode(texts))
}
