package actions

import (
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// ecsRender is a container whose image a step of
// aws-actions/amazon-ecs-render-task-definition sets in the task
// definition it writes.
type ecsRender struct {
	container, image, family string
}

// taskDefinitionOutput matches the expression that reads the task
// definition file a render step writes, and captures the step's id.
var taskDefinitionOutput = regexp.MustCompile(`^\$\{\{\s*steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.task-definition\s*\}\}$`)

// taskDefinitionARN matches the ARN of a task definition, with or without
// its revision, and captures its family.
var taskDefinitionARN = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]*:[0-9]{12}:task-definition/([A-Za-z0-9_-]+)(?::[0-9]+)?$`)

// readImageDeployAction returns the image deploys that a step of a deploy
// action makes: google-github-actions/deploy-cloudrun with image,
// aws-actions/aws-lambda-deploy with package-type Image, and
// aws-actions/amazon-ecs-deploy-task-definition of a task definition
// that earlier steps of aws-actions/amazon-ecs-render-task-definition
// wrote, with the images they set. A render step is recorded under its
// id for the deploy step that reads its output.
//
// NOTE: a task definition file of the repository that the deploy action
// registers as it is (without a render step) names images that only the
// file shows, and this reader reads the workflow alone: such a deploy is
// not recorded.
func (w *workflow) readImageDeployAction(j *job, name, id string, input func(string) string, env pkgcmd.Env) []pkgcmd.Effect {
	var deploys []pkgcmd.ImageDeploy
	switch strings.ToLower(name) {
	case "google-github-actions/deploy-cloudrun":
		img := strings.TrimSpace(input("image"))
		if img == "" || input("source") != "" || input("job") != "" {
			return nil
		}
		// The target is read as for a deploy from source.
		e, ok := deployAction(name, func(k string) string {
			switch k {
			case "source":
				return "."
			case "image":
				return ""
			}
			return input(k)
		}, env)
		if !ok {
			return nil
		}
		deploys = append(deploys, pkgcmd.ImageDeploy{Deploy: *e.Deploy, Image: img})
	case "aws-actions/aws-lambda-deploy":
		img := strings.TrimSpace(input("image-uri"))
		if !strings.EqualFold(strings.TrimSpace(input("package-type")), "Image") || img == "" || isTrue(input("dry-run")) {
			return nil
		}
		e, ok := deployAction(name, func(k string) string {
			if k == "package-type" {
				return ""
			}
			return input(k)
		}, env)
		if !ok {
			return nil
		}
		deploys = append(deploys, pkgcmd.ImageDeploy{Deploy: *e.Deploy, Image: img})
	case "aws-actions/amazon-ecs-render-task-definition":
		w.readECSRender(j, id, input)
		return nil
	case "aws-actions/amazon-ecs-deploy-task-definition":
		deploys = j.ecsDeploys(input, env)
	default:
		return nil
	}

	var out []pkgcmd.Effect
	for i := range deploys {
		deploys[i].Dir, deploys[i].ZipFile = "", ""
		deploys[i].Image = w.expandRepo(deploys[i].Image)
		out = append(out, pkgcmd.Effect{ImageDeploy: &deploys[i]})
	}
	return out
}

// readECSRender records the container and image that a render step with
// id sets, after those of the render step whose output it reads.
func (w *workflow) readECSRender(j *job, id string, input func(string) string) {
	container, img := strings.TrimSpace(input("container-name")), strings.TrimSpace(input("image"))
	if id == "" || container == "" || img == "" {
		return
	}
	var renders []ecsRender
	family := strings.TrimSpace(input("task-definition-family"))
	if m := taskDefinitionOutput.FindStringSubmatch(strings.TrimSpace(input("task-definition"))); m != nil {
		renders = append(renders, j.ecsRenders[m[1]]...)
	}
	if m := taskDefinitionARN.FindStringSubmatch(strings.TrimSpace(input("task-definition-arn"))); m != nil {
		family = m[1]
	}
	if computed(family) {
		family = ""
	}
	if family == "" && len(renders) > 0 {
		family = renders[0].family
	}
	renders = append(renders, ecsRender{container: container, image: img, family: family})
	if j.ecsRenders == nil {
		j.ecsRenders = map[string][]ecsRender{}
	}
	j.ecsRenders[id] = renders
}

// ecsDeploys returns the image deploys of a step of
// aws-actions/amazon-ecs-deploy-task-definition: one per container that
// the render steps behind its task-definition input set, for the service
// it updates. A step without a service only registers the task
// definition, which no service runs yet.
func (j *job) ecsDeploys(input func(string) string, env pkgcmd.Env) []pkgcmd.ImageDeploy {
	service := strings.TrimSpace(input("service"))
	m := taskDefinitionOutput.FindStringSubmatch(strings.TrimSpace(input("task-definition")))
	if service == "" || computed(service) || m == nil {
		return nil
	}
	region := known(env["AWS_REGION"])
	if _, set := env["AWS_REGION"]; !set {
		region = known(env["AWS_DEFAULT_REGION"])
	}
	cluster := known(input("cluster"))
	var out []pkgcmd.ImageDeploy
	for _, r := range j.ecsRenders[m[1]] {
		out = append(out, pkgcmd.ImageDeploy{
			Deploy: pkgcmd.Deploy{Service: pkgcmd.DeployECS, Name: service, Region: region},
			Image:  r.image, Container: r.container, Cluster: cluster, Family: r.family,
		})
	}
	return out
}

// expandImageDeploys replaces, in the image deploys of a run step's
// effects, the expressions that name the workflow's repository, as image
// pushes are read.
func (w *workflow) expandImageDeploys(effects []pkgcmd.Effect) {
	for _, e := range effects {
		if e.ImageDeploy != nil {
			e.ImageDeploy.Image = w.expandRepo(e.ImageDeploy.Image)
		}
	}
}
