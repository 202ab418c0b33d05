package link

import (
	"github.com/blastradius-dev/blastradius/graph"
)

// Privilege escalation in AWS: the ways a principal turns the permissions
// it holds into more. The catalogue below lists each method once, with the
// permissions it needs and what it gives. It follows the public lists of
// such methods: Rhino Security Labs' "AWS IAM privilege escalation"
// methods, the test paths of BishopFox's iam-vulnerable, and the edge
// checks of NCC Group's Principal Mapper (pmapper).
//
// Every edge a method makes carries `method` (the method's name),
// `actions` (the permissions used) and a `reason` that names each policy
// statement behind them. Its position is that of the first policy.
//
// NOTE: the catalogue covers the principal's own policies and the
// identities it acts as through CAN_ASSUME and minted credentials. A group
// joined through AddUserToGroup is judged by its own policies, without the
// Deny statements of the user who joins; a group assumes no role; and an
// AWS managed policy outside awspolicy's catalogue counts as unknown, so
// permissions that only it grants make no edge.

// escKind names the nodes a method acts on, and so the resource ARN its
// actions are evaluated against.
type escKind int

const (
	// onSelfUser: the principal when it is a user, and each user whose
	// credentials it can obtain. The method makes that user an
	// administrator, so the edge goes to the account's scope node.
	onSelfUser escKind = iota
	// onSelfGroup: the groups of those users, or the principal when it
	// is a group.
	onSelfGroup
	// onSelfRole: the principal when it is a role, and each role it can
	// act as.
	onSelfRole
	// onSelfPolicy: the customer managed policies attached to any of the
	// identities above (AWS managed and inline policies have no versions).
	onSelfPolicy
	// onSelfVersion: those of the policies above that keep, or may keep
	// (factAdminVersion), a stored non-default version allowing every
	// action on every resource.
	onSelfVersion
	// onUser: every other IAM user.
	onUser
	// onGroup: every IAM group that the principal, a user, is not in.
	onGroup
	// onRole: every other role of the account but service-linked ones. The
	// principal then assumes the role, so sts:AssumeRole must not be
	// denied to it.
	onRole
	// onPassedRole: every role of the principal's account whose trust
	// policy admits the method's service. The ways' actions create new
	// resources that the principal names, and iam:PassRole must allow the
	// role for that service (condition key iam:PassedToService).
	onPassedRole
	// onFunction: Lambda runtimes, and functions that only access logs
	// show (Resource nodes arn:aws:lambda:...:function:...).
	onFunction
	// onInstance: EC2 instance runtimes.
	onInstance
	// onRuntime: runtimes whose type attribute is the method's runtime.
	onRuntime
	// onFunctionEnv: the environment variables of Lambda runtimes.
	onFunctionEnv
	// onInstanceUserData: credentials written into an instance's user
	// data (secret:inline: nodes the instance exposes through a file).
	onInstanceUserData
	// onRuntimeEnv: the environment variables (type=env-var Secrets) of
	// runtimes whose type attribute is the method's runtime.
	onRuntimeEnv
)

// escWay is one set of permissions that, held together, performs a method.
type escWay struct {
	actions []string
	// needs names a fact this way depends on, and fact selects the check
	// of the input for it. When the input does not show the fact, an edge
	// found only through this way is possible.
	needs string
	fact  escFact
}

// escFact is a fact of the input a way depends on.
type escFact int

const (
	// The zero value stands for no fact.
	_ escFact = iota
	// factProfile: an instance profile holds the passed role.
	factProfile
	// factSpareProfile: an instance profile that the principal can put
	// the passed role into (iam:AddRoleToInstanceProfile, after
	// iam:RemoveRoleFromInstanceProfile when it holds another role).
	factSpareProfile
	// factPassword, factNoPassword: the user has, or has no, console
	// password. The input shows only the first, as a login profile.
	factPassword
	factNoPassword
	// factECSService: an ECS service (and so a cluster) in the account.
	factECSService
	// factAdminVersion: a stored, non-default version of the policy
	// allows every action on every resource. Authorization details list
	// every version (attrs default_version, other_versions); Terraform
	// shows only the
	// current one, and keeps the earlier ones when it updates a policy.
	factAdminVersion
)

// escMethod is one privilege-escalation method.
type escMethod struct {
	name string
	on   escKind
	edge graph.EdgeKind
	// does describes, for reasons, what the principal does to the target
	// (%s).
	does string
	ways []escWay
	// service is the service principal a passed role must trust
	// (onPassedRole).
	service string
	// runtime is the runtime type the method applies to (onRuntime).
	runtime string
	// tagsOnly marks a method that the AWS linker already derives from the
	// principal's permissions. The catalogue adds its edge only when a tag
	// that an identity of the attacker sets decides it.
	tagsOnly bool
}

func escWays(actions ...string) []escWay { return []escWay{{actions: actions}} }

// escMethods is the catalogue.
var escMethods = []escMethod{
	// Grant an identity the attacker acts as every permission.
	{name: "CreatePolicyVersion", on: onSelfPolicy, edge: graph.EdgeCanAccess, ways: escWays("iam:CreatePolicyVersion"),
		does: "writes a default version allowing * on * into %s"},
	{name: "SetDefaultPolicyVersion", on: onSelfVersion, edge: graph.EdgeCanAccess, ways: []escWay{
		{actions: []string{"iam:SetDefaultPolicyVersion"}, fact: factAdminVersion,
			needs: "a stored non-default version of the policy that allows * on *"},
	}, does: "puts in force the stored version allowing * on * of %s"},
	{name: "AttachUserPolicy", on: onSelfUser, edge: graph.EdgeCanAccess, ways: escWays("iam:AttachUserPolicy"),
		does: "attaches AdministratorAccess to %s"},
	{name: "AttachGroupPolicy", on: onSelfGroup, edge: graph.EdgeCanAccess, ways: escWays("iam:AttachGroupPolicy"),
		does: "attaches AdministratorAccess to %s"},
	{name: "AttachRolePolicy", on: onSelfRole, edge: graph.EdgeCanAccess, ways: escWays("iam:AttachRolePolicy"),
		does: "attaches AdministratorAccess to %s"},
	{name: "PutUserPolicy", on: onSelfUser, edge: graph.EdgeCanAccess, ways: escWays("iam:PutUserPolicy"),
		does: "writes an inline policy allowing * on * into %s"},
	{name: "PutGroupPolicy", on: onSelfGroup, edge: graph.EdgeCanAccess, ways: escWays("iam:PutGroupPolicy"),
		does: "writes an inline policy allowing * on * into %s"},
	{name: "PutRolePolicy", on: onSelfRole, edge: graph.EdgeCanAccess, ways: escWays("iam:PutRolePolicy"),
		does: "writes an inline policy allowing * on * into %s"},

	// Become another principal.
	{name: "AddUserToGroup", on: onGroup, edge: graph.EdgeCanAssume, ways: escWays("iam:AddUserToGroup"),
		does: "adds itself to %s"},
	{name: "UpdateAssumeRolePolicy", on: onRole, edge: graph.EdgeCanAssume, ways: escWays("iam:UpdateAssumeRolePolicy"),
		does: "rewrites the trust policy of %s to admit itself, then assumes it"},
	{name: "LoginProfile", on: onUser, edge: graph.EdgeCanMint, does: "sets the console password of %s", ways: []escWay{
		{actions: []string{"iam:CreateLoginProfile", "iam:UpdateLoginProfile"}},
		{actions: []string{"iam:UpdateLoginProfile"}, needs: "the user to have a console password already", fact: factPassword},
		{actions: []string{"iam:CreateLoginProfile"}, needs: "the user to have no console password yet", fact: factNoPassword},
	}},
	{name: "CreateAccessKey", on: onUser, edge: graph.EdgeCanMint, ways: escWays("iam:CreateAccessKey"), tagsOnly: true,
		does: "creates an access key of %s"},

	// Pass a role to a service that then runs code the attacker supplies.
	{name: "PassRoleToEC2", on: onPassedRole, edge: graph.EdgeCanAssume, service: "ec2.amazonaws.com",
		does: "passes %s to a new EC2 instance and reads its credentials from the instance metadata service", ways: []escWay{
			{actions: []string{"ec2:RunInstances"}, needs: "an instance profile holding the role", fact: factProfile},
			{actions: []string{"ec2:RunInstances", "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"}},
			{actions: []string{"ec2:RunInstances"}, needs: "an instance profile it can put the role into", fact: factSpareProfile},
		}},
	{name: "PassRoleToLambda", on: onPassedRole, edge: graph.EdgeCanAssume, service: "lambda.amazonaws.com",
		does: "passes %s to a new Lambda function and has it run", ways: []escWay{
			{actions: []string{"lambda:CreateFunction", "lambda:InvokeFunction"}},
			{actions: []string{"lambda:CreateFunction", "lambda:AddPermission"}},
			{actions: []string{"lambda:CreateFunction", "lambda:CreateEventSourceMapping", "dynamodb:CreateTable", "dynamodb:PutItem"}},
			{actions: []string{"lambda:CreateFunction", "lambda:CreateEventSourceMapping"},
				needs: "an existing event source (a DynamoDB or Kinesis stream, or an SQS queue) that receives records"},
		}},
	{name: "PassRoleToCloudFormation", on: onPassedRole, edge: graph.EdgeCanAssume, service: "cloudformation.amazonaws.com",
		does: "passes %s to a CloudFormation stack whose template it writes", ways: []escWay{
			{actions: []string{"cloudformation:CreateStack"}},
			{actions: []string{"cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"}},
			{actions: []string{"cloudformation:UpdateStack"}, needs: "an existing stack"},
		}},
	{name: "PassRoleToGlue", on: onPassedRole, edge: graph.EdgeCanAssume, service: "glue.amazonaws.com",
		does: "passes %s to a Glue dev endpoint or job whose code it writes", ways: []escWay{
			{actions: []string{"glue:CreateDevEndpoint"}},
			{actions: []string{"glue:CreateJob", "glue:StartJobRun"}},
			{actions: []string{"glue:UpdateJob", "glue:StartJobRun"}, needs: "an existing Glue job"},
		}},
	{name: "PassRoleToDataPipeline", on: onPassedRole, edge: graph.EdgeCanAssume, service: "datapipeline.amazonaws.com",
		does: "passes %s to a data pipeline whose definition it writes",
		ways: escWays("datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline")},
	{name: "PassRoleToCodeBuild", on: onPassedRole, edge: graph.EdgeCanAssume, service: "codebuild.amazonaws.com",
		does: "passes %s to a CodeBuild project whose build commands it writes", ways: []escWay{
			{actions: []string{"codebuild:CreateProject", "codebuild:StartBuild"}},
			{actions: []string{"codebuild:CreateProject", "codebuild:StartBuildBatch"}},
			{actions: []string{"codebuild:UpdateProject", "codebuild:StartBuild"}, needs: "an existing CodeBuild project"},
		}},
	{name: "PassRoleToSageMaker", on: onPassedRole, edge: graph.EdgeCanAssume, service: "sagemaker.amazonaws.com",
		does: "passes %s to a SageMaker notebook or job that runs its code", ways: []escWay{
			{actions: []string{"sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"}},
			{actions: []string{"sagemaker:CreateTrainingJob"}},
			{actions: []string{"sagemaker:CreateProcessingJob"}},
		}},
	{name: "PassRoleToECS", on: onPassedRole, edge: graph.EdgeCanAssume, service: "ecs-tasks.amazonaws.com",
		does: "passes %s to an ECS task it defines and runs", ways: []escWay{
			{actions: []string{"ecs:RegisterTaskDefinition", "ecs:CreateCluster", "ecs:RunTask"}},
			{actions: []string{"ecs:RegisterTaskDefinition", "ecs:RunTask"}, needs: "an existing ECS cluster", fact: factECSService},
			{actions: []string{"ecs:RegisterTaskDefinition", "ecs:CreateService"}, needs: "an existing ECS cluster", fact: factECSService},
			{actions: []string{"ecs:RegisterTaskDefinition", "ecs:UpdateService"}, needs: "an existing ECS service", fact: factECSService},
			{actions: []string{"ecs:RegisterTaskDefinition", "ecs:StartTask"}, needs: "an ECS cluster with container instances"},
		}},
	{name: "PassRoleToStepFunctions", on: onPassedRole, edge: graph.EdgeCanAssume, service: "states.amazonaws.com",
		does: "passes %s to a state machine whose API calls it writes",
		ways: escWays("states:CreateStateMachine", "states:StartExecution")},
	{name: "PassRoleToAppRunner", on: onPassedRole, edge: graph.EdgeCanAssume, service: "tasks.apprunner.amazonaws.com",
		does: "passes %s to an App Runner service that runs its image", ways: escWays("apprunner:CreateService")},

	// Change code that already runs with a role. The walk then takes what
	// the runtime exposes.
	{name: "UpdateFunctionCode", on: onFunction, edge: graph.EdgeCanModify, ways: escWays("lambda:UpdateFunctionCode"),
		does: "replaces the code of %s"},
	{name: "UpdateFunctionConfiguration", on: onFunction, edge: graph.EdgeCanModify, ways: escWays("lambda:UpdateFunctionConfiguration"),
		does: "adds a layer or wrapper script whose code runs in %s"},
	{name: "ModifyInstanceUserData", on: onInstance, edge: graph.EdgeCanModify,
		ways: escWays("ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"),
		does: "replaces the user data of %s and restarts it, which runs that code"},
	{name: "SSMCommand", on: onInstance, edge: graph.EdgeCanModify, does: "runs commands through Systems Manager on %s", ways: []escWay{
		{actions: []string{"ssm:SendCommand"}, needs: "the instance to run a registered Systems Manager agent"},
		{actions: []string{"ssm:StartSession"}, needs: "the instance to run a registered Systems Manager agent"},
	}},
	{name: "InstanceConnect", on: onInstance, edge: graph.EdgeCanModify, does: "pushes an SSH key to %s and logs in", ways: []escWay{
		{actions: []string{"ec2-instance-connect:SendSSHPublicKey"},
			needs: "network access to the instance's SSH port and EC2 Instance Connect on the instance"},
	}},
	{name: "UpdateDevEndpoint", on: onRuntime, runtime: "glue-dev-endpoint", edge: graph.EdgeCanModify,
		ways: escWays("glue:UpdateDevEndpoint"), does: "adds its SSH key to %s"},
	{name: "UpdateProject", on: onRuntime, runtime: "codebuild-project", edge: graph.EdgeCanModify,
		ways: escWays("codebuild:UpdateProject", "codebuild:StartBuild"), does: "rewrites the build commands of %s"},
	{name: "UpdateService", on: onRuntime, runtime: "ecs-task", edge: graph.EdgeCanModify,
		does: "registers a new revision of %s with its own command and deploys it to the services that run it",
		ways: escWays("ecs:RegisterTaskDefinition", "ecs:UpdateService")},

	// Read configuration that holds credentials.
	{name: "GetFunctionConfiguration", on: onFunctionEnv, edge: graph.EdgeCanReadSecret, does: "reads the environment variables of %s", ways: []escWay{
		{actions: []string{"lambda:GetFunctionConfiguration"}},
		{actions: []string{"lambda:GetFunction"}},
	}},
	{name: "DescribeInstanceUserData", on: onInstanceUserData, edge: graph.EdgeCanReadSecret, ways: escWays("ec2:DescribeInstanceAttribute"),
		does: "reads the user data of %s"},
	{name: "DescribeTaskDefinition", on: onRuntimeEnv, runtime: "ecs-task", edge: graph.EdgeCanReadSecret,
		ways: escWays("ecs:DescribeTaskDefinition"), does: "reads the container environment of %s"},
	{name: "DescribeConfigurationSettings", on: onRuntimeEnv, runtime: "elasticbeanstalk-environment", edge: graph.EdgeCanReadSecret,
		ways: escWays("elasticbeanstalk:DescribeConfigurationSettings"), does: "reads the environment properties of %s"},
}

// linkPrivesc derives the edges of every method in escMethods for every
// AWS principal with policies.
func (v *view) linkPrivesc() {
	newEscalation(v, v.principals()).run()
}
