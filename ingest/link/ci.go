package link

// linkCI derives the edges of CI systems that need the whole graph: the
// secrets a job in an environment reads, the CI/CD variables a GitLab job
// receives, the hosts self-hosted jobs share, the caches jobs share, and
// the workflows a job's token can start.
func (v *view) linkCI() {
	v.linkEnvironmentSecrets()
	v.linkGitLabVariables()
	v.linkRunnerHosts()
	v.linkCaches()
	v.linkTokenDispatch()
}
