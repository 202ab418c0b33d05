package dockerfile

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// buildInputAttrs returns the build inputs that the RUN instructions of
// the used stages can read, and the project code they run. These are the
// ARGs the stages declare (graph.AttrRunArgs), the ids of the mounted
// BuildKit secrets (graph.AttrSecretMounts), and the ecosystems whose code
// a RUN runs (graph.AttrBuildRunsCode and the others). An ARG before the
// first FROM is left out, because a RUN reads it only when its stage
// declares it again.
func (d *document) buildInputAttrs(used []*stage, ins []install) map[string]string {
	var args, mounts []string
	for _, s := range used {
		for _, n := range s.body {
			switch strings.ToLower(n.Value) {
			case "arg":
				for _, w := range words(n) {
					if name, _, _ := strings.Cut(w, "="); name != "" {
						args = append(args, name)
					}
				}
			case "run":
				for _, fl := range n.Flags {
					if id := secretMountID(fl); id != "" {
						mounts = append(mounts, id)
					}
				}
			}
		}
	}
	var effs []pkgcmd.Effect
	for _, in := range ins {
		effs = append(effs, in.eff)
	}
	runs := pkgcmd.Attrs(effs)
	return map[string]string{
		graph.AttrRunArgs:            graph.JoinList(args),
		graph.AttrSecretMounts:       graph.JoinList(mounts),
		graph.AttrBuildRunsCode:      runs[pkgcmd.AttrRuns],
		graph.AttrBuildRunsCodeVia:   runs[pkgcmd.AttrRunsVia],
		graph.AttrBuildMayRunCode:    runs[pkgcmd.AttrMayRun],
		graph.AttrBuildMayRunCodeVia: runs[pkgcmd.AttrMayRunVia],
	}
}

// secretMountID returns the id of the secret that a RUN flag
// --mount=type=secret,... mounts, or "". BuildKit takes the base name of
// the target as the id when the flag names none.
func secretMountID(flag string) string {
	spec, ok := strings.CutPrefix(flag, "--mount=")
	if !ok {
		return ""
	}
	var typ, id, target string
	for _, field := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(field), "=")
		switch strings.ToLower(k) {
		case "type":
			typ = v
		case "id":
			id = v
		case "target", "dst", "destination":
			target = v
		}
	}
	if typ != "secret" {
		return ""
	}
	if id == "" && target != "" {
		id = path.Base(target)
	}
	return id
}
