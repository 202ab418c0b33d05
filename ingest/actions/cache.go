package actions

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// cacheUse lists the Actions cache keys a step saves and restores, as
// templates. Each ${{ }} expression becomes *, and a restore-keys entry,
// which matches by prefix, ends in *.
type cacheUse struct {
	Saves, Restores []string
}

// setupCaches are the setup actions whose cache input turns on a cache of
// the package manager's downloads, saved after the job and restored
// before it.
var setupCaches = map[string]bool{
	"actions/setup-node": true, "actions/setup-python": true, "actions/setup-java": true,
	"actions/setup-go": true, "actions/setup-dotnet": true, "ruby/setup-ruby": true,
}

// stepCache reads the cache use of a step that runs action name (owner/repo)
// at subpath, with inputs read by with.
func stepCache(name, subpath string, with func(key string) string) cacheUse {
	var c cacheUse
	switch {
	case name == "actions/cache":
		key := cacheTemplate(with("key"))
		if key == "" {
			return c
		}
		if subpath != "restore" {
			c.Saves = append(c.Saves, key)
		}
		if subpath != "save" {
			c.Restores = append(c.Restores, key)
			for _, line := range strings.Split(with("restore-keys"), "\n") {
				if p := cacheTemplate(line); p != "" {
					c.Restores = append(c.Restores, strings.TrimSuffix(p, "*")+"*")
				}
			}
		}
	case setupCaches[name]:
		manager := with("cache")
		if name == "ruby/setup-ruby" && with("bundler-cache") == "true" {
			manager = "bundler"
		}
		if name == "actions/setup-go" && manager == "" {
			// setup-go caches module downloads by default since v4.
			manager = "go"
		}
		if manager == "" || manager == "false" {
			return c
		}
		key := cacheTemplate(strings.TrimPrefix(name, "actions/") + "-" + manager)
		c.Saves = append(c.Saves, key)
		c.Restores = append(c.Restores, key)
	}
	return c
}

// cacheTemplate renders a cache key with every ${{ }} expression as *.
// Commas become ; so that the template fits a list attribute.
func cacheTemplate(key string) string {
	var b strings.Builder
	key = strings.TrimSpace(key)
	for key != "" {
		i := strings.Index(key, "${{")
		if i < 0 {
			b.WriteString(key)
			break
		}
		b.WriteString(key[:i])
		b.WriteByte('*')
		j := strings.Index(key[i:], "}}")
		if j < 0 {
			break
		}
		key = key[i+j+2:]
	}
	return strings.ReplaceAll(b.String(), ",", ";")
}

// cacheAttrs renders a job's cache uses as its cache_saves and
// cache_restores attributes.
func cacheAttrs(uses []cacheUse) (saves, restores string) {
	var s, r []string
	for _, c := range uses {
		s = append(s, c.Saves...)
		r = append(r, c.Restores...)
	}
	return graph.JoinList(s), graph.JoinList(r)
}
