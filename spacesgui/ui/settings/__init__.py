"""Space settings: the settings window and its sections (permissions, CORS, versioning, …)."""
