// Package sbom reads software bills of materials: CycloneDX JSON and
// SPDX 2.2/2.3 JSON, most often of container images.
//
// The SBOM's subject (CycloneDX metadata.component, the package an SPDX
// document describes) becomes a Package node. A container image gets the
// id every other ingester gives its reference: pkg:docker, with the
// registry in repository_url and the digest as version when known.
// pkg:oci purls are read into the same form. Every component with a purl
// becomes a Package version node and its name node, with the ids the
// lockfile ingesters give the same purl. The subject DEPENDS_ON each
// component, so a query walking backwards from a component reaches the
// image and every runtime that EXECUTES it.
//
// Dependencies between components, where the document gives them, become
// DEPENDS_ON edges marked with the SBOM in the lockfile attribute: they
// hold for this subject only, and queries do not walk them.
//
// Limits:
//   - A component without a purl is skipped with a warning.
//   - An image known by tag and digest gets a node for each; the tag's
//     DEPENDS_ON the digest's with possible confidence, since tags move.
//   - An image known by digest only meets the runtimes that name that
//     digest, not those that name a tag of it.
//   - SPDX 3 (JSON-LD) documents are rejected.
package sbom
