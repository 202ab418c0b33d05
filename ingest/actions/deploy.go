package actions

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// deployAction returns the deploy that a step of a deploy action makes:
// google-github-actions/deploy-cloud-functions (name, source_dir,
// region, project_id), google-github-actions/deploy-cloudrun from source
// (service, source, region, project_id) and aws-actions/aws-lambda-deploy
// of a zip file (function-name, code-artifacts-dir). The folders are
// relative to the workspace, as the actions read them. Both Google actions
// deploy to us-central1 when region is empty, and take the project from
// the environment when project_id is empty. ok is false for another
// action, for a deploy of an image, and for a dry run.
func deployAction(name string, input func(string) string, env pkgcmd.Env) (pkgcmd.Effect, bool) {
	var d pkgcmd.Deploy
	var dir string
	switch strings.ToLower(name) {
	case "google-github-actions/deploy-cloud-functions":
		d = pkgcmd.Deploy{Service: pkgcmd.DeployFunctions, Name: input("name")}
		dir = input("source_dir")
	case "google-github-actions/deploy-cloudrun":
		dir = input("source")
		if dir == "" || input("image") != "" {
			return pkgcmd.Effect{}, false
		}
		d = pkgcmd.Deploy{Service: pkgcmd.DeployRun, Name: input("service")}
	case "aws-actions/aws-lambda-deploy":
		if strings.EqualFold(strings.TrimSpace(input("package-type")), "Image") || isTrue(input("dry-run")) {
			return pkgcmd.Effect{}, false
		}
		d = pkgcmd.Deploy{Service: pkgcmd.DeployLambda, Name: input("function-name")}
		dir = input("code-artifacts-dir")
	default:
		return pkgcmd.Effect{}, false
	}
	d.Name = strings.TrimSpace(d.Name)
	if d.Name == "" {
		return pkgcmd.Effect{}, false
	}
	if d.Service == pkgcmd.DeployLambda {
		d.Region = known(env["AWS_REGION"])
		if _, set := env["AWS_REGION"]; !set {
			d.Region = known(env["AWS_DEFAULT_REGION"])
		}
		if m := pkgcmd.LambdaFunctionARN(d.Name); m != nil {
			d.Name, d.Account = m[2], m[1]
			if m[0] != "" {
				d.Region = m[0]
			}
		}
	} else {
		d.Region = "us-central1"
		if r := strings.TrimSpace(input("region")); r != "" {
			d.Region = known(r)
		}
		d.Project = known(strings.TrimSpace(input("project_id")))
		if d.Project == "" && input("project_id") == "" {
			d.Project = known(env["CLOUDSDK_CORE_PROJECT"])
		}
		if m := pkgcmd.GCloudResource(d.Name); m != nil {
			d.Project, d.Region, d.Name = m[0], m[1], m[2]
		}
	}
	dir = strings.TrimSpace(dir)
	if dir == "" {
		dir = "."
	}
	if !strings.ContainsAny(dir, "$~") {
		dir = path.Clean(dir)
	}
	return pkgcmd.Effect{Deploy: &d, Dir: dir}, true
}

// known returns a value that the workflow writes out, or "" for one an
// expression or a variable computes.
func known(s string) string {
	if strings.Contains(s, "${{") || strings.Contains(s, "$") {
		return ""
	}
	return strings.TrimSpace(s)
}

// readGCPProject records the project that google-github-actions/auth
// exports for later steps, as CLOUDSDK_CORE_PROJECT among others, unless
// export_environment_variables is false: project_id, or else the project
// of the service account it authenticates as.
func (j *job) readGCPProject(input func(string) string) {
	if isFalse(input("export_environment_variables")) {
		return
	}
	project := strings.TrimSpace(input("project_id"))
	if project == "" {
		sa := strings.ToLower(strings.TrimSpace(input("service_account")))
		if serviceAccountEmail.MatchString(sa) {
			project = strings.TrimSuffix(sa[strings.IndexByte(sa, '@')+1:], ".iam.gserviceaccount.com")
		}
	}
	if project == "" {
		return
	}
	if j.exported == nil {
		j.exported = map[string]string{}
	}
	j.exported["CLOUDSDK_CORE_PROJECT"] = project
}

// deployIdentities adds to the deploys, of folders and of images, that a
// step of j makes the identities of the job's cloud login at that step,
// and the AWS account when all of them name the same one. It writes the
// identity nodes, which the linker gives CAN_MODIFY to the deployed
// function.
func (w *workflow) deployIdentities(j *job, effects []pkgcmd.Effect, env map[string]string, line int) {
	for i := range effects {
		d := effects[i].Deploy
		if imageDeploy := effects[i].ImageDeploy; imageDeploy != nil {
			d = &imageDeploy.Deploy
		}
		if d == nil {
			continue
		}
		d.Line = line
		if d.Service == pkgcmd.DeployKubernetes {
			// kubectl acts as the kubeconfig's user, which no cloud
			// login of the job names.
			continue
		}
		idents := j.gcpIdents
		if d.Service == pkgcmd.DeployLambda || d.Service == pkgcmd.DeployECS || d.Service == pkgcmd.DeployServerless ||
			d.Service == pkgcmd.DeployStack {
			idents = w.awsIdentities(j, env, line)
			if d.Account == "" {
				d.Account = sameAccount(idents)
			}
		}
		for _, id := range idents {
			w.writeCloudIdentity(j, id)
			if id.maybe || j.cond {
				d.MayAs = append(d.MayAs, id.id)
			} else {
				d.As = append(d.As, id.id)
			}
		}
	}
}

// sameAccount returns the AWS account that every identity names, or ""
// when one names none or two differ.
func sameAccount(idents []cloudIdentity) string {
	account := ""
	for _, id := range idents {
		a := id.attrs["account"]
		if a == "" || (account != "" && a != account) {
			return ""
		}
		account = a
	}
	return account
}
