"""spacesgui: a desktop file browser for DigitalOcean Spaces and S3-compatible stores."""

__version__ = "0.1.0"
