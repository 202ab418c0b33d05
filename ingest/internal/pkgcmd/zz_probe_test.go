package pkgcmd

import (
	"fmt"
	"strings"
	"testing"
)

func TestZZSls(t *testing.T) {
	for _, c := range []string{
		"pnpm --filter api exec serverless deploy",
		"pnpm -C services/api exec serverless deploy",
		"pnpm --dir services/api sls deploy",
		"npm exec -w services/api -- serverless deploy",
		"npm exec --workspace=services/api -- serverless deploy",
		"yarn workspace api serverless deploy",
		"yarn --cwd services/api sls deploy",
		"npx -p serverless sls deploy",
		"npx --package=serverless@3 -- sls deploy",
		"serverless deploy --config=serverless.prod.yml",
		"npx sls --stage prod deploy",
		"sls deploy -c sub/serverless.yml",
		"serverless invoke local -f a",
		"npm --prefix services/api run deploy",
		"yarn run sls deploy",
		"bunx serverless deploy",
		"npx osls deploy",
	} {
		var out []string
		for _, e := range Effects(strings.Fields(c), nil) {
			if e.Deploy != nil {
				out = append(out, fmt.Sprintf("deploy{%s %s dir=%q}", e.Deploy.Service, e.Deploy.Name, e.Dir))
			} else if e.Eco != "" {
				out = append(out, fmt.Sprintf("%s run=%v inst=%v dir=%q", e.Eco, e.Run, e.Install, e.Dir))
			}
		}
		fmt.Printf("%-55s %v\n", c, out)
	}
}
