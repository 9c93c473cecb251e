"""Accounts widgets."""
