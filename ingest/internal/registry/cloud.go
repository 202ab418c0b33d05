package registry

import (
	"regexp"
	"strings"
)

// PublicECR is the host of Amazon ECR Public.
const PublicECR = "public.ecr.aws"

// ecrHost matches the host of a private ECR registry,
// ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn].
var ecrHost = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$`)

// ECRHost splits the host of a private ECR registry into its account and
// region, and reports false for another host.
func ECRHost(host string) (account, region string, ok bool) {
	m := ecrHost.FindStringSubmatch(host)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// GCRHosts are the Container Registry hosts that gcloud auth
// configure-docker registers its credential helper for when it names no
// registry.
var GCRHosts = []string{"gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io", "staging-k8s.gcr.io", "marketplace.gcr.io"}

// GoogleHost reports whether host is a Container Registry host (gcr.io
// and its regional hosts) or an Artifact Registry one (LOCATION-docker.pkg.dev).
func GoogleHost(host string) bool {
	return host == "gcr.io" || strings.HasSuffix(host, ".gcr.io") || strings.HasSuffix(host, "-docker.pkg.dev")
}

var (
	// awsLoginCommand finds the commands that print a registry password
	// from the AWS credentials of the shell that runs them.
	awsLoginCommand = regexp.MustCompile(`\baws\b[^|;&]*\becr(-public)?\s+get-login-password\b`)
	// gcloudToken finds the command that prints an OAuth access token of
	// gcloud's active account.
	gcloudToken = regexp.MustCompile(`\bgcloud\b[^|;&]*\bauth\s+(?:application-default\s+)?print-access-token\b`)
)

// AWSPassword reports whether a script line runs aws ecr
// get-login-password or aws ecr-public get-login-password, which print a
// registry password made from the shell's AWS credentials.
func AWSPassword(line string) bool { return awsLoginCommand.MatchString(line) }

// GCloudPassword reports whether a script line runs gcloud auth
// print-access-token, whose token logs in to Google's registries as the
// user name oauth2accesstoken.
func GCloudPassword(line string) bool { return gcloudToken.MatchString(line) }

// ConfigureDockerHosts reads a gcloud auth configure-docker command, whose
// words start at gcloud, and returns the registries it registers gcloud
// as Docker's credential helper for: those of its comma-separated
// argument, or GCRHosts without one. It reports false for another command.
func ConfigureDockerHosts(words []string) ([]string, bool) {
	i := 1
	for i < len(words) && strings.HasPrefix(words[i], "-") {
		// A global flag such as --quiet before the group.
		if gcloudValueFlags[words[i]] {
			i++
		}
		i++
	}
	if len(words) < 1 || words[0] != "gcloud" || i+1 >= len(words) || words[i] != "auth" || words[i+1] != "configure-docker" {
		return nil, false
	}
	args := words[i+2:]
	for k := 0; k < len(args); k++ {
		a := args[k]
		if strings.HasPrefix(a, "-") {
			if gcloudValueFlags[a] {
				k++
			}
			continue
		}
		var hosts []string
		for _, h := range strings.Split(a, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hosts = append(hosts, NormalHost(h))
			}
		}
		return hosts, true
	}
	return GCRHosts, true
}

// gcloudValueFlags are gcloud's global flags that may take their value as
// the next word.
var gcloudValueFlags = map[string]bool{
	"--account": true, "--billing-project": true, "--configuration": true, "--flags-file": true,
	"--flatten": true, "--format": true, "--impersonate-service-account": true, "--project": true,
	"--verbosity": true, "--trace-token": true,
}
