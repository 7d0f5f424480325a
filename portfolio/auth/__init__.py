"""Accounts: register, log in, log out, change password, delete the account."""
