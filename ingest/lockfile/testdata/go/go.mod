module github.com/example-org/deployer

go 1.22

require (
	github.com/example-org/yaml-lite v1.4.0
	golang.org/x/text v0.14.0 // indirect
	github.com/example-org/old-http v0.9.0
	github.com/Example-Org/TOML-lite v1.0.0
	github.com/example-org/legacy v2.0.0+incompatible // indirect
)

replace github.com/example-org/old-http => github.com/example-org/http-fork v0.9.3

replace github.com/example-org/yaml-lite v1.2.0 => ./local/yaml

replace github.com/Example-Org/TOML-lite v1.0.0 => ../toml-lite
