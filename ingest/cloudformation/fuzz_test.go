package cloudformation

import (
	"testing"
)

// FuzzParse checks that no input makes the reader panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{roleShort, roleLong, iamTemplate, lambdaTemplate, samTemplate,
		"Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties: {RoleName: !GetAtt [A, Arn]}\n",
		"Resources: {F: {Type: AWS::Serverless::Function, Properties: {Policies: [{S3ReadPolicy: {BucketName: !Ref X}}]}}}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		_, _ = tryParse("t.yaml", text)
	})
}
