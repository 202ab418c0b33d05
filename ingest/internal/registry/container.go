package registry

import (
	"path"
	"strings"
)

// toolImages maps the images whose entrypoint is a registry copy tool to
// the tool's name, as Writes reads it. The sources are the skopeo image
// README (containers/image_build), Red Hat's "Running Skopeo in a
// container using authfiles", crane's README ("Images") and Kaniko's
// README, which documents running the executor as its image.
var toolImages = map[string]string{
	"quay.io/skopeo/stable":             "skopeo",
	"quay.io/skopeo/testing":            "skopeo",
	"quay.io/skopeo/upstream":           "skopeo",
	"quay.io/containers/skopeo":         "skopeo",
	"registry.redhat.io/rhel8/skopeo":   "skopeo",
	"registry.redhat.io/rhel9/skopeo":   "skopeo",
	"gcr.io/go-containerregistry/crane": "crane",
	"gcr.io/kaniko-project/executor":    "executor",
}

// authFileNames are the names of the files, and of the directory, that
// hold the registry credentials of Docker (config.json in .docker) and of
// the containers tools (auth.json).
var authFileNames = map[string]bool{"config.json": true, "auth.json": true, ".docker": true}

// RunTool reads a docker or podman run command (or container run) whose
// image runs a registry copy tool (toolImages). It returns the tool's
// command line with the tool's name first, and reports whether a volume
// or bind mount puts a registry auth file, or a .docker directory, into
// the container, which gives the tool the logins written there. It
// reports false for other commands and for a run whose --entrypoint is
// another program.
func RunTool(words []string) (cmd []string, mountsAuth, ok bool) {
	if len(words) < 3 || words[0] != "docker" && words[0] != "podman" {
		return nil, false, false
	}
	args := words[1:]
	if args[0] == "container" {
		args = args[1:]
	}
	if len(args) == 0 || args[0] != "run" {
		return nil, false, false
	}
	args = args[1:]
	entrypoint := ""
	for i, a := range args {
		// The values of docker's and podman's run options are not
		// listed, so the image is the first word that names a tool's
		// image: no option value does.
		if r, isImage := parseImage(a); isImage && toolImages[r.Name()] != "" {
			tool := toolImages[r.Name()]
			if entrypoint != "" && path.Base(entrypoint) != tool {
				return nil, false, false
			}
			rest := args[i+1:]
			if len(rest) > 0 && path.Base(rest[0]) == tool {
				// The tool named again, as for an image without an
				// entrypoint: skopeo copy ...
				rest = rest[1:]
			}
			return append([]string{tool}, rest...), mountsAuth, true
		}
		name, value, hasValue := strings.Cut(a, "=")
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		switch {
		case name == "-v" || name == "--volume":
			mountsAuth = mountsAuth || mountsAuthFile(strings.Split(value, ":"))
		case strings.HasPrefix(a, "-v") && !strings.HasPrefix(a, "--"):
			mountsAuth = mountsAuth || mountsAuthFile(strings.Split(a[2:], ":"))
		case name == "--mount":
			// A comma-separated list of key=value fields, whose source
			// and target are paths.
			var paths []string
			for _, field := range strings.Split(value, ",") {
				k, v, _ := strings.Cut(field, "=")
				switch k {
				case "source", "src", "target", "destination", "dst":
					paths = append(paths, v)
				}
			}
			mountsAuth = mountsAuth || mountsAuthFile(paths)
		case name == "--entrypoint":
			entrypoint = value
		}
	}
	return nil, false, false
}

// mountsAuthFile reports whether one of the paths of a mount is a registry
// auth file or a .docker directory.
func mountsAuthFile(paths []string) bool {
	for _, p := range paths {
		if authFileNames[path.Base(strings.TrimSuffix(p, "/"))] {
			return true
		}
	}
	return false
}
