package gcpiam

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// containerDeclarationKey is the metadata key whose value Container-Optimized
// OS reads to start a container when the instance boots.
const containerDeclarationKey = "gce-container-declaration"

// cloudPlatformScope is the access scope that lets a token call every
// Google Cloud API. Its short name is "cloud-platform".
const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

// computeInstance adds the Runtime of a Compute Engine instance, the
// container it declares and the credentials of its service account.
func (t *tfBlock) computeInstance() {
	name, ok := t.require("name")
	if !ok {
		return
	}
	zone := tfStr(t.Attrs, "zone")
	if zone == "" {
		zone = t.Zone
	}
	if zone == "" {
		t.skipf("zone is missing and the provider sets no zone; block skipped")
		return
	}
	rt := graph.GCPComputeInstanceID(t.project(), zone, name)
	// The boot disk is made from initialize_params.image, or is an
	// existing disk (source) whose image the block does not show.
	bootImage := tfStr(tfBlockAttr(tfBlockAttr(t.Attrs, "boot_disk"), "initialize_params"), "image")
	if _, own := t.Attrs["boot_disk"]; !own && t.Type == "google_compute_instance_from_template" {
		bootImage = templateBootImage(t.Template)
	}
	t.computeRuntime(rt, "gce-instance", "Compute Engine instance "+name, map[string]string{"zone": zone, graph.AttrName: name}, bootImage)
}

// instanceFromTemplate adds the Runtime of an instance made from an
// instance template. The instance runs what the template declares, except
// that its own metadata, service_account and boot_disk replace the
// template's. A template that the input does not declare gives a warning,
// and the instance is read from its own arguments alone.
func (t *tfBlock) instanceFromTemplate() {
	if t.Template == nil {
		t.warnf("source_instance_template names no instance template of the input; what the template declares is left out")
		t.computeInstance()
		return
	}
	attrs := make(map[string]any, len(t.Attrs)+2)
	for k, v := range t.Attrs {
		attrs[k] = v
	}
	for _, k := range []string{"metadata", "service_account"} {
		if _, own := attrs[k]; !own {
			if v, ok := t.Template[k]; ok {
				attrs[k] = v
			}
		}
	}
	t.Attrs = attrs
	t.computeInstance()
}

// instanceTemplate adds the Runtime of a Compute Engine instance template,
// global or regional, which the instances made from it run as. A template
// named by name_prefix gets the prefix as its name. Without either, the
// provider generates a unique name, so the template is named by its
// Terraform address and a digest of what its instances run and run as
// (generatedName).
func (t *tfBlock) instanceTemplate() {
	name := firstStr(t.Attrs, "name", "name_prefix")
	label := "Compute Engine instance template " + name
	attrs := map[string]string{graph.AttrName: name}
	if name == "" {
		name = t.generatedName()
		label = "Compute Engine instance template " + t.Address + " (generated name)"
		attrs = map[string]string{}
	}
	region := ""
	if t.Type == "google_compute_region_instance_template" {
		region = tfStr(t.Attrs, "region")
		if region == "" {
			region = t.Region
		}
		if region == "" {
			t.skipf("region is missing and the provider sets no region; block skipped")
			return
		}
	}
	rt := graph.GCPInstanceTemplateID(t.project(), region, name)
	attrs["region"] = region
	attrs["instance_groups"] = graph.JoinList(t.Groups)
	t.computeRuntime(rt, "gce-instance-template", label, attrs, templateBootImage(t.Attrs))
}

// generatedName returns the name that stands for a template's generated
// one: its Terraform address and a digest of the images it declares, its
// boot disks, service account and scopes. Unnamed templates at one address
// in several folders then stay apart, and share a node only when they run
// the same images as the same account, which gives the same paths. The
// digest covers no environment variable, which may hold a credential.
func (t *tfBlock) generatedName() string {
	h := sha256.New()
	decl, _ := tfMap(t.Attrs, "metadata")[containerDeclarationKey].(string)
	containers, _ := readDeclaration(decl)
	var images []string
	for _, c := range containers {
		images = append(images, c.Image)
	}
	sa := tfBlockAttr(t.Attrs, "service_account")
	var disks []string
	for _, d := range tfBlocks(t.Attrs, "disk") {
		disks = append(disks, tfStr(d, "source_image"))
	}
	for _, part := range [][]string{images, disks, {tfStr(sa, "email")}, tfStrings(sa, "scopes")} {
		fmt.Fprintf(h, "%q\n", part)
	}
	return t.Address + "-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// tfTrue reports whether a boolean argument is true. Terraform converts
// the string "true" to a bool argument's true, so both count.
func tfTrue(attrs map[string]any, key string) bool {
	switch v := attrs[key].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

// templateBootImage returns the source_image of an instance template's
// boot disk: the disk block with boot = true, else the first.
func templateBootImage(attrs map[string]any) string {
	disks := tfBlocks(attrs, "disk")
	var boot map[string]any
	for _, d := range disks {
		if tfTrue(d, "boot") {
			boot = d
			break
		}
	}
	if boot == nil && len(disks) > 0 {
		boot = disks[0]
	}
	return tfStr(boot, "source_image")
}

// computeRuntime adds the Runtime rt of an instance or template, EXECUTES
// to the images that its container declaration names, and the metadata
// credentials of its service account when the block names it by email.
// A service_account block without email, or with email "default",
// attaches the Compute Engine default account, whose email holds the
// project number that the configuration does not show. Without the block
// the provider attaches no account. Either way no credentials are written.
func (t *tfBlock) computeRuntime(rt, kind, label string, attrs map[string]string, bootImage string) {
	sa := tfBlockAttr(t.Attrs, "service_account")
	email := tfStr(sa, "email")
	scopes := tfStrings(sa, "scopes")
	nodeAttrs := map[string]string{
		graph.AttrProvider: providerGCP,
		attrType:           kind,
		attrProject:        t.project(),
		"service_account":  email,
		"scopes":           graph.JoinList(scopes),
		"boot_image":       bootImage,
		attrTFAddress:      t.Address,
	}
	for k, v := range attrs {
		nodeAttrs[k] = v
	}
	t.b.node(graph.NodeRuntime, rt, label, t.Line, nodeAttrs)
	t.b.records++

	if decl, ok := tfMap(t.Attrs, "metadata")[containerDeclarationKey].(string); ok {
		conf, reason := graph.Certain, ""
		if !isContainerOptimizedOS(bootImage) {
			conf = graph.Possible
			reason = "only Container-Optimized OS starts the container of " + containerDeclarationKey +
				", and the input does not show that the boot image is Container-Optimized OS"
		}
		containers := t.declaredContainers(decl)
		for i, c := range containers {
			t.b.executesImageWith(rt, c.Image, t.Line, conf, reason, "")
			t.envLiterals(rt, label, containerKey(containers, i, c.Name), c.Env)
		}
	}
	t.startupScriptLiterals(rt, label)
	// The provider sends "default" for a block without email.
	if sa != nil && email != "" && email != "default" {
		_, declared := sa["scopes"]
		t.metadataCredentials(rt, label, email, scopeLimit("the instance's", declared, scopes))
	}
}

// startupScriptLiterals adds a Secret for each credential written as a
// literal into the instance's startup script (metadata_startup_script, or
// the startup-script metadata key). Any process on the instance can read
// its metadata from the metadata server, so the runtime EXPOSES each one
// via metadata.
func (t *tfBlock) startupScriptLiterals(rt, label string) {
	metadataScript, _ := tfMap(t.Attrs, "metadata")["startup-script"].(string)
	scripts := []struct{ key, text string }{
		{"metadata_startup_script", tfStr(t.Attrs, "metadata_startup_script")},
		{"startup-script", metadataScript},
	}
	for _, script := range scripts {
		if strings.TrimSpace(script.text) == "" || unresolved(script.text) {
			continue
		}
		// A finding is named by its line in the script, and by its
		// place on that line after the first.
		onLine := map[int]int{}
		for _, f := range literal.Scan(script.text) {
			name := literal.Key(script.key, f.Line, onLine[f.Line])
			onLine[f.Line]++
			t.literalSecret(rt, graph.GCPInlineSecretID(rt, "", name), f.Kind+" (literal in the startup script of "+label+")",
				"script-literal", f.Kind, f.Value, map[string]string{graph.AttrVia: "metadata", graph.AttrName: script.key})
			t.warnf("line %d of the startup script of %s holds a literal %s; store it in Secret Manager and rotate it", f.Line, label, f.Kind)
		}
	}
}

// unresolved reports whether a value is a single reference that the input
// does not resolve, as the Terraform reader leaves it.
func unresolved(value string) bool {
	text := strings.TrimSpace(value)
	return strings.HasPrefix(text, "${") && strings.HasSuffix(text, "}") && !strings.Contains(text, "\n")
}

// declaredContainer is a container of a gce-container-declaration.
type declaredContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Env   []envVar `yaml:"env"`
}

// declaredContainers returns the containers that a
// gce-container-declaration value names in spec.containers. A value that
// the input does not resolve or that is not such a YAML document gives a
// warning. The warning quotes no part of the value, because container
// environment variables may hold credentials.
func (t *tfBlock) declaredContainers(decl string) []declaredContainer {
	containers, warning := readDeclaration(decl)
	if warning != "" {
		t.warnf("metadata %s %s; the images it names are left out", containerDeclarationKey, warning)
	}
	return containers
}

// readDeclaration returns the containers that a gce-container-declaration
// value names, or why it names none that the input shows.
func readDeclaration(decl string) (containers []declaredContainer, warning string) {
	if unresolved(decl) {
		return nil, "is not known"
	}
	var doc struct {
		Spec struct {
			Containers []declaredContainer `yaml:"containers"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal([]byte(decl), &doc); err != nil {
		return nil, "is not a YAML container declaration"
	}
	return doc.Spec.Containers, ""
}

// isContainerOptimizedOS reports whether a boot image, as the provider
// takes it (a URL, projects/P/global/images/..., P/IMAGE or
// P/FAMILY), is one of the cos-cloud project. The provider looks up a
// name without a project (cos-stable, family/cos-stable, global/images/...)
// in the instance's own project, which may hold any image of that name.
func isContainerOptimizedOS(img string) bool {
	img = strings.ToLower(img)
	if img == "" || strings.Contains(img, "${") {
		return false
	}
	if i := strings.Index(img, "projects/"); i >= 0 {
		img = img[i+len("projects/"):]
	}
	project, _, _ := strings.Cut(img, "/")
	return project == "cos-cloud" && strings.Contains(img, "/")
}

// scopeLimit returns why a token that the metadata server issues with the
// access scopes of an instance or of GKE nodes may not reach what their
// service account reaches, or "" when the scopes include cloud-platform.
// holder names what has the scopes, as in "the instance's". declared is
// false when the input does not show the scopes.
func scopeLimit(holder string, declared bool, scopes []string) string {
	if !declared {
		return "the input does not show " + holder + " access scopes, which bound the APIs the metadata tokens can call"
	}
	open := false
	for _, s := range scopes {
		switch {
		case s == "cloud-platform" || s == cloudPlatformScope:
			return ""
		case strings.Contains(s, "${"):
			open = true
		}
	}
	if open {
		return "the input does not show all of " + holder + " access scopes, which bound the APIs the metadata tokens can call"
	}
	if len(scopes) == 0 {
		return holder + " access scopes are empty, so the metadata tokens may call no API"
	}
	return holder + " access scopes (" + strings.Join(scopes, ", ") +
		") leave out cloud-platform, so the metadata tokens call only the APIs those scopes cover"
}
