"""Browser widgets."""
