package link

// linkCI derives the CI edges that need the whole graph. They cover the
// secrets of jobs in environments, GitLab CI/CD variables, self-hosted
// runner hosts, shared caches and the workflows a token can start.
func (v *view) linkCI() {
	v.linkEnvironmentSecrets()
	v.linkDynamicEnvironmentSecrets()
	v.linkGitLabVariables()
	v.linkRunnerHosts()
	v.linkCaches()
	v.linkTokenDispatch()
}
