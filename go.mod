module github.com/blastradius-dev/blastradius

go 1.26.8

require (
	github.com/KimMachineGun/automemlimit v1.0.2 // the memory a process may use (cgroup limit or machine), to pace the collector during ingest
	github.com/Masterminds/semver/v3 v3.5.0 // semantic-version ranges in --package and OSV advisories
	github.com/chromedp/cdproto v0.160.1 // Chrome DevTools types used by the web view's browser test
	github.com/chromedp/chromedp v0.23.1 // drives headless Chromium in the web view's end-to-end test
	github.com/google/go-cmp v0.7.0 // readable diffs in tests
	github.com/graph-gophers/graphql-go v1.11.1 // GraphQL schema-first server with query depth and size limits
	github.com/hashicorp/hcl/v2 v2.25.0 // Terraform's own HCL parser, with source ranges for path:line
	github.com/moby/buildkit v0.34.2 // Docker's own Dockerfile parser (frontend/dockerfile/parser and its shell lexer only): continuation lines, here-documents, the escape directive, build-argument expansion and line numbers as Docker reads them
	github.com/neo4j/neo4j-go-driver/v5 v5.28.4 // official Bolt driver for the Neo4j store
	github.com/package-url/packageurl-go v0.1.7 // the reference purl parser and builder
	github.com/pelletier/go-toml/v2 v2.4.3 // TOML lockfiles (poetry.lock, uv.lock, Cargo.lock), with positions
	github.com/schollz/progressbar/v3 v3.19.1 // terminal progress bar for large inputs
	github.com/spf13/cobra v1.10.2 // command-line flags, help and subcommands
	github.com/zclconf/go-cty v1.20.0 // HCL's value system, to evaluate Terraform expressions
	go.yaml.in/yaml/v3 v3.0.6 // YAML with node positions for workflows, CI files and manifests
	golang.org/x/mod v0.43.0 // go.mod parsing and Go module version order
	golang.org/x/net v0.61.0 // HTML parser for the review page's tests
	golang.org/x/sync v0.25.0 // errgroup for bounded parallel parsing
	golang.org/x/term v0.48.0 // detects a terminal for the progress bar and log format
	golang.org/x/text v0.43.0 // UTF-16 and UTF-32 decoding of files that Windows PowerShell wrote
	mvdan.cc/sh/v3 v3.14.1 // bash parser with positions, so CI step scripts are read as the shell reads them (groups, loops, substitutions); its syntax package needs only the standard library
)

require (
	github.com/agext/levenshtein v1.2.3 // indirect
	github.com/apparentlymart/go-textseg/v15 v15.0.0 // indirect
	github.com/apparentlymart/go-textseg/v17 v17.0.1 // indirect
	github.com/containerd/typeurl/v2 v2.3.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/mitchellh/colorstring v0.0.0-20190213212951-d06e56a500db // indirect
	github.com/mitchellh/go-wordwrap v1.0.1 // indirect
	github.com/pbnjay/memory v0.0.0-20210728143218-7b4eea64cf58 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/planetscale/vtprotobuf v0.6.1-0.20240319094008-0393e58bdf10 // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
