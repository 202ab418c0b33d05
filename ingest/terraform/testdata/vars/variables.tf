variable "account_id" {
  type    = string
  default = "999999999999"
}

variable "region" {
  default = "us-west-1"
}

variable "env" {
  type    = string
  default = "dev"
}

variable "readers" {
  type    = list(string)
  default = []
}

variable "team" {
  type = string
}

variable "extra_principals" {
  type = list(string)
}
