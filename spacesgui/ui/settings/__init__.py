"""Space settings: the CORS editor (the Space settings window and its other sections join it here)."""
