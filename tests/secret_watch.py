"""Where the test session lets the app write, searched for secrets when the session ends.

tests/conftest.py points the app's platformdirs folders (settings, data, cache, log) into
the session's temp dir and logs there as the app does (redaction installed);
tests/gui/conftest.py records each window's settings folder. When every test of the
session (of each worker, when the suite runs in several processes) is done, conftest's
`app_folders` searches them all with `leaks` (issue 10, item 2); a secret found there fails
the run. tests/test_secret_search.py shows the search can fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "spacesgui"  # platformdirs' name for the app's folders
# Files the app writes beside a settings file given on the command line (as the GUI tests do).
APP_FILE_PATTERNS = ("settings*.json", ".settings-*", "transfers.sqlite3*", "activity.sqlite3*")
# Test secrets the GUI tests type or save; any one of them on disk is a leak.
KEYS_MANAGER_SECRETS = ("km-secret-4f1c9e2ab7d03", "km-other-secret-88a1c0f5e")


@dataclass
class Watch:
    folders: dict[str, Path] = field(default_factory=dict)  # "config", "data", "cache", "state"
    log_file: Path | None = None
    window_dirs: list[Path] = field(default_factory=list)  # each GUI window's settings folder
    windows_built: int = 0

    def files(self) -> list[Path]:
        """Every file the app may have written in this session, that exists now."""
        found: set[Path] = set()
        for folder in self.folders.values():  # the app's own folder in each (not rclone's, say)
            found.update(p for p in (folder / APP_NAME).rglob("*") if p.is_file())
        for folder in self.window_dirs:
            for pattern in APP_FILE_PATTERNS:
                found.update(p for p in folder.glob(pattern) if p.is_file())
        if self.log_file is not None and self.log_file.is_file():
            found.add(self.log_file)
        return sorted(found)

    def leaks(self, secrets: Iterable[str]) -> list[str]:
        """Each known secret found in a file the app wrote in this session, with the file.

        (A run of a few tests may write no settings file or log at all, so their absence
        is not a failure here.)
        """
        found = find_secrets(self.files(), secrets)
        return [f"a secret found on disk: {path}: {secret[:3]}…" for path, secret in found]


WATCH = Watch()


def find_secrets(files: Iterable[Path], secrets: Iterable[str]) -> list[tuple[Path, str]]:
    """(file, secret) for every secret found in a file's bytes (UTF-8 or UTF-16, as SQLite may store it)."""
    needles = [(s, s.encode("utf-8"), s.encode("utf-16-le")) for s in secrets if s]
    hits = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        hits += [(path, s) for s, utf8, utf16 in needles if utf8 in data or utf16 in data]
    return hits
