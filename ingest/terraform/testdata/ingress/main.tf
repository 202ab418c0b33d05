variable "office" {
  type = list(string)
}

resource "aws_security_group" "open_http" {
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "office_ssh" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.office
  }
}

resource "aws_security_group" "doc_range" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["192.0.2.0/24"]
  }
}

resource "aws_security_group" "from_lb" {
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.open_http.id]
  }
}

resource "aws_lb" "public" {
  internal        = false
  security_groups = [aws_security_group.open_http.id]
}

resource "aws_lb" "private" {
  internal        = true
  security_groups = [aws_security_group.open_http.id]
}

resource "aws_lb_target_group" "web" {
  port = 8080
}

resource "aws_lb_target_group" "admin" {
  port = 8080
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web.id
}

resource "aws_lb_target_group_attachment" "admin" {
  target_group_arn = aws_lb_target_group.admin.arn
  target_id        = aws_instance.admin.id
}

resource "aws_lb_listener" "public" {
  load_balancer_arn = aws_lb.public.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "private" {
  load_balancer_arn = aws_lb.private.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.admin.arn
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  vpc_security_group_ids = [aws_security_group.from_lb.id]
  user_data              = <<-EOT
    #!/bin/bash
    aws s3 cp s3://example-org-deploy/bin/start.sh /opt/start.sh
    aws s3 cp s3://example-org-deploy/logo.png /opt/logo.png
    curl -o /opt/hook.py "https://example-org-deploy.s3.amazonaws.com/hook.py?X-Amz-Signature=CANARY-terraform-flaw-7f3a"
    export DB_PASSWORD=CANARY-terraform-flaw-7f3a
    bash /opt/start.sh
  EOT
}

resource "aws_instance" "admin" {
  ami                    = "ami-12345678"
  vpc_security_group_ids = [aws_security_group.from_lb.id]
}

resource "aws_instance" "bastion" {
  ami                         = "ami-12345678"
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.office_ssh.id]
}

resource "aws_instance" "partner" {
  ami                         = "ami-12345678"
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.doc_range.id]
}

resource "aws_instance" "private" {
  ami                    = "ami-12345678"
  vpc_security_group_ids = [aws_security_group.open_http.id]
}

# User data given already encoded: the script inside base64encode still
# names the object it loads.
resource "aws_instance" "encoded" {
  ami              = "ami-12345678"
  user_data_base64 = base64encode("#!/bin/sh\naws s3 cp s3://example-org-deploy/boot.sh - | sh\n")
}
