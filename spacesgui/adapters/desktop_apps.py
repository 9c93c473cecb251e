"""The programs installed on this computer, from freedesktop.org desktop entries (Linux, BSD).

Blocking: reads files; call from a worker thread. On systems without XDG folders the
lists are simply empty (Open With… then offers only "Other program…").
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from spacesgui.core.desktop_entries import (
    DesktopApp,
    MimeAssociations,
    parse_desktop_entry,
    parse_mimeapps,
)

log = logging.getLogger(__name__)

MAX_ENTRY_BYTES = 256 * 1024  # a .desktop file is a few KiB; anything larger is not one


def xdg_data_dirs() -> list[str]:
    """XDG_DATA_HOME then XDG_DATA_DIRS, with the spec's defaults."""
    home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    return [home, *(d for d in dirs.split(":") if d)]


def xdg_config_dirs() -> list[str]:
    """XDG_CONFIG_HOME then XDG_CONFIG_DIRS, with the spec's defaults."""
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    dirs = os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    return [home, *(d for d in dirs.split(":") if d)]


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        log.debug("cannot read %s: %s", path, exc)
        return None


class XdgDesktopApps:
    """DesktopApps from `dirs`/applications (data folders, most important first) and the
    mimeapps.list files in `config_dirs` and in those applications folders.

    A desktop id found in an earlier folder hides the same id in later ones; an entry
    marked Hidden there hides it too.
    """

    def __init__(self, dirs: Sequence[str] | None = None, config_dirs: Sequence[str] | None = None) -> None:
        self.dirs = list(xdg_data_dirs() if dirs is None else dirs)
        self.config_dirs = list(xdg_config_dirs() if config_dirs is None else config_dirs)

    def applications(self) -> list[DesktopApp]:
        found: dict[str, DesktopApp | None] = {}
        for data_dir in self.dirs:
            root = Path(data_dir) / "applications"
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*.desktop")):
                app_id = path.relative_to(root).as_posix().replace("/", "-")
                if app_id in found:
                    continue
                text = _read(path)
                found[app_id] = parse_desktop_entry(text, app_id, str(path)) if text is not None else None
        apps = [app for app in found.values() if app is not None]
        return sorted(apps, key=lambda app: app.name.casefold())

    def associations(self) -> MimeAssociations:
        files = [Path(d) / "mimeapps.list" for d in self.config_dirs]
        files += [Path(d) / "applications" / "mimeapps.list" for d in self.dirs]
        texts = [text for text in (_read(f) for f in files if f.is_file()) if text is not None]
        return parse_mimeapps(texts)
