package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Runtime and resource attributes that the Terraform reader sets on EKS
// node groups, self-managed node fleets and clusters.
const (
	attrEKSCluster   = "eks_cluster"
	attrIMDSTokens   = "imds_http_tokens"
	attrIMDSHopLimit = "imds_hop_limit"
)

// linkEKSNodes gives the pods of Kubernetes workloads, and the node they
// run on, the node role credentials that the metadata endpoint of an EKS
// node hands out.
//
// Manifests do not name the cluster they are applied to, so the rule
// links only when the inputs contain exactly one Kubernetes cluster, an EKS
// one, and every edge is possible. A node group whose launch template
// requires session tokens with a hop limit of 1 keeps pods from the
// endpoint, except pods on the host network, whose requests take no extra
// hop.
func (v *view) linkEKSNodes() {
	cluster, groups := v.soleEKSCluster()
	if len(groups) == 0 {
		return
	}
	var workloads []graph.Node
	for _, n := range v.byKind[graph.NodeRuntime] {
		if strings.HasPrefix(n.ID, "k8s:workload:") {
			workloads = append(workloads, n)
		}
	}
	assumed := "the input does not show which cluster runs it, and EKS cluster " + cluster +
		" is the only Kubernetes cluster in the input"
	for _, g := range groups {
		creds := graph.AWSInstanceCredentialsID(g.ID)
		if _, ok := v.node(creds); !ok {
			continue
		}
		blocked := g.Attr(attrIMDSTokens) == "required" && g.Attr(attrIMDSHopLimit) == "1"
		for _, w := range workloads {
			hostNetwork := w.Attr("host_network") == "true"
			if blocked && !hostNetwork {
				continue
			}
			reason := fmt.Sprintf("the pods of %s can reach the metadata endpoint of the nodes of %s, which hands out the node role's credentials, because ", w.ID, g.ID)
			if hostNetwork {
				reason += "they use the host network"
			} else {
				reason += "the nodes' metadata options do not both require session tokens and set a hop limit of 1"
			}
			v.addEdge(metadataEdge(w.ID, creds, w.Pos, reason+"; undecided: "+assumed))
		}
		node := graph.K8sNodeID()
		if _, ok := v.node(node); ok || v.seenNodes[node] {
			reason := fmt.Sprintf("code that controls a node reads its metadata endpoint, whatever the hop limit, and the nodes of %s hand out the node role's credentials; undecided: %s", g.ID, assumed)
			v.addEdge(metadataEdge(node, creds, g.Pos, reason))
		}
	}
}

// metadataEdge returns a possible EXPOSES through the metadata endpoint.
func metadataEdge(from, creds string, pos graph.Pos, reason string) graph.Edge {
	e := graph.Edge{From: from, To: creds, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: pos}
	e.SetAttr(graph.AttrVia, "metadata")
	e.SetAttr(graph.AttrReason, reason)
	return e
}

// soleEKSCluster returns the name of the only Kubernetes cluster in the
// graph and its EKS node groups and self-managed node fleets. It returns
// no groups when the graph contains no EKS cluster, several, or a GKE
// cluster besides.
func (v *view) soleEKSCluster() (string, []graph.Node) {
	clusters := map[string]bool{}
	var groups []graph.Node
	for _, n := range v.byKind[graph.NodeRuntime] {
		if c := n.Attr(attrEKSCluster); c != "" && n.Attr(graph.AttrProvider) == "aws" {
			clusters[c] = true
			groups = append(groups, n)
		}
	}
	others := 0
	for _, n := range v.byKind[graph.NodeResource] {
		switch n.Attr("type") {
		case "eks-cluster":
			clusters[n.Attr(graph.AttrName)] = true
		case "gke-cluster":
			others++
		}
	}
	if len(clusters) != 1 || others > 0 {
		return "", nil
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].ID < groups[j].ID })
	for c := range clusters {
		return c, groups
	}
	return "", nil
}
