package terraform

import (
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// applyOverrides merges the top-level blocks of an override file into the
// declarations of the module's other files, as Terraform does once it has
// read those files. Each override block must match a block declared
// outside override files, by type and labels (by local name and alias for
// a provider). One that matches none is skipped with a warning, because
// Terraform rejects it. A merged block keeps the position of the block it
// merges into, so its facts stay in that block's file and line. The
// arguments that the override file sets keep their positions in it, where
// warnings about them point.
func (m *module) applyOverrides(f *srcFile) {
	for _, sb := range f.body.Blocks {
		switch sb.Type {
		case "resource", "data":
			m.overrideBlock(sb)
		case "variable":
			m.overrideVariable(sb)
		case "locals":
			for _, a := range sortedAttrs(sb.Body) {
				l := m.locals[a.Name]
				if l == nil {
					m.warnf(a.NameRange, "no declaration of local.%s outside override files; override entry skipped", a.Name)
					continue
				}
				l.attr, l.file = a, f
			}
		case "output":
			m.overrideOutput(sb)
		case "module":
			m.overrideCall(sb)
		case "provider":
			m.overrideProvider(sb)
		case "import", "moved":
			m.warnf(sb.DefRange(), "Terraform rejects %s blocks in override files; block skipped", sb.Type)
		}
	}
}

// overrideBlock merges a resource or data block of an override file into
// the block of the same address.
func (m *module) overrideBlock(sb *hclsyntax.Block) {
	if len(sb.Labels) != 2 {
		m.warnf(sb.DefRange(), "%s block needs a type and a name label; block skipped", sb.Type)
		return
	}
	addr := m.prefix + sb.Labels[0] + "." + sb.Labels[1]
	if sb.Type == "data" {
		addr = m.prefix + "data." + sb.Labels[0] + "." + sb.Labels[1]
	}
	b := m.blocks[addr]
	if b == nil {
		m.warnf(sb.DefRange(), "no declaration of %s outside override files; override block skipped", addr)
		return
	}
	over := sb.Body
	if a := over.Attributes["depends_on"]; a != nil {
		m.warnf(a.NameRange, "Terraform rejects depends_on in an override block; argument skipped")
		over = withoutAttr(over, "depends_on")
	}
	b.syn = mergedBlock(b.syn, mergeBody(b.syn.Body, over, mergeResource))
}

// overrideVariable merges a variable block of an override file into the
// declaration of the variable. The block before the merge is kept among
// the variable's other blocks, so that sensitive = true set in any of
// them still hides the value.
func (m *module) overrideVariable(sb *hclsyntax.Block) {
	if len(sb.Labels) != 1 {
		m.warnf(sb.DefRange(), "variable block needs a name label; block skipped")
		return
	}
	v := m.vars[sb.Labels[0]]
	if v == nil {
		m.warnf(sb.DefRange(), "no declaration of var.%s outside override files; override block skipped", sb.Labels[0])
		return
	}
	v.others = append(v.others, v.syn)
	v.syn = mergedBlock(v.syn, mergeBody(v.syn.Body, sb.Body, mergeArguments))
}

// overrideOutput replaces the value of an output declared in the other
// files when the override block sets one. An output stays sensitive when
// any of its blocks marks it so.
func (m *module) overrideOutput(sb *hclsyntax.Block) {
	if len(sb.Labels) != 1 {
		return
	}
	name := sb.Labels[0]
	if !m.declaredOutput(name) {
		m.warnf(sb.DefRange(), "no declaration of output.%s outside override files; override block skipped", name)
		return
	}
	if a := sb.Body.Attributes["value"]; a != nil {
		m.outputs[name] = a
	}
	if sensitiveBlock(sb) {
		m.sensitiveOutputs[name] = true
	}
}

// declaredOutput reports whether a file other than an override file
// declares the output.
func (m *module) declaredOutput(name string) bool {
	for _, f := range m.files {
		if f.body == nil || f.vars || isOverride(f.name) {
			continue
		}
		for _, sb := range f.body.Blocks {
			if sb.Type == "output" && len(sb.Labels) == 1 && sb.Labels[0] == name {
				return true
			}
		}
	}
	return false
}

// overrideCall merges a module block of an override file into the module
// block of the same name. Its source may change too, as Terraform allows.
func (m *module) overrideCall(sb *hclsyntax.Block) {
	if len(sb.Labels) != 1 {
		return
	}
	c := m.calls[sb.Labels[0]]
	if c == nil {
		m.warnf(sb.DefRange(), "no declaration of module.%s outside override files; override block skipped", sb.Labels[0])
		return
	}
	c.syn = mergedBlock(c.syn, mergeBody(c.syn.Body, sb.Body, mergeBlocks))
}

// overrideProvider merges a provider block of an override file into the
// configuration with the same local name and alias. An unaliased one
// without a configuration to merge into becomes the default
// configuration, because Terraform reads an absent one as empty. An
// aliased one must match a configuration of the other files.
func (m *module) overrideProvider(sb *hclsyntax.Block) {
	if len(sb.Labels) != 1 {
		return
	}
	name := sb.Labels[0]
	alias := ""
	if a := sb.Body.Attributes["alias"]; a != nil {
		v, diags := a.Expr.Value(nil)
		s, ok := str(v)
		if diags.HasErrors() || !ok {
			m.warnf(a.Expr.Range(), "alias of an override provider block is not a known string; block skipped")
			return
		}
		alias = s
	}
	base := m.providerConfig(name, alias)
	if base == nil {
		if alias != "" {
			m.warnf(sb.DefRange(), "no declaration of provider %s.%s outside override files; override block skipped", name, alias)
			return
		}
		m.providers[name] = append(m.providers[name], sb)
		return
	}
	merged := mergedBlock(base, mergeBody(base.Body, sb.Body, mergeBlocks))
	for i, p := range m.providers[name] {
		if p == base {
			m.providers[name][i] = merged
		}
	}
}

// mergeMode selects how mergeBody treats nested blocks.
type mergeMode int

const (
	// mergeArguments merges arguments only: the nested blocks of the
	// original stay and those of the override are left out, as for
	// variable blocks, whose validation blocks Terraform does not merge.
	mergeArguments mergeMode = iota
	// mergeBlocks replaces every nested block of a type that the
	// override has with the override's blocks of that type. A dynamic
	// block counts as a block of the type its label names.
	mergeBlocks
	// mergeResource is mergeBlocks, except that the arguments of a
	// lifecycle block merge one by one into the original's.
	mergeResource
)

// mergeBody returns base with the arguments of over replacing those of
// the same name, and nested blocks merged as mode selects. Neither body
// changes. The nested blocks' contents are not merged, apart from
// lifecycle.
func mergeBody(base, over *hclsyntax.Body, mode mergeMode) *hclsyntax.Body {
	out := *base
	out.Attributes = make(hclsyntax.Attributes, len(base.Attributes)+len(over.Attributes))
	for k, a := range base.Attributes {
		out.Attributes[k] = a
	}
	for k, a := range over.Attributes {
		out.Attributes[k] = a
	}

	if mode == mergeArguments {
		return &out
	}
	replaced := map[string]bool{}
	for _, nb := range over.Blocks {
		replaced[blockKind(nb)] = true
	}
	if mode == mergeResource {
		delete(replaced, "lifecycle")
	}

	out.Blocks = nil
	var lifecycle *hclsyntax.Block
	for _, nb := range base.Blocks {
		if mode == mergeResource && nb.Type == "lifecycle" && lifecycle == nil {
			lifecycle = nb
		}
		if !replaced[blockKind(nb)] {
			out.Blocks = append(out.Blocks, nb)
		}
	}

	for _, nb := range over.Blocks {
		if mode != mergeResource || nb.Type != "lifecycle" {
			out.Blocks = append(out.Blocks, nb)
			continue
		}
		if lifecycle == nil {
			lifecycle = nb
			out.Blocks = append(out.Blocks, nb)
			continue
		}
		merged := mergedBlock(lifecycle, mergeBody(lifecycle.Body, nb.Body, mergeArguments))
		for i, ob := range out.Blocks {
			if ob == lifecycle {
				out.Blocks[i] = merged
			}
		}
		lifecycle = merged
	}
	return &out
}

// blockKind is the type of a nested block, or the type a dynamic block
// generates.
func blockKind(nb *hclsyntax.Block) string {
	if nb.Type == "dynamic" && len(nb.Labels) == 1 {
		return nb.Labels[0]
	}
	return nb.Type
}

// mergedBlock returns a copy of b, at b's position, with body as its body.
func mergedBlock(b *hclsyntax.Block, body *hclsyntax.Body) *hclsyntax.Block {
	c := *b
	c.Body = body
	return &c
}

// withoutAttr returns a copy of body without the argument name.
func withoutAttr(body *hclsyntax.Body, name string) *hclsyntax.Body {
	out := *body
	out.Attributes = make(hclsyntax.Attributes, len(body.Attributes))
	for k, a := range body.Attributes {
		if k != name {
			out.Attributes[k] = a
		}
	}
	return &out
}
