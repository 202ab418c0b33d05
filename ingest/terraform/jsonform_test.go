package terraform

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// TestTestdataInJSON writes every testdata module in Terraform's JSON
// syntax and checks that it gives the facts its HCL form gives. The
// writer uses no schema. It writes every nested block as an array of
// objects, as a tool that writes JSON from the provider's schema would,
// and each expression as an interpolation of its source text.
func TestTestdataInJSON(t *testing.T) {
	base := t.TempDir()
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, d := range dirs {
		name := d.Name()
		// Modules rejected on purpose, or written in JSON already.
		if !d.IsDir() || name == "fuzz" || name == "syntax" || strings.HasPrefix(name, "hostile") ||
			strings.HasPrefix(name, "json-") || strings.HasSuffix(name, "-json") {
			continue
		}
		orig := filepath.Join("testdata", name)
		// The copy keeps the module's assets, such as templates, and sits
		// at the same depth, so that paths relative to it still resolve.
		conv := filepath.Join(base, "testdata", name)
		if err := os.CopyFS(conv, os.DirFS(orig)); err != nil {
			t.Fatal(err)
		}
		files, err := os.ReadDir(orig)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.IsDir() || !(isConfig(f.Name()) || isVars(f.Name())) || isJSON(f.Name()) || strings.HasSuffix(f.Name(), ".gz") {
				continue
			}
			src, err := os.ReadFile(filepath.Join(orig, f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out, err := jsonForm(src, f.Name())
			if err != nil {
				t.Fatalf("%s/%s: %v", name, f.Name(), err)
			}
			if err := os.Remove(filepath.Join(conv, f.Name())); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(conv, f.Name()+".json"), out, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// A module call's facts name the called file by its path, which
		// starts with the copy's folder.
		converted := factLines(t, conv)
		for i := range converted {
			converted[i] = strings.ReplaceAll(converted[i], base+string(filepath.Separator), "")
		}
		if diff := cmp.Diff(factLines(t, orig), converted); diff != "" {
			t.Errorf("%s: facts (-hcl +json):\n%s", name, diff)
		}
		compared++
	}
	if compared < 20 {
		t.Errorf("compared %d modules, want the whole testdata", compared)
	}
}

// jsonForm writes a .tf or .tfvars file in Terraform's JSON syntax.
func jsonForm(src []byte, name string) ([]byte, error) {
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	w := &jsonWriter{src: src}
	body := file.Body.(*hclsyntax.Body)
	var out *jsonObject
	if isVars(name) {
		out = &jsonObject{}
		for _, a := range sortedAttrs(body) {
			out.set(a.Name, w.value(a.Expr))
		}
	} else {
		out = w.top(body)
	}
	return json.MarshalIndent(out, "", "  ")
}

// jsonObject is a JSON object that keeps the order of its properties.
type jsonObject struct {
	keys []string
	vals map[string]any
}

func (o *jsonObject) get(k string) any { return o.vals[k] }

func (o *jsonObject) set(k string, v any) {
	if o.vals == nil {
		o.vals = map[string]any{}
	}
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonWriter writes the blocks and expressions of one file.
type jsonWriter struct {
	src []byte
}

func (w *jsonWriter) text(e hclsyntax.Expression) string { return string(e.Range().SliceBytes(w.src)) }

// value writes the value of an expression that needs no context, as
// Terraform expects a variable's default and a .tfvars.json value.
func (w *jsonWriter) value(e hclsyntax.Expression) any {
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		return w.template(e)
	}
	b, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		return w.template(e)
	}
	return json.RawMessage(b)
}

// template writes an expression as a string that interpolates it. A
// heredoc needs its closing marker on a line of its own.
func (w *jsonWriter) template(e hclsyntax.Expression) string {
	src := w.text(e)
	if strings.HasPrefix(src, "<<") {
		return "${" + src + "\n}"
	}
	return "${" + src + "}"
}

// argument writes an argument of a block of type blockType.
func (w *jsonWriter) argument(blockType, name string, e hclsyntax.Expression) any {
	switch {
	case blockType == "variable" && (name == "default" || name == "description" || name == "sensitive" || name == "nullable"):
		return w.value(e)
	case blockType == "variable" && name == "type":
		return w.text(e)
	case blockType == "terraform",
		blockType == "module" && (name == "source" || name == "version"),
		blockType == "output" && (name == "description" || name == "sensitive"):
		return w.value(e)
	case name == "provider" || name == "iterator" || blockType == "import" && name == "to":
		return strings.Trim(w.text(e), `"`)
	case name == "depends_on" || name == "ignore_changes":
		tup, ok := e.(*hclsyntax.TupleConsExpr)
		if !ok {
			return w.text(e)
		}
		refs := []string{}
		for _, x := range tup.Exprs {
			refs = append(refs, w.text(x))
		}
		return refs
	}
	return w.template(e)
}

// body writes the body of a block of type blockType: arguments, then each
// nested block type as an array of objects, under its labels.
func (w *jsonWriter) body(blockType string, b *hclsyntax.Body) *jsonObject {
	o := &jsonObject{}
	for _, a := range sortedAttrs(b) {
		o.set(a.Name, w.argument(blockType, a.Name, a.Expr))
	}
	for _, nb := range b.Blocks {
		w.add(o, nb, true)
	}
	return o
}

// top writes the top-level blocks of a file. A resource, data source or
// variable is one object under its labels. Provider configurations are
// arrays, since one name may have several.
func (w *jsonWriter) top(b *hclsyntax.Body) *jsonObject {
	o := &jsonObject{}
	for _, nb := range b.Blocks {
		w.add(o, nb, nb.Type == "provider" || len(nb.Labels) == 0)
	}
	return o
}

// add writes block nb into o, as an array element when array is set.
func (w *jsonWriter) add(o *jsonObject, nb *hclsyntax.Block, array bool) {
	body := w.body(nb.Type, nb.Body)
	parent, key := o, nb.Type
	for _, l := range nb.Labels {
		next, ok := parent.get(key).(*jsonObject)
		if !ok {
			next = &jsonObject{}
			parent.set(key, next)
		}
		parent, key = next, l
	}
	if !array {
		parent.set(key, body)
		return
	}
	list, _ := parent.get(key).([]any)
	parent.set(key, append(list, body))
}
