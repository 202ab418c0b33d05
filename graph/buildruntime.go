package graph

// Attributes of the Runtime of an image build (type RuntimeImageBuild,
// id ImageBuildID). A build runs the RUN instructions of its Dockerfile
// in a container of the CI runner that sees none of the job's
// environment, only what the build is given: build arguments, BuildKit
// secrets, and the runner's network.
const (
	// RuntimeImageBuild is the type attribute of such a Runtime.
	RuntimeImageBuild = "image-build"
	// AttrJob is the id of the job that runs the build, and AttrJobType
	// that job's type attribute (gha-job, gitlab-job, circleci-job).
	AttrJob     = "job"
	AttrJobType = "job_type"
	// AttrBuildInputs lists what the job hands to the build, one
	// VIA:KEY=NAME entry each: VIA is BuildViaArg or BuildViaSecret, KEY
	// the build argument's name or the BuildKit secret's id, and NAME
	// the name of the job's secret or variable whose value it carries.
	AttrBuildInputs = "build_inputs"
	// AttrRunArgs, on a Dockerfile, lists the build arguments that a
	// stage the image is built from declares, which its RUN
	// instructions read as environment variables; AttrSecretMounts
	// lists the ids of the BuildKit secrets its RUN instructions mount.
	AttrRunArgs      = "run_args"
	AttrSecretMounts = "secret_mounts"
	// AttrBuildRunsCode and AttrBuildMayRunCode, on a Dockerfile, list
	// the ecosystems whose project code its RUN instructions run for
	// certain or may run (building or testing the project); the _via
	// attributes give the command, ECO=cause each.
	AttrBuildRunsCode      = "build_runs_code"
	AttrBuildRunsCodeVia   = "build_runs_code_via"
	AttrBuildMayRunCode    = "build_may_run_code"
	AttrBuildMayRunCodeVia = "build_may_run_code_via"
)

// Values of the via attribute of the EXPOSES edges of an image build.
const (
	BuildViaArg    = "build-arg"
	BuildViaSecret = "build-secret"
)
