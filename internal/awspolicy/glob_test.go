package awspolicy

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGlobMatchCases(t *testing.T) {
	tests := []struct {
		pat, s     string
		wild, fold bool
		want       bool
	}{
		{"repo:example-org/app:*", "repo:example-org/app:ref:refs/heads/main", true, false, true},
		{"repo:example-org/app:*", "repo:example-org/other:ref:refs/heads/main", true, false, false},
		{"repo:example-org/*:environment:prod", "repo:example-org/app:environment:prod", true, false, true},
		{"repo:example-org/*:environment:prod", "repo:example-org/app:environment:production", true, false, false},
		{"a?c", "abc", true, false, true},
		{"a?c", "ac", true, false, false},
		{"a?c", "a?c", false, false, true},
		{"a?c", "abc", false, false, false},
		{"a*", "a", true, false, true},
		{"*", "", true, false, true},
		{"", "", true, false, true},
		{"", "x", true, false, false},
		{"**b", "aab", true, false, true},
		{"s3:Get*", "S3:getobject", true, true, true},
		{"s3:Get*", "S3:getobject", true, false, false},
		{"k", "\u212a", false, true, true}, // the Kelvin sign folds to k
		{"é?", "Éa", true, true, true},
		{"ü", "Ü", false, false, false},
		{"*x*y", "axbxcy", true, false, true},
		{"*x*y", "axbxc", true, false, false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pat, tt.s, tt.wild, tt.fold); got != tt.want {
			t.Errorf("globMatch(%q, %q, wild=%v, fold=%v) = %v, want %v", tt.pat, tt.s, tt.wild, tt.fold, got, tt.want)
		}
	}
}

// FuzzGlobMatch checks that matching a policy string in place agrees with
// compiling it into a pattern first, and, without wildcards, with
// strings.EqualFold and == on valid UTF-8.
func FuzzGlobMatch(f *testing.F) {
	f.Add("repo:example-org/*:ref:refs/heads/?ain", "repo:example-org/app:ref:refs/heads/main")
	f.Add("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key")
	f.Add("*a*b*", "xxaxxbxx")
	f.Add("K\u212a", "kk")
	f.Add("\xff*", "\xfe\xff")
	f.Fuzz(func(t *testing.T, pat, s string) {
		for _, wild := range []bool{false, true} {
			for _, fold := range []bool{false, true} {
				p, _, _ := compile(pat, false, wild, Context{})
				want := p.match(s, fold)
				if got := globMatch(pat, s, wild, fold); got != want {
					t.Fatalf("globMatch(%q, %q, wild=%v, fold=%v) = %v, compiled pattern says %v", pat, s, wild, fold, got, want)
				}
			}
		}
		if !utf8.ValidString(pat) || !utf8.ValidString(s) {
			// Every invalid byte decodes to U+FFFD, as in the compiled
			// pattern, so two different invalid bytes match.
			return
		}
		if got, want := globMatch(pat, s, false, true), strings.EqualFold(pat, s); got != want {
			t.Fatalf("globMatch(%q, %q) folded = %v, strings.EqualFold says %v", pat, s, got, want)
		}
		if got, want := globMatch(pat, s, false, false), pat == s; got != want {
			t.Fatalf("globMatch(%q, %q) = %v, == says %v", pat, s, got, want)
		}
	})
}
