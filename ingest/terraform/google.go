package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam"
)

// isGoogle reports whether ingest/gcpiam converts resources of a type.
func isGoogle(typ string) bool { return gcpiam.TerraformTypes[typ] }

// google emits a google_* block through ingest/gcpiam, which gives the ids
// and attributes that gcloud and asset inventory input gives.
func (e *emitter) google(b *block, bv *blockVal) {
	// Arguments that computeGoogle made unknown, so that no other block
	// copies a credential (secret_data), are read here from the block.
	unevaluated := map[string]string{}
	attrs := e.ev.anyAttrsNoting(b, bv.attrs, unevaluated)
	for name, a := range b.syn.Body.Attributes {
		switch name {
		case "count", "for_each", "depends_on", "provider":
			continue
		}
		if v := bv.attrs[name]; v != cty.NilVal && v.IsKnown() {
			continue
		}
		v, diags := e.ev.value(a.Expr, b)
		if diags.HasErrors() {
			// The reader says whether it skips the block or goes on
			// without the argument.
			unevaluated[name] = summary(diags)
			continue
		}
		if x, ok := toAny(v, 0); ok {
			attrs[name] = x
		}
	}
	placeUnknown(b, bv.attrs, attrs)
	tb := gcpiam.TerraformBlock{
		Type:    b.typ,
		Name:    b.name,
		Address: b.addr,
		Attrs:   attrs,
		Line:    b.syn.DefRange().Start.Line,
		Project: e.ev.googleProject(b),
		Region:  e.ev.googleRegion(b),
		Zone:    e.ev.googleProviderArg(b, "zone"),

		Unevaluated: unevaluated,
	}
	switch b.typ {
	case "google_compute_instance_from_template":
		tb.Template = e.sourceTemplate(b)
	case "google_compute_instance_template", "google_compute_region_instance_template":
		tb.Groups = e.templateGroups(b)
	}
	if drng, ok := firstDynamic(b.syn.Body); ok {
		e.warnf(drng, "%s: dynamic blocks are not expanded", b.addr)
	}
	nodes, edges, diags := gcpiam.TerraformResource(tb, e.env)
	code := ""
	if b.typ == "google_cloudfunctions_function" || b.typ == "google_cloudfunctions2_function" {
		code = e.googleCode(b)
	}
	for _, n := range nodes {
		n.Pos = graph.Pos{Line: n.Pos.Line}
		if code != "" && n.Kind == graph.NodeRuntime {
			n.SetAttr(graph.AttrCodeFrom, code)
		}
		e.ff.nodes = append(e.ff.nodes, n)
	}
	for _, ed := range edges {
		ed.Pos = graph.Pos{Line: ed.Pos.Line}
		e.ff.edges = append(e.ff.edges, ed)
	}
	for _, d := range diags {
		d.Pos.File = ""
		e.ff.diags = append(e.ff.diags, d)
	}
}

// computeGoogle adds the attributes Terraform computes for a google_*
// block that other blocks read, as ingest/gcpiam names them.
func (ev *evaluator) computeGoogle(b *block, a map[string]cty.Value, set setFunc, unknown unknownFunc) {
	attrs := ev.anyAttrs(b, a)
	placeUnknown(b, a, attrs)
	known, unk := gcpiam.TerraformComputed(b.typ, b.data, attrs, ev.googleProject(b), ev.googleRegion(b))
	for k, v := range known {
		set(k, v)
	}
	unknown(unk...)
}

// placeArgs lists the arguments that place a google_* block. Where one is
// missing or null, the provider's setting applies.
var placeArgs = []string{"project", "location", "region", "zone"}

// placeUnknown sets in attrs the text "${ADDRESS.ARGUMENT}" for each
// argument of placeArgs that block b sets and whose value in vals is not
// known. The provider's setting does not apply to an argument that is set.
func placeUnknown(b *block, vals map[string]cty.Value, attrs map[string]any) {
	for _, name := range placeArgs {
		if _, ok := attrs[name]; ok || b.attr(name) == nil {
			continue
		}
		if v := vals[name]; v != cty.NilVal && v.IsKnown() {
			// A known value absent from attrs is null.
			continue
		}
		attrs[name] = "${" + b.addr + "." + name + "}"
	}
}

// googleProject returns the project of the google or google-beta
// provider configuration a block uses, "" when the input does not show it.
func (ev *evaluator) googleProject(b *block) string {
	return ev.googleProviderArg(b, "project")
}

// googleRegion returns the region of the google or google-beta provider
// configuration a block uses, "" when the input does not show it.
func (ev *evaluator) googleRegion(b *block) string {
	return ev.googleProviderArg(b, "region")
}

// googleProviderArg returns a string argument of the google or
// google-beta provider configuration a block uses (providerRef), "" when
// the input does not show it. In a called module that does not configure
// it, the configuration is the caller's that the module block passes (see
// callerProvider).
func (ev *evaluator) googleProviderArg(b *block, name string) string {
	pname, alias := providerRef(b)
	owner := ev
	p := owner.m.providerConfig(pname, alias)
	for p == nil && owner.parent != nil {
		var ok bool
		if pname, alias, ok = owner.callerProvider(pname, alias); !ok {
			return ""
		}
		owner = owner.parent
		p = owner.m.providerConfig(pname, alias)
	}
	if p == nil {
		return ""
	}
	a := p.Body.Attributes[name]
	if a == nil {
		return ""
	}
	v, diags := owner.value(a.Expr, nil)
	s, ok := str(v)
	if diags.HasErrors() || !ok {
		return ""
	}
	return s
}

// anyAttrs returns a block's evaluated arguments and nested blocks in the
// form ingest/gcpiam reads: strings, bools, numbers as float64, []any,
// map[string]any, each nested block type as []any of map[string]any.
// Unknown values are left out.
func (ev *evaluator) anyAttrs(b *block, attrs map[string]cty.Value) map[string]any {
	return ev.anyAttrsNoting(b, attrs, nil)
}

// anyAttrsNoting is anyAttrs that also notes in unevaluated, unless it is
// nil, the arguments of nested blocks whose expressions fail, by their
// path (node_pool.node_config.service_account), each with why.
func (ev *evaluator) anyAttrsNoting(b *block, attrs map[string]cty.Value, unevaluated map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range attrs {
		if x, ok := toAny(v, 0); ok {
			out[k] = x
		}
	}
	ev.nestedAny(b, b.syn.Body, out, 0, "", unevaluated)
	return out
}

// maxAnyDepth bounds the nesting that anyAttrs converts.
const maxAnyDepth = 32

func (ev *evaluator) nestedAny(b *block, body *hclsyntax.Body, out map[string]any, depth int, path string, unevaluated map[string]string) {
	if depth > maxAnyDepth {
		return
	}
	var dynamic []any
	for _, nb := range body.Blocks {
		switch nb.Type {
		case "dynamic":
			// Not expanded, but a reader may need to know that blocks
			// of this type exist (a cluster's node pools).
			if len(nb.Labels) > 0 {
				dynamic = append(dynamic, nb.Labels[0])
			}
			continue
		case "lifecycle", "provisioner", "connection":
			continue
		}
		m := map[string]any{}
		for name, a := range nb.Body.Attributes {
			v, diags := ev.value(a.Expr, b)
			if diags.HasErrors() {
				if unevaluated != nil {
					unevaluated[path+nb.Type+"."+name] = summary(diags)
				}
				continue
			}
			if x, ok := toAny(v, 0); ok {
				m[name] = x
			}
		}
		ev.nestedAny(b, nb.Body, m, depth+1, path+nb.Type+".", unevaluated)
		list, _ := out[nb.Type].([]any)
		out[nb.Type] = append(list, m)
	}
	if len(dynamic) > 0 {
		// No google_* block has an argument of this name.
		out["dynamic"] = dynamic
	}
}

// toAny converts a known value; ok is false for unknown and null values.
func toAny(v cty.Value, depth int) (any, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() || depth > maxAnyDepth {
		return nil, false
	}
	v, _ = v.Unmark()
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString(), true
	case ty == cty.Bool:
		return v.True(), true
	case ty == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f, true
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var list []any
		for _, e := range v.AsValueSlice() {
			if x, ok := toAny(e, depth+1); ok {
				list = append(list, x)
			}
		}
		return list, true
	case ty.IsMapType() || ty.IsObjectType():
		m := map[string]any{}
		for k, e := range v.AsValueMap() {
			if x, ok := toAny(e, depth+1); ok {
				m[k] = x
			}
		}
		return m, true
	}
	return nil, false
}

// firstDynamic returns the first dynamic block of a body.
func firstDynamic(body *hclsyntax.Body) (hcl.Range, bool) {
	for _, nb := range body.Blocks {
		if nb.Type == "dynamic" {
			return nb.DefRange(), true
		}
	}
	return hcl.Range{}, false
}

// Annotations that bind a Kubernetes service account to a cloud identity.
const (
	annotationIRSA = "eks.amazonaws.com/role-arn"
	annotationGKE  = "iam.gke.io/gcp-service-account"
)

// k8sServiceAccount emits a kubernetes_service_account as the Kubernetes
// ingester emits a ServiceAccount object, with the annotations that bind
// it to a Google service account (GKE workload identity) or an IAM role.
func (e *emitter) k8sServiceAccount(b *block, bv *blockVal) {
	meta := firstMap(e.ev.anyAttrs(b, bv.attrs), "metadata")
	name, _ := meta["name"].(string)
	if name == "" {
		e.warnf(b.syn.DefRange(), "%s: metadata name is missing or not known; block skipped", b.addr)
		return
	}
	ns, _ := meta["namespace"].(string)
	if ns == "" {
		ns = "default"
	}
	attrs := map[string]string{
		graph.AttrProvider: "kubernetes",
		"type":             "service-account",
		"namespace":        ns,
		graph.AttrName:     name,
		"tf_address":       b.addr,
	}
	if auto, ok := bv.attrs["automount_service_account_token"]; ok && auto.IsKnown() && !auto.IsNull() && auto.Type() == cty.Bool {
		attrs["automount_token"] = boolWord(auto.True())
	}
	ann, _ := meta["annotations"].(map[string]any)
	if sa, _ := ann[annotationGKE].(string); sa != "" {
		attrs["gcp_service_account"] = strings.TrimSpace(sa)
	}
	if arn, _ := ann[annotationIRSA].(string); strings.HasPrefix(arn, "arn:aws") && strings.Contains(arn, ":role/") {
		attrs["aws_role_arn"] = arn
	}
	e.node(graph.NodeIdentity, graph.K8sServiceAccountID(ns, name), "service account "+ns+"/"+name, b.syn.DefRange(), attrs)
}

// firstMap returns the first nested block of a type from anyAttrs output.
func firstMap(attrs map[string]any, key string) map[string]any {
	if list, ok := attrs[key].([]any); ok && len(list) > 0 {
		m, _ := list[0].(map[string]any)
		return m
	}
	return nil
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// sourceTemplate returns the arguments of the instance template that the
// source_instance_template of block b refers to, in the form ingest/gcpiam
// reads, or nil unless the reference reads exactly one template block.
func (e *emitter) sourceTemplate(b *block) map[string]any {
	a := b.attr("source_instance_template")
	if a == nil {
		return nil
	}
	var tmpl *block
	for _, r := range e.refs(a.Expr).blocks {
		rb := e.ev.m.blocks[r.addr]
		if rb == nil || rb.data || rb.typ != "google_compute_instance_template" && rb.typ != "google_compute_region_instance_template" {
			continue
		}
		if tmpl != nil && tmpl != rb {
			return nil
		}
		tmpl = rb
	}
	if tmpl == nil {
		return nil
	}
	tv := e.ev.objs[tmpl.addr]
	if tv == nil {
		return nil
	}
	return e.ev.anyAttrs(tmpl, tv.attrs)
}

// templateGroups lists the managed instance groups of the module that
// refer to instance template tmpl in a version block, or in the top-level
// instance_template that older providers took. Each is given as
// projects/P/zones/Z/instanceGroupManagers/N or
// projects/P/regions/R/instanceGroupManagers/N. A group whose name,
// location or project the input does not resolve to a plain value is left
// out.
func (e *emitter) templateGroups(tmpl *block) []string {
	var out []string
	for _, typ := range []string{"google_compute_instance_group_manager", "google_compute_region_instance_group_manager"} {
		for _, g := range e.ev.instancesOf(e.m.blocksOfType(typ)) {
			gv := e.ev.objs[g.addr]
			if gv == nil || !e.usesTemplate(g, tmpl) {
				continue
			}
			scope, arg := "zones", "zone"
			if typ == "google_compute_region_instance_group_manager" {
				scope, arg = "regions", "region"
			}
			name, _ := attrStr(gv, "name")
			location, ok := attrStr(gv, arg)
			if !ok {
				location = e.ev.googleProviderArg(g, arg)
			}
			project, ok := attrStr(gv, "project")
			if !ok {
				project = e.ev.googleProject(g)
			}
			project = strings.TrimPrefix(project, "projects/")
			if !plainSegment(name) || !plainSegment(location) || !plainSegment(project) {
				continue
			}
			out = append(out, "projects/"+project+"/"+scope+"/"+location+"/instanceGroupManagers/"+name)
		}
	}
	return out
}

// usesTemplate reports whether a managed instance group block refers to
// instance template tmpl in a version block or in instance_template.
func (e *emitter) usesTemplate(g, tmpl *block) bool {
	exprs := []hcl.Expression{}
	if a := g.attr("instance_template"); a != nil {
		exprs = append(exprs, a.Expr)
	}
	for _, v := range g.nested("version") {
		if a := v.Body.Attributes["instance_template"]; a != nil {
			exprs = append(exprs, a.Expr)
		}
	}
	for _, x := range exprs {
		for _, rb := range e.refsTo(x, tmpl.typ) {
			if rb.syn == tmpl.syn {
				return true
			}
		}
	}
	return false
}

// plainSegment reports whether s can stand as one segment of a resource
// name: not empty, and without a reference the input leaves open, a
// slash or a comma.
func plainSegment(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/,") && !strings.Contains(s, "${")
}
