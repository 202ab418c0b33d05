package graph

import (
	"net/url"
	"strconv"
	"strings"
)

// Node ids are human-readable and derived the same way by every ingester,
// so that facts from different files meet without a join table. The
// functions below are the only places that spell them.

// ReadableID returns a package id (a purl) with the percent-encoding of
// its type, namespace, name and version decoded, for text that people
// read: pkg:npm/%40acme/tool@1.0.0 reads pkg:npm/@acme/tool@1.0.0.
// Qualifiers and subpath stay as they are, and so does any other id, or
// a purl whose encoding is invalid. Ids that are stored or looked up keep
// the canonical form.
func ReadableID(id string) string {
	if !strings.HasPrefix(id, "pkg:") || !strings.Contains(id, "%") {
		return id
	}
	end := strings.IndexAny(id, "?#")
	if end < 0 {
		end = len(id)
	}
	path, err := url.PathUnescape(id[:end])
	if err != nil {
		return id
	}
	return path + id[end:]
}

// RepoID returns the id of a repository given as "owner/name" on a host
// (github.com when host is empty).
func RepoID(host, fullName string) string {
	if host == "" {
		host = "github.com"
	}
	return "repo:" + host + "/" + fullName
}

// RepoHostAttr returns the AttrRepositoryHost value of a fact of a
// repository on host: "", which leaves the attribute out, for github.com.
func RepoHostAttr(host string) string {
	if host == "github.com" {
		return ""
	}
	return host
}

// RepoIDOf returns the id of the repository a node belongs to, from its
// AttrRepository and AttrRepositoryHost attributes.
func RepoIDOf(n Node) string {
	return RepoID(n.Attr(AttrRepositoryHost), n.Attr(AttrRepository))
}

// CheckoutRepoIDOf returns the id under which the files of a job's
// checkout were read: RepoIDOf, on the host of AttrCheckoutHost when the
// job has one.
func CheckoutRepoIDOf(n Node) string {
	if h, ok := n.Attrs[AttrCheckoutHost]; ok {
		return RepoID(h, n.Attr(AttrRepository))
	}
	return RepoIDOf(n)
}

// GHARepo returns the repository or organisation fullName on host as the
// ids of GitHub Actions facts (GHAJobID, GHASecretID, GHAOrgSecretID)
// name it. That is fullName alone on github.com (host "" or "github.com")
// and HOST/fullName on any other host, a GitHub Enterprise Server. A
// github.com account name contains only letters, digits and hyphens,
// while any other host contains a dot or a colon (ingest.ForgeHost gives
// github.com to a name without either), so the ids of two hosts'
// repositories of one name differ.
func GHARepo(host, fullName string) string {
	if host == "" || host == "github.com" {
		return fullName
	}
	return host + "/" + fullName
}

// GHARepoOf returns GHARepo of a node's AttrRepositoryHost and
// AttrRepository.
func GHARepoOf(n Node) string {
	return GHARepo(n.Attr(AttrRepositoryHost), n.Attr(AttrRepository))
}

// GHAOIDCIssuer returns the issuer of the OIDC tokens of GitHub Actions
// jobs of a repository on host: https://token.actions.githubusercontent.com
// on github.com (host "" or "github.com"), and https://HOST/_services/token
// on a GitHub Enterprise Server.
func GHAOIDCIssuer(host string) string {
	if host == "" || host == "github.com" {
		return "https://token.actions.githubusercontent.com"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "https://" + host + "/_services/token"
}

// GHAJobID returns the id of a GitHub Actions job: the repository as
// GHARepo names it, the workflow file relative to the repository root,
// and the job id.
func GHAJobID(repo, workflowPath, job string) string {
	return "runtime:gha:" + repo + "/" + workflowPath + "#" + job
}

// GHAPushedWorkflowID returns the id of the runtime of a
// workflow file pushed to a GitHub repository by a credential that can
// write to it (RuntimeGHAPushedWorkflow).
func GHAPushedWorkflowID(repo string) string {
	return "runtime:gha:" + repo + "#pushed-workflow"
}

// AttrPushedWorkflow is "true" on the nodes of a workflow or pipeline that
// no input declares: one that the holder of a credential that can write
// to a repository would push, with its token and subjects.
const AttrPushedWorkflow = "pushed_workflow"

// RuntimeGHAPushedWorkflow is the type of the runtime of GHAPushedWorkflowID.
const RuntimeGHAPushedWorkflow = "gha-pushed-workflow"

// GHASecretID returns the id of a repository-level Actions secret.
func GHASecretID(repo, name string) string {
	return "secret:gha:" + repo + "/" + strings.ToUpper(name)
}

// GHAAllSecretsID returns the id standing for every secret of a repository,
// exposed when a job serialises the whole secrets context.
func GHAAllSecretsID(repo string) string {
	return "secret:gha:" + repo + "/*"
}

// GHAEnvSecretID returns the id of an environment secret.
func GHAEnvSecretID(repo, env, name string) string {
	return "secret:gha:" + repo + "/env/" + env + "/" + strings.ToUpper(name)
}

// GHAOrgSecretID returns the id of an organisation-level Actions secret.
func GHAOrgSecretID(org, name string) string {
	return "secret:gha:org:" + org + "/" + strings.ToUpper(name)
}

// GHATokenID returns the id of a job's automatic GITHUB_TOKEN.
func GHATokenID(jobID string) string {
	return "secret:gha:token:" + strings.TrimPrefix(jobID, "runtime:gha:")
}

// GHATokenIdentityID returns the identity a job's GITHUB_TOKEN acts as.
func GHATokenIdentityID(jobID string) string {
	return "github:token:" + strings.TrimPrefix(jobID, "runtime:gha:")
}

// GHAOIDCTokenID returns the id of the OIDC token a job can request.
func GHAOIDCTokenID(jobID string) string {
	return "secret:gha:oidc:" + strings.TrimPrefix(jobID, "runtime:gha:")
}

// GHAOIDCSubjectID returns the federated identity of a job's OIDC token.
func GHAOIDCSubjectID(jobID string) string {
	return "oidc:gha:" + strings.TrimPrefix(jobID, "runtime:gha:")
}

// AWSAccessKeyID returns the id of an IAM access key. label is the key id
// when known (from logs or state), else a name local to the input such as
// the Terraform resource name.
func AWSAccessKeyID(userARN, label string) string {
	return "secret:aws:access-key:" + userARN + "/" + label
}

// AWSInstanceCredentialsID returns the id of the role credentials a host
// or function hands to code through its metadata endpoint or environment.
func AWSInstanceCredentialsID(runtimeID string) string {
	return "secret:aws:role-credentials:" + strings.TrimPrefix(runtimeID, "runtime:")
}

// AWSEnvVarID returns the id of an environment variable of an AWS runtime.
func AWSEnvVarID(runtimeID, name string) string {
	return "secret:aws:env:" + strings.TrimPrefix(runtimeID, "runtime:") + "/" + name
}

// IAMARN builds an IAM ARN for users, roles, groups, policies and OIDC
// providers. An empty account stands for one the input does not show.
func IAMARN(account, resourceType, path, name string) string {
	if path == "" {
		path = "/"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	return "arn:aws:iam::" + account + ":" + resourceType + path + name
}

// GHAInlineSecretID returns the id of a credential written as a literal
// into a job's configuration (an env value, an action input), named by the
// key that holds it.
func GHAInlineSecretID(jobID, key string) string {
	return "secret:gha:inline:" + strings.TrimPrefix(jobID, "runtime:gha:") + "/" + key
}

// AWSDBMasterUserID returns the id of the master user of a database, the
// login its master password opens.
func AWSDBMasterUserID(dbARN string) string { return "aws:db-user:" + dbARN + "#master" }

// AWSHostUserID returns the id of a login of a host runtime.
func AWSHostUserID(runtimeID, user string) string {
	return "aws:host-user:" + strings.TrimPrefix(runtimeID, "runtime:") + "/" + user
}

// AWSAdministratorID returns the id of an administrator of an AWS
// account: an identity with every permission there, such as one made an
// administrator by privilege escalation.
func AWSAdministratorID(account string) string { return "aws:administrator:" + account }

// AWSBoundedAdministratorID returns the id of an administrator of an AWS
// account whose permissions boundary, the policy ARN boundary, still
// limits what it does.
func AWSBoundedAdministratorID(account, boundary string) string {
	return AWSAdministratorID(account) + "/bounded-by/" + boundary
}

// AWSAdminGrantID returns the id of an identity once an administrator
// policy is attached to it or written into it. It is a node of its own
// because the grant widens the reach only of the identity's holder.
func AWSAdminGrantID(identity string) string { return identity + "#administrator" }

// AWSKeyPairID returns the id of the private key of an EC2 key pair.
func AWSKeyPairID(region, account, name string) string {
	return "secret:aws:key-pair:" + region + ":" + account + "/" + name
}

// PyPIName returns the normalised form of a Python package name that PEP
// 503 defines, as package ids use it: lower case, with each run of '-',
// '_' and '.' replaced by one '-'.
func PyPIName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		b.WriteRune(r)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// DockerfileID returns the id of the Package node of a Dockerfile: the
// repository's id without its "repo:" prefix and the file's path in the
// repository, as in dockerfile:github.com/example-org/api/docker/Dockerfile.
// A file outside any repository (repoID "") is named by its path alone.
func DockerfileID(repoID, path string) string {
	if repoID == "" {
		return "dockerfile:" + path
	}
	return "dockerfile:" + strings.TrimPrefix(repoID, "repo:") + "/" + path
}

// DockerfileStageID returns the id of the Package node of a named stage
// of a Dockerfile, the image that a build with --target STAGE makes: the
// Dockerfile's id (DockerfileID), "#" and the stage's lower-case name, as
// in dockerfile:github.com/example-org/api/Dockerfile#test.
func DockerfileStageID(dockerfileID, stage string) string {
	return dockerfileID + "#" + strings.ToLower(stage)
}

// DockerfileInlineSecretID returns the id of a credential written as a
// literal into a Dockerfile, which the images built from it keep. The id
// is the Dockerfile's id without its "dockerfile:" prefix and a key that
// names where the value is written: an ENV or ARG's name, or run@LINE for
// a RUN instruction, never the value.
func DockerfileInlineSecretID(dockerfileID, key string) string {
	return "secret:dockerfile:inline:" + strings.TrimPrefix(dockerfileID, "dockerfile:") + "/" + key
}

// ImageBuildID returns the id of the Runtime of an image build that a CI
// job runs: the job's id and the line of the step or command that runs
// the build, as in
// runtime:gha:example-org/api/.github/workflows/release.yml#image/build@14.
func ImageBuildID(jobID string, line int) string {
	return jobID + "/build@" + strconv.Itoa(line)
}

// ComposeServiceID returns the id of the Package node of a service of a
// Docker Compose file that builds or names an image. The id joins the repository's
// id without its "repo:" prefix, the file's path in the repository, "#"
// and the service's name: compose:github.com/example-org/shop/compose.yaml#api.
func ComposeServiceID(repoID, path, service string) string {
	return "compose:" + strings.TrimPrefix(repoID, "repo:") + "/" + path + "#" + service
}

// ComposeBuildID returns the id of the Runtime of the image build of a
// Compose service that a CI job's Compose command runs: the id of the
// command's build (ImageBuildID), "#" and the service's name.
func ComposeBuildID(jobID string, line int, service string) string {
	return ImageBuildID(jobID, line) + "#" + service
}
