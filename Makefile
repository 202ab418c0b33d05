# Build, test and demo targets. `make help` lists them.

GO        ?= go
BIN       := bin/blastradius
EXAMPLE   := examples/example-org
DEMO_DB   := $(EXAMPLE)/.blastradius/graph.db
DEMO_ARGS := --package pkg:npm/color-streamer@2.4.1 --since 2026-11-03T00:00:00Z

.PHONY: help build test vet demo clean corpus

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## build bin/blastradius
	$(GO) build -o $(BIN) ./cmd/blastradius

vet: ## run go vet
	$(GO) vet ./...

test: vet ## run every test (reads ../shared when present)
	$(GO) test -count=1 ./...

demo: build ## ingest the example organisation and print its blast radius and revocation plan
	@rm -rf $(EXAMPLE)/.blastradius
	$(BIN) --db $(DEMO_DB) --log-level warn ingest --org example-org $(EXAMPLE)
	@echo
	$(BIN) --db $(DEMO_DB) query $(DEMO_ARGS)
	@echo
	$(BIN) --db $(DEMO_DB) plan $(DEMO_ARGS)

corpus: build ## ingest ../shared/corpus and print the per-format summary
	$(BIN) --db /tmp/blastradius-corpus.db --log-level warn ingest ../shared/corpus || test $$? -eq 3

clean: ## remove build output and demo state
	rm -rf bin $(EXAMPLE)/.blastradius
