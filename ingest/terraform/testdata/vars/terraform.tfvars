account_id = "111122223333"
env        = "staging"
readers    = ["carol"]
