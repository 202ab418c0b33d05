package kubernetes

import "testing"

func TestNamespaceUnsetMark(t *testing.T) {
	const doc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: registry.example.org/web:1.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: default
spec:
  template:
    spec:
      containers:
      - name: worker
        image: registry.example.org/worker:1.0
`
	res := parseBytes(t, "install.yaml", []byte(doc))
	tests := []struct {
		id   string
		want string
	}{
		{"k8s:workload:default/Deployment/web", "true"},
		{"k8s:workload:default/Deployment/worker", ""},
	}
	for _, tc := range tests {
		if got := nodeOf(t, res, tc.id).Attr(attrNamespaceUnset); got != tc.want {
			t.Errorf("%s: %s = %q, want %q", tc.id, attrNamespaceUnset, got, tc.want)
		}
	}
}
