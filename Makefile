# Build, test and demo targets. `make help` lists them.

GO        ?= go
BIN       := bin/blastradius
EXAMPLE   := examples/example-org
DEMO_DB   := $(EXAMPLE)/.blastradius/graph.db
DEMO_ARGS := --package pkg:npm/color-streamer@2.4.1 --since 2026-11-03T00:00:00Z

.PHONY: help build test vet lint demo clean corpus neo4j-start neo4j-stop test-neo4j bench-stores fuzz bench-logs bench-load bench bench-smoke orggen

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## build bin/blastradius
	$(GO) build -o $(BIN) ./cmd/blastradius

vet: ## run go vet
	$(GO) vet ./...

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint: vet ## run go vet and staticcheck (the version pinned here; its checks are in staticcheck.conf)
	$(GO) run $(STATICCHECK) ./...

test: vet ## run every test (reads ../shared when present; the Neo4j store's tests need `make neo4j-start`)
	$(GO) test -count=1 ./...
	@if ! scripts/neo4j-local status >/dev/null 2>&1; then \
		echo; \
		echo "*** The Neo4j store's conformance tests were SKIPPED: no server on 127.0.0.1:7687."; \
		echo "*** Run 'make test-neo4j' (needs Java 17 and Maven) to run them against a real Neo4j."; \
	fi

neo4j-start: ## start a local Neo4j 5.26 server on 127.0.0.1:7687 (needs Java 17 and Maven)
	scripts/neo4j-local start

neo4j-stop: ## stop the local Neo4j server
	scripts/neo4j-local stop

test-neo4j: neo4j-start ## start Neo4j, then run every test with the Neo4j half required
	CI=true $(GO) test -count=1 ./...

demo: build ## ingest the example organisation and print its blast radius and revocation plan
	@rm -rf $(EXAMPLE)/.blastradius
	$(BIN) --db $(DEMO_DB) --log-level warn ingest --org example-org $(EXAMPLE)
	@echo
	$(BIN) --db $(DEMO_DB) query $(DEMO_ARGS)
	@echo
	$(BIN) --db $(DEMO_DB) plan $(DEMO_ARGS)

corpus: build ## ingest ../shared/corpus and print the per-format summary
	$(BIN) --db /tmp/blastradius-corpus.db --log-level warn ingest ../shared/corpus || test $$? -eq 3

bench-stores: neo4j-start ## compare the embedded store with Neo4j on a generated organisation (see docs/benchmarks.md)
	$(GO) run ./bench/storecompare -nodes 5000
	$(GO) run ./bench/storecompare -nodes 20000

SCALE_SIZES ?= 10000,100000,1000000
SCALE_OUT   ?= bench/scale/results.txt

bench: neo4j-start ## scale benchmarks at 10k, 100k and 1M nodes, with Neo4j; writes $(SCALE_OUT) and docs/scale.svg (see docs/benchmarks.md)
	$(GO) test -run '^$$' -bench Scale -benchtime 1x -timeout 0 ./bench/scale -sizes $(SCALE_SIZES) | tee $(SCALE_OUT)
	$(GO) test -run '^$$' -bench Scale -benchtime 1x -timeout 0 ./bench/scale -sizes $(SCALE_SIZES) -reuse \
		-neo4j bolt://127.0.0.1:7687 | tee -a $(SCALE_OUT)
	$(GO) run ./bench/scale/plot < $(SCALE_OUT) > docs/scale.svg
	@echo "Neo4j is still running: 'make neo4j-stop' stops it."

bench-smoke: ## the scale benchmark once at 10k nodes, without Neo4j; asserts no time (for CI, about a minute)
	$(GO) test -run '^$$' -bench Scale -benchtime 1x -timeout 10m ./bench/scale -sizes 10000

orggen: ## write a generated organisation of ORGGEN_SCALE nodes (default 100000) to ORGGEN_OUT
	$(GO) run ./internal/orggen/cmd/orggen -scale $${ORGGEN_SCALE:-100000} -out $${ORGGEN_OUT:-/tmp/orggen-$${ORGGEN_SCALE:-100000}}

bench-logs: ## compare log ingestion with jq on generated CloudTrail (see docs/benchmarks.md)
	bench/logs/run.sh 100000

bench-load: build ## run 64 GraphQL clients for 60s against serve on loopback (see docs/benchmarks.md)
	$(GO) run ./bench/load -bin $(BIN) -org $(EXAMPLE) -clients 64 -duration 60s

FUZZTIME ?= 30s
fuzz: ## run every fuzz target for FUZZTIME each (default 30s); crashers land in testdata/fuzz
	scripts/fuzz-all $(FUZZTIME)

clean: ## remove build output and demo state
	rm -rf bin $(EXAMPLE)/.blastradius
