secret_name = "orders/db"
db_password = "CANARY-tfjson-tfvars"
