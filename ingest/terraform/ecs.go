package terraform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/blastradius-dev/blastradius/graph"
)

// ecsTaskID returns the id of the runtime of an ECS task definition family.
func ecsTaskID(family string) string { return "runtime:aws:ecs-task:" + family }

// container is the part of an ECS container definition read here.
type container struct {
	Name        string
	Image       string
	Privileged  bool
	Environment []struct {
		Name  string
		Value any
	}
	Secrets []struct {
		Name      string
		ValueFrom string
	}
}

// ecsTask emits an ECS task definition as a runtime. It executes its
// containers' images and exposes the task role's credentials, its
// environment variables and the secrets ECS injects.
//
// The execution role is only recorded, because ECS uses it to pull images
// and fetch secrets: code in the containers never receives its
// credentials.
func (e *emitter) ecsTask(b *block, bv *blockVal) {
	family, ok := e.require(b, bv, "family")
	if !ok {
		return
	}
	runtime := ecsTaskID(family)
	rng := b.syn.DefRange()
	containers, readable := e.containers(b, bv)
	privileged := false
	for _, c := range containers {
		privileged = privileged || c.Privileged
	}
	var hostPaths []string
	for _, vb := range b.nested("volume") {
		if a := vb.Body.Attributes["host_path"]; a != nil {
			if v, diags := e.ev.value(a.Expr, b); !diags.HasErrors() {
				p, _ := str(v)
				hostPaths = append(hostPaths, p)
			}
		}
	}
	arn, _ := attrStr(bv, "arn_without_revision")
	networkMode, _ := attrStr(bv, "network_mode")
	execRole, _ := attrStr(bv, "execution_role_arn")
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "ecs-task",
		graph.AttrName:     family,
		graph.AttrAccount:  e.ev.account,
		"arn":              arn,
		"network_mode":     networkMode,
		"host_paths":       graph.JoinList(hostPaths),
		"execution_role":   execRole,
		"services":         graph.JoinList(e.servicesOf(family)),
		"tf_address":       b.addr,
	}
	if privileged {
		attrs["privileged"] = "true"
	}
	e.node(graph.NodeRuntime, runtime, family, rng, attrs)

	if a := b.attr("task_role_arn"); a != nil {
		role, ok := attrStr(bv, "task_role_arn")
		if !ok || !strings.HasPrefix(role, "arn:") {
			e.warnf(a.Expr.Range(), "%s: task_role_arn could not be resolved", b.addr)
			role = ""
		}
		e.roleCredentials(runtime, family, "metadata", role, rng, nil)
	}

	a := b.attr("container_definitions")
	if a == nil {
		return
	}
	if !readable {
		// The definitions still hold what their expression reads.
		e.warnf(a.Expr.Range(), "%s: container_definitions could not be resolved", b.addr)
		e.exposesHeld(runtime, b, "env", "container_definitions")
		return
	}
	literals := literalStrings(a.Expr)
	crng := a.Expr.Range()
	for _, c := range containers {
		if c.Image != "" {
			e.executesImage(runtime, c.Image, "", crng)
		}
		for _, env := range c.Environment {
			if env.Name == "" {
				continue
			}
			e.containerEnv(runtime, c.Name, env.Name, jsonText(env.Value), literals, crng)
		}
		for _, sec := range c.Secrets {
			id, ok := e.secretRef(sec.ValueFrom)
			if !ok {
				e.warnf(crng, "%s: valueFrom of secret %s could not be resolved", b.addr, sec.Name)
				continue
			}
			e.edge(runtime, graph.EdgeExposes, id, crng, map[string]string{
				graph.AttrVia: "env", graph.AttrName: sec.Name, "container": c.Name,
			})
		}
	}
}

// containers parses a task definition's container definitions.
func (e *emitter) containers(b *block, bv *blockVal) ([]container, bool) {
	text, ok := attrStr(bv, "container_definitions")
	if !ok {
		return nil, false
	}
	var cs []container
	if err := json.Unmarshal([]byte(text), &cs); err != nil {
		return nil, false
	}
	return cs, true
}

// containerEnv emits one environment variable of a container. Its value
// holds the credentials whose placeholders it contains; it is written out
// in the input when it is one of the expression's literal strings.
func (e *emitter) containerEnv(runtime, ctr, name, value string, literals map[string]bool, rng hcl.Range) {
	id := graph.AWSEnvVarID(runtime, ctr+"/"+name)
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "env-var",
		graph.AttrName:     name,
		"container":        ctr,
		graph.AttrAccount:  e.ev.account,
	}
	for _, h := range e.heldBy(e.placeholderRefs(value)) {
		e.heldEdge(id, graph.EdgeHolds, h, rng, nil)
	}
	if value != "" && literals[value] {
		attrs[graph.AttrFingerprint] = e.fingerprint(value)
		attrs[graph.AttrStoredInline] = "true"
	}
	e.node(graph.NodeSecret, id, name, rng, attrs)
	e.edge(runtime, graph.EdgeExposes, id, rng, map[string]string{graph.AttrVia: "env"})
}

// secretRef returns the id of the Secrets Manager secret or SSM parameter
// that a valueFrom names: an ARN (a JSON key, version stage or version id
// after the secret's name is dropped) or a parameter name.
func (e *emitter) secretRef(ref string) (string, bool) {
	switch {
	case ref == "" || strings.Contains(ref, "${"):
		return "", false
	case strings.HasPrefix(ref, "arn:"):
		parts := strings.Split(ref, ":")
		if len(parts) > 7 && parts[2] == "secretsmanager" {
			ref = strings.Join(parts[:7], ":")
		}
		return ref, true
	default:
		return e.ev.parameterARN(ref), true
	}
}

// servicesOf lists the names of the ECS services that run a family.
func (e *emitter) servicesOf(family string) []string {
	var out []string
	for _, sb := range e.ev.instancesOf(e.m.blocksOfType("aws_ecs_service")) {
		sv := e.ev.objs[sb.addr]
		if e.serviceFamily(sb, sv) == family {
			name, _ := attrStr(sv, "name")
			out = append(out, name)
		}
	}
	return out
}

// serviceFamily returns the task definition family a service runs: the
// family of the aws_ecs_task_definition its task_definition reads, else
// the family in the ARN or family:revision it names.
func (e *emitter) serviceFamily(b *block, bv *blockVal) string {
	a := b.attr("task_definition")
	if a == nil {
		return ""
	}
	for _, t := range e.refsTo(a.Expr, "aws_ecs_task_definition") {
		if f, ok := attrStr(e.ev.objs[t.addr], "family"); ok {
			return f
		}
	}
	v, ok := attrStr(bv, "task_definition")
	if !ok || strings.Contains(v, "${") {
		return ""
	}
	if i := strings.Index(v, ":task-definition/"); i >= 0 {
		v = v[i+len(":task-definition/"):]
	}
	if i := strings.LastIndexByte(v, ':'); i >= 0 {
		v = v[:i]
	}
	return v
}

// ecsService emits RUNS_ON from the task runtime of a service to the EC2
// instances that run its tasks: the instance a memberOf placement
// constraint pins it to, every instance of its cluster for a DAEMON
// service, and possibly any instance of its cluster otherwise. An
// instance belongs to a cluster whose name (or aws_ecs_cluster block)
// its user data reads, as ECS_CLUSTER. The host then EXPOSES the task's
// role credentials.
func (e *emitter) ecsService(b *block, bv *blockVal) {
	family := e.serviceFamily(b, bv)
	if family == "" {
		e.warnf(b.syn.DefRange(), "%s: task_definition could not be resolved", b.addr)
		return
	}
	creds := e.serviceCredentials(b)
	pinned := false
	for _, pb := range b.nested("placement_constraints") {
		a := pb.Body.Attributes["expression"]
		if a == nil {
			continue
		}
		v, diags := e.ev.value(a.Expr, b)
		expr, ok := str(v)
		if diags.HasErrors() || !ok || !strings.HasPrefix(strings.TrimSpace(expr), "ec2InstanceId") {
			continue
		}
		for _, ib := range e.refsTo(a.Expr, "aws_instance") {
			pinned = true
			e.runsOn(b, family, ib, creds, a.Expr.Range(), "")
		}
	}
	if pinned {
		return
	}
	daemon, _ := attrStr(bv, "scheduling_strategy")
	doubt := "the scheduler places the service's tasks on some instances of its cluster, which ones is not in the input"
	if daemon == "DAEMON" {
		doubt = ""
	}
	for _, ib := range e.clusterInstances(b) {
		e.runsOn(b, family, ib, creds, b.syn.DefRange(), doubt)
	}
}

// runsOn emits RUNS_ON from a service's task runtime to an instance, and
// EXPOSES from the instance to the task's role credentials (creds, when
// the task has a role): code with root on a container instance controls
// the containers of the tasks it runs and reads their credentials.
func (e *emitter) runsOn(b *block, family string, ib *block, creds string, rng hcl.Range, doubt string) {
	host := e.ev.instanceID(ib.addr)
	e.heldEdge(ecsTaskID(family), graph.EdgeRunsOn, heldSecret{id: host, doubt: doubt}, rng, map[string]string{"service": b.addr})
	if creds == "" {
		return
	}
	why := "code with root on " + host + " controls the containers of the tasks that run there (Docker) and reads their role credentials"
	if doubt != "" {
		why += "; " + doubt
	}
	e.heldEdge(host, graph.EdgeExposes, heldSecret{id: creds, doubt: why}, rng, map[string]string{graph.AttrVia: "metadata", "service": b.addr})
}

// serviceCredentials returns the id of the role credentials of the task
// definition a service runs, or "" when it has no task role.
func (e *emitter) serviceCredentials(b *block) string {
	a := b.attr("task_definition")
	if a == nil {
		return ""
	}
	for _, t := range e.refsTo(a.Expr, "aws_ecs_task_definition") {
		if t.attr("task_role_arn") != nil {
			if f, ok := attrStr(e.ev.objs[t.addr], "family"); ok {
				return graph.AWSInstanceCredentialsID(ecsTaskID(f))
			}
		}
	}
	return ""
}

// clusterInstances returns the instances and autoscaling groups whose
// user data joins the cluster of a service, by reading the aws_ecs_cluster
// block or its name.
func (e *emitter) clusterInstances(b *block) []*block {
	a := b.attr("cluster")
	if a == nil {
		return nil
	}
	clusters := e.refsTo(a.Expr, "aws_ecs_cluster")
	var names []string
	for _, c := range clusters {
		if n, ok := attrStr(e.ev.objs[c.addr], "name"); ok {
			names = append(names, n)
		}
	}
	var out []*block
	for _, ib := range e.ev.instancesOf(e.m.blocksOfType("aws_instance")) {
		ua := ib.attr("user_data")
		if ua == nil {
			continue
		}
		joined := false
		for _, r := range e.refs(ua.Expr).blocks {
			for _, c := range clusters {
				joined = joined || r.inst.addr == c.addr
			}
		}
		if text, ok := attrStr(e.ev.objs[ib.addr], "user_data"); ok {
			for _, n := range names {
				joined = joined || strings.Contains(text, "ECS_CLUSTER="+n)
			}
		}
		if joined {
			out = append(out, ib)
		}
	}
	return append(out, e.clusterFleets(clusters, names)...)
}

// literalStrings returns the string literals written in expr.
func literalStrings(expr hcl.Expression) map[string]bool {
	out := map[string]bool{}
	node, ok := expr.(hclsyntax.Node)
	if !ok {
		return out
	}
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		if lit, ok := n.(*hclsyntax.LiteralValueExpr); ok {
			if s, ok := str(lit.Val); ok {
				out[s] = true
			}
		}
		return nil
	})
	return out
}

// jsonText renders a decoded JSON scalar as the text ECS passes on.
func jsonText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64, bool:
		return fmt.Sprint(t)
	default:
		raw, _ := json.Marshal(t)
		return string(raw)
	}
}

// placeholderRefs returns what the "${reference}" placeholders of an
// evaluated text read, followed through locals and data sources.
func (e *emitter) placeholderRefs(text string) refInfo {
	var ri refInfo
	if !strings.Contains(text, "${") {
		return ri
	}
	seen := map[string]bool{}
	for _, m := range placeholderRef.FindAllStringSubmatch(text, -1) {
		expr, diags := hclsyntax.ParseExpression([]byte(m[1]), "", hcl.InitialPos)
		if diags.HasErrors() {
			continue
		}
		e.ev.collectRefs(expr, &ri, seen, "", nil)
	}
	sort.Slice(ri.blocks, func(i, j int) bool { return ri.blocks[i].addr < ri.blocks[j].addr })
	return ri
}
