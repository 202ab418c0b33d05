package actions

import (
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// actions/setup-node with registry-url exports NODE_AUTH_TOKEN to the
// later steps of the job (src/authutil.ts). From v2.1.4 on, it exports the
// value the variable has in its own step, from its env or else the job's.
// v1 and v2.0.0 to v2.1.3 export the placeholder XXXXX-XXXXX-XXXXX-XXXXX.
// A later step's env comes before the exported value, which comes before
// the job's env (the runner's StepsRunner and FileCommandManager). Without
// registry-url, setup-node exports nothing.
func TestReleaseSetupNodeExportsToken(t *testing.T) {
	setup := func(ref, env string) string {
		s := "      - uses: actions/setup-node@" + ref + "\n        with:\n          registry-url: https://registry.npmjs.org\n"
		if env != "" {
			s += "        env:\n          NODE_AUTH_TOKEN: ${{ secrets." + env + " }}\n"
		}
		return s
	}
	const publish = "      - run: npm publish\n"
	const jobEnv = "    env:\n      NODE_AUTH_TOKEN: ${{ secrets.%s }}\n"
	wf := "on: push\njobs:\n" +
		"  setup-env:\n    runs-on: ubuntu-latest\n    steps:\n" + setup("v4", "SETUP_ENV_TOKEN") + publish +
		"  overridden:\n    runs-on: ubuntu-latest\n    steps:\n" + setup("v4", "SHADOWED_TOKEN") +
		"      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.PUBLISH_TOKEN }}\n" +
		"  v1-step-env:\n    runs-on: ubuntu-latest\n    steps:\n" + setup("v1", "V1_STEP_TOKEN") + publish +
		"  v1-job-env:\n    runs-on: ubuntu-latest\n" + strings.Replace(jobEnv, "%s", "V1_JOB_TOKEN", 1) + "    steps:\n" + setup("v1.4.4", "") + publish +
		"  v2-early:\n    runs-on: ubuntu-latest\n" + strings.Replace(jobEnv, "%s", "V2_EARLY_TOKEN", 1) + "    steps:\n" + setup("v2.1.3", "") + publish +
		"  v2-job-env:\n    runs-on: ubuntu-latest\n" + strings.Replace(jobEnv, "%s", "V2_JOB_TOKEN", 1) + "    steps:\n" + setup("v2", "") + publish +
		"  no-registry-url:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NO_URL_TOKEN }}\n" + publish
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := func(name string) string { return graph.GHASecretID(testRepo, name) }
	resulttest.Logins(t, res, map[string]string{
		secret("SETUP_ENV_TOKEN"): "registry.npmjs.org",
		secret("SHADOWED_TOKEN"):  "",
		secret("PUBLISH_TOKEN"):   "registry.npmjs.org",
		secret("V1_STEP_TOKEN"):   "",
		secret("V1_JOB_TOKEN"):    "",
		secret("V2_EARLY_TOKEN"):  "",
		secret("V2_JOB_TOKEN"):    "registry.npmjs.org",
		secret("NO_URL_TOKEN"):    "",
	})
	account := func(name string) string { return graph.RegistryAccountID("registry.npmjs.org", secret(name)) }
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("SETUP_ENV_TOKEN"): {Registry: true, Project: true},
		account("PUBLISH_TOKEN"):   {Registry: true, Project: true},
		account("V2_JOB_TOKEN"):    {Registry: true, Project: true},
	})
}
