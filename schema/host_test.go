package schema

import "testing"

func TestHostAllowedOddHeaders(t *testing.T) {
	tests := []struct {
		allowed []string
		host    string
		want    bool
	}{
		// Without a list: loopback addresses and localhost only.
		{nil, "", false},
		{nil, "localhost", true},
		{nil, "LOCALHOST:8080", true},
		{nil, "localhost.:8080", false},
		{nil, "127.0.0.1", true},
		{nil, "127.0.0.2:80", true},
		{nil, "[::1]:8080", true},
		{nil, "[::1]", true},
		{nil, "[::1%25lo]:8080", false},
		{nil, "*", false},
		{nil, "127.0.0.1.example.net", false},
		{nil, "localhost:8080:1", false},
		{nil, "192.0.2.1", false},
		// With a list: the names listed only.
		{[]string{"Example.COM"}, "example.com:443", true},
		{[]string{"example.com"}, "localhost", false},
		{[]string{"example.com"}, "127.0.0.1:8080", false},
		{[]string{"example.com"}, "", false},
		{[]string{"example.com"}, "example.com.evil.test", false},
		{[]string{"::1"}, "[::1]:8080", true},
		{[]string{"[::1]"}, "[::1]:8080", true},
		{[]string{"[::1]"}, "[::2]:8080", false},
		{[]string{"*"}, "anything.test:1", true},
		{[]string{"*"}, "", true},
	}
	for _, tt := range tests {
		if got := HostAllowed(tt.allowed, tt.host); got != tt.want {
			t.Errorf("HostAllowed(%q, %q) = %v, want %v", tt.allowed, tt.host, got, tt.want)
		}
	}
}
