deploy_token = "CANARY-terraform-7f3a-tfvars"
