"""Test sandbox for mcp-aws-sso: local stand-ins for the AWS services the host talks to.

`sso_emulator` emulates AWS SSO OIDC and the AWS SSO portal on one loopback port; the other
modules here wrap moto for STS, EC2, SSM and friends.
"""
