"""The activity record window (Window → Activity)."""
