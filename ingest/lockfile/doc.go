// Package lockfile reads the files that pin a repository's third-party
// packages: npm's package-lock.json and npm-shrinkwrap.json, Go's go.mod and
// go.sum, pip requirements files, and poetry.lock. Each format has its own
// ingest.Parser.
//
// For every pinned package a parser writes a Package version node (id: the
// purl with version), its unversioned name node and VERSION_OF between
// them, a LOCKS edge from the Repository node to the version, and
// DEPENDS_ON edges between versions where the lockfile records the tree.
// LOCKS says whether the dependency is direct and, for a transitive one,
// the shortest chain from a direct dependency.
//
// npm aliases ("alias": "npm:real@^1") are recorded under the real
// package name, with the folder name kept in the paths and alias
// attributes, so that advisories for the real package match and an
// unrelated package named like the alias does not.
//
// Limits:
//   - npm lockfile version 1 and poetry.lock do not list the project's own
//     dependencies, so a package is taken as direct when no other locked
//     package requires it. A package the project requires and another
//     package requires too is reported as transitive.
//   - go.mod lists no dependency tree, and go.sum says nothing about
//     direct dependencies: its LOCKS edges say direct=false, and the go.mod
//     beside it says which modules are direct.
//   - A requirements file that includes another (-r) does not read it; the
//     included file is read when it is an input itself.
//   - Git, URL and folder sources are marked (origin, local) but their
//     addresses are not kept, because they may carry credentials. A URL
//     with credentials gives one warning per file.
package lockfile
