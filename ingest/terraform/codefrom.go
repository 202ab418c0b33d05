package terraform

import (
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// repoRoot returns the root folder of the repository that the file's
// Repo and RelPath place it in, and false when they do not.
func repoRoot(self *ingest.File) (string, bool) {
	if self.Repo == "" || self.RelPath == "" {
		return "", false
	}
	rel := filepath.FromSlash(self.RelPath)
	p := filepath.Clean(self.Path)
	if p == rel {
		return ".", true
	}
	if root, ok := strings.CutSuffix(p, string(filepath.Separator)+rel); ok {
		return root, true
	}
	return "", false
}

// rootPath returns path.root: the root module's folder as a path relative
// to this module's folder. It is "." in the root module, and ../../infra in
// a module in modules/api that infra calls.
func (ev *evaluator) rootPath() string {
	top := ev
	for top.parent != nil {
		top = top.parent
	}
	if top == ev {
		return "."
	}
	rel, err := filepath.Rel(realDir(ev.m.dir), realDir(top.m.dir))
	if err != nil {
		return "."
	}
	return filepath.ToSlash(rel)
}

// repoFolder returns the module's folder relative to the root of its
// repository, and false when the repository is not known.
func (ev *evaluator) repoFolder() (repo, dir string, ok bool) {
	if ev.tree == nil || ev.tree.repo == "" {
		return "", "", false
	}
	rel, err := filepath.Rel(ev.tree.realRoot(), realDir(ev.m.dir))
	if err != nil {
		return "", "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", "", false
	}
	return ev.tree.repo, rel, true
}

// codeFrom returns the AttrCodeFrom attribute of a Lambda function: the
// folders that archive_file blocks archive into its zip (filename, or the
// aws_s3_object that s3_key names), and those of the layers it lists.
func (e *emitter) codeFrom(b *block, bv *blockVal) string {
	var items []string
	add := func(srcs []graph.CodeSource) {
		for _, s := range srcs {
			items = append(items, graph.EncodeCodeSource(s))
		}
	}
	add(e.zipCode(b, "", true))
	for _, lb := range e.layersOf(b, bv) {
		// The layer's own block reports its problems (layerCode).
		add(e.zipCode(lb, lb.addr, false))
	}
	return graph.JoinList(items)
}

// layerCode warns about the archive of a Lambda layer whose folder is not
// known, once for the layer rather than for each function that lists it.
func (e *emitter) layerCode(b *block) {
	e.zipCode(b, b.addr, true)
}

// zipCode returns the folders archived into the zip of a Lambda function
// or layer b. layer is the layer's address, or "" for a function. warn
// makes b warn about an archive whose folder is not known.
func (e *emitter) zipCode(b *block, layer string, warn bool) []graph.CodeSource {
	var exprs []hcl.Expression
	var at hcl.Range
	if a := b.attr("filename"); a != nil {
		exprs, at = append(exprs, a.Expr), a.Expr.Range()
	}
	if a := b.attr("s3_key"); a != nil {
		exprs, at = append(exprs, e.objectSources(a.Expr, "aws_s3_object", "aws_s3_bucket_object")...), a.Expr.Range()
	}
	var out []graph.CodeSource
	for _, ab := range e.archivesOf(b, exprs) {
		if s, ok := e.archiveFolder(b, ab, at, warn); ok {
			s.Layer = layer
			out = append(out, s)
		}
	}
	return out
}

// googleCode returns the AttrCodeFrom attribute of a Cloud Functions
// function b: the folders archived into the Cloud Storage object it is
// built from (a 1st gen function's source_archive_object, a 2nd gen one's
// build_config.source.storage_source.object).
func (e *emitter) googleCode(b *block) string {
	var exprs []hcl.Expression
	if a := b.attr("source_archive_object"); a != nil {
		exprs = append(exprs, a.Expr)
	}
	exprs = append(exprs, nestedExprs(b.syn.Body, "build_config", "source", "storage_source", "object")...)
	var objects []hcl.Expression
	for _, x := range exprs {
		objects = append(objects, e.objectSources(x, "google_storage_bucket_object")...)
	}
	var items []string
	for _, ab := range e.archivesOf(b, objects) {
		if s, ok := e.archiveFolder(b, ab, exprs[0].Range(), true); ok {
			items = append(items, graph.EncodeCodeSource(s))
		}
	}
	return graph.JoinList(items)
}

// objectSources returns the source arguments of the storage objects of
// the given types that expr reads.
func (e *emitter) objectSources(expr hcl.Expression, types ...string) []hcl.Expression {
	var out []hcl.Expression
	for _, typ := range types {
		for _, ob := range e.refsTo(expr, typ) {
			if a := ob.attr("source"); a != nil {
				out = append(out, a.Expr)
			}
		}
	}
	return out
}

// archivesOf returns the archive_file data sources and resources that the
// expressions read, in address order. A path written out that equals the
// output_path of one of the module's archives names that archive too.
func (e *emitter) archivesOf(b *block, exprs []hcl.Expression) []*block {
	seen := map[string]bool{}
	var out []*block
	for _, x := range exprs {
		found := append(e.refsTo(x, "data.archive_file"), e.refsTo(x, "archive_file")...)
		if len(found) == 0 {
			found = e.archivesAt(b, x)
		}
		for _, ab := range found {
			if !seen[ab.addr] {
				seen[ab.addr] = true
				out = append(out, ab)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].addr < out[j].addr })
	return out
}

// archivesAt returns the module's archives whose output_path is the path
// that expr gives, when that is written out.
func (e *emitter) archivesAt(b *block, expr hcl.Expression) []*block {
	v, diags := e.ev.value(expr, b)
	p, ok := str(v)
	if diags.HasErrors() || !ok || p == "" || strings.Contains(p, "${") {
		return nil
	}
	var out []*block
	for _, key := range []string{"data.archive_file", "archive_file"} {
		for _, ab := range e.ev.instancesOf(e.m.byType[key]) {
			a := ab.attr("output_path")
			if a == nil {
				continue
			}
			ov, diags := e.ev.value(a.Expr, ab)
			if o, ok := str(ov); ok && !diags.HasErrors() && path.Clean(o) == path.Clean(p) {
				out = append(out, ab)
			}
		}
	}
	return out
}

// archiveFolder returns the folder of the repository that archive ab
// archives (source_dir), or the folder of the one file it archives
// (source_file). It returns false for a folder outside the repository or
// one that depends on a value the input does not show. Then, when warn is
// set, b (the block whose code the archive is) gets a warning at at.
func (e *emitter) archiveFolder(b, ab *block, at hcl.Range, warn bool) (graph.CodeSource, bool) {
	repo, modDir, ok := e.ev.repoFolder()
	if !ok {
		return graph.CodeSource{}, false
	}

	arg, file := "source_dir", false
	a := ab.attr(arg)
	if a == nil {
		arg, file = "source_file", true
		a = ab.attr(arg)
	}
	if a == nil {
		// Content written in source blocks comes from no folder.
		return graph.CodeSource{}, false
	}

	v, diags := e.ev.value(a.Expr, ab)
	p, known := str(v)
	if diags.HasErrors() || !known || p == "" || strings.Contains(p, "${") {
		if !warn {
			return graph.CodeSource{}, false
		}
		e.warnf(at, "%s: the %s of %s is not known from the input, so its code is not linked to the packages of that folder; set the variables it reads in a tfvars file",
			b.addr, arg, ab.addr)
		return graph.CodeSource{}, false
	}
	p = filepath.ToSlash(p)
	if !path.IsAbs(p) && !e.ev.readsPath(a.Expr, map[string]bool{}) {
		// archive_file reads a plain relative path from the folder
		// Terraform runs in, the root module's.
		p = path.Join(e.ev.rootPath(), p)
	}
	rel := path.Join(modDir, p)
	if path.IsAbs(p) || filepath.IsAbs(p) || strings.HasPrefix(p, "~") || rel == ".." || strings.HasPrefix(rel, "../") {
		if !warn {
			return graph.CodeSource{}, false
		}
		e.warnf(at, "%s: the %s of %s lies outside the repository, so no lockfile of the repository is linked to its code",
			b.addr, arg, ab.addr)
		return graph.CodeSource{}, false
	}

	s := graph.CodeSource{Repo: repo, Dir: rel, By: ab.addr}
	if file {
		s.Dir, s.File = path.Dir(rel), rel
	}
	return s, true
}

// readsPath reports whether expr reads path.module, path.root or
// path.cwd, directly or through locals.
func (ev *evaluator) readsPath(expr hcl.Expression, seen map[string]bool) bool {
	for _, tr := range expr.Variables() {
		switch tr.RootName() {
		case "path":
			return true
		case "local":
			name := stepName(tr, 1)
			if l := ev.m.locals[name]; l != nil && !seen[name] {
				seen[name] = true
				if ev.readsPath(l.attr.Expr, seen) {
					return true
				}
			}
		}
	}
	return false
}

// layerARN matches the ARN of a Lambda layer or of one of its versions:
// arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME[:VERSION].
var layerARN = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]*:([0-9]*):layer:([A-Za-z0-9_-]+)(?::[0-9]+)?$`)

// layersOf returns the aws_lambda_layer_version instances of the module
// that function b lists in layers: by reference, or by an ARN written out
// that names the layer and the module's account.
func (e *emitter) layersOf(b *block, bv *blockVal) []*block {
	a := b.attr("layers")
	if a == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []*block
	for _, lb := range e.refsTo(a.Expr, "aws_lambda_layer_version") {
		seen[lb.addr] = true
		out = append(out, lb)
	}
	v := bv.attrs["layers"]
	if v == cty.NilVal || !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		_, ev := it.Element()
		arn, ok := str(ev)
		m := layerARN.FindStringSubmatch(arn)
		if !ok || m == nil || differ(m[1], e.ev.account) {
			continue
		}
		for _, lb := range e.ev.instancesOf(e.m.byType["aws_lambda_layer_version"]) {
			name, _ := attrStr(e.ev.objs[lb.addr], "layer_name")
			if name == m[2] && !seen[lb.addr] {
				seen[lb.addr] = true
				out = append(out, lb)
			}
		}
	}
	return out
}

// differ reports whether two values both known differ.
func differ(a, b string) bool { return a != "" && b != "" && a != b }

// nestedExprs returns the expressions of the argument that a path of
// nested block types ends in, such as build_config.source.storage_source
// and then object. A step may also be an argument whose value is an
// object, as a .tf.json file writes nested blocks.
func nestedExprs(body *hclsyntax.Body, steps ...string) []hcl.Expression {
	if len(steps) == 1 {
		if a := body.Attributes[steps[0]]; a != nil {
			return []hcl.Expression{a.Expr}
		}
		return nil
	}
	var out []hcl.Expression
	for _, nb := range nestedBlocks(body, steps[0]) {
		out = append(out, nestedExprs(nb.Body, steps[1:]...)...)
	}
	if a := body.Attributes[steps[0]]; a != nil {
		out = append(out, objectExprs(a.Expr, steps[1:])...)
	}
	return out
}

// objectExprs follows a path of keys through object and tuple
// constructors.
func objectExprs(expr hcl.Expression, steps []string) []hcl.Expression {
	if len(steps) == 0 {
		return []hcl.Expression{expr}
	}
	var out []hcl.Expression
	switch x := expr.(type) {
	case *hclsyntax.TupleConsExpr:
		for _, el := range x.Exprs {
			out = append(out, objectExprs(el, steps)...)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, item := range x.Items {
			k, diags := item.KeyExpr.Value(nil)
			if key, ok := str(k); ok && !diags.HasErrors() && key == steps[0] {
				out = append(out, objectExprs(item.ValueExpr, steps[1:])...)
			}
		}
	}
	return out
}
