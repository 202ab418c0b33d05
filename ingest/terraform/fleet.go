package terraform

import (
	"cmp"
	"encoding/base64"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/blastradius-dev/blastradius/graph"
)

// Block types that describe how EC2 starts the instances of a fleet.
const (
	typeLaunchTemplate = "aws_launch_template"
	typeLaunchConfig   = "aws_launch_configuration"
	typeEKSCluster     = "aws_eks_cluster"
)

// Runtime attributes that record a host's instance metadata options: the
// value of http_tokens (required, optional) and of
// http_put_response_hop_limit, each "" when the input does not set it.
const (
	attrIMDSTokens   = "imds_http_tokens"
	attrIMDSHopLimit = "imds_hop_limit"
	attrEKSCluster   = "eks_cluster"
)

// launchUse selects what a runtime takes from the launch templates or
// launch configurations it starts from. An aws_instance's own arguments
// win over its template's.
type launchUse struct {
	profile  bool // the role credentials of the instance profile
	keyPair  bool // the login that the key pair's private key opens
	userData bool // the credentials, images and packages of the user data
}

// autoscalingGroup emits an autoscaling group as one runtime for all the
// instances it starts. Its launch templates or launch configuration give
// them the instance profile role's credentials through the metadata
// endpoint, and the credentials, images and packages of the user data.
func (e *emitter) autoscalingGroup(b *block, bv *blockVal) {
	runtime := e.ev.instanceID(b.addr)
	rng := b.syn.DefRange()
	name, prefix := fleetName(bv, "name", "name_prefix")
	srcs := e.groupLaunchSources(b, bv)
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "ec2-fleet",
		graph.AttrAccount:  e.ev.account,
		graph.AttrName:     name,
		attrNamePrefix:     prefix,
		"region":           e.ev.region,
		"tf_address":       b.addr,
		"launched_from":    graph.JoinList(addresses(srcs)),
	}
	name = cmp.Or(name, prefix, e.ev.addressLabel(b.addr))
	if len(srcs) == 0 {
		e.warnf(rng, "%s: its launch template or launch configuration is not declared in this module", b.addr)
	}
	if c := e.bootstrapCluster(srcs); c != "" {
		attrs[attrEKSCluster] = c
	}
	e.metadataAttrs(attrs, nil, srcs)
	e.node(graph.NodeRuntime, runtime, name, rng, attrs)
	e.launchFacts(runtime, name, srcs, launchUse{profile: true, keyPair: true, userData: true})
	e.dropMetadataCredentials(runtime, attrs)
}

// attrNamePrefix is the runtime attribute that records the prefix of a
// group whose name Terraform makes up from it, when the name is unknown.
const attrNamePrefix = "name_prefix"

// fleetName returns the name that a group's nameArg sets, or else the
// prefix that its prefixArg sets. Terraform appends a unique suffix to
// that prefix, so the deployed name is not known.
func fleetName(bv *blockVal, nameArg, prefixArg string) (name, prefix string) {
	if name, _ = attrStr(bv, nameArg); name != "" {
		return name, ""
	}
	prefix, _ = attrStr(bv, prefixArg)
	return "", prefix
}

// addresses returns the blocks' addresses.
func addresses(bs []*block) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.addr)
	}
	return out
}

// groupLaunchSources returns the launch templates and launch
// configuration an autoscaling group starts instances from: its
// launch_template block, the templates of its mixed_instances_policy
// (overrides included) and its launch_configuration.
func (e *emitter) groupLaunchSources(b *block, bv *blockVal) []*block {
	var out []*block
	if a := b.attr("launch_configuration"); a != nil {
		out = append(out, e.launchRefs(b, a.Expr, typeLaunchConfig)...)
	}
	for _, lt := range b.nested("launch_template") {
		out = append(out, e.templateRefs(b, lt.Body, "id", "name")...)
	}
	for _, mp := range b.nested("mixed_instances_policy") {
		for _, lt := range nestedBlocks(mp.Body, "launch_template") {
			specs := nestedBlocks(lt.Body, "launch_template_specification")
			for _, ov := range nestedBlocks(lt.Body, "override") {
				specs = append(specs, nestedBlocks(ov.Body, "launch_template_specification")...)
			}
			for _, s := range specs {
				out = append(out, e.templateRefs(b, s.Body, "launch_template_id", "launch_template_name")...)
			}
		}
	}
	return uniqueBlocks(out)
}

// templateRefs returns the launch templates that the id or name argument
// of a launch template specification names.
func (e *emitter) templateRefs(owner *block, body *hclsyntax.Body, idArg, nameArg string) []*block {
	for _, arg := range []string{idArg, nameArg} {
		if a := body.Attributes[arg]; a != nil {
			if bs := e.launchRefs(owner, a.Expr, typeLaunchTemplate); len(bs) > 0 {
				return bs
			}
		}
	}
	return nil
}

// launchRefs returns the blocks of type typ that expr reads, else those
// whose name is the value of expr.
func (e *emitter) launchRefs(owner *block, expr hcl.Expression, typ string) []*block {
	if bs := e.refsTo(expr, typ); len(bs) > 0 {
		return bs
	}
	v, diags := e.ev.value(expr, owner)
	name, ok := str(v)
	if diags.HasErrors() || !ok || name == "" || strings.Contains(name, "${") {
		return nil
	}
	var out []*block
	for _, tb := range e.ev.instancesOf(e.m.blocksOfType(typ)) {
		if n, ok := attrStr(e.ev.objs[tb.addr], "name"); ok && n == name {
			out = append(out, tb)
		}
	}
	return out
}

// uniqueBlocks drops repeats of a block, keeping the first.
func uniqueBlocks(bs []*block) []*block {
	seen := map[string]bool{}
	out := bs[:0]
	for _, b := range bs {
		if !seen[b.addr] {
			seen[b.addr] = true
			out = append(out, b)
		}
	}
	return out
}

// launchFacts emits what the instances of a runtime get from the launch
// templates or launch configurations srcs, as use selects.
func (e *emitter) launchFacts(runtime, name string, srcs []*block, use launchUse) {
	for _, tb := range srcs {
		tbv := e.ev.objs[tb.addr]
		if tbv == nil {
			continue
		}
		if use.profile {
			e.launchProfile(runtime, name, tb)
		}
		if use.keyPair {
			e.keyPairLogin(runtime, tb, tbv)
		}
		if !use.userData {
			continue
		}
		e.inlineKeys(runtime, tb, "user_data", "user_data_base64")
		e.exposesHeld(runtime, tb, "file", "user_data", "user_data_base64")
		e.userDataRuns(runtime, tb, "user_data", "user_data_base64")
	}
}

// launchProfile emits the role credentials of the instance profile that a
// launch template (an iam_instance_profile block with name or arn) or a
// launch configuration (an iam_instance_profile argument) names.
func (e *emitter) launchProfile(runtime, name string, tb *block) {
	var expr hcl.Expression
	if a := tb.attr("iam_instance_profile"); a != nil {
		expr = a.Expr
	}
	for _, pb := range tb.nested("iam_instance_profile") {
		for _, arg := range []string{"name", "arn"} {
			if a := pb.Body.Attributes[arg]; a != nil && expr == nil {
				expr = a.Expr
			}
		}
	}
	if expr == nil {
		return
	}
	v, _ := e.ev.value(expr, tb)
	profile, _ := str(v)
	if i := strings.LastIndexByte(profile, '/'); strings.HasPrefix(profile, "arn:") && i >= 0 {
		profile = profile[i+1:]
	}
	role := e.profileRole(tb, expr, profile)
	e.roleCredentials(runtime, name, "metadata", role, expr.Range(), map[string]string{
		"instance_profile": profile, "launched_from": tb.addr,
	})
}

// metadataAttrs records the instance metadata options in attrs: those of
// own (an instance's metadata_options block) when set, else the weakest of
// the launch sources'. Options enforce token-only access with a hop limit
// of 1 only when every source does.
func (e *emitter) metadataAttrs(attrs map[string]string, own *block, srcs []*block) {
	if own != nil && len(own.nested("metadata_options")) > 0 {
		attrs[attrIMDSTokens], attrs[attrIMDSHopLimit] = e.metadataOptions(own)
		if e.metadataDisabled(own) {
			attrs[attrIMDSEndpoint] = "disabled"
		}
		return
	}
	disabled := len(srcs) > 0
	for _, tb := range srcs {
		disabled = disabled && e.metadataDisabled(tb)
	}
	if disabled {
		attrs[attrIMDSEndpoint] = "disabled"
	}
	for i, tb := range srcs {
		tokens, hops := e.metadataOptions(tb)
		if i == 0 || !podsBlocked(tokens, hops) {
			attrs[attrIMDSTokens], attrs[attrIMDSHopLimit] = tokens, hops
		}
		if !podsBlocked(tokens, hops) {
			return
		}
	}
}

// attrIMDSEndpoint is "disabled" on a runtime whose every instance turns
// the metadata endpoint off (http_endpoint = "disabled"): no process of
// the instance, nor a container on it, can read the role's credentials.
const attrIMDSEndpoint = "imds_endpoint"

// metadataDisabled reports whether a block's metadata_options turn the
// metadata endpoint off.
func (e *emitter) metadataDisabled(b *block) bool {
	for _, mb := range b.nested("metadata_options") {
		if a := mb.Body.Attributes["http_endpoint"]; a != nil {
			if v, diags := e.ev.value(a.Expr, b); !diags.HasErrors() {
				if s, _ := str(v); s == "disabled" {
					return true
				}
			}
		}
	}
	return false
}

// dropMetadataCredentials removes the EXPOSES edges through which a
// runtime whose metadata endpoint is off (attrIMDSEndpoint) would hand
// out its role's credentials.
func (e *emitter) dropMetadataCredentials(runtime string, attrs map[string]string) {
	if attrs[attrIMDSEndpoint] != "disabled" {
		return
	}
	kept := e.ff.edges[:0]
	for _, ed := range e.ff.edges {
		if ed.From == runtime && ed.Kind == graph.EdgeExposes && ed.Attr(graph.AttrVia) == "metadata" {
			continue
		}
		kept = append(kept, ed)
	}
	e.ff.edges = kept
}

// podsBlocked reports whether metadata options keep containers that are
// not on the host network from the metadata endpoint: a session token is
// required, and its response does not survive the extra hop of a
// container's network.
func podsBlocked(tokens, hops string) bool { return tokens == "required" && hops == "1" }

// metadataOptions returns http_tokens and http_put_response_hop_limit of
// a block's metadata_options block, "" for what it does not set.
func (e *emitter) metadataOptions(b *block) (tokens, hops string) {
	for _, mb := range b.nested("metadata_options") {
		if a := mb.Body.Attributes["http_tokens"]; a != nil {
			if v, diags := e.ev.value(a.Expr, b); !diags.HasErrors() {
				tokens, _ = str(v)
			}
		}
		if a := mb.Body.Attributes["http_put_response_hop_limit"]; a != nil {
			if v, diags := e.ev.value(a.Expr, b); !diags.HasErrors() {
				hops, _ = str(v)
			}
		}
	}
	return tokens, hops
}

// instanceTemplates returns the launch templates an aws_instance's
// launch_template block names.
func (e *emitter) instanceTemplates(b *block) []*block {
	var out []*block
	for _, lt := range b.nested("launch_template") {
		out = append(out, e.templateRefs(b, lt.Body, "id", "name")...)
	}
	return uniqueBlocks(out)
}

// eksCluster emits an EKS cluster as a resource. Its role is the one the
// control plane uses, so it is only recorded: pods do not receive it.
func (e *emitter) eksCluster(b *block, bv *blockVal) {
	name, ok := e.require(b, bv, "name")
	if !ok {
		return
	}
	role, _ := attrStr(bv, "role_arn")
	e.node(graph.NodeResource, e.ev.arn("eks", "cluster/"+name), name, b.syn.DefRange(), map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "eks-cluster",
		graph.AttrName:     name,
		graph.AttrAccount:  e.ev.account,
		"role":             role,
		"tf_address":       b.addr,
	})
}

// eksNodeGroup emits an EKS managed node group as a runtime whose
// metadata endpoint hands out the node role's credentials. The linker
// decides which pods reach that endpoint. A launch template adds its user
// data and metadata options, but not an instance profile, which EKS
// rejects in a node group's template: the node role takes its place.
func (e *emitter) eksNodeGroup(b *block, bv *blockVal) {
	runtime := e.ev.instanceID(b.addr)
	rng := b.syn.DefRange()
	cluster := e.nodeGroupCluster(b, bv)
	name, prefix := fleetName(bv, "node_group_name", "node_group_name_prefix")
	srcs := e.instanceTemplates(b)
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "eks-node-group",
		graph.AttrAccount:  e.ev.account,
		graph.AttrName:     name,
		attrNamePrefix:     prefix,
		"region":           e.ev.region,
		attrEKSCluster:     cluster,
		"tf_address":       b.addr,
		"launched_from":    graph.JoinList(addresses(srcs)),
	}
	name = cmp.Or(name, prefix, e.ev.addressLabel(b.addr))
	e.metadataAttrs(attrs, nil, srcs)
	e.node(graph.NodeRuntime, runtime, name, rng, attrs)
	if a := b.attr("node_role_arn"); a != nil {
		role, ok := attrStr(bv, "node_role_arn")
		if !ok || !strings.HasPrefix(role, "arn:") {
			e.warnf(a.Expr.Range(), "%s: node_role_arn could not be resolved", b.addr)
			role = ""
		}
		e.roleCredentials(runtime, name, "metadata", role, rng, nil)
	}
	// NOTE: a node group's template usually holds a multi-part MIME
	// document, which userDataRuns does not read.
	e.launchFacts(runtime, name, srcs, launchUse{keyPair: true, userData: true})
	e.dropMetadataCredentials(runtime, attrs)
}

// nodeGroupCluster returns the name of a node group's cluster: the value
// of cluster_name, or the name of the aws_eks_cluster it reads when the
// value is unknown. The evaluator leaves a cluster's id unresolved.
func (e *emitter) nodeGroupCluster(b *block, bv *blockVal) string {
	cluster, _ := attrStr(bv, "cluster_name")
	a := b.attr("cluster_name")
	if a == nil || !strings.Contains(cluster, "${") {
		return cluster
	}
	for _, c := range e.refsTo(a.Expr, typeEKSCluster) {
		if n, ok := attrStr(e.ev.objs[c.addr], "name"); ok && !strings.Contains(n, "${") {
			return n
		}
	}
	return cluster
}

// bootstrapCall matches the EKS bootstrap script of self-managed nodes and
// the cluster name it joins.
var bootstrapCall = regexp.MustCompile(`/etc/eks/bootstrap\.sh\s+["']?([A-Za-z0-9][A-Za-z0-9_-]*)`)

// bootstrapCluster returns the EKS cluster that the user data of a
// fleet's launch sources joins: the aws_eks_cluster it reads, else the
// name passed to /etc/eks/bootstrap.sh. It returns "" for none.
func (e *emitter) bootstrapCluster(srcs []*block) string {
	for _, tb := range srcs {
		a := tb.attr("user_data")
		if a == nil {
			continue
		}
		for _, c := range e.refsTo(a.Expr, typeEKSCluster) {
			if n, ok := attrStr(e.ev.objs[c.addr], "name"); ok {
				return n
			}
		}
		for _, text := range e.texts(tb, a.Expr) {
			if m := bootstrapCall.FindStringSubmatch(decodedUserData(text)); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// decodedUserData returns user data text, base64-decoded when it is one
// base64 word.
func decodedUserData(text string) string {
	t := strings.TrimSpace(text)
	if t == "" || strings.ContainsAny(t, " \n") {
		return text
	}
	if d, err := base64.StdEncoding.DecodeString(t); err == nil {
		return string(d)
	}
	return text
}

// clusterFleets returns the autoscaling groups whose instances' user data
// joins one of the ECS clusters (blocks or names), as clusterInstances
// does for aws_instance.
func (e *emitter) clusterFleets(clusters []*block, names []string) []*block {
	var out []*block
	for _, gb := range e.ev.instancesOf(e.m.blocksOfType("aws_autoscaling_group")) {
		gv := e.ev.objs[gb.addr]
		if gv == nil {
			continue
		}
		joined := false
		for _, tb := range e.groupLaunchSources(gb, gv) {
			a := tb.attr("user_data")
			if a == nil {
				continue
			}
			for _, r := range e.refs(a.Expr).blocks {
				for _, c := range clusters {
					joined = joined || r.inst.addr == c.addr
				}
			}
			if text, ok := attrStr(e.ev.objs[tb.addr], "user_data"); ok {
				text = decodedUserData(text)
				for _, n := range names {
					joined = joined || strings.Contains(text, "ECS_CLUSTER="+n)
				}
			}
		}
		if joined {
			out = append(out, gb)
		}
	}
	return out
}
