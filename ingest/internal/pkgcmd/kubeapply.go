package pkgcmd

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Ways a command applies Kubernetes objects, as KubeApply.How names them.
const (
	// ApplyFiles is kubectl apply, create or replace with -f: the
	// manifests in the files, or in the folders' files, it names.
	ApplyFiles = "files"
	// ApplyKustomize is kubectl apply, create or replace with -k: the
	// objects that the kustomization in the folder builds.
	ApplyKustomize = "kustomize"
	// ApplyHelm is helm install or helm upgrade: the objects that the
	// chart renders for a release.
	ApplyHelm = "helm"
)

// AttrKubeApplies on a runtime lists the Kubernetes applies its commands
// make, each an EncodeKubeApply item.
const AttrKubeApplies = "kube_applies"

// KubeApply is a command that creates or changes the Kubernetes objects
// that manifests or a chart of the checkout declare: kubectl apply -f
// k8s/, kubectl apply -k overlays/prod, kubectl create -f, kubectl
// replace -f, helm upgrade --install RELEASE ./chart. The job that runs it
// holds credentials that can change those workloads.
type KubeApply struct {
	How string // ApplyFiles, ApplyKustomize or ApplyHelm
	// Paths are the files or folders that -f or -k names, or the chart's
	// folder, relative to the command's folder in an Effect and to the
	// checkout once recorded in a runtime's attributes. A path may hold
	// the wildcards of a shell pattern (k8s/*.yaml).
	Paths []string
	// Recursive is set by kubectl's -R, which reads the folders below a
	// folder of -f too.
	Recursive bool
	// Namespace is that of -n, or "" when the command leaves it to the
	// kubeconfig's context or a variable sets it.
	Namespace string
	// Release is the release that helm installs or upgrades.
	Release string
	// Command is the command as reasons quote it, with its paths as
	// written and without credentials: "kubectl apply -f k8s/ -n prod".
	Command string
	// Line is the line of the CI file that runs the command, when the
	// reader knows it, or 0.
	Line int
}

// EncodeKubeApply writes an apply as one item of the AttrKubeApplies
// list: a query string, whose escapes keep commas out of it.
func EncodeKubeApply(a KubeApply) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"how", a.How}, {"namespace", a.Namespace}, {"release", a.Release}, {"command", a.Command}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	for _, p := range a.Paths {
		v.Add("path", p)
	}
	if a.Recursive {
		v.Set("recursive", "true")
	}
	if a.Line > 0 {
		v.Set("line", strconv.Itoa(a.Line))
	}
	return v.Encode()
}

// DecodeKubeApply reads an item of the AttrKubeApplies list. ok is false
// for an item without a way to apply, or a helm item without a release.
func DecodeKubeApply(item string) (a KubeApply, ok bool) {
	v, err := url.ParseQuery(item)
	if err != nil {
		return KubeApply{}, false
	}
	a = KubeApply{How: v.Get("how"), Paths: v["path"], Recursive: v.Get("recursive") == "true",
		Namespace: v.Get("namespace"), Release: v.Get("release"), Command: v.Get("command")}
	a.Line, _ = strconv.Atoi(v.Get("line"))
	switch a.How {
	case ApplyFiles, ApplyKustomize:
		return a, len(a.Paths) > 0
	case ApplyHelm:
		return a, a.Release != ""
	}
	return KubeApply{}, false
}

// KubeApplies reads the AttrKubeApplies attribute of a runtime.
func KubeApplies(attr string) []KubeApply {
	var out []KubeApply
	for _, it := range graph.SplitList(attr) {
		if a, ok := DecodeKubeApply(it); ok {
			out = append(out, a)
		}
	}
	return out
}

// kubeApplyAttr sums up the applies among a job's effects as the
// AttrKubeApplies attribute, with their paths made relative to the
// checkout through the folder each command ran in. A path in a folder
// that a variable names, or one that leaves the checkout, is dropped,
// and so is a kubectl apply left without a path.
func kubeApplyAttr(effects []Effect) string {
	var items []string
	for _, e := range effects {
		if e.KubeApply == nil {
			continue
		}
		a := *e.KubeApply
		a.Paths = nil
		for _, p := range e.KubeApply.Paths {
			if e.Dir != "" && e.Dir != "." {
				if !fixedPath(e.Dir) {
					continue
				}
				p = path.Join(e.Dir, p)
			}
			if p = path.Clean(p); p == ".." || strings.HasPrefix(p, "../") {
				continue
			}
			a.Paths = append(a.Paths, p)
		}
		if len(a.Paths) == 0 && a.How != ApplyHelm {
			continue
		}
		items = append(items, EncodeKubeApply(a))
	}
	return graph.JoinList(items)
}

// kubectlApplyValued are the options of kubectl apply, create and replace
// that take a value, beside the global ones of kubectlValued.
var kubectlApplyValued = set("--prune-allowlist", "--prune-whitelist", "--field-manager", "--grace-period", "--timeout",
	"--wait", "--cascade", "--edit-last-applied", "--windows-line-ending", "--save-config", "--validate",
	"--show-managed-fields", "--allow-missing-template-keys", "--raw", "--subresource", "--applyset")

// kubeApplyOf reads a command, run with env, that applies manifests or a
// chart: kubectl (or oc) apply, create or replace with -f or -k, and helm
// install or upgrade. It gives one Effect with the apply, whose Dir is
// left to the caller, or none.
func kubeApplyOf(argv []string, env Env) []Effect {
	if len(argv) == 0 {
		return nil
	}
	var a *KubeApply
	switch prog := strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe"); prog {
	case "kubectl", "oc":
		a = kubectlApply(prog, expandVars(argv[1:], env))
	case "helm":
		a = helmApply(expandVars(argv[1:], env))
	}
	if a == nil {
		return nil
	}
	return []Effect{{KubeApply: a}}
}

// kubectlApply reads kubectl apply|create|replace -f PATH... [-R] or -k
// DIR, with the namespace of -n. Standard input (-f -), URLs and paths
// that a variable sets are skipped. A command left without a path gives
// nil. So do a subcommand (kubectl create deployment, kubectl apply
// view-last-applied), a dry run and a change made only locally.
func kubectlApply(prog string, args []string) *KubeApply {
	var words, files []string
	var kustomize, ns string
	recursive, local := false, false
	dry := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			words = append(words, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			words = append(words, a)
			continue
		}
		if len(a) > 2 && a[1] == 'R' && a[2] != '=' {
			// -R combined with the next short flag: -Rf k8s/.
			recursive, a = true, "-"+a[2:]
		}
		k, v, hasValue := strings.Cut(a, "=")
		switch {
		case hasValue:
		case !strings.HasPrefix(a, "--") && len(a) > 2 && (a[:2] == "-f" || a[:2] == "-k" || a[:2] == "-n"):
			// -fk8s/api.yaml, -nprod
			k, v, hasValue = a[:2], a[2:], true
		case (kubectlValued[a] || kubectlApplyValued[a]) && i+1 < len(args):
			v, hasValue = args[i+1], true
			i++
		}
		switch k {
		case "-f", "--filename":
			if hasValue {
				// kubectl splits a list of files at commas.
				files = append(files, strings.Split(v, ",")...)
			}
		case "-k", "--kustomize":
			kustomize = v
		case "-n", "--namespace":
			ns = v
		case "-R", "--recursive":
			recursive = !hasValue || v == "true"
		case "--dry-run":
			dry = v
			if !hasValue {
				dry = "client"
			}
		case "--local":
			local = !hasValue || v == "true"
		}
	}
	if len(words) != 1 || (words[0] != "apply" && words[0] != "create" && words[0] != "replace") {
		return nil
	}
	if dry != "" && dry != "none" || local {
		return nil
	}
	if strings.Contains(ns, "$") {
		ns = ""
	}

	cmd := prog + " " + words[0]
	a := &KubeApply{How: ApplyFiles, Namespace: ns, Recursive: recursive}
	if kustomize != "" {
		// kubectl rejects -f beside -k, and -R with -k.
		if len(files) > 0 || !manifestPath(kustomize) {
			return nil
		}
		a.How, a.Paths, a.Recursive = ApplyKustomize, []string{path.Clean(kustomize)}, false
		cmd += " -k " + kustomize
	} else {
		for _, f := range files {
			if manifestPath(f) {
				a.Paths = append(a.Paths, path.Clean(f))
				cmd += " -f " + f
			}
		}
		if recursive {
			cmd += " -R"
		}
	}
	if len(a.Paths) == 0 {
		return nil
	}
	if ns != "" {
		cmd += " -n " + ns
	}
	a.Command = cmd
	return a
}

// manifestPath reports whether a path of -f, -k or a chart names files
// of the checkout: written out and relative, not standard input or a
// URL.
func manifestPath(p string) bool {
	return p != "-" && !strings.Contains(p, "://") && fixedPath(p)
}

// helmValued are the options of helm install and helm upgrade, and the
// global ones, that take a value.
var helmValued = set("-n", "--namespace", "-f", "--values", "--set", "--set-string", "--set-file", "--set-json",
	"--set-literal", "--version", "--kube-context", "--kubeconfig", "--kube-apiserver", "--kube-as-user",
	"--kube-as-group", "--kube-ca-file", "--kube-token", "--kube-tls-server-name", "--repo", "--timeout",
	"--description", "--post-renderer", "--post-renderer-args", "--username", "--password", "--ca-file",
	"--cert-file", "--key-file", "--keyring", "--history-max", "--name-template", "--registry-config",
	"--repository-cache", "--repository-config", "--burst-limit", "--qps", "--labels", "-o", "--output",
	"--max-history")

// helmApply reads helm install [NAME] CHART and helm upgrade [--install]
// RELEASE CHART, with the namespace of -n. A release that a variable or
// --generate-name names, a dry run and a chart that a URL names give nil.
// A chart given by repository and name (bitnami/nginx) is kept as a path,
// since helm reads a folder of that name first when one exists.
func helmApply(args []string) *KubeApply {
	var words []string
	ns, dry := "", false
	generated := false

	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			words = append(words, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
			continue
		}
		k, v, hasValue := strings.Cut(a, "=")
		switch {
		case hasValue:
		case k == "--dry-run":
			// --dry-run takes no value unless it follows "=".
		case !strings.HasPrefix(a, "--") && len(a) > 2 && a[:2] == "-n":
			k, v, hasValue = "-n", a[2:], true
		case helmValued[a] && i+1 < len(args):
			v, hasValue = args[i+1], true
			i++
		}
		switch k {
		case "-n", "--namespace":
			ns = v
		case "--dry-run":
			dry = !hasValue || v != "false" && v != "none"
		case "-g", "--generate-name":
			generated = true
		}
	}
	if len(words) == 0 || dry {
		return nil
	}

	var release, chart string
	switch {
	case words[0] == "upgrade" && len(words) == 3:
		release, chart = words[1], words[2]
	case words[0] == "install" && len(words) == 3 && !generated:
		release, chart = words[1], words[2]
	default:
		return nil
	}
	if release == "" || strings.ContainsAny(release, "${}") || strings.Contains(chart, "://") {
		return nil
	}
	if strings.Contains(ns, "$") {
		ns = ""
	}

	a := &KubeApply{How: ApplyHelm, Release: release, Namespace: ns,
		Command: "helm " + words[0] + " " + release + " " + chart}
	if ns != "" {
		a.Command += " -n " + ns
	}
	if manifestPath(chart) {
		a.Paths = []string{path.Clean(chart)}
	}
	return a
}

// FromPipe returns the words of a command as it acts, given the pipeline
// stages before it (shellscan.Command.Piped). kubectl apply -f - after
// kustomize build DIR, or kubectl kustomize DIR, applies what the
// kustomization in DIR builds, so it reads as kubectl apply -k DIR. Stages
// between them that only edit the stream (envsubst, sed, tee) keep the
// manifests. Other commands are returned as they are.
func FromPipe(words, piped []string) []string {
	if len(piped) == 0 || len(words) < 2 {
		return words
	}
	prog := strings.TrimSuffix(path.Base(strings.ReplaceAll(words[0], `\`, "/")), ".exe")
	if prog != "kubectl" && prog != "oc" {
		return words
	}
	last := len(piped) - 1
	for last > 0 && streamFilter(shellFields(piped[last])) {
		last--
	}
	dir, ok := kustomizeBuild(shellFields(piped[last]))
	if !ok {
		return words
	}
	out := make([]string, 0, len(words)+1)
	replaced := false
	for i := 0; i < len(words); i++ {
		switch w := words[i]; {
		case (w == "-f" || w == "--filename") && i+1 < len(words) && words[i+1] == "-":
			out = append(out, "-k", dir)
			replaced = true
			i++
		case w == "-f-" || w == "--filename=-" || w == "-f=-":
			out = append(out, "-k", dir)
			replaced = true
		default:
			out = append(out, w)
		}
	}
	if !replaced {
		return words
	}
	return out
}

// kustomizeBuild reads kustomize build [DIR] or kubectl kustomize [DIR],
// and returns DIR, "." when the command names none. A URL is no folder.
func kustomizeBuild(words []string) (string, bool) {
	if len(words) == 0 {
		return "", false
	}
	prog := path.Base(words[0])
	var rest []string
	switch {
	case prog == "kustomize" && len(words) >= 2 && words[1] == "build":
		rest = words[2:]
	case (prog == "kubectl" || prog == "oc") && len(words) >= 2 && words[1] == "kustomize":
		rest = words[2:]
	default:
		return "", false
	}
	dir := "."
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		if strings.HasPrefix(w, "-") {
			if !strings.Contains(w, "=") && i+1 < len(rest) && kustomizeValued[w] {
				i++
			}
			continue
		}
		dir = w
		break
	}
	if strings.Contains(dir, "://") || strings.HasPrefix(dir, "github.com/") || strings.Contains(dir, "$") {
		return "", false
	}
	return dir, true
}

// kustomizeValued are the options of kustomize build and kubectl
// kustomize that take a value in the next word.
var kustomizeValued = set("-o", "--output", "--load-restrictor", "--env", "-e", "--helm-command", "--mount", "--network-name")

// streamFilter reports whether a pipeline stage writes out the manifests
// it reads, edited: envsubst, tee, and sed with a script and no file or
// in-place edit.
func streamFilter(words []string) bool {
	if len(words) == 0 {
		return false
	}
	switch path.Base(words[0]) {
	case "envsubst", "tee":
		return true
	case "sed":
		operands, scripts := 0, 0
		for i := 1; i < len(words); i++ {
			switch w := words[i]; {
			case w == "-i" || strings.HasPrefix(w, "--in-place") || strings.HasPrefix(w, "-i") && !strings.HasPrefix(w, "--"):
				return false
			case w == "-e" || w == "--expression" || w == "-f" || w == "--file":
				scripts++
				i++
			case strings.HasPrefix(w, "--expression=") || strings.HasPrefix(w, "--file="):
				scripts++
			case strings.HasPrefix(w, "-") && len(w) > 1:
			default:
				operands++
			}
		}
		// Without -e or -f the first operand is the script. Any other
		// operand is a file sed reads instead of standard input.
		if scripts == 0 {
			return operands == 1
		}
		return operands == 0
	}
	return false
}

// shellFields splits a command as the script writes it into words, keeping
// what single or double quotes enclose together.
func shellFields(s string) []string {
	var out []string
	var b strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == '\'', c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				out = append(out, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, b.String())
	}
	return out
}
