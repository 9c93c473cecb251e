"""The Space settings window and its pages (Overview, Permissions, CORS, Versioning, ...)."""
