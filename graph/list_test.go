package graph

import "testing"

func TestJoinList(t *testing.T) {
	for _, tt := range []struct {
		items []string
		want  string
	}{
		{nil, ""},
		{[]string{""}, ""},
		{[]string{"b"}, "b"},
		{[]string{"b", "a", "b", ""}, "a,b"},
	} {
		if got := JoinList(tt.items); got != tt.want {
			t.Errorf("JoinList(%q) = %q, want %q", tt.items, got, tt.want)
		}
	}
}
