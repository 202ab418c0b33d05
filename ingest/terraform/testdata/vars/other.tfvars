env    = "ignored"
region = "ap-south-1"
