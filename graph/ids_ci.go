package graph

import "strings"

// Ids of GitLab CI and CircleCI facts. A project or repository is written
// "group/name" (GitLab groups may nest); file is the configuration file
// relative to the repository root.

// GitLabJobID returns the id of a GitLab CI job: the project, the file
// that defines the job, and the job name.
func GitLabJobID(project, file, job string) string {
	return "runtime:gitlab:" + project + "/" + file + "#" + job
}

// GitLabPushedPipelineID returns the id of the job of a pipeline that a
// credential that can write to a GitLab project pushes.
func GitLabPushedPipelineID(project string) string {
	return "runtime:gitlab:" + project + "#pushed-pipeline"
}

// GitLabVariableID returns the id of a CI/CD variable that a GitLab project
// can see (set on the project, a parent group or the instance), by name.
func GitLabVariableID(project, name string) string {
	return "secret:gitlab:" + project + "/" + name
}

// GitLabAllVariablesID returns the id standing for every CI/CD variable a
// GitLab project can see. GitLab hands each of them to every job.
func GitLabAllVariablesID(project string) string {
	return "secret:gitlab:" + project + "/*"
}

// GitLabExternalSecretID returns the id of a secret a job reads from an
// external secret manager through its secrets: keyword. engine names the
// manager (vault, azure_key_vault, gcp_secret_manager, ...).
func GitLabExternalSecretID(engine, path string) string {
	return "secret:gitlab:external:" + engine + "/" + path
}

// GitLabJobTokenID returns the id of a job's CI_JOB_TOKEN.
func GitLabJobTokenID(jobID string) string {
	return "secret:gitlab:token:" + strings.TrimPrefix(jobID, "runtime:gitlab:")
}

// GitLabJobTokenIdentityID returns the identity a job's CI_JOB_TOKEN acts as.
func GitLabJobTokenIdentityID(jobID string) string {
	return "gitlab:token:" + strings.TrimPrefix(jobID, "runtime:gitlab:")
}

// GitLabOIDCTokenID returns the id of an ID token a job receives, by the
// variable that holds it (an id_tokens: name, or CI_JOB_JWT for the legacy
// tokens).
func GitLabOIDCTokenID(jobID, name string) string {
	return "secret:gitlab:oidc:" + strings.TrimPrefix(jobID, "runtime:gitlab:") + "/" + name
}

// GitLabOIDCSubjectID returns the federated identity of a job's ID token.
func GitLabOIDCSubjectID(jobID, name string) string {
	return "oidc:gitlab:" + strings.TrimPrefix(jobID, "runtime:gitlab:") + "/" + name
}

// GitLabInlineSecretID returns the id of a credential written as a literal
// into a GitLab CI file: the file, the top-level key the value sits under
// (a job, a template, variables or default), and the variable name.
func GitLabInlineSecretID(project, file, owner, key string) string {
	return "secret:gitlab:inline:" + project + "/" + file + "#" + owner + "/" + key
}

// CircleCIJobID returns the id of a CircleCI job as a workflow runs it:
// the repository, the configuration file and the job's name in the
// workflow.
func CircleCIJobID(repo, file, job string) string {
	return "runtime:circleci:" + repo + "/" + file + "#" + job
}

// CircleCIContextID returns the id standing for every environment variable
// of a CircleCI context of an organisation.
func CircleCIContextID(org, context string) string {
	return "secret:circleci:context:" + org + "/" + context + "/*"
}

// CircleCIProjectVariablesID returns the id standing for every environment
// variable set on a CircleCI project. CircleCI hands them to every job.
func CircleCIProjectVariablesID(repo string) string {
	return "secret:circleci:project:" + repo + "/*"
}

// CircleCIOIDCTokenID returns the id of the OIDC token every CircleCI job
// receives ($CIRCLE_OIDC_TOKEN and $CIRCLE_OIDC_TOKEN_V2).
func CircleCIOIDCTokenID(jobID string) string {
	return "secret:circleci:oidc:" + strings.TrimPrefix(jobID, "runtime:circleci:")
}

// CircleCIOIDCSubjectID returns the federated identity of a CircleCI job's
// OIDC token.
func CircleCIOIDCSubjectID(jobID string) string {
	return "oidc:circleci:" + strings.TrimPrefix(jobID, "runtime:circleci:")
}

// CircleCIInlineSecretID returns the id of a credential written as a
// literal into a CircleCI job's configuration, named by the key that holds
// it.
func CircleCIInlineSecretID(jobID, key string) string {
	return "secret:circleci:inline:" + strings.TrimPrefix(jobID, "runtime:circleci:") + "/" + key
}

// CircleCISSHKeyID returns the id of an SSH key added to a CircleCI project
// and loaded into a job by its fingerprint.
func CircleCISSHKeyID(repo, fingerprint string) string {
	return "secret:circleci:ssh-key:" + repo + "/" + fingerprint
}

// CIRunnerID returns the id of the self-hosted runner hosts of a CI system
// (github, gitlab or circleci) that serve a set of labels within a scope
// (a repository or group). labels must be sorted.
func CIRunnerID(provider, scope string, labels []string) string {
	return "runtime:runner:" + provider + ":" + scope + "#" + strings.Join(labels, ",")
}

// CIRunnerMetadataID returns the id of the cloud metadata credentials that
// a runner host may reach when no input shows which instance it is.
func CIRunnerMetadataID(runnerID string) string {
	return "secret:runner-metadata:" + strings.TrimPrefix(runnerID, "runtime:runner:")
}

// RegistryAccountID returns the id of the account a credential logs in
// as on a container registry host.
func RegistryAccountID(host, credential string) string {
	return "registry:" + host + "/" + credential
}

// CIAWSIdentityID returns the id of the AWS identity that a CI credential
// whose AWS keys the input does not name acts as (the keys among a
// project's CI/CD variables, say).
func CIAWSIdentityID(credential string) string { return "aws:identity-of:" + credential }

// CIGCPIdentityID returns the id of the Google Cloud identity that a CI
// credential acts as when the input does not name it (the service account
// of a key stored as a secret, say).
func CIGCPIdentityID(credential string) string { return "gcp:identity-of:" + credential }

// RegistryScopeID returns the id of the images an account can push to a
// registry host, for pushes whose image names the input does not show.
func RegistryScopeID(host string) string { return "registry:" + host + "/*" }

// OffersTrustedPublishing reports whether a package registry accepts a
// workflow's OIDC token in place of a stored token for a release
// ("trusted publishing"): registry.npmjs.org, pypi.org and test.pypi.org
// do; GitHub Packages takes the job's GITHUB_TOKEN instead.
func OffersTrustedPublishing(host string) bool {
	return host == "registry.npmjs.org" || host == "pypi.org" || host == "test.pypi.org"
}

// TrustedPublisherID returns the id of the identity that a workflow's OIDC
// token publishes to a package registry as, by trusted publishing.
func TrustedPublisherID(host, repo, workflow string) string {
	return "registry:" + host + "/trusted-publisher:" + repo + "/" + workflow
}
