package link

import (
	"fmt"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// linkCaches joins GitHub Actions jobs through the Actions cache: a job
// that saves a cache entry can change what a job restoring the same key
// runs or reads. GitHub scopes entries to the ref of the run that saved
// them, and a run restores from its own ref and from the default branch.
// A job that may run on the default branch (any event but pull_request
// and release) saves into a scope that every job of the repository reads.
// pull_request runs save into their merge ref, which only runs of the
// same pull request read. The edge is possible: whether the key is free
// when the saving job runs is not in the input.
func (v *view) linkCaches() {
	byRepo := map[string][]graph.Node{}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") == "gha-job" && (rt.Attr("cache_saves") != "" || rt.Attr("cache_restores") != "") {
			repo := graph.GHARepoOf(rt)
			byRepo[repo] = append(byRepo[repo], rt)
		}
	}
	for _, jobs := range byRepo {
		for _, from := range jobs {
			onDefault, onPR := cacheScopes(from)
			for _, to := range jobs {
				if to.ID == from.ID {
					continue
				}
				shared := onDefault
				if !shared && onPR {
					shared = contains(graph.SplitList(to.Attr("triggers")), "pull_request")
				}
				if !shared {
					continue
				}
				if key, ok := sharedCacheKey(from, to); ok {
					v.addEdge(cacheEdge(from, to, key, onDefault))
				}
			}
		}
	}
}

// cacheScopes reports whether a job may save into the default branch's
// cache scope, and whether into a pull request's.
func cacheScopes(rt graph.Node) (onDefault, onPR bool) {
	for _, ev := range graph.SplitList(rt.Attr("triggers")) {
		switch ev {
		case "pull_request":
			onPR = true
		case "release", "create", "delete":
			// Runs on a tag or the created ref, a scope of its own.
		default:
			onDefault = true
		}
	}
	return onDefault, onPR
}

// sharedCacheKey finds a key template one job saves that the other
// restores.
func sharedCacheKey(from, to graph.Node) (string, bool) {
	for _, s := range graph.SplitList(from.Attr("cache_saves")) {
		for _, r := range graph.SplitList(to.Attr("cache_restores")) {
			if awspolicy.Glob(r, s) || awspolicy.Glob(s, r) {
				return s, true
			}
		}
	}
	return "", false
}

func cacheEdge(from, to graph.Node, key string, onDefault bool) graph.Edge {
	scope := "the pull request's merge ref, which runs of the same pull request restore from"
	if onDefault {
		scope = "the default branch's scope, which every run of the repository restores from"
	}
	e := graph.Edge{From: from.ID, To: to.ID, Kind: graph.EdgeCanModify, Confidence: graph.Possible, Pos: from.Pos}
	e.SetAttr("cache_key", key)
	e.SetAttr(graph.AttrVia, "cache")
	e.SetAttr(graph.AttrReason, fmt.Sprintf("%s saves an Actions cache entry under key %s into %s; %s restores that key, so what the first job puts there runs or is read in the second",
		from.Label, key, scope, to.Label))
	return e
}
