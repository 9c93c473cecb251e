"""The CDN page of a DigitalOcean Space: whether an endpoint exists, switch it on with a cache
time (TTL), change the TTL, switch it off. Each button acts at once (through the API, not S3),
so the page never holds unapplied changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.do_api import DEFAULT_TTL, TTL_CHOICES, ApiTokenMissing, CdnEndpoint, ttl_label
from spacesgui.core.errors import SpacesError
from spacesgui.services.do_api_service import DoApiService
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel
from spacesgui.ui.settings.settings_section import Spawner

INTRO = (
    "DigitalOcean's CDN serves the Space's public files from servers near your visitors, keeping "
    "each file for the cache time (TTL) chosen here. Purge CDN Cache (the files' context menu) "
    "makes it fetch changed files afresh."
)


class CdnSection(QWidget):
    """A SettingsSection for one DigitalOcean Space's CDN endpoint. GUI thread only."""

    changed = Signal()
    scrolls_itself = False

    def __init__(
        self,
        service: DoApiService,
        account_id: str,
        bucket: str,
        spawn: Spawner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cdnSection")
        self.setAccessibleName("CDN settings")
        self._service, self._account_id, self._bucket, self._spawn = service, account_id, bucket, spawn
        self.endpoint: CdnEndpoint | None = None
        self._busy = False
        heading = QLabel("CDN", self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        intro = MutedLabel(INTRO, self)
        intro.setWordWrap(True)
        self.state_label = named(QLabel("", self), "cdnState", "CDN state")
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = named(ProblemLabel(self), "cdnError", "What failed")
        self.ttl_combo = named(QComboBox(self), "cdnTtl", "Cache time (TTL)")
        for seconds, label in TTL_CHOICES:
            self.ttl_combo.addItem(label, seconds)
        self.ttl_combo.setCurrentIndex(self.ttl_combo.findData(DEFAULT_TTL))
        self.ttl_combo.currentIndexChanged.connect(self._update_buttons)
        self.enable_button = named(QPushButton("Enable CDN", self), "cdnEnable", "Enable CDN")
        self.ttl_button = named(QPushButton("Change TTL", self), "cdnChangeTtl", "Change TTL")
        self.disable_button = named(QPushButton("Disable CDN", self), "cdnDisable", "Disable CDN")
        self.enable_button.clicked.connect(lambda: self._start(self._enable()))
        self.ttl_button.clicked.connect(lambda: self._start(self._change_ttl()))
        self.disable_button.clicked.connect(self.ask_disable)
        self.last_box: QMessageBox | None = None  # the Disable question, for tests
        form = QFormLayout()
        form.addRow("Cache time (TTL):", self.ttl_combo)
        buttons = QHBoxLayout()
        for button in (self.enable_button, self.ttl_button, self.disable_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        for widget in (heading, intro, self.state_label, self.error_label):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._known = False
        self._update_buttons()

    # -- SettingsSection ------------------------------------------------------------------
    async def load(self) -> None:
        await self._run("Looking up the CDN endpoint…", self._read)

    def has_changes(self) -> bool:
        return False  # every button acts at once

    async def apply(self) -> None:
        return None

    def revert(self) -> None:
        return None

    # -- work -----------------------------------------------------------------------------
    def chosen_ttl(self) -> int:
        return int(self.ttl_combo.currentData())

    def choose_ttl(self, seconds: int) -> None:
        self.ttl_combo.setCurrentIndex(self.ttl_combo.findData(seconds))

    def _start(self, work: Awaitable[None]) -> None:
        self._spawn(work)

    async def _read(self) -> None:
        self._show(await self._service.endpoint(self._account_id, self._bucket, refresh=True))

    async def _enable(self) -> None:
        ttl = self.chosen_ttl()
        await self._run("Switching the CDN on…", lambda: self._do_enable(ttl))

    async def _do_enable(self, ttl: int) -> None:
        self._show(await self._service.enable(self._account_id, self._bucket, ttl))

    async def _change_ttl(self) -> None:
        endpoint, ttl = self.endpoint, self.chosen_ttl()
        if endpoint is not None:
            await self._run("Changing the cache time…", lambda: self._do_ttl(endpoint.id, ttl))

    async def _do_ttl(self, endpoint_id: str, ttl: int) -> None:
        self._show(await self._service.set_ttl(self._account_id, self._bucket, endpoint_id, ttl))

    def ask_disable(self) -> None:
        """Disable CDN…: its addresses stop working, so ask first."""
        endpoint = self.endpoint
        if endpoint is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Disable CDN",
            f"Switch the CDN of “{self._bucket}” off?",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("cdnDisableBox")
        box.setInformativeText(
            f"Links to https://{endpoint.host()}/… stop working at once. The files stay in the "
            "Space, and their ordinary addresses keep working."
        )
        disable = box.addButton("Disable CDN", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def on_finished(_result: int) -> None:
            if box.clickedButton() is disable:
                self._start(self._disable())

        box.finished.connect(on_finished)
        self.last_box = box
        box.open()

    async def _disable(self) -> None:
        endpoint = self.endpoint
        if endpoint is not None:
            await self._run("Switching the CDN off…", lambda: self._do_disable(endpoint.id))

    async def _do_disable(self, endpoint_id: str) -> None:
        await self._service.disable(self._account_id, self._bucket, endpoint_id)
        self._show(None)

    async def _run(self, status: str, work: Callable[[], Awaitable[None]]) -> None:
        if self._busy:
            return
        self._busy = True
        self.error_label.set_problem("")
        self.state_label.setText(status)
        self._update_buttons()
        try:
            await work()
        except ApiTokenMissing:
            self._known = False
            self.state_label.setText(
                "To see or change the CDN, enter a DigitalOcean API token in File → DigitalOcean Keys…."
            )
        except SpacesError as error:
            self.error_label.set_problem(f"{error.title}: {error.message}")
            if self._known:
                self._show(self.endpoint)
            else:
                self.state_label.setText("")
        finally:
            self._busy = False
            self._update_buttons()
            self.changed.emit()

    def _show(self, endpoint: CdnEndpoint | None) -> None:
        self.endpoint, self._known = endpoint, True
        if endpoint is None:
            self.state_label.setText(f"“{self._bucket}” has no CDN endpoint: the CDN is off.")
        else:
            self.state_label.setText(
                f"The CDN is on: files are served from https://{endpoint.host()}/ and kept for "
                f"{ttl_label(endpoint.ttl)} ({endpoint.ttl} s)."
            )
            self.choose_ttl(endpoint.ttl)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self._busy and self._known
        on = self.endpoint is not None
        self.enable_button.setVisible(not on)
        self.enable_button.setEnabled(idle and not on)
        self.ttl_button.setVisible(on)
        self.ttl_button.setEnabled(
            idle and on and self.endpoint is not None and self.chosen_ttl() != self.endpoint.ttl
        )
        self.disable_button.setVisible(on)
        self.disable_button.setEnabled(idle and on)
        self.ttl_combo.setEnabled(idle)
