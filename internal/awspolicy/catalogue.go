package awspolicy

import (
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./gen -iam-data 0.21.202609261 -managed 0.0.656 -policies gen/managed.txt

// Level is the access level AWS documents for an action.
type Level int

const (
	// LevelUnknown: the action is not in the catalogue.
	LevelUnknown Level = iota
	// LevelList lists resources or reads account metadata; it reaches no
	// resource's content.
	LevelList
	// LevelRead reads a resource's content.
	LevelRead
	// LevelTagging changes tags only.
	LevelTagging
	// LevelWrite changes a resource.
	LevelWrite
	// LevelPermissions changes who may do what (policies, grants, ACLs).
	LevelPermissions
)

func (l Level) String() string {
	return [...]string{"unknown", "list", "read", "tagging", "write", "permissions management"}[l]
}

var levelOf = map[byte]Level{'L': LevelList, 'R': LevelRead, 'T': LevelTagging, 'W': LevelWrite, 'P': LevelPermissions}

// Action is one IAM action of the catalogue.
type Action struct {
	// Name is "service:Action" with the case AWS documents.
	Name  string
	Level Level
	// Resources are ARN patterns of the resource types the action acts
	// on ("arn:*:s3:::*/*" for objects). An action with none acts only on
	// "*": it lists or creates rather than touching one resource.
	Resources []string
}

type service struct {
	actions []Action
	byName  map[string]int // lower-case action name -> index
}

var (
	catalogueOnce sync.Once
	catalogue     map[string]*service
)

func loadCatalogue() {
	catalogue = make(map[string]*service, len(catalogueData))
	for prefix, data := range catalogueData {
		svc := &service{byName: map[string]int{}}
		var types []string
		for _, line := range strings.Split(data, "\n") {
			if line == "" {
				continue
			}
			if rest, ok := strings.CutPrefix(line, "@"); ok {
				_, arn, _ := strings.Cut(rest, " ")
				types = append(types, arn)
				continue
			}
			f := strings.Split(line, " ")
			if len(f) < 2 || len(f[1]) != 1 {
				continue
			}
			a := Action{Name: prefix + ":" + f[0], Level: levelOf[f[1][0]]}
			if len(f) > 2 && f[2] != "" {
				for _, s := range strings.Split(f[2], ",") {
					if i, err := strconv.Atoi(s); err == nil && i < len(types) {
						a.Resources = append(a.Resources, types[i])
					}
				}
			}
			svc.byName[strings.ToLower(f[0])] = len(svc.actions)
			svc.actions = append(svc.actions, a)
		}
		catalogue[prefix] = svc
	}
}

// CatalogueSource names the data the catalogue and the managed policy
// documents come from, with versions and dates.
func CatalogueSource() string { return catalogueVersion + "; " + managedVersion }

// LookupAction returns the catalogue entry of an action ("s3:GetObject",
// in any case).
func LookupAction(name string) (Action, bool) {
	catalogueOnce.Do(loadCatalogue)
	prefix, act, ok := strings.Cut(name, ":")
	if !ok {
		return Action{}, false
	}
	svc := catalogue[strings.ToLower(prefix)]
	if svc == nil {
		return Action{}, false
	}
	i, ok := svc.byName[strings.ToLower(act)]
	if !ok {
		return Action{}, false
	}
	return svc.actions[i], true
}

// Services returns every service prefix of the catalogue, sorted.
func Services() []string {
	catalogueOnce.Do(loadCatalogue)
	out := make([]string, 0, len(catalogue))
	for p := range catalogue {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Expand lists the catalogue actions an action pattern such as "s3:Get*"
// or "*" stands for, sorted by name. A pattern naming no known action
// expands to nothing.
func Expand(pat string) []Action {
	catalogueOnce.Do(loadCatalogue)
	prefix, _, ok := strings.Cut(pat, ":")
	if !ok {
		if pat != "*" {
			return nil
		}
		prefix = "*"
	}
	var out []Action
	for p, svc := range catalogue {
		if prefix != "*" && !MatchAction(prefix, p) {
			continue
		}
		for _, a := range svc.actions {
			if MatchAction(pat, a.Name) {
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ServiceActions returns the catalogue actions of one service prefix.
func ServiceActions(prefix string) []Action {
	catalogueOnce.Do(loadCatalogue)
	svc := catalogue[strings.ToLower(prefix)]
	if svc == nil {
		return nil
	}
	return append([]Action(nil), svc.actions...)
}

// StatementActions lists the catalogue actions of a service that a
// statement's Action or NotAction element covers.
func (s *Statement) StatementActions(prefix string) []Action {
	var out []Action
	for _, a := range ServiceActions(prefix) {
		if s.MatchesAction(a.Name) {
			out = append(out, a)
		}
	}
	return out
}

// AppliesTo reports whether the action acts on a resource of the given
// ARN: one of its resource types' patterns matches. Actions without
// resource types act on no particular resource.
func (a Action) AppliesTo(arn string) bool {
	for _, p := range a.Resources {
		if MatchARN(p, arn) {
			return true
		}
	}
	return false
}

// ActionLevel returns the access level of an action, LevelUnknown when
// the catalogue does not list it.
func ActionLevel(name string) Level {
	a, ok := LookupAction(name)
	if !ok {
		return LevelUnknown
	}
	return a.Level
}
