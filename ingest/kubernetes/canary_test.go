package kubernetes

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// TestCanaryNeverStored plants a value everywhere a manifest may hold a
// credential and checks that it appears in no fact or diagnostic.
func TestCanaryNeverStored(t *testing.T) {
	const canary = "CANARY-kubernetes-7f3a"
	b64 := base64.StdEncoding.EncodeToString([]byte(canary))
	input := `apiVersion: v1
kind: Secret
metadata:
  name: planted
  namespace: apps
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"password":"` + canary + `"}}'
type: Opaque
data:
  token: ` + b64 + `
stringData:
  password: ` + canary + `
---
apiVersion: v1
kind: Pod
metadata:
  name: leaky
  namespace: apps
spec:
  containers:
    - name: app
      image: registry.example.org/example-org/app:1.0
      env:
        - name: DB_PASSWORD
          value: ` + canary + `
        - name: API_TOKEN
          value: "` + b64 + `"
---
apiVersion: v1
kind: Secret
metadata:
  name: broken
  namespace: apps
data:
  key: *` + canary + `
---
apiVersion: v1
kind: Secret
metadata:
  name: "{{ .Values.name }}"
stringData:
  password: ` + canary + `
---
apiVersion: v1
kind: Secret
metadata:
  name: not-base64
  namespace: apps
data:
  key: ` + canary + `
`
	seen := map[string]bool{}
	env := &ingest.Env{Fingerprint: func(v string) string {
		seen[v] = true
		return "fp-" + base64.RawURLEncoding.EncodeToString([]byte{byte(len(v))})
	}}
	var res ingest.Result
	if err := New().Parse(context.Background(), bytesFile("canary.yaml", []byte(input)), env, &res); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{canary, b64, strings.ToLower(canary)} {
		if strings.Contains(string(out), bad) {
			t.Errorf("result holds the planted value %q:\n%s", bad, out)
		}
	}
	if !seen[canary] {
		t.Error("the planted value was never fingerprinted")
	}
	if len(res.Diags) != 3 {
		t.Errorf("diagnostics = %v, want the alias, the template and the base64 warnings", res.Diags)
	}
}
