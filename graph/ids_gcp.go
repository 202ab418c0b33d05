package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Google Cloud ids. Emails are lower-cased, as Google Cloud compares them
// without case; project, bucket and secret names are kept as written.

// GCPServiceAccountID returns the id of a service account by its email.
func GCPServiceAccountID(email string) string {
	return "gcp:sa:" + strings.ToLower(email)
}

// GCPUserID returns the id of a Google account (IAM member user:EMAIL).
func GCPUserID(email string) string {
	return "gcp:user:" + strings.ToLower(email)
}

// GCPGroupID returns the id of a Google group (IAM member group:EMAIL).
func GCPGroupID(email string) string {
	return "gcp:group:" + strings.ToLower(email)
}

// GCPDomainID returns the id standing for every account of a Google
// Workspace or Cloud Identity domain (IAM member domain:DOMAIN).
func GCPDomainID(domain string) string {
	return "gcp:domain:" + strings.ToLower(domain)
}

// GCPPublicID returns the id of allUsers or allAuthenticatedUsers.
func GCPPublicID(member string) string {
	return "gcp:" + member
}

// GCPWIFPrincipalID returns the id of a principal or principal set of a
// workload identity pool: selector is the part of the member after the
// pool, such as "subject/repo:o/r:ref:refs/heads/main",
// "attribute.repository/o/r" or "*". GKE workload identity members
// (serviceAccount:P.svc.id.goog[NS/KSA]) are the pool "P.svc.id.goog" with
// selector "subject/ns/NS/sa/KSA".
func GCPWIFPrincipalID(pool, selector string) string {
	return "gcp:wif:" + pool + "/" + selector
}

// GCPWIFProviderID returns the id of a workload identity pool provider.
func GCPWIFProviderID(pool, provider string) string {
	return "gcp:wif-provider:" + pool + "/" + provider
}

// GCPProjectID returns the id of a project, by project id (or number when
// only the number is known).
func GCPProjectID(project string) string {
	return "gcp:project:" + project
}

// GCPFolderID returns the id of a folder by its number.
func GCPFolderID(folder string) string {
	return "gcp:folder:" + folder
}

// GCPOrganizationID returns the id of an organization by its number.
func GCPOrganizationID(org string) string {
	return "gcp:organization:" + org
}

// GCPBucketID returns the id of a Cloud Storage bucket.
func GCPBucketID(name string) string {
	return "gcp:bucket:" + name
}

// GCPSecretID returns the id of a Secret Manager secret.
func GCPSecretID(project, name string) string {
	return "gcp:secret:projects/" + project + "/secrets/" + name
}

// GCPClusterID returns the id of a GKE cluster.
func GCPClusterID(project, location, name string) string {
	return "gcp:gke:projects/" + project + "/locations/" + location + "/clusters/" + name
}

// GCPNodePoolID returns the id of the nodes of a GKE node pool, a Runtime.
func GCPNodePoolID(clusterID, pool string) string {
	return "runtime:gcp:gke:" + strings.TrimPrefix(clusterID, "gcp:gke:") + "/nodePools/" + pool
}

// GCPCloudRunID returns the id of a Cloud Run service or job, by its
// project, region and name.
func GCPCloudRunID(project, location, name string) string {
	return "runtime:gcp:run:" + project + "/" + location + "/" + name
}

// GCPCloudFunctionID returns the id of a Cloud Functions function, a
// Runtime, of either generation.
func GCPCloudFunctionID(project, location, name string) string {
	return "runtime:gcp:functions:" + project + "/" + location + "/" + name
}

// GCPComputeInstanceID returns the id of a Compute Engine instance, a
// Runtime, by its project, zone and name.
func GCPComputeInstanceID(project, zone, name string) string {
	return "runtime:gcp:gce:projects/" + project + "/zones/" + zone + "/instances/" + name
}

// GCPInstanceTemplateID returns the id of a Compute Engine instance
// template, a Runtime. region is empty for a global template.
func GCPInstanceTemplateID(project, region, name string) string {
	if region == "" {
		return "runtime:gcp:gce:projects/" + project + "/global/instanceTemplates/" + name
	}
	return "runtime:gcp:gce:projects/" + project + "/regions/" + region + "/instanceTemplates/" + name
}

// GCPMetadataCredentialsID returns the id of the service account
// credentials a runtime's metadata server hands to code running there.
func GCPMetadataCredentialsID(runtimeID string) string {
	return "secret:gcp:metadata-token:" + strings.TrimPrefix(runtimeID, "runtime:")
}

// GCPInlineSecretID returns the id of a credential written as a literal
// into a runtime's configuration, named by the container and the variable
// of its environment, or by the script and line. container is empty for a
// runtime's only container and for a script.
func GCPInlineSecretID(runtimeID, container, variable string) string {
	id := "secret:gcp:inline:" + strings.TrimPrefix(runtimeID, "runtime:gcp:") + "/"
	if container != "" {
		id += container + "/"
	}
	return id + variable
}

// GCPServiceAccountKeyID returns the id of a service account key. label
// is the key id when known, else a name local to the input such as the
// Terraform resource name, or "new" for a key the linker finds can be created.
func GCPServiceAccountKeyID(email, label string) string {
	return "secret:gcp:sa-key:" + strings.ToLower(email) + "/" + label
}

// GCPRoleID returns the id of a role: roles/NAME for predefined roles,
// projects/P/roles/NAME or organizations/O/roles/NAME for custom roles.
func GCPRoleID(name string) string {
	return "gcp:role:" + name
}

// GCPResourceID returns the id of any other resource by its full resource
// name without the leading "//" (storage.googleapis.com/b, ...).
func GCPResourceID(fullName string) string {
	return "gcp:resource:" + strings.TrimPrefix(fullName, "//")
}

// GCPGrantID returns the id of one IAM grant: a role given to a member on
// a resource (given by its graph id), under a condition expression ("" for
// none). The same grant read from two inputs has the same id.
func GCPGrantID(resourceID, role, member, condition string) string {
	id := "gcp:grant:" + strings.TrimPrefix(resourceID, "gcp:") + "#" + role + "#" + member
	if condition != "" {
		sum := sha256.Sum256([]byte(condition))
		id += "#" + hex.EncodeToString(sum[:6])
	}
	return id
}

// GCPArtifactRepositoryID returns the id of an Artifact Registry
// repository: the full resource name, as GCPResourceID spells it.
func GCPArtifactRepositoryID(project, location, repository string) string {
	return GCPResourceID("//artifactregistry.googleapis.com/projects/" + project + "/locations/" + location + "/repositories/" + repository)
}
