"""Pure domain rules and models: no boto3, no pynamodb."""
