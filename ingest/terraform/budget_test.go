package terraform

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEvaluationBudget checks that for expressions whose elements or text
// pass the module's evaluation limit reject their file at the expression,
// that the other files of the module keep their facts with a warning, and
// that evaluation ends soon after the limit.
func TestEvaluationBudget(t *testing.T) {
	p := New()
	got := parseFile(t, p, filepath.Join("testdata", "hostile_loops", "main.tf"))
	want := []string{"error 6:10 for expressions of the module iterate over more than 65536 elements or build more than 64 MiB of text, the evaluation limit; the file is skipped"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("main.tf (-want +got):\n%s", diff)
	}
	got = parseFile(t, p, filepath.Join("testdata", "hostile_loops", "other.tf"))
	want = []string{
		"diag 0:0 evaluation of the module passed its limit for for expressions (65536 elements, 64 MiB of text) at main.tf:6; values built with for expressions may be missing",
		"node Identity arn:aws:iam:::user/auditor @1 name=auditor provider=aws tf_address=aws_iam_user.auditor type=user",
		"records 1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("other.tf (-want +got):\n%s", diff)
	}

	// 1000 copies of a 100 kB page pass 64 MiB of text in the template of
	// local.book.
	got = parseFile(t, New(), filepath.Join("testdata", "hostile_text", "main.tf"))
	if len(got) != 1 || !strings.HasPrefix(got[0], "error 4:10 ") {
		t.Errorf("hostile_text = %q, want one error at 4:10", got)
	}
}

// TestHostileNesting checks a bracket nesting past the parser's bound (the
// locals brace and 1000 brackets) and a chain of 600 locals, one reading
// the next, past maxRefDepth.
func TestHostileNesting(t *testing.T) {
	got := parseFile(t, New(), filepath.Join("testdata", "hostile_deep", "main.tf"))
	want := []string{"error 2:1006 expression nested deeper than 1000 levels; the file is skipped, split or simplify the expression"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hostile_deep (-want +got):\n%s", diff)
	}

	// local.a000 reaches local.a512 at depth 512: that one is read as a
	// placeholder, and the chain above it is built around it.
	got = parseFile(t, New(), filepath.Join("testdata", "hostile_chain", "main.tf"))
	name := "${local.a512}" + strings.Repeat("x", 512)
	want = []string{
		"diag 514:10 chain of references deeper than 512; local.a512 is left unresolved where the chain reads it",
		"node Identity arn:aws:iam:::user/" + name + " @604 name=" + name + " provider=aws tf_address=aws_iam_user.chain type=user unresolved=local.a512",
		"records 1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hostile_chain (-want +got):\n%s", diff)
	}
}

// TestDeepExpressionsRejected checks that nesting the parser would follow
// by recursion is bounded where brackets do not show it: inside strings
// and templates, and in chains of unary operators, conditionals and
// template directives. Deep enough, each would overflow the stack and end
// the whole run.
func TestDeepExpressionsRejected(t *testing.T) {
	const n = maxNesting + 1
	deep := map[string]string{
		"interpolation": `"${` + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + `}"`,
		"bangs":         strings.Repeat("!", n) + "true",
		"minuses":       strings.Repeat("-", n) + "1",
		"conditionals":  strings.Repeat("true ? 1 : ", n) + "1",
		"directives":    `"` + strings.Repeat("%{ if true }", n) + "x" + strings.Repeat("%{ endif }", n) + `"`,
		"parenthesized": "(" + strings.Repeat("!\n", n) + "true)",
	}
	for name, expr := range deep {
		t.Run(name, func(t *testing.T) {
			for file, src := range map[string]string{
				"main.tf":      "locals {\n  x = " + expr + "\n}\n",
				"main.tf.json": `{"locals": {"x": ` + jsonQuote(t, "${"+expr+"}") + "}}",
			} {
				dir := writeModule(t, map[string]string{file: src})
				_, rejected := parseDir(t, dir)
				if len(rejected) != 1 {
					t.Fatalf("%s: rejected %v, want one rejection", file, rejected)
				}
				if !strings.Contains(rejected[0].Msg, "nested deeper than 1000 levels") {
					t.Errorf("%s: rejected for %q, want the nesting", file, rejected[0].Msg)
				}
				if file == "main.tf" && rejected[0].Pos.Line < 2 {
					t.Errorf("%s: rejected at line %d, want the expression's line or later", file, rejected[0].Pos.Line)
				}
			}
		})
	}
}

// TestLongFlatExpressionsRead checks that many operators that do not nest
// are not taken for deep nesting.
func TestLongFlatExpressionsRead(t *testing.T) {
	var body strings.Builder
	body.WriteString("locals {\n")
	for i := range 2 * maxNesting {
		fmt.Fprintf(&body, "  x%d = !true ? -1 : -2\n", i)
	}
	body.WriteString("  list = [" + strings.Repeat("-1, ", 2*maxNesting) + "]\n")
	body.WriteString("  sum = 1" + strings.Repeat(" - 1", 2*maxNesting) + "\n")
	body.WriteString("}\n")
	dir := writeModule(t, map[string]string{"main.tf": body.String()})
	if _, rejected := parseDir(t, dir); len(rejected) != 0 {
		t.Errorf("rejected %v, want none", rejected)
	}
}

func jsonQuote(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBudgetCountedOnce checks that for expressions count against the
// limit once, though a module without a known account is evaluated a
// first time to find it. Here they iterate over 200 + 200*200 = 40200
// elements, below the limit of 65536, and twice that is above it.
func TestBudgetCountedOnce(t *testing.T) {
	const src = `
locals {
  names = flatten([for i in range(200) : [for j in range(200) : "u${i}-${j}"]])
}

resource "aws_iam_user" "count" {
  name = "users-${length(local.names)}"
}
`
	var ids []string
	for _, n := range parseSource(t, src).Nodes {
		ids = append(ids, n.ID)
	}
	if diff := cmp.Diff([]string{"arn:aws:iam:::user/users-40000"}, ids); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}
