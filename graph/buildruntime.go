package graph

// Attributes of the Runtime of an image build (type RuntimeImageBuild, id
// ImageBuildID). The build runs the RUN instructions of its Dockerfile in
// a container on the CI runner. That container gets none of the job's
// environment, only build arguments, BuildKit secrets and the runner's
// network.
const (
	// RuntimeImageBuild is the type attribute of an image build.
	RuntimeImageBuild = "image-build"
	// AttrJob is the id of the job that runs the build, and AttrJobType
	// is that job's type (gha-job, gitlab-job, circleci-job).
	AttrJob     = "job"
	AttrJobType = "job_type"
	// AttrBuildInputs lists the job's secrets that the build receives,
	// one VIA:KEY=NAME entry each. VIA is BuildViaArg or BuildViaSecret,
	// KEY is the build argument's name or the BuildKit secret's id, and
	// NAME is the name of the job's secret or variable that gives the value.
	AttrBuildInputs = "build_inputs"
	// AttrBuildArgValues lists the build arguments whose values the build
	// command writes out as image names, tags or versions, one NAME=VALUE
	// entry each. A FROM that a build argument chooses reads them.
	AttrBuildArgValues = "build_arg_values"
	// AttrFromArgs, on a Dockerfile, lists the FROM instructions of the
	// stages the image is built from that name their image with a build
	// argument, one "LINE STAGE REFERENCE" entry each, with the reference
	// unexpanded (node:${NODE_VERSION}). AttrFromArgDefaults lists the
	// defaults of the arguments those references use, as NAME=VALUE.
	AttrFromArgs        = "from_args"
	AttrFromArgDefaults = "from_arg_defaults"
	// AttrRunArgs, on a Dockerfile, lists the ARGs declared by the stages
	// the image is built from. RUN instructions read them as variables.
	AttrRunArgs = "run_args"
	// AttrSecretMounts, on a Dockerfile, lists the ids of the BuildKit
	// secrets that its RUN instructions mount.
	AttrSecretMounts = "secret_mounts"
	// AttrArgLogins, on a Dockerfile, lists the build arguments that its
	// RUN instructions write into a package registry's login, one
	// ARG=ECOSYSTEM@HOST@LINE entry each: npm sends the value of ARG to
	// HOST, as the RUN instruction at LINE sets up.
	AttrArgLogins = "arg_logins"
	// AttrEnvArgs, on a Dockerfile, lists the build arguments whose values
	// an ENV of the image's stages copies, one ARG=NAME entry each: every
	// container of the image has the value of ARG in its variable NAME.
	AttrEnvArgs = "env_args"
	// AttrBakedInto, on a Secret of type inline-value, is the id of the
	// Dockerfile whose ENV, ARG default or RUN instruction contains the
	// value, so that the images built from it keep it in their layers or
	// history. AttrBakedAs is the instruction: env, arg or run.
	AttrBakedInto = "baked_into"
	AttrBakedAs   = "baked_as"
	// AttrBuildOnly, set to "true" on such a Secret, marks a value of a
	// stage that the image only copies from or mounts: the image's builds
	// run with it, but the image does not keep it.
	AttrBuildOnly = "build_only"
	// AttrBuildRunsCode and AttrBuildMayRunCode, on a Dockerfile, list
	// the ecosystems whose project code a RUN instruction runs for
	// certain or may run. The _via attributes give the cause, ECO=cause
	// each.
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
