"""The Linux packages: build the bundle and the .deb from scratch, run the bundle, inspect the .deb.

Slow (a PyInstaller build, ~2-4 minutes on 2 cores); CI runs it. Needs dpkg-deb,
desktop-file-validate and appstreamcli (Debian: dpkg, desktop-file-utils, appstream).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tomllib
from pathlib import Path

import pytest

from spacesgui.demo.server import SPACES

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.spacesgui.spacesgui"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
TOOLS = ("dpkg-deb", "desktop-file-validate", "appstreamcli", "readelf")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1500),
    pytest.mark.skipif(any(shutil.which(tool) is None for tool in TOOLS), reason=f"needs {', '.join(TOOLS)}"),
]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundle, the .deb and the .tar.gz once, in fresh folders."""
    base = tmp_path_factory.mktemp("linux-packages")
    out = base / "out"
    subprocess.run(
        [
            "bash",
            str(ROOT / "packaging" / "linux" / "build-deb.sh"),
            "--fast",
            "--out",
            str(out),
            "--work",
            str(base / "work"),
        ],
        cwd=ROOT,
        check=True,
        timeout=1400,
    )
    return base


def _deb(packages: Path) -> Path:
    return packages / "out" / f"spacesgui_{VERSION}_amd64.deb"


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, check=False)


def test_the_bundled_app_passes_its_smoke_check_offscreen(packages: Path) -> None:
    binary = packages / "work" / "dist" / "spacesgui" / "spacesgui"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [str(binary), "--smoke"], capture_output=True, text=True, timeout=240, env=env, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "smoke test passed" in result.stdout
    for space in SPACES:
        assert space in result.stdout
    assert "\nsecrets: " in result.stdout  # where a normal run keeps secret keys
    licence = binary.parent / "_internal" / "spacesgui" / "_resources" / "LICENSE"
    assert licence.read_text(encoding="utf-8") == (ROOT / "LICENSE").read_text(encoding="utf-8")
    version = _run(str(binary), "--version")
    assert version.stdout.strip() == f"spacesgui {VERSION}"


def test_the_deb_has_its_control_fields(packages: Path) -> None:
    info = _run("dpkg-deb", "--field", str(_deb(packages)))
    assert info.returncode == 0, info.stderr
    fields = dict(line.split(": ", 1) for line in info.stdout.splitlines() if ": " in line)
    assert fields["Package"] == "spacesgui"
    assert fields["Version"] == VERSION
    assert fields["Architecture"] == "amd64"
    assert "libc6" in fields["Depends"]
    assert "fontconfig" in fields["Depends"]
    installed_kb = int(fields["Installed-Size"])
    # The bundle is tens of megabytes; a broken build (no Qt) or a runaway one (all of Qt) is not.
    assert 40_000 < installed_kb < 400_000


def test_the_deb_installs_the_app_launcher_menu_entry_icons_and_metainfo(packages: Path) -> None:
    contents = _run("dpkg-deb", "--contents", str(_deb(packages)))
    assert contents.returncode == 0, contents.stderr
    paths = {line.split()[-1].removeprefix(".") for line in contents.stdout.splitlines() if "->" not in line}
    expected = {
        "/opt/spacesgui/spacesgui",
        "/usr/bin/spacesgui",
        f"/usr/share/applications/{APP_ID}.desktop",
        f"/usr/share/metainfo/{APP_ID}.metainfo.xml",
        "/usr/share/icons/hicolor/scalable/apps/spacesgui.svg",
        "/usr/share/doc/spacesgui/copyright",
        *(
            f"/usr/share/icons/hicolor/{s}x{s}/apps/spacesgui.png"
            for s in (16, 24, 32, 48, 64, 128, 256, 512)
        ),
    }
    assert expected <= paths
    assert not any("QtWebEngine" in p or "Qt3D" in p or "libQt6Quick" in p for p in paths)
    assert not any("/pytest" in p or "/mypy/" in p for p in paths)


def test_the_desktop_entry_and_appstream_file_in_the_deb_validate(packages: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert _run("dpkg-deb", "-x", str(_deb(packages)), str(root)).returncode == 0
    desktop = root / "usr" / "share" / "applications" / f"{APP_ID}.desktop"
    result = _run("desktop-file-validate", str(desktop))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()
    metainfo = root / "usr" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    assert f'version="{VERSION}"' in metainfo.read_text(encoding="utf-8")
    result = _run("appstreamcli", "validate", "--no-net", str(metainfo))
    assert result.returncode == 0, result.stdout + result.stderr
    launcher = (root / "usr" / "bin" / "spacesgui").read_text(encoding="utf-8")
    assert "/opt/spacesgui/spacesgui" in launcher


def test_the_deb_ships_the_licence_in_debians_copyright_format(packages: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert _run("dpkg-deb", "-x", str(_deb(packages)), str(root)).returncode == 0
    copyright_file = (root / "usr" / "share" / "doc" / "spacesgui" / "copyright").read_text(encoding="utf-8")
    assert copyright_file.startswith(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    )
    assert "Copyright: 2026 spacesgui contributors" in copyright_file
    # The stand-alone MIT paragraph carries the whole text, each line indented, blank lines " ."
    body = copyright_file.split("\n\nLicense: MIT\n", 1)[1]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    permission = licence[licence.index("Permission") :].strip().splitlines()
    assert body.strip("\n").splitlines() == [f" {line}" if line else " ." for line in permission]
    bundled = root / "opt" / "spacesgui" / "_internal" / "spacesgui" / "_resources" / "LICENSE"
    assert bundled.read_text(encoding="utf-8") == licence


def test_the_tarball_holds_the_bundle(packages: Path) -> None:
    tarball = packages / "out" / f"spacesgui-{VERSION}-linux-x86_64.tar.gz"
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    assert f"spacesgui-{VERSION}/spacesgui" in names
    assert f"spacesgui-{VERSION}/{APP_ID}.desktop" in names
    assert f"spacesgui-{VERSION}/LICENSE" in names
