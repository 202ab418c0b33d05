package graph

// Attributes of image builds. A Dockerfile is a Package node
// (DockerfileID) that DEPENDS_ON the base images its final image is built
// from and the packages its RUN instructions install. An image that a CI
// job builds from it and pushes DEPENDS_ON it.
const (
	// AttrInstallSources, on a Dockerfile, lists one ECO=FOLDER@LINE entry
	// per install of a RUN instruction (at LINE) whose lockfile or
	// manifest a COPY or ADD put in place. FOLDER is the folder of the
	// build context it was copied from, "." for the context's root.
	AttrInstallSources = "install_sources"
	// AttrBuildContext, on the DEPENDS_ON edge from an image to the
	// Dockerfile it is built from, is the folder of the repository that
	// the build hands to the builder as its context, "." for the root.
	AttrBuildContext = "build_context"
	// AttrDockerfile, on the same edge, is the Dockerfile's path in the
	// repository.
	AttrDockerfile = "dockerfile"
	// AttrBuildTarget, on that edge and on the Runtime of an image build,
	// is the lower-case name of the stage that the build builds (--target,
	// the target input of docker/build-push-action). It is unset for the
	// last stage. AttrBuildTargetUnknown is "true" instead when a variable
	// or an expression names the stage.
	AttrBuildTarget        = "target"
	AttrBuildTargetUnknown = "target_unknown"
	// AttrStage, on the node of a named stage (DockerfileStageID), is the
	// stage's lower-case name, and AttrStageOf the id of its Dockerfile's
	// node (DockerfileID).
	AttrStage   = "stage"
	AttrStageOf = "stage_of"
)

// Docker Compose services that build images, and the CI commands that
// build them with Compose.
const (
	// AttrComposeCommands, on a CI job, lists the job's Compose commands
	// that build or push images: docker compose build, up --build, push,
	// and docker buildx bake with a Compose file. The value is a JSON array
	// of objects with the fields line, dir, files, project_dir, services,
	// profiles, all_profiles, dependencies, no_dotenv, inputs, builds,
	// pushes, vars, env_known and publishers (host, id, possible, reason).
	AttrComposeCommands = "compose_commands"
	// EcosystemCompose is the ecosystem of the Package node of a Compose
	// service that builds an image or names one (ComposeServiceID). Its
	// "path" is the Compose file, AttrComposeService the service's name.
	// A service that builds an image has the attributes of an image
	// build: "dockerfile_id", AttrDockerfile, AttrBuildContext,
	// AttrBuildTarget or AttrBuildTargetUnknown, AttrBuildInputs (the
	// variables that give its build arguments and secrets) and
	// AttrBuildArgValues. "image" is the id of the image's name node,
	// when the service names an image that can be pushed.
	EcosystemCompose   = "compose"
	AttrComposeService = "service"
	// AttrComposeContext and AttrComposeDockerfile, on the node of a
	// Compose service, are build.context and build.dockerfile as its file
	// writes them, when it does. Compose reads the paths of every file
	// from the project directory, the folder of the first file, so the
	// linker places a merged service's build from them.
	AttrComposeContext    = "compose_context"
	AttrComposeDockerfile = "compose_dockerfile"
	// AttrComposeProfiles, on the node of a Compose service, lists the
	// profiles of its profiles key. Such a service is built or pushed
	// only when a command names it or enables one of them.
	AttrComposeProfiles = "profiles"
	// AttrComposeInclude, on the node of a Compose service that the
	// top-level include key of its file brings in from another file, is
	// that file's path. Compose reads the included file's paths from its
	// own project directory, so its build context stays as recorded.
	AttrComposeInclude = "compose_include"
	// AttrComposeDependsOn, on the node of a Compose service, lists the
	// services of its depends_on key, which up, run and build
	// --with-dependencies act on with it.
	AttrComposeDependsOn = "depends_on"
	// AttrDotenvComposeFile, AttrDotenvComposeSeparator and
	// AttrDotenvComposeProfiles, on the node of a Compose service, are
	// COMPOSE_FILE, COMPOSE_PATH_SEPARATOR and COMPOSE_PROFILES as the .env
	// file of its file's folder sets them. Compose reads them from the
	// project directory's .env when the environment and the command do
	// not set them.
	AttrDotenvComposeFile      = "dotenv_compose_file"
	AttrDotenvComposeSeparator = "dotenv_compose_path_separator"
	AttrDotenvComposeProfiles  = "dotenv_compose_profiles"
	// AttrComposeImage, on the node of a Compose service whose image name
	// reads variables, is the name as the file writes it, and
	// AttrComposeImageDotenv lists NAME=VALUE for each of those variables
	// whose kept value the project's .env gives. The linker expands the
	// name again for a job whose environment sets one of them, since
	// Compose takes the environment's value over the .env file's.
	AttrComposeImage       = "compose_image"
	AttrComposeImageDotenv = "compose_image_dotenv"
)

// AttrMayBuild is "true" on an image build that runs only when the
// runner does not have the image: docker compose up or run without
// --build. What the build runs and reads is then possible.
const AttrMayBuild = "may_build"

// AttrComposePullPolicy is the pull_policy of a Compose service. With
// "build", Compose builds the service's image on every up or run, even
// when the runner has it.
const AttrComposePullPolicy = "compose_pull_policy"
