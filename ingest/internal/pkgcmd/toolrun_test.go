package pkgcmd

import (
	"maps"
	"testing"
)

func TestMergeRequests(t *testing.T) {
	floating := func(requested string) map[string]string {
		a := map[string]string{"via": ViaToolRun, "pinned": PinnedFloating}
		if requested != "" {
			a[AttrRequested] = requested
		}
		return a
	}
	computed := map[string]string{"via": ViaToolRun, "pinned": PinnedComputed}
	tests := []struct {
		name         string
		pkg          string
		first, later map[string]string
		want         map[string]string
	}{
		{"same request", "pkg:npm/foo", floating("^1"), floating("^1"), floating("^1")},
		{"npm ranges joined", "pkg:npm/foo", floating("^1"), floating("^2"), floating("^1 || ^2")},
		{"later without request", "pkg:npm/foo", floating("^1"), floating(""), floating("")},
		{"first without request", "pkg:npm/foo", floating(""), floating("^1"), floating("")},
		{"pypi requests differ", "pkg:pypi/ruff", floating("latest"), floating("<1"), floating("")},
		{"later computed", "pkg:npm/foo", floating("^1"), computed, map[string]string{"via": ViaToolRun, "pinned": PinnedComputed}},
	}
	for _, tt := range tests {
		before := maps.Clone(tt.first)
		got := MergeRequests(tt.pkg, tt.first, tt.later)
		if !maps.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		if !maps.Equal(tt.first, before) {
			t.Errorf("%s: first changed to %v", tt.name, tt.first)
		}
	}
}
