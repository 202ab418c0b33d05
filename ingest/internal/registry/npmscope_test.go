package registry

import "testing"

func TestTokenScopeCompare(t *testing.T) {
	npmjs := TokenScope{Key: "//registry.npmjs.org/"}
	github := TokenScope{Key: "//npm.pkg.github.com/"}
	unknown := TokenScope{Unknown: true}
	none := TokenScope{}
	for _, tc := range []struct {
		a, b TokenScope
		want int
	}{
		{npmjs, npmjs, 0},
		{github, npmjs, -1},
		{npmjs, github, 1},
		{none, unknown, -1},
		{unknown, none, 1},
		{none, npmjs, -1},
	} {
		if got := tc.a.Compare(tc.b); got != tc.want {
			t.Errorf("%+v.Compare(%+v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
