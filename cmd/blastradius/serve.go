package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newServeCommand(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the GraphQL API and its explorer page",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("serve is not built yet")
		},
	}
}
