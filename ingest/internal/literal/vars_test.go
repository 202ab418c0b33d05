package literal

import "testing"

// Variables follow a literal value through plain assignments, as bash
// expands them, and through nothing else.
func TestVariablesExpand(t *testing.T) {
	const value = "abcd1234efgh5678ijkl9012"
	for _, tt := range []struct {
		name   string
		script []string
		cmd    string
		want   string
	}{
		{"assigned", []string{"TOKEN=" + value}, `echo "$TOKEN"`, `echo "` + value + `"`},
		{"exported", []string{"export TOKEN=" + value}, "echo ${TOKEN}", "echo " + value},
		{"copied", []string{"TOKEN=" + value, `NPM_TOKEN="${TOKEN}"`}, "echo $NPM_TOKEN", "echo " + value},
		{"single quotes", []string{"TOKEN=" + value}, `echo '${TOKEN}'`, `echo '${TOKEN}'`},
		{"single quotes exported", []string{"TOKEN=" + value, "export TOKEN"}, `echo '${TOKEN}'`, `echo '` + value + `'`},
		{"single quotes without braces", []string{"export TOKEN=" + value}, `echo '$TOKEN'`, `echo '$TOKEN'`},
		{"declared", []string{"declare TOKEN=" + value}, `echo "$TOKEN"`, `echo "` + value + `"`},
		{"declared single quotes", []string{"declare TOKEN=" + value}, `echo '${TOKEN}'`, `echo '${TOKEN}'`},
		{"declared exported", []string{"declare -rx TOKEN=" + value}, `echo '${TOKEN}'`, `echo '` + value + `'`},
		{"typeset exported later", []string{"TOKEN=" + value, "typeset -x TOKEN"}, `echo '${TOKEN}'`, `echo '` + value + `'`},
		{"single-quoted copy", []string{"TOKEN=" + value, "COPY='$TOKEN'"}, "echo $COPY", "echo $COPY"},
		{"command substitution", []string{"TOKEN=" + value, "COPY=$(echo $TOKEN)"}, "echo $COPY", "echo $COPY"},
		{"suffix", []string{"TOKEN=" + value, "COPY=${TOKEN}x"}, "echo $COPY", "echo $COPY"},
		{"default", []string{"TOKEN=" + value, "COPY=${TOKEN:-x}"}, "echo $COPY", "echo $COPY"},
		{"reassigned", []string{"TOKEN=" + value, "TOKEN=$(cat f)"}, "echo $TOKEN", "echo $TOKEN"},
		{"unset", []string{"TOKEN=" + value, "unset TOKEN"}, "echo $TOKEN", "echo $TOKEN"},
		{"longer name", []string{"TOKEN=" + value}, "echo $TOKEN_FILE", "echo $TOKEN_FILE"},
		{"three copies", []string{"TOKEN=" + value, "B=$TOKEN", "C=$B", "D=$C"}, "echo $D", "echo " + value},
		{"four copies", []string{"TOKEN=" + value, "B=$TOKEN", "C=$B", "D=$C", "E=$D"}, "echo $E", "echo $E"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var v Variables
			for _, cmd := range tt.script {
				v.Assign(cmd, Scan(v.Expand(cmd)))
			}
			if got := v.Expand(tt.cmd); got != tt.want {
				t.Errorf("Expand(%q) = %q, want %q", tt.cmd, got, tt.want)
			}
		})
	}
}
