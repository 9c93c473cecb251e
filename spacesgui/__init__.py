"""spacesgui: a desktop file browser for DigitalOcean Spaces and S3-compatible stores."""

from importlib.metadata import PackageNotFoundError, version

try:  # the one place the version lives is pyproject.toml; installed metadata carries it
    __version__ = version("spacesgui")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"
