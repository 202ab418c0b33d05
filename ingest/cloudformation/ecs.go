package cloudformation

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
)

// ecsTask emits AWS::ECS::TaskDefinition as the Terraform reader emits
// aws_ecs_task_definition: a runtime that executes its containers' images
// and exposes the task role's credentials, the containers' environment
// variables and the secrets ECS injects. The execution role is only
// recorded, because ECS uses it to pull images and fetch secrets, and the
// containers never receive its credentials.
func (e *emitter) ecsTask(r *resource) {
	family, ok := e.str("Family")
	if !ok {
		family = placeholder(r.id)
	}
	runtime := "runtime:aws:ecs-task:" + family
	containers := mapGet(r.props, "ContainerDefinitions")
	privileged := false
	for _, c := range seqItems(containers) {
		if p, _ := e.t.evalString(mapGet(c, "Privileged"), nil); p == "true" {
			privileged = true
		}
	}
	var hostPaths []string
	for _, v := range seqItems(mapGet(r.props, "Volumes")) {
		if p, ok := e.t.evalString(mapGet(mapGet(v, "Host"), "SourcePath"), nil); ok {
			hostPaths = append(hostPaths, p)
		}
	}
	attrs := e.base("ecs-task", family)
	attrs["arn"] = e.t.arn("ecs", "task-definition/"+family)
	attrs["network_mode"], _ = e.str("NetworkMode")
	attrs["execution_role"], _ = e.str("ExecutionRoleArn")
	attrs["host_paths"] = graph.JoinList(hostPaths)
	if privileged {
		attrs["privileged"] = "true"
	}
	e.stackAttrs(attrs)
	e.node(graph.NodeRuntime, runtime, family, r.line, attrs)

	if e.t.prop(r, "TaskRoleArn") != nil {
		e.roleCredentials(runtime, family, "metadata", e.roleARN("TaskRoleArn"), r.line)
	}

	for _, c := range seqItems(containers) {
		name, _ := e.t.evalString(mapGet(c, "Name"), nil)
		if img := mapGet(c, "Image"); img != nil {
			if s, ok := e.t.evalString(img, nil); ok && s != "" {
				e.executesImage(runtime, s, "", img.Line)
			}
		}
		for _, env := range seqItems(mapGet(c, "Environment")) {
			key, _ := e.t.evalString(mapGet(env, "Name"), nil)
			if v := mapGet(env, "Value"); key != "" && v != nil {
				e.envVar(runtime, name, key, v)
			}
		}
		for _, sec := range seqItems(mapGet(c, "Secrets")) {
			key, _ := e.t.evalString(mapGet(sec, "Name"), nil)
			from, ok := e.t.evalString(mapGet(sec, "ValueFrom"), nil)
			if !ok || from == "" || len(unresolvedIn(from)) > 0 {
				e.t.warnf(sec.Line, "%s: ValueFrom of secret %s could not be resolved", r.id, key)
				continue
			}
			id := e.t.parameterARN(from)
			if strings.HasPrefix(from, "arn:") {
				id = e.t.secretARN(from)
			}
			e.edge(runtime, graph.EdgeExposes, id, sec.Line, map[string]string{
				graph.AttrVia: "env", graph.AttrName: key, "container": name,
			})
		}
	}
}

// seqItems returns the items of a sequence node, or none.
func seqItems(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}
