// Package lockfile reads the files that pin a repository's third-party
// packages: npm's package-lock.json and npm-shrinkwrap.json, yarn.lock
// (Yarn 1 and Yarn 2 and later), pnpm-lock.yaml, Go's go.mod and go.sum,
// pip requirements files, poetry.lock, uv.lock, Pipfile.lock, Cargo.lock,
// Gemfile.lock, composer.lock, Bun's bun.lock, NuGet's packages.lock.json
// and Gradle's gradle.lockfile. Each format has its own ingest.Parser.
// Maven has no lockfile: a pom.xml gives its direct dependencies, at the
// versions the pom itself states. The npm parser also reads a
// package.json that no lockfile covers: its declared dependencies are
// locked at unpinned versions. The MSBuild project parser does the same
// for the PackageReference items of a .csproj, .fsproj or .vbproj without
// a NuGet lock file beside it, with versions from
// Directory.Packages.props, pinning a bare or exact version.
//
// The package.json and pyproject.toml at the top of a repository give the
// name of the package a release from there publishes (npm_project and
// pypi_project on the Repository node), which the linker joins to the
// release's registry account. Where pyproject.toml names no package, the
// name that setup.py passes to setup() as a literal, else setup.cfg's
// [metadata] name, is the one setuptools builds. A private package.json, a
// "Private ::" classifier and a name the registry rejects give none.
//
// For every pinned package a parser writes a Package version node (id: the
// purl with version), its unversioned name node and VERSION_OF between
// them, a LOCKS edge from the Repository node to the version, and
// DEPENDS_ON edges between versions where the lockfile records the tree.
// LOCKS says whether the dependency is direct and, for a transitive one,
// the shortest chain from a direct dependency.
//
// npm aliases ("alias": "npm:real@^1", and the same in yarn.lock and
// pnpm-lock.yaml) are recorded under the real package name. The folder
// name is kept in the alias attribute, and in the paths attribute where
// the lockfile gives the folder. Advisories for the real package then
// match, and an unrelated package named like the alias does not.
//
// Some packages are installed only in some environments: optional and
// platform-bound dependencies, dependencies behind an environment marker,
// extras, and dependency groups or sections that the default install
// leaves out. Their LOCKS edges have possible confidence, and so do those
// of every package that only such packages pull in.
//
// Limits:
//   - npm lockfile version 1, Yarn 1's yarn.lock, poetry.lock and
//     composer.lock do not list the project's own dependencies, so a package is taken as direct when no other locked
//     package requires it. A package the project requires and another
//     package requires too is reported as transitive.
//   - pom.xml lists only direct dependencies: the transitive ones are in
//     the dependencies' own POMs, which are not read. A version that a
//     parent POM or an imported BOM sets is not read either. Gradle
//     lockfiles list every resolved module but not which ones are direct,
//     and build.gradle files are not read.
//   - go.mod lists no dependency tree, and go.sum says nothing about
//     direct dependencies: its LOCKS edges say direct=false, and the go.mod
//     beside it says which modules are direct.
//   - A requirements file that includes another (-r) does not read it; the
//     included file is read when it is an input itself.
//   - yarn.lock does not mark the packages that only development needs.
//     The package.json beside it and those of its workspaces list the
//     devDependencies, and what only those pull in is dev. Without a
//     package.json beside the lockfile no package is dev. When a
//     workspace's package.json cannot be read, or a Yarn 1 workspaces
//     pattern uses glob syntax beyond *, ? and [...], none is dev either,
//     with a warning. Cargo.lock does not mark them, and Gemfile.lock does
//     not keep the Gemfile's groups. Pipfile.lock names no dependency tree
//     and no direct dependencies, so its LOCKS edges have direct=false.
//   - Yarn 1 and Yarn 2 and later do not record install scripts; Yarn 2's
//     dependenciesMeta built setting is read where the lockfile copies it.
//     Neither does bun.lock: the packages trustedDependencies names are
//     marked, and Bun's built-in list of trusted packages is not read.
//     NuGet packages have no install scripts in PackageReference projects.
//     Cargo build scripts and Ruby native extensions cannot be seen in
//     their lockfiles and are not reported.
//   - A file is rejected when it is larger than 64 MiB, or lists more than
//     100,000 packages or 1,000,000 dependency edges. A name or version
//     with a control character or invalid UTF-8 is left out with a warning.
//   - Git, URL and folder sources are marked (origin, local) but their
//     addresses are not kept, because they may carry credentials.
//   - A package.json counts as covered by a lockfile in its folder or any
//     folder above it up to the repository root, so a project without a
//     lockfile below a folder that has one is not read. A URL
//     with credentials gives one warning per file.
package lockfile
