package awspolicy

// managed holds the documents of AWS managed policies that grant broad
// access, so that an attachment by ARN alone still gives the right reach.
// The documents are reduced to the statements that decide reach, written
// from the AWS Managed Policy Reference Guide; a managed policy not listed
// here yields no edges, and the linker reports it as unknown.
var managed = map[string]string{
	"arn:aws:iam::aws:policy/AdministratorAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/PowerUserAccess": `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
		{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions","account:GetAccountInformation"],"Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/IAMFullAccess":                       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/ReadOnlyAccess":                      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*","*:BatchGet*","*:Query","*:Scan","*:Select*"],"Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/AmazonS3FullAccess":                  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess":              `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/SecretsManagerReadWrite":             `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:*","kms:DescribeKey","kms:ListAliases","kms:ListKeys","lambda:ListFunctions","rds:DescribeDBInstances","rds:DescribeDBClusters","tag:GetResources"],"Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/AmazonEC2FullAccess":                 `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:*","elasticloadbalancing:*","cloudwatch:*","autoscaling:*"],"Resource":"*"},{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/AWSLambda_FullAccess":                `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","logs:DescribeLogGroups","logs:GetLogEvents","s3:ListAllMyBuckets","iam:ListRoles"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}`,
	"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess":            `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*"],"Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/AmazonSSMFullAccess":                 `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:*","ec2messages:*","ssmmessages:*"],"Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:GetRepositoryPolicy","ecr:DescribeRepositories","ecr:ListImages","ecr:DescribeImages","ecr:BatchGetImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload","ecr:PutImage"],"Resource":"*"}]}`,
}

// Managed returns the parsed document of a well-known AWS managed policy.
func Managed(arn string) (*Policy, bool) {
	doc, ok := managed[arn]
	if !ok {
		return nil, false
	}
	p, err := Parse(doc)
	if err != nil {
		return nil, false
	}
	return p, true
}
