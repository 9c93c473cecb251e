"""Help › About spacesgui: the version, the licence, and the licences of the bundled components."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution, metadata
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from spacesgui import __version__
from spacesgui.qtmodels.app_icon import app_icon

log = logging.getLogger(__name__)

APP_LICENCE = "MIT"
UNKNOWN_VERSION = "not installed"
_PACKAGE = Path(__file__).resolve().parent.parent
# A wheel or bundle carries LICENSE inside the package; a checkout has it at the top.
LICENCE_FILES = (_PACKAGE / "_resources" / "LICENSE", _PACKAGE.parent / "LICENSE")
NO_LICENCE_TEXT = (
    f"spacesgui is licensed under the {APP_LICENCE} licence. The licence file is missing from "
    "this install; its text is in LICENSE at the top of the source repository."
)


@dataclass(frozen=True, slots=True)
class Component:
    """One third-party package the app ships with, as the About dialog lists it."""

    name: str
    distribution: str  # the name importlib.metadata knows it by
    role: str
    licence: str  # what the project publishes; used when installed metadata says nothing
    optional: bool = False  # listed only when installed


COMPONENTS = (
    Component("Qt for Python (PySide6)", "PySide6-Essentials", "the user interface", "LGPL-3.0-only"),
    Component("Shiboken6", "shiboken6", "Qt bindings runtime", "LGPL-3.0-only"),
    Component("boto3", "boto3", "S3 requests", "Apache-2.0"),
    Component("botocore", "botocore", "S3 requests", "Apache-2.0"),
    Component("s3transfer", "s3transfer", "S3 transfers", "Apache-2.0"),
    Component("qasync", "qasync", "asyncio in the Qt loop", "BSD-2-Clause"),
    Component("keyring", "keyring", "keys in the system keyring", "MIT"),
    Component("platformdirs", "platformdirs", "settings and log folders", "MIT"),
    Component("urllib3", "urllib3", "HTTP connections", "MIT"),
    Component("moto", "moto", "the demo's local S3 server", "Apache-2.0"),
    Component("aiohttp", "aiohttp", "HTTP", "Apache-2.0", optional=True),
    Component("httptools", "httptools", "HTTP answers of small downloads", "MIT", optional=True),
)

# Short forms for the long licence names some packages still write in their metadata.
_LICENCE_NAMES = {
    "apache license 2.0": "Apache-2.0",
    "apache software license": "Apache-2.0",
    "apache 2.0": "Apache-2.0",
    "mit license": "MIT",
    "bsd license": "BSD",
}


@dataclass(frozen=True, slots=True)
class InstalledComponent:
    name: str
    version: str
    licence: str
    role: str


def _licence_from(meta: object, fallback: str) -> str:
    """The SPDX licence of installed metadata: License-Expression, License, then classifiers."""
    get = getattr(meta, "get", None)
    get_all = getattr(meta, "get_all", None)
    if get is None or get_all is None:
        return fallback
    for field in ("License-Expression", "License"):
        value = str(get(field) or "").strip()
        if value and "\n" not in value and len(value) < 80:  # not a whole licence text
            # PySide6 offers the LGPL or the GPL; the bundle uses it under the LGPL.
            if value.startswith("LGPL-3.0-only OR"):
                return "LGPL-3.0-only"
            return _LICENCE_NAMES.get(value.lower(), value)
    for classifier in get_all("Classifier") or []:
        if str(classifier).startswith("License :: OSI Approved :: "):
            name = str(classifier).rsplit("::", 1)[1].strip()
            return _LICENCE_NAMES.get(name.lower(), name)
    return fallback


def installed_components() -> list[InstalledComponent]:
    """Each bundled component with its installed version and licence (metadata first)."""
    found: list[InstalledComponent] = []
    for component in COMPONENTS:
        try:
            meta = metadata(component.distribution)
        except PackageNotFoundError:
            if component.optional:
                continue
            found.append(
                InstalledComponent(component.name, UNKNOWN_VERSION, component.licence, component.role)
            )
            continue
        found.append(
            InstalledComponent(
                component.name,
                str(meta["Version"] or UNKNOWN_VERSION),
                _licence_from(meta, component.licence),
                component.role,
            )
        )
    return found


@cache
def app_licence_text() -> str:
    """The text of spacesgui's own LICENSE, or a note saying where to find it (logged once).

    Looked for inside the package (wheels, bundles), in a source checkout, then in the
    installed distribution's metadata (where build backends copy licence files).
    """
    for path in LICENCE_FILES:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            continue
    try:
        dist = distribution("spacesgui")
        for name in ("licenses/LICENSE", "LICENSE"):
            text = dist.read_text(name)
            if text:
                return text
    except PackageNotFoundError:
        pass
    log.warning(
        "the LICENSE file is not in %s nor in the installed metadata", " or ".join(map(str, LICENCE_FILES))
    )
    return NO_LICENCE_TEXT


class AboutDialog(QDialog):
    """What this build is and what it carries; opened from Help › About spacesgui."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setAccessibleName("About spacesgui")
        self.setWindowTitle("About spacesgui")
        self.setWindowIcon(app_icon())
        layout = QVBoxLayout(self)

        header = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(
            f"<h2>spacesgui {html.escape(__version__)}</h2>"
            "<p>A file browser for DigitalOcean Spaces and S3-compatible storage.</p>"
            f"<p>Licensed under the {APP_LICENCE} licence.</p>"
        )
        title.setObjectName("aboutTitle")
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header.addWidget(title, 1)
        layout.addLayout(header)

        tabs = QTabWidget(self)
        tabs.setObjectName("aboutTabs")
        components = installed_components()
        table = QTableWidget(len(components), 4, tabs)
        table.setObjectName("aboutComponents")
        table.setAccessibleName("Bundled components")
        table.setHorizontalHeaderLabels(["Component", "Version", "Licence", "Used for"])
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, component in enumerate(components):
            cells = (component.name, component.version, component.licence, component.role)
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        tabs.addTab(table, "Bundled components")
        licence = QPlainTextEdit(app_licence_text(), tabs)
        licence.setObjectName("aboutLicence")
        licence.setAccessibleName("spacesgui licence")
        licence.setReadOnly(True)
        tabs.addTab(licence, f"Licence ({APP_LICENCE})")
        layout.addWidget(tabs)

        note = QLabel(
            "Qt for Python is used under the GNU LGPL version 3: you may replace the Qt and "
            "PySide6 libraries in the installed folder with your own builds. Toolbar icons: "
            "Lucide (ISC licence)."
        )
        note.setWordWrap(True)
        layout.addWidget(note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 480)
