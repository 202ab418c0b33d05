package link

func (v *view) linkRunnerHosts() {}
