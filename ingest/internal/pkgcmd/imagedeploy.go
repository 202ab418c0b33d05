package pkgcmd

import (
	"net/url"
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// Runtimes that a deploy of an image targets, beside DeployLambda and
// DeployRun.
const (
	// DeployECS is an ECS service, which runs the task definition that a
	// deploy registers with the image in it.
	DeployECS = "ecs"
	// DeployKubernetes is a Kubernetes workload (kubectl set image).
	DeployKubernetes = "kubernetes"
)

// AttrImageDeploys on a runtime lists the deploys of images its commands
// and steps make, each an EncodeImageDeploy item.
const AttrImageDeploys = "image_deploys"

// ImageDeploy is a deploy that makes a function, service or workload run
// a container image: aws lambda update-function-code --image-uri,
// gcloud run deploy --image, kubectl set image, and the CI actions that
// do the same. Unlike a Deploy, it ships no folder of the checkout. The
// image is usually one that the same job built and pushed.
type ImageDeploy struct {
	// Deploy names the target as a deploy of a folder does, with the
	// identities the job deploys as. Its Dir and ZipFile are unused.
	Deploy
	// Image is the image reference as the command or step writes it,
	// with variables it could not expand left in place (app:$SHA).
	Image string
	// Container is the container whose image the deploy replaces (ECS,
	// Kubernetes), "*" for every container, or "".
	Container string
	// Kind and Namespace are those of a Kubernetes workload. Namespace
	// is "" when the command leaves it to the kubeconfig's context.
	Kind, Namespace string
	// Cluster is the ECS cluster of the service, or "".
	Cluster string
	// Family is the ECS task definition family, when the step names it.
	Family string
}

// Ref parses the deployed image. computed is set when a variable or an
// expression sets the tag or digest (app:$SHA, app:${{ github.sha }}):
// ref is then the image's name, without a version. ok is false for a
// reference whose name a variable sets, or that does not parse. Image
// names are lower case (Docker rejects others), so the name is read in
// lower case, as pushes are.
func (d ImageDeploy) Ref() (ref image.Ref, computed, ok bool) {
	s := strings.TrimSpace(d.Image)
	start := strings.LastIndexByte(s, '/') + 1
	cut := len(s)
	if i := strings.IndexAny(s[start:], ":@"); i >= 0 {
		cut = start + i
	}
	name, version := s[:cut], s[cut:]
	if strings.Contains(name, "$") {
		return image.Ref{}, false, false
	}
	if strings.Contains(version, "$") {
		ref, ok = image.Parse(strings.ToLower(name))
		return ref, true, ok && ref.Tag == "" && ref.Digest == ""
	}
	ref, ok = image.Parse(strings.ToLower(name) + version)
	return ref, false, ok
}

// EncodeImageDeploy writes an image deploy as one item of the
// AttrImageDeploys list, as EncodeDeploy writes a deploy.
func EncodeImageDeploy(d ImageDeploy) string {
	base := d.Deploy
	base.Dir, base.ZipFile = "", ""
	v, _ := url.ParseQuery(EncodeDeploy(base))
	for _, kv := range [][2]string{{"image", d.Image}, {"container", d.Container}, {"kind", d.Kind},
		{"namespace", d.Namespace}, {"cluster", d.Cluster}, {"family", d.Family}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v.Encode()
}

// DecodeImageDeploy reads an item of the AttrImageDeploys list. ok is
// false for an item without a service, a name or an image.
func DecodeImageDeploy(item string) (d ImageDeploy, ok bool) {
	base, ok := DecodeDeploy(item)
	if !ok {
		return ImageDeploy{}, false
	}
	v, err := url.ParseQuery(item)
	if err != nil {
		return ImageDeploy{}, false
	}
	d = ImageDeploy{Deploy: base, Image: v.Get("image"), Container: v.Get("container"), Kind: v.Get("kind"),
		Namespace: v.Get("namespace"), Cluster: v.Get("cluster"), Family: v.Get("family")}
	return d, d.Image != ""
}

// ImageDeploys reads the AttrImageDeploys attribute of a runtime.
func ImageDeploys(attr string) []ImageDeploy {
	var out []ImageDeploy
	for _, it := range graph.SplitList(attr) {
		if d, ok := DecodeImageDeploy(it); ok {
			out = append(out, d)
		}
	}
	return out
}

// imageDeployAttr sums up the image deploys among a job's effects as the
// AttrImageDeploys attribute.
func imageDeployAttr(effects []Effect) string {
	var items []string
	for _, e := range effects {
		if e.ImageDeploy != nil {
			items = append(items, EncodeImageDeploy(*e.ImageDeploy))
		}
	}
	return graph.JoinList(items)
}

// imageDeployOf reads a command, run with env, that makes a function,
// service or workload run an image: aws lambda update-function-code
// --image-uri, aws lambda create-function --code ImageUri=..., gcloud run
// deploy --image, gcloud run services update --image and kubectl set
// image. It gives one Effect per image deployed.
func imageDeployOf(argv []string, env Env) []Effect {
	if len(argv) == 0 {
		return nil
	}
	prog := strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe")
	switch prog {
	case "aws", "gcloud", "gcloud.cmd", "kubectl", "oc":
	default:
		return nil
	}
	args := expandImageVars(argv[1:], env)
	var deploys []ImageDeploy
	switch prog {
	case "aws":
		if d, ok := awsLambdaImage(args, env); ok {
			deploys = append(deploys, d)
		}
	case "gcloud", "gcloud.cmd":
		if d, ok := gcloudRunImage(args, env); ok {
			deploys = append(deploys, d)
		}
	case "kubectl", "oc":
		deploys = kubectlSetImage(args)
	}
	var out []Effect
	for i := range deploys {
		out = append(out, Effect{ImageDeploy: &deploys[i]})
	}
	return out
}

// awsLambdaImage reads aws lambda update-function-code --image-uri and
// aws lambda create-function --code ImageUri=..., with the function's
// region and account as awsLambdaDeploy reads them. A dry run deploys
// nothing.
func awsLambdaImage(args []string, env Env) (ImageDeploy, bool) {
	c := splitCLI(args, awsValued)
	if len(c.words) < 2 || c.words[0] != "lambda" || c.opts["--dry-run"] == "true" {
		return ImageDeploy{}, false
	}
	var img string
	switch c.words[1] {
	case "update-function-code":
		img = c.opts["--image-uri"]
	case "create-function":
		// --code takes the shorthand ImageUri=URI,... or JSON
		// ({"ImageUri":"URI"}), read with or without its quotes.
		for _, part := range strings.FieldsFunc(c.opts["--code"], func(r rune) bool { return strings.ContainsRune(",{} \"", r) }) {
			if k, v, ok := strings.Cut(part, "="); ok && k == "ImageUri" {
				img = v
			} else if k, v, ok := strings.Cut(part, ":"); ok && k == "ImageUri" {
				img = v
			}
		}
	}
	name := c.opts["--function-name"]
	if img == "" || img == "true" || name == "" || name == "true" {
		return ImageDeploy{}, false
	}
	d := Deploy{Service: DeployLambda, Name: name, Region: c.opts["--region"]}
	if m := LambdaFunctionARN(name); m != nil {
		d.Name, d.Account = m[2], m[1]
		if d.Region == "" {
			d.Region = m[0]
		}
	}
	if d.Region == "" {
		d.Region = firstKnown(env, "AWS_REGION", "AWS_DEFAULT_REGION")
	}
	return ImageDeploy{Deploy: d, Image: img}, true
}

// gcloudRunImage reads gcloud run deploy NAME --image IMAGE, gcloud run
// services update NAME --image IMAGE and the same of gcloud run jobs
// deploy and gcloud run jobs update, with the service's or job's project and
// region as gcloudDeploy reads them. A deploy to another platform than
// Cloud Run's own (--platform gke) targets no Cloud Run service.
func gcloudRunImage(args []string, env Env) (ImageDeploy, bool) {
	c := splitCLI(args, gcloudValued)
	words := c.words
	if len(words) > 0 && (words[0] == "alpha" || words[0] == "beta") {
		words = words[1:]
	}
	var name string
	service := DeployRun
	switch {
	case len(words) >= 3 && words[0] == "run" && words[1] == "deploy":
		name = words[2]
	case len(words) >= 4 && words[0] == "run" && words[1] == "services" && words[2] == "update":
		name = words[3]
	case len(words) >= 4 && words[0] == "run" && words[1] == "jobs" && (words[2] == "deploy" || words[2] == "update"):
		name, service = words[3], DeployRunJob
	default:
		return ImageDeploy{}, false
	}

	img := c.opts["--image"]
	if img == "" || img == "true" || c.opts["--source"] != "" {
		return ImageDeploy{}, false
	}
	if p := c.opts["--platform"]; p != "" && p != "managed" {
		return ImageDeploy{}, false
	}

	d := Deploy{Service: service, Name: name, Region: c.opts["--region"], Project: c.opts["--project"]}
	if m := GCloudResource(name); m != nil {
		d.Project, d.Region, d.Name = m[0], m[1], m[2]
	}
	if d.Project == "" {
		d.Project = firstKnown(env, "CLOUDSDK_CORE_PROJECT")
	}
	if d.Region == "" {
		d.Region = firstKnown(env, "CLOUDSDK_RUN_REGION")
	}
	return ImageDeploy{Deploy: d, Image: img}, true
}

// kubectlValued are the options of kubectl read here that take a value:
// the global ones and those of set image.
var kubectlValued = set("-n", "--namespace", "--context", "--cluster", "--kubeconfig", "--user", "-s", "--server",
	"--token", "--as", "--as-group", "--as-uid", "--certificate-authority", "--client-certificate", "--client-key",
	"--request-timeout", "--tls-server-name", "--cache-dir", "-v", "--v", "--vmodule", "--log-file", "-l", "--selector",
	"-f", "--filename", "-k", "--kustomize", "-o", "--output", "--field-manager", "--template", "--password", "--username")

// kubectlKinds maps the resource types kubectl accepts for a workload,
// in any of their spellings, to the workload's kind.
var kubectlKinds = map[string]string{
	"pod": "Pod", "pods": "Pod", "po": "Pod",
	"deployment": "Deployment", "deployments": "Deployment", "deploy": "Deployment",
	"statefulset": "StatefulSet", "statefulsets": "StatefulSet", "sts": "StatefulSet",
	"daemonset": "DaemonSet", "daemonsets": "DaemonSet", "ds": "DaemonSet",
	"replicaset": "ReplicaSet", "replicasets": "ReplicaSet", "rs": "ReplicaSet",
	"replicationcontroller": "ReplicationController", "replicationcontrollers": "ReplicationController", "rc": "ReplicationController",
	"job": "Job", "jobs": "Job",
	"cronjob": "CronJob", "cronjobs": "CronJob", "cj": "CronJob",
}

// kubectlKind returns the workload kind of a resource type: deployment,
// deploy, deployment.apps or deployments.v1.apps.
func kubectlKind(typ string) string {
	base, _, _ := strings.Cut(strings.ToLower(typ), ".")
	return kubectlKinds[base]
}

// kubectlSetImage reads kubectl set image TYPE/NAME... or TYPE NAME...,
// followed by CONTAINER=IMAGE pairs, with the namespace of -n. It gives
// one deploy per workload and container. A command that selects its
// workloads by label, file or --all, that runs locally or as a dry run,
// changes no workload the words name, and gives none.
func kubectlSetImage(args []string) []ImageDeploy {
	var words []string
	opts := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			words = append(words, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			k, v, ok := strings.Cut(a, "=")
			switch {
			case ok:
			case kubectlValued[a] && i+1 < len(args):
				v = args[i+1]
				i++
			case !strings.HasPrefix(a, "--") && len(a) > 2 && kubectlValued[a[:2]]:
				// -nprod
				k, v = a[:2], a[2:]
			default:
				v = "true"
			}
			opts[k] = v
		default:
			words = append(words, a)
		}
	}
	if len(words) < 3 || words[0] != "set" || words[1] != "image" {
		return nil
	}
	for _, k := range []string{"-l", "--selector", "-f", "--filename", "-k", "--kustomize", "--all", "--local"} {
		if opts[k] != "" {
			return nil
		}
	}
	if dry := opts["--dry-run"]; dry != "" && dry != "none" {
		return nil
	}
	ns := opts["-n"]
	if ns == "" {
		ns = opts["--namespace"]
	}
	if strings.Contains(ns, "$") || ns == "true" {
		ns = ""
	}

	type target struct{ kind, name string }
	var targets []target
	var pairs [][2]string
	kind := "" // the type that TYPE NAME... names
	for _, w := range words[2:] {
		if c, img, ok := strings.Cut(w, "="); ok {
			if c != "" && img != "" {
				pairs = append(pairs, [2]string{c, img})
			}
			continue
		}
		if typ, name, ok := strings.Cut(w, "/"); ok {
			if k := kubectlKind(typ); k != "" && name != "" {
				targets = append(targets, target{k, name})
			}
			continue
		}
		if kind == "" {
			kind = kubectlKind(w)
			if kind == "" {
				return nil
			}
			continue
		}
		targets = append(targets, target{kind, w})
	}

	var out []ImageDeploy
	for _, t := range targets {
		for _, p := range pairs {
			out = append(out, ImageDeploy{Deploy: Deploy{Service: DeployKubernetes, Name: t.name},
				Image: p[1], Container: p[0], Kind: t.kind, Namespace: ns})
		}
	}
	return out
}
