module github.com/example-org/api

go 1.22

require github.com/Example-Org/Mod v1.2.3
