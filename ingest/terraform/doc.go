// Package terraform reads Terraform configuration (.tf files, with values
// from .tfvars files, and their JSON forms .tf.json and .tfvars.json) and
// turns the AWS identity, organization, secret, compute and data-store
// resources, the Google Cloud IAM resources and the GitHub Actions secrets
// it declares into graph facts.
//
// google_* resources are evaluated here and converted by ingest/gcpiam,
// so that they give the nodes and edges gcloud output gives; their
// project is their own project argument, else that of the provider
// configuration they use, else the text "${provider.google.project}".
// That configuration is the one their provider argument names
// (google.alias, google-beta, google-beta.alias), else the default google
// one, even in a module that configures only google-beta. Its region and
// zone also place blocks that set none. Without a project, Terraform
// takes it from the environment or the credentials, which the input does
// not show. The google and google-beta providers read these alike, so
// the text is the same for either provider. A project, location, region or zone argument
// whose value is not known is the text "${ADDRESS.ARGUMENT}", since the
// provider's setting applies only to an argument that is not set. A
// kubernetes_service_account gives the service account identity the
// Kubernetes ingester gives, with its GKE workload identity and IRSA
// annotations.
//
// # Modules
//
// A Terraform module is a folder: its files refer to each other's blocks.
// The first Parse call for a file reads and evaluates every .tf, .tf.json,
// .tfvars and .tfvars.json file of that file's folder (gzip-compressed
// ones too), once. Each Parse call then returns the facts of the blocks
// declared in its own file. A file with a syntax error is rejected on its
// own Parse call and left out of the evaluation of the rest. A .tfvars
// file yields no facts. Values from terraform.tfvars, terraform.tfvars.json
// and then *.auto.tfvars and *.auto.tfvars.json (in name order) override
// variable defaults, as Terraform loads them, compressed or not. Other
// .tfvars files are only checked for syntax.
//
// Files are read in name order, and override files (override.tf,
// *_override.tf and their .tf.json forms) after the others, each in turn
// in name order. Their blocks merge into the blocks of the other files
// with the same type and labels, as Terraform merges them. Arguments
// replace the original's of the same name. Nested blocks of a type
// replace all the original's blocks of that type, dynamic ones counting
// as the type they generate. Lifecycle arguments merge one by one, and
// locals merge by name. An override block with nothing to merge into is
// skipped with a warning, since Terraform rejects it. A merged block
// keeps the file and line of the original block, and so do its facts.
// sensitive = true in any block of a variable or output hides its value,
// even when a later override block sets it to false.
//
// # JSON syntax
//
// A .tf.json file is read as Terraform reads it, into the same blocks and
// expressions a .tf file gives, so that both kinds may make up one module.
// Its top-level properties are block types, and the levels of objects
// under resource, data, variable, provider and the other labelled types
// are the labels. A block's body is an object, or an array of objects for
// several blocks of one type. Properties named "//" are comments. Strings
// are templates: "${var.name}" is the value of the reference, of any
// type, and "$${" is a literal "${". A variable's default and description
// and the values of a .tfvars.json file are plain values, without
// templates. A variable's type is a type expression in a string
// ("list(string)"). Provider, depends_on, a dynamic block's iterator and
// an import block's to are references in strings ("aws.prod").
//
// Terraform takes the nested block types of a resource from its provider's
// schema, which is not in the input. The reader lists the nested block
// types it reads (an aws_iam_role's inline_policy, the statement,
// principals and condition of an aws_iam_policy_document, lifecycle,
// provisioner, connection and dynamic blocks, and others). Every other
// property is an argument, whose object or array value contains the same
// values, and the google_* conversion reads it as it reads blocks. A
// block's position is the property that opens it: the name of a resource,
// or the object of one block in an array.
//
// # Module calls
//
// A module block whose source is a local folder (./ or ../) inside the
// repository, or inside the input folder outside a repository, calls
// that folder's module. For a file named on its own outside a repository,
// the source must lie inside the parent of the file's folder. The folder
// is where the source's symbolic links lead, so a link out of the
// repository is not followed. The called module's variables take the
// block's arguments, else their defaults; Terraform reads no tfvars file
// for a called module. It uses the caller's AWS account and region, or
// those of the aws provider that the block passes in providers, unless it
// configures its default aws provider. Its blocks of an aliased aws
// provider (provider = aws.peer) take the account and region of the
// configuration passed as aws.peer. Its google resources use the caller's
// google provider configurations when it configures none of their name:
// those listed in providers, or without that argument the caller's
// default ones. Its facts are the facts of the file that holds the module
// block, at the block's line, and the addresses in them start with
// module.NAME. (module.NAME.aws_iam_role.this). A value read from an
// output contains the credentials that the output's expression contains
// in the module. An element of an output that contains several may be
// any of them, so each is possible. The caller reads its
// outputs as module.NAME.OUTPUT, except that an output declared with
// sensitive = true is unknown, as a sensitive variable is. Calls nest up
// to 8 deep, number at most 256 in one configuration and read at most
// 8 MiB of files in all, and a module that calls itself is read once.
// Their for expressions count against the caller's evaluation limit. A
// module block with count or for_each calls its module once for each
// instance, as a resource block gives its instances (see Limitations),
// under module.NAME[KEY], and the caller reads module.NAME[KEY].OUTPUT.
// A folder that a root module of the input calls is read only through
// its calls (see Parser.Prepare), so the warnings of its files are
// reported through each call, at their own positions. A call that the
// bounds on calls leave out is reported at the module block of the
// configuration read.
//
// # Evaluation
//
// Expressions are evaluated with var.*, local.*, path.* and the attributes
// of the resources modelled here: names, ARNs, ids, and an EC2 instance's
// id when an import block gives it. path.module is the module folder,
// ".", and path.root the root module's folder relative to it. path.cwd, where Terraform runs, is the folder of the module read
// from its own folder, as a path from the module's folder (../prod), so
// that basename(path.cwd) names it as Terraform's absolute path does. A
// small set of data sources is known: aws_caller_identity, aws_region,
// aws_partition, aws_iam_policy_document and name lookups of IAM
// principals and secrets. The functions are those of Terraform
// that need no clock, randomness or network. Of those that read files,
// file, filebase64, fileexists and templatefile are known: they read
// files of up to 1 MiB relative to the module folder, and only within the
// folder's parent, where modules keep their assets.
//
// The account is the first of:
//
//   - the default aws provider's allowed_account_ids, else the account of
//     the role its assume_role block names;
//   - a variable or local named account_id, aws_account_id or account;
//   - the one account that the module's own ARNs name. These are IAM ARNs
//     in resource arguments (a function's role, an attached policy),
//     ARNs in the Resource and NotResource of policy statements, and the
//     ARNs of the users, roles and groups the module declares, wherever
//     they appear. Blocks of an aliased aws provider do not count.
//
// Principals and conditions name accounts that are trusted or checked, so
// they never count. Neither do IAM identities in a statement's resources
// that the module does not declare, since these are often another
// account's roles to assume. The region comes from the aws provider.
//
// Either is empty when the input does not show it. data.aws_caller_identity
// then gives an empty account id, so arn:aws:iam::${account_id}:root
// renders arn:aws:iam:::root: the root of the same unknown account as the
// module's own arn:aws:iam:::user/... identities.
//
// A reference whose value the input does not show (a variable without
// default or tfvars value, an attribute only known after apply, a module
// output) evaluates to the text "${reference}", so that names and policy
// documents built from it still link up within the module. The string
// functions replace, lower, upper and title change only the text around
// such placeholders, so that replace(var.cgid, "_", "-") stays
// "${var.cgid}" instead of a mangled name. Nodes whose id or attributes
// contain such text carry the attribute unresolved, listing the
// references.
//
// Which credential a value holds is read from the references of its
// expression, through locals and data sources, whether or not the
// expression can be evaluated: a GitHub Actions secret set from
// aws_iam_access_key.x.secret HOLDS that key. A value passed to
// templatefile counts only when the template uses it; when the template
// cannot be read, the edge is possible and says why. A database's master
// password is held by whatever reads the same random_password, the same
// variable, or the database's password attribute.
//
// # Code folders
//
// A Lambda function, a Lambda layer or a Cloud Function whose code is an
// archive_file of a folder (its filename, the aws_s3_object its s3_key
// names, or the google_storage_bucket_object its source object names)
// runs the packages of that folder. The function's node lists the folder
// in graph.AttrCodeFrom, relative to the root of the repository that
// contains the module. It also lists the folders of the layers in its
// layers argument, named by reference or by the ARN of a layer that the
// module declares. A relative
// path that reads no path.* value starts at the root module's folder, where
// Terraform runs. A folder outside the repository, or one that a value the
// input does not show decides, is left out with a warning.
//
// # Limitations
//
//   - Modules from a registry or Git source are not read, so their
//     outputs stay unresolved.
//   - A module folder that a root of the input calls is not read on its
//     own, even when it is also applied on its own with -var-file. Only a
//     tfvars file or a backend (or cloud) block in the folder marks it as
//     a root too.
//   - A resource with count or for_each gives each instance Terraform would
//     create, at an address with its key (aws_iam_user.x["alice"],
//     aws_instance.web[2]), when the value is known from the module and
//     its tfvars files and names at most 1024 instances. A count of 1 keeps
//     the block's own address. Otherwise the block stands for one
//     instance: count.index is 0 and each.key and each.value stay
//     unresolved, so a for_each over an unknown list of users yields one
//     user named after "${each.key}". A count of 0 or an empty for_each
//     that a root module variable no tfvars file sets decides also stands
//     for one instance, since a -var flag may set the variable. The value
//     is followed through locals, module arguments and outputs, the
//     arguments of blocks it reads, and each or count.index. So does one
//     that terraform.workspace decides, which is "default" elsewhere. So
//     does a for_each over a list, which Terraform rejects, with a
//     warning. A reference that names an instance (x["alice"], x[each.key],
//     x[count.index], or each.value in a block whose for_each is x) reads
//     that instance alone, and a reference without a key reads every
//     instance.
//   - dynamic blocks are expanded only in aws_iam_policy_document
//     (statement, principals, condition). Elsewhere, as in a role's dynamic
//     inline_policy, the block gets a warning and only its static blocks
//     count.
//   - Files outside the module folder's parent, and files larger than
//     1 MiB, are not read; policies and templates there stay unresolved.
//   - An ECS container's environment value counts as written out in the
//     input when it equals a literal of container_definitions.
//   - S3 objects and DynamoDB items are facts only when they hold
//     credentials: a reference to one, or an access key, secret access key
//     or PEM private key written in their content.
//   - A block of an aliased aws provider (provider = aws.prod) takes that
//     provider's account (allowed_account_ids, else the account of its
//     assume_role role) and region; references between blocks still
//     resolve by name across provider configurations. Only the default
//     github provider sets the GitHub owner. When the account is unknown,
//     data.aws_caller_identity gives an empty account id, so that ARNs built
//     from it match the ids built here; names that include it lose it.
//   - The size of numbers and strings is bounded between expressions, and
//     range, setproduct, indent, format and join refuse large results.
//     The for expressions of a module (template for directives included)
//     may iterate over 65536 elements and build 64 MiB of text in all: the
//     file whose expression passes the limit is rejected at that
//     expression, and the other files of the module get a warning. A chain
//     of references deeper than 512 is left unresolved.
//   - A file whose expressions nest deeper than 1000 levels is rejected at
//     the level past the bound, since the parser recurses once per level.
//     Brackets, quotes, interpolations, if and for directives, and each
//     unary operator or conditional in a chain count as levels, in the
//     strings of a .tf.json file too.
//   - Each expression is evaluated with only the variables, locals and
//     blocks it names, so a module's evaluation time grows with its
//     references, not with the square of its blocks.
package terraform
