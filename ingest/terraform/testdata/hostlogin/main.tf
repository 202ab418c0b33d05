provider "aws" {
  allowed_account_ids = ["111122223333"]
}

resource "aws_instance" "bastion" {
  ami           = "ami-00000000000000000"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/bash
    echo "ops:CANARY-terraform-host-7f3a" | sudo chpasswd
    sed -i 's/PasswordAuthentication no/PasswordAuthentication yes/' /etc/ssh/sshd_config
  EOT
}
