package graph

import "strings"

// Kubernetes ids. Namespaced objects carry "<namespace>/<name>". A
// namespace is a DNS label without ":", so the token ids below never
// collide with those of Secret objects.

// K8sServiceAccountID returns the identity of a service account.
func K8sServiceAccountID(namespace, name string) string {
	return "k8s:sa:" + namespace + "/" + name
}

// K8sUserID returns the identity of a Kubernetes user, named as RBAC
// subjects and impersonation name it.
func K8sUserID(name string) string { return "k8s:user:" + name }

// K8sGroupID returns the identity that represents every member of a
// Kubernetes group.
func K8sGroupID(name string) string { return "k8s:group:" + name }

// K8sWorkloadID returns the runtime of a workload: the pods of a Pod,
// Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet or
// ReplicationController object. kind is the object's kind as written
// (Deployment).
func K8sWorkloadID(namespace, kind, name string) string {
	return "k8s:workload:" + namespace + "/" + kind + "/" + name
}

// K8sNodeID returns the runtime that represents the nodes pods run on,
// since manifests do not name the node.
func K8sNodeID() string { return "k8s:node:*" }

// K8sSecretID returns the id of a Secret object. Name "*" means every
// Secret of the namespace, and namespace "*" every namespace.
func K8sSecretID(namespace, name string) string {
	return "secret:k8s:" + namespace + "/" + name
}

// K8sServiceAccountTokenID returns the id of the API token of a service
// account: the one mounted into its pods, a minted one, or a token Secret's.
func K8sServiceAccountTokenID(namespace, sa string) string {
	return "secret:k8s:sa-token:" + namespace + "/" + sa
}

// K8sIRSATokenID returns the id of the web identity token that EKS
// projects into the pods of a service account annotated with an IAM role.
func K8sIRSATokenID(namespace, sa string) string {
	return "secret:k8s:irsa-token:" + namespace + "/" + sa
}

// K8sInlineSecretID returns the id of a credential written as a literal
// into a workload's environment, named by its variable.
func K8sInlineSecretID(workloadID, variable string) string {
	return "secret:k8s:inline:" + strings.TrimPrefix(workloadID, "k8s:workload:") + "/" + variable
}

// K8sRoleID returns the id of a namespaced Role.
func K8sRoleID(namespace, name string) string {
	return "k8s:role:" + namespace + "/" + name
}

// K8sClusterRoleID returns the id of a ClusterRole.
func K8sClusterRoleID(name string) string { return "k8s:clusterrole:" + name }

// K8sRoleBindingID returns the id of a RoleBinding.
func K8sRoleBindingID(namespace, name string) string {
	return "k8s:rolebinding:" + namespace + "/" + name
}

// K8sClusterRoleBindingID returns the id of a ClusterRoleBinding.
func K8sClusterRoleBindingID(name string) string {
	return "k8s:clusterrolebinding:" + name
}

// K8sNamespaceID returns the resource that represents everything in a
// namespace.
func K8sNamespaceID(namespace string) string { return "k8s:namespace:" + namespace }

// K8sClusterID returns the resource that represents everything in the
// cluster the manifests describe.
func K8sClusterID() string { return "k8s:cluster" }

// K8sServiceID returns the id of a Service.
func K8sServiceID(namespace, name string) string { return "k8s:service:" + namespace + "/" + name }

// K8sNetworkPolicyID returns the id of a NetworkPolicy.
func K8sNetworkPolicyID(namespace, name string) string {
	return "k8s:networkpolicy:" + namespace + "/" + name
}

// K8sPodNetworkID returns the resource that represents the pod network of
// the cluster the manifests describe, over which a pod can connect to
// other pods' Services.
func K8sPodNetworkID() string { return "k8s:pod-network" }
