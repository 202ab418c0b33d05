// Command orggen writes a synthetic organisation as real input files, in
// the formats blastradius ingests, for scale tests and benchmarks.
//
//	go run ./internal/orggen/cmd/orggen -scale 100000 -out /tmp/org
//	go run ./cmd/blastradius --db /tmp/org.db ingest /tmp/org
//
// -scale is the approximate number of graph nodes after ingestion. The
// files depend only on -scale and -seed.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/blastradius-dev/blastradius/internal/orggen"
)

func main() {
	scale := flag.Int("scale", 10000, "approximate number of graph nodes after ingestion")
	out := flag.String("out", "", "output folder; must not exist or be empty")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" || *scale <= 0 {
		log.Fatal("orggen: missing -out DIR or a positive -scale")
	}
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
		log.Fatalf("orggen: %s is not empty", *out)
	}
	shape := orggen.ForFileNodes(*scale)
	shape.Seed = *seed
	sum, err := orggen.WriteFiles(*out, shape)
	if err != nil {
		log.Fatalf("orggen: %v", err)
	}
	fmt.Printf("wrote %d files: %d repositories in %d teams, %d packages, %d CloudTrail records\n",
		sum.Files, sum.Repos, sum.Teams, sum.Packages, sum.Records)
}
