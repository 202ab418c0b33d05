// Command loggen writes a synthetic CloudTrail delivery file
// ({"Records": [...]}) for the log benchmark. The records look like real
// management and data events: IAM users signing with long-lived keys, role
// sessions, AWS services, requests that name buckets, secrets, parameters,
// tables and functions, a share of denied calls, resources arrays and
// session credentials in AssumeRole responses. Every name is fictional and
// every address comes from the documentation ranges.
//
// The records describe one organisation over one day whatever their
// number: 40 users, 25 roles with one session an hour and one AWS service,
// each caller with its own region, addresses, agents and resources. A
// larger file has the same callers, targets and sessions, only more calls.
//
//	go run ./bench/loggen -records 100000 -out /tmp/cloudtrail.json
//
// The output depends only on -records and -seed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

func main() {
	records := flag.Int("records", 100_000, "number of records to write")
	out := flag.String("out", "", "output file (default stdout)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *records < 0 {
		log.Fatal("loggen: -records must not be negative")
	}

	w := io.Writer(os.Stdout)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatalf("loggen: %v", err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	g := &gen{rnd: rand.New(rand.NewPCG(*seed, 0x6c6f6767656e)), start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
	if *records > 0 {
		g.step = 24 * time.Hour / time.Duration(*records)
	}
	if err := g.write(bw, *records); err != nil {
		log.Fatalf("loggen: %v", err)
	}
	if err := bw.Flush(); err != nil {
		log.Fatalf("loggen: %v", err)
	}
}

type gen struct {
	rnd   *rand.Rand
	start time.Time
	step  time.Duration // between two records
	buf   []byte
}

const account = "111122223333"

var (
	regions = []string{"us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"}
	agents  = []string{
		"aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe",
		"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/secretsmanager#1.32.3",
		"Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.12.4",
		"terraform-provider-aws/5.60.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.3",
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
	}
	services = []string{"s3", "secretsmanager", "ssm", "dynamodb", "lambda", "sts", "ec2", "kms", "iam", "sqs"}
)

// write emits the delivery file: one object whose Records array holds n
// records, one per line as CloudTrail's own files are not, so that line
// positions stay meaningful.
func (g *gen) write(w *bufio.Writer, n int) error {
	w.WriteString("{\"Records\":[\n")
	for i := range n {
		if i > 0 {
			w.WriteString(",\n")
		}
		g.buf = g.record(g.buf[:0], i)
		if _, err := w.Write(g.buf); err != nil {
			return err
		}
	}
	_, err := w.WriteString("\n]}\n")
	return err
}

// record appends record i.
func (g *gen) record(b []byte, i int) []byte {
	r := g.rnd
	at := g.start.Add(time.Duration(i) * g.step)
	svc := services[r.IntN(len(services))]

	b = append(b, `{"eventVersion":"1.10","userIdentity":`...)
	// who numbers the caller. Each caller works from a few addresses and
	// agents of its own and touches a few resources of each service,
	// because CI users, workloads and people do.
	var key string
	var who int
	switch kind := r.IntN(10); {
	case kind < 4:
		u := r.IntN(40)
		who = u
		key = fmt.Sprintf("AKIAEXAMPLE%09d", u)
		b = fmt.Appendf(b, `{"type":"IAMUser","principalId":"AIDAEXAMPLE%09d","arn":"arn:aws:iam::%s:user/svc-%d","accountId":"%s","accessKeyId":"%s","userName":"svc-%d"}`,
			u, account, u, account, key, u)
	case kind < 9:
		role := r.IntN(25)
		who = 40 + role
		// A role session lasts an hour.
		key = fmt.Sprintf("ASIAEXAMPLE%04d%05d", role, at.Hour())
		b = fmt.Appendf(b, `{"type":"AssumedRole","principalId":"AROAEXAMPLE%09d:session-%d","arn":"arn:aws:sts::%s:assumed-role/app-role-%d/session-%d","accountId":"%s","accessKeyId":"%s",`+
			`"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE%09d","arn":"arn:aws:iam::%s:role/app-role-%d","accountId":"%s","userName":"app-role-%d"},"webIdFederationData":{},`+
			`"attributes":{"creationDate":"%s","mfaAuthenticated":"false"}}}`,
			role, at.Hour(), account, role, at.Hour(), account, key, role, account, role, account, role, at.Truncate(time.Hour).Format(time.RFC3339))
	default:
		who = 65
		b = append(b, `{"type":"AWSService","invokedBy":"lambda.amazonaws.com"}`...)
	}

	// Each caller works in its home region.
	region := regions[who%len(regions)]
	event, params, resources := g.call(svc, region, who)
	denied := r.IntN(50) == 0
	b = fmt.Appendf(b, `,"eventTime":"%s","eventSource":"%s.amazonaws.com","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userAgent":"%s",`,
		at.Format(time.RFC3339), svc, event, region, g.addr(who), agents[(who+r.IntN(2))%len(agents)])
	if denied {
		b = append(b, `"errorCode":"AccessDenied","errorMessage":"User is not authorized to perform this operation",`...)
	}
	b = append(b, `"requestParameters":`...)
	b = append(b, params...)
	b = append(b, `,"responseElements":`...)
	if svc == "sts" && !denied {
		b = fmt.Appendf(b, `{"credentials":{"accessKeyId":"ASIAEXAMPLE%09d","sessionToken":"EXAMPLE-TOKEN-NOT-A-SECRET","expiration":"%s"},"assumedRoleUser":{"assumedRoleId":"AROAEXAMPLE000000001:s","arn":"arn:aws:sts::%s:assumed-role/deploy/s"}}`,
			r.IntN(2000), at.Add(time.Hour).Format(time.RFC3339), account)
	} else {
		b = append(b, "null"...)
	}
	b = fmt.Appendf(b, `,"requestID":"%08x-0000-4000-8000-%012x","eventID":"%08x-1111-4000-8000-%012x","readOnly":%t,`, i, r.Uint64()&0xffffffffffff, i, r.Uint64()&0xffffffffffff, r.IntN(3) > 0)
	if resources != "" {
		b = append(b, `"resources":`...)
		b = append(b, resources...)
		b = append(b, ',')
	}
	b = fmt.Appendf(b, `"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%s","eventCategory":"Management",`+
		`"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s.%s.amazonaws.com"}}`,
		account, svc, region)
	return b
}

// call returns an event name, its request parameters and its resources
// array ("" for none) for a service.
func (g *gen) call(svc, region string, who int) (event, params, resources string) {
	r := g.rnd
	n := strconv.Itoa((who*7 + r.IntN(8)) % 60)
	switch svc {
	case "s3":
		b := "example-org-data-" + n
		if r.IntN(2) == 0 {
			return "GetObject", `{"bucketName":"` + b + `","key":"exports/2026/10/part-` + n + `.csv.gz","Host":"` + b + `.s3.` + region + `.amazonaws.com"}`,
				`[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::` + b + `/exports/2026/10/part-` + n + `.csv.gz"},{"accountId":"` + account + `","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::` + b + `"}]`
		}
		return "ListObjects", `{"bucketName":"` + b + `","prefix":"exports/","Host":"` + b + `.s3.` + region + `.amazonaws.com"}`,
			`[{"accountId":"` + account + `","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::` + b + `"}]`
	case "secretsmanager":
		return "GetSecretValue", `{"secretId":"app/secret-` + n + `"}`, ""
	case "ssm":
		return "GetParameter", `{"name":"/prod/app/param-` + n + `","withDecryption":true}`, ""
	case "dynamodb":
		return "GetItem", `{"tableName":"orders-` + n + `","key":{"id":{"S":"` + n + `"}},"consistentRead":false}`, ""
	case "lambda":
		return "Invoke20150331", `{"functionName":"arn:aws:lambda:` + region + `:` + account + `:function:worker-` + n + `"}`, ""
	case "sts":
		return "AssumeRole", `{"roleArn":"arn:aws:iam::` + account + `:role/deploy-` + n + `","roleSessionName":"ci-` + n + `","durationSeconds":3600}`,
			`[{"accountId":"` + account + `","type":"AWS::IAM::Role","ARN":"arn:aws:iam::` + account + `:role/deploy-` + n + `"}]`
	case "ec2":
		return "DescribeInstances", `{"instancesSet":{},"filterSet":{"items":[{"name":"tag:team","valueSet":{"items":[{"value":"payments"}]}}]}}`, ""
	case "kms":
		return "Decrypt", `{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"SecretARN":"arn:aws:secretsmanager:` + region + `:` + account + `:secret:app/secret-` + n + `-AbCdEf"}}`,
			`[{"accountId":"` + account + `","type":"AWS::KMS::Key","ARN":"arn:aws:kms:` + region + `:` + account + `:key/1111aaaa-22bb-33cc-44dd-5555eeee` + fmt.Sprintf("%04s", n) + `"}]`
	case "iam":
		return "GetRole", `{"roleName":"app-role-` + n + `"}`, ""
	default:
		return "SendMessage", `{"queueUrl":"https://sqs.` + region + `.amazonaws.com/` + account + `/jobs-` + n + `","messageBody":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, ""
	}
}

// addr returns a source address from the documentation ranges: one of
// three addresses of the caller, or in one call of fifty one of eight
// addresses shared by everyone (a VPN, a proxy).
func (g *gen) addr(who int) string {
	if g.rnd.IntN(50) == 0 {
		return "203.0.113." + strconv.Itoa(1+g.rnd.IntN(8))
	}
	n := who*3 + g.rnd.IntN(3)
	if n < 250 {
		return "192.0.2." + strconv.Itoa(1+n)
	}
	return "198.51.100." + strconv.Itoa(n-249)
}
