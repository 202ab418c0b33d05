db_password = "canary-tfvars-file-V3q6"
