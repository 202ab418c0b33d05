// Package terraform reads Terraform configuration (.tf files, with values
// from .tfvars files) and turns the AWS identity, secret and data-store
// resources and the GitHub Actions secrets it declares into graph facts.
//
// # Modules
//
// A Terraform module is a folder: its files refer to each other's blocks.
// The first Parse call for a file reads and evaluates every .tf and .tfvars
// file of that file's folder, once. Each Parse call then returns the facts
// of the blocks declared in its own file. A file with a syntax error is
// rejected on its own Parse call and left out of the evaluation of the rest.
// A .tfvars file yields no facts. Values from terraform.tfvars and then
// *.auto.tfvars (in name order) override variable defaults, as Terraform
// loads them. Other .tfvars files are only checked for syntax.
//
// # Evaluation
//
// Expressions are evaluated with var.*, local.*, a small set of data sources
// (aws_caller_identity, aws_region, aws_partition, aws_iam_policy_document
// and name lookups of IAM principals and secrets) and the attributes of the
// resources modelled here (names, ARNs, ids). The functions are those of
// Terraform that need no file system, clock or network. The account comes
// from the aws provider's allowed_account_ids, else a variable or local
// named account_id, aws_account_id or account, else the one account that
// literal ARNs in the module name; the region from the aws provider. Either
// is empty when the input does not show it.
//
// A reference whose value the input does not show (a variable without
// default or tfvars value, an attribute only known after apply, a module
// output) evaluates to the text "${reference}", so that names and policy
// documents built from it still link up within the module. Nodes whose id
// or attributes contain such text carry the attribute unresolved, listing
// the references.
//
// Which access key, parameter or secret a value comes from is read from
// the references of its expression, through locals, whether or not the
// expression can be evaluated: a GitHub Actions secret set from
// aws_iam_access_key.x.secret HOLDS that key.
//
// # Limitations
//
//   - Modules called with a module block are not read; their outputs stay
//     unresolved.
//   - A resource with count or for_each stands for one instance: count.index
//     is 0 and each.key and each.value stay unresolved, so a for_each over
//     several users yields one user named after "${each.key}".
//   - dynamic blocks are not expanded; a policy document or role that uses
//     them gets a warning and only its static blocks.
//   - file, templatefile and other functions that read files are not
//     available, so policies read from files stay unresolved (with a
//     warning).
//   - Override files and JSON configuration (.tf.json) are not read.
//   - Only the default (unaliased) aws and github providers set the account,
//     region and GitHub owner. When the account is unknown,
//     data.aws_caller_identity gives an empty account id, so that ARNs built
//     from it match the ids built here; names that include it lose it.
//   - The size of numbers and strings is bounded between expressions, and
//     range, setproduct, indent, format and join refuse large results, but
//     a single expression can still build a large string, e.g. with a
//     template for directive over a long list.
package terraform
