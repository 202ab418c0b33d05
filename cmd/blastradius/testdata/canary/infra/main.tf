provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

variable "db_password" {
  default = "canary-tfvar-default-M1n3"
}

resource "aws_iam_user" "app" {
  name = "canary-app"
}

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = var.db_password
}

resource "aws_ssm_parameter" "token" {
  name  = "/app/token"
  type  = "SecureString"
  value = "canary-ssm-value-K2v8"
}

resource "aws_lambda_function" "fn" {
  function_name = "canary-fn"
  role          = "arn:aws:iam::111122223333:role/canary-fn"
  environment {
    variables = {
      STRIPE_KEY = "canary-lambda-env-H6w4"
    }
  }
}

resource "github_actions_secret" "api" {
  repository      = "repo"
  secret_name     = "API_KEY"
  plaintext_value = "canary-gh-plaintext-J9c3"
}

resource "aws_instance" "box" {
  ami       = "ami-12345678"
  user_data = "export AWS_SECRET_ACCESS_KEY=canary-userdata-N5b7\ndocker run -d -e API_TOKEN=canary-ud-docker-U8v2 -e SESSION=canary-ud-plain-K4s9 ghcr.io/example-org/image:1\n"
}

resource "google_cloud_run_v2_service" "api" {
  project  = "canary-project"
  name     = "api"
  location = "europe-west1"
  template {
    containers {
      image = "europe-west1-docker.pkg.dev/canary-project/app/api:1"
      env {
        name  = "PAYMENTS_API_KEY"
        value = "canary-run-env-G8d4"
      }
    }
  }
}

resource "google_compute_instance" "vm" {
  project      = "canary-project"
  zone         = "europe-west1-b"
  name         = "vm"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "cos-cloud/cos-stable"
    }
  }
  network_interface {
    network = "default"
  }
  metadata = {
    gce-container-declaration = yamlencode({
      spec = {
        containers = [{
          image = "gcr.io/canary-project/vm:1"
          env   = [{ name = "DB_PASSWORD", value = "canary-gce-env-Y3u7" }]
        }]
      }
    })
  }
}
