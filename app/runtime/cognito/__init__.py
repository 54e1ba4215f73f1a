"""Optional login through an AWS ALB authenticating with Cognito (AWS_USE_COGNITO)."""
