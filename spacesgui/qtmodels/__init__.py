"""qtmodels layer."""
