"""Transfers widgets."""
