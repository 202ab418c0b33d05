// Command neo4jping runs RETURN 1 on a Neo4j server's neo4j database and
// exits 0 when it succeeds: the readiness check of scripts/neo4j-local,
// since Bolt accepts connections before the database is online.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func main() {
	uri := flag.String("uri", "bolt://127.0.0.1:7687", "Bolt URI of the server")
	timeout := flag.Duration("timeout", 5*time.Second, "time allowed for the check")
	flag.Parse()
	if err := ping(*uri, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "neo4jping:", err)
		os.Exit(1)
	}
}

func ping(uri string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	auth := neo4j.NoAuth()
	if user := os.Getenv("NEO4J_USERNAME"); user != "" {
		auth = neo4j.BasicAuth(user, os.Getenv("NEO4J_PASSWORD"), "")
	}
	drv, err := neo4j.NewDriverWithContext(uri, auth)
	if err != nil {
		return err
	}
	defer drv.Close(ctx)
	_, err = neo4j.ExecuteQuery(ctx, drv, "RETURN 1", nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
	return err
}
