"""XdgDesktopApps: reading applications folders and mimeapps.list from disk."""

from __future__ import annotations

from pathlib import Path

from spacesgui.adapters.desktop_apps import XdgDesktopApps
from spacesgui.core.desktop_entries import applications_for


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def app_text(name: str, mime: str, extra: str = "") -> str:
    return (
        f"[Desktop Entry]\nType=Application\nName={name}\nExec={name.lower()} %f\nMimeType={mime};\n{extra}"
    )


def test_earlier_folders_hide_later_ones_and_subfolders_make_dashed_ids(tmp_path: Path) -> None:
    home, system, config = tmp_path / "home", tmp_path / "sys", tmp_path / "config"
    write(home / "applications" / "edit.desktop", app_text("Mine", "text/plain"))
    write(system / "applications" / "edit.desktop", app_text("System", "text/plain"))
    write(system / "applications" / "kde" / "view.desktop", app_text("Viewer", "text/plain"))
    write(home / "applications" / "gone.desktop", app_text("Gone", "text/plain", "Hidden=true\n"))
    write(system / "applications" / "gone.desktop", app_text("Gone too", "text/plain"))
    write(config / "mimeapps.list", "[Default Applications]\ntext/plain=kde-view.desktop\n")
    apps = XdgDesktopApps([str(home), str(system)], [str(config)])
    every = apps.applications()
    assert sorted((a.id, a.name) for a in every) == [("edit.desktop", "Mine"), ("kde-view.desktop", "Viewer")]
    assert [a.name for a in applications_for("text/plain", every, apps.associations())] == ["Viewer", "Mine"]


def test_missing_folders_give_no_programs(tmp_path: Path) -> None:
    apps = XdgDesktopApps([str(tmp_path / "none")], [str(tmp_path / "none")])
    assert apps.applications() == []
    assert apps.associations().defaults == {}
