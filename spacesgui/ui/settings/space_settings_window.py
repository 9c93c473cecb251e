"""The Space settings window: the sections in a list on the left, the chosen one on the right.

One window per Space (SpaceSettingsWindows). Each section applies by itself, with its own
Apply and Revert: each is written with its own requests and can fail on its own (a policy
refused, versioning fine), and one Apply for the window would leave half of it written
with no clear way to say which half. The list marks sections with unapplied changes, and
closing the window with any asks Apply / Discard / Cancel. F5 reloads, and so does
coming back to the window; a section with unapplied changes is left as it is.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import NoSettingsApi, SpacesError
from spacesgui.services.space_settings_service import SpaceSettingsService
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.settings.lifecycle_section import LifecycleSection
from spacesgui.ui.settings.logging_section import LoggingSection
from spacesgui.ui.settings.overview_section import OverviewSection
from spacesgui.ui.settings.placeholder_section import PlaceholderSection
from spacesgui.ui.settings.policy_section import PolicySection
from spacesgui.ui.settings.settings_section import SettingsSection, SpaceContext, Spawner
from spacesgui.ui.settings.versioning_section import VersioningSection
from spacesgui.ui.window_keys import close_by_keyboard

SECTION_ORDER = ("Overview", "Permissions", "CORS", "Versioning", "Lifecycle", "Policy", "Logging")
CHANGED_MARK = " •"
MIN_WIDTH = 420
# Wide enough for the CORS rules' ten columns whole (at 780 px ids, headers and Max age
# were cut or scrolled away), where the screen has room.
OPEN_WIDTH = 1000
SCROLL_BAR_ROOM = 24  # a page scrolls down in its own scroll area: its bar takes this much


def default_sections(context: SpaceContext) -> list[tuple[str, QWidget]]:
    """The pages every window starts with. Permissions and CORS are placeholders until their
    pages are added with `SpaceSettingsWindow.add_section`."""
    return [
        ("Overview", OverviewSection(context)),
        ("Permissions", PlaceholderSection("Permissions")),
        ("CORS", PlaceholderSection("CORS")),
        ("Versioning", VersioningSection(context)),
        ("Lifecycle", LifecycleSection(context)),
        ("Policy", PolicySection(context)),
        ("Logging", LoggingSection(context)),
    ]


class SpaceSettingsWindow(QWidget):
    """The settings of one Space. GUI thread only; coroutines run on the qasync loop.

    `closed` is emitted once the window has closed (after any question was answered).
    The window deletes itself once closed and every task it started has ended.
    """

    closed = Signal(str, str)  # account id, bucket

    def __init__(
        self,
        service: SpaceSettingsService,
        spawn: Spawner,
        account_id: str,
        bucket: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("spaceSettings")
        self.setAccessibleName(f"Settings of the Space {bucket}")
        self.setWindowTitle(f"Settings of “{bucket}” — {service.account_name(account_id)}")
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().width() - 80 if screen is not None else OPEN_WIDTH
        self.resize(max(780, min(OPEN_WIDTH, room)), 560)
        self.setMinimumSize(MIN_WIDTH, 360)
        self._service, self._spawn = service, spawn
        self.account_id, self.bucket = account_id, bucket
        self.context = SpaceContext(account_id, bucket, service.provider(account_id), service, self.start)
        self._sections: dict[str, QWidget] = {}
        self._had_changes: dict[str, bool] = {}
        self._tasks = 0
        self._reloading = False
        self._reload_again = False  # asked for while a reload ran: run it once more
        self._api_checked = False
        self._turned_off = ""
        self._was_inactive = False
        self._discard = False
        self._gone = False
        self.last_box: QMessageBox | None = None  # the close question, for tests

        self.section_list = named(QListWidget(self), "settingsSectionList", "Sections")
        self.section_list.setSpacing(2)
        self.pages = named(QStackedWidget(self), "settingsPages", "Section")
        self.section_list.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.notice = named(MutedLabel("", self), "settingsNotice", "Notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.reload_button = named(QPushButton("Reload", self), "settingsReload", "Reload from the server")
        self.reload_button.setToolTip("Read every section from the server again (F5)")
        self.reload_button.clicked.connect(self.reload)
        close_button = named(QPushButton("Close", self), "settingsClose", "Close")
        close_button.clicked.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        close_by_keyboard(self)
        self._build_layout(close_button)
        for name, page in default_sections(self.context):
            self.add_section(name, page)
        self.section_list.setCurrentRow(0)

    def _build_layout(self, close_button: QPushButton) -> None:
        # As wide as the longest name with its mark: the pages get every other pixel.
        longest = max((name + CHANGED_MARK for name in SECTION_ORDER), key=len)
        self.section_list.setFixedWidth(self.section_list.fontMetrics().horizontalAdvance(longest) + 36)
        columns = QHBoxLayout()
        columns.addWidget(self.section_list)
        columns.addWidget(self.pages, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)

    # -- sections -------------------------------------------------------------------------
    def add_section(self, name: str, section: QWidget) -> None:
        """Show `section` (a QWidget that is a SettingsSection) as `name`, replacing a section
        of that name (a placeholder) where it is, or in SECTION_ORDER's place.

        The section is put in a scroll area unless it has `scrolls_itself` true (a page
        that keeps its Apply button in sight, as SectionPage does). A `section_requested`
        signal (name), if it has one, shows that section.
        """
        if not isinstance(section, SettingsSection):
            raise TypeError(f"{type(section).__name__} is not a SettingsSection")
        page: QWidget = section
        if not getattr(section, "scrolls_itself", False):
            scroll = QScrollArea(self.pages)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(section)
            page = scroll
        old = self._sections.get(name)
        if old is not None:
            index = self.section_names().index(name)
            old_page = self.pages.widget(index)
            if old_page is not None:
                self.pages.removeWidget(old_page)
                old_page.deleteLater()
            self.pages.insertWidget(index, page)
        else:
            index = self._place_for(name)
            self.pages.insertWidget(index, page)
            self.section_list.insertItem(index, QListWidgetItem(name))
        self._sections[name] = section
        self._had_changes[name] = False
        section.changed.connect(lambda name=name: self._on_section_changed(name))
        requested = getattr(section, "section_requested", None)
        if requested is not None:
            requested.connect(self.show_section)
        if self.isVisible() and self._api_checked and not self._turned_off:
            self.start(section.load())
        self.pages.setCurrentIndex(self.section_list.currentRow())
        self._fit_widest_page()

    def _fit_widest_page(self) -> None:
        """No narrower than the widest page's content: a page scrolled sideways hid its
        Apply button and the end of its toolbar (the CORS rules' at 640 px)."""
        layout = self.layout()
        if layout is None:
            return
        widest = max(page.minimumSizeHint().width() for page in self._sections.values())
        margins = layout.contentsMargins()
        chrome = margins.left() + margins.right() + layout.spacing() + SCROLL_BAR_ROOM
        self.setMinimumWidth(max(MIN_WIDTH, self.section_list.width() + widest + chrome))

    def _place_for(self, name: str) -> int:
        order = {n: i for i, n in enumerate(SECTION_ORDER)}
        rank = order.get(name, len(SECTION_ORDER))
        return sum(1 for other in self.section_names() if order.get(other, len(SECTION_ORDER)) <= rank)

    def section_names(self) -> list[str]:
        return [self._name_of(self.section_list.item(row)) for row in range(self.section_list.count())]

    def section(self, name: str) -> QWidget:
        return self._sections[name]

    def show_section(self, name: str) -> None:
        self.section_list.setCurrentRow(self.section_names().index(name))

    def current_section_name(self) -> str:
        return self.section_names()[self.section_list.currentRow()]

    def changed_sections(self) -> list[str]:
        return [name for name in self.section_names() if self._as_section(name).has_changes()]

    def _as_section(self, name: str) -> SettingsSection:
        section = self._sections[name]
        assert isinstance(section, SettingsSection)
        return section

    @staticmethod
    def _name_of(item: QListWidgetItem) -> str:
        return item.text().removesuffix(CHANGED_MARK)

    def _on_section_changed(self, name: str) -> None:
        changes = self._as_section(name).has_changes()
        row = self.section_names().index(name)
        item = self.section_list.item(row)
        item.setText(name + (CHANGED_MARK if changes else ""))
        item.setToolTip("Unapplied changes" if changes else "")
        font = QFont(item.font())
        font.setBold(changes)
        item.setFont(font)
        if self._had_changes[name] and not changes and name != "Overview":
            self._reload_overview()  # applied (or reverted): the summary may have changed
        self._had_changes[name] = changes

    def _reload_overview(self) -> None:
        overview = self._sections.get("Overview")
        if isinstance(overview, SettingsSection) and not self._turned_off:
            self.start(overview.load())

    # -- work -----------------------------------------------------------------------------
    def start(self, work: Awaitable[None]) -> None:
        """Run `work` as a task; the window is not deleted before it ends."""
        self._tasks += 1
        task = self._spawn(self._tracked(work))
        if isinstance(task, asyncio.Future) and inspect.iscoroutine(work):
            # A task cancelled before its first step (the app quitting) never awaits `work`:
            # close it, or Python warns of a coroutine never awaited. No-op once it has run.
            task.add_done_callback(lambda _task: work.close())

    async def _tracked(self, work: Awaitable[None]) -> None:
        try:
            await work
        finally:
            self._tasks -= 1
            if self._gone and self._tasks == 0:
                self.deleteLater()

    def reload(self) -> None:
        """Read every section without unapplied changes from the server again (F5)."""
        if not self._gone:
            self.start(self._reload())

    async def _reload(self) -> None:
        if self._turned_off:
            return
        if self._reloading:
            # Some pages of the running reload may have been read before the change this one
            # is asked for: read every page once more when it ends. (An F5 pressed during the
            # reload that coming back to the window starts was dropped, and stale settings
            # stayed on show.)
            self._reload_again = True
            return
        self._reloading = True
        try:
            while True:
                self._reload_again = False
                if not await self._check_api():
                    return
                kept = self.changed_sections()
                self._set_notice(
                    f"Not reloaded, because of unapplied changes: {', '.join(kept)}. Revert to see "
                    "what the server holds."
                    if kept
                    else ""
                )
                loads = [self._as_section(name).load() for name in self.section_names() if name not in kept]
                await asyncio.gather(*loads)
                if not self._reload_again:
                    return
        finally:
            self._reloading = False
        self._reload_again = False  # asked for while a reload ran: run it once more

    async def _check_api(self) -> bool:
        """Whether the server answers settings requests as such (asked once: GetBucketAcl).

        A server that answers with something else (rclone: a listing) would take every
        other settings request for another call, so none is sent to it.
        """
        if self._api_checked:
            return True
        try:
            await self._service.acl(self.account_id, self.bucket)
        except NoSettingsApi as error:
            self._turn_off(error.message)
            return False
        except SpacesError:
            pass  # each section says for itself what went wrong
        self._api_checked = True
        return True

    def _turn_off(self, message: str) -> None:
        self._turned_off = message
        self._set_notice(message)
        for section in self._sections.values():
            section.setEnabled(False)
        self.reload_button.setEnabled(False)

    def _set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.WindowDeactivate:
            self._was_inactive = True
        elif kind == QEvent.Type.WindowActivate and self._was_inactive:
            self._was_inactive = False
            self.reload()  # other tools may have changed the settings meanwhile
        return super().event(event)

    # -- closing --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        changed = self.changed_sections()
        if changed and not self._discard:
            event.ignore()
            self._ask_about(changed)
            return
        super().closeEvent(event)
        if not self._gone:
            self._gone = True
            self.closed.emit(self.account_id, self.bucket)
            if self._tasks == 0:
                self.deleteLater()

    def _ask_about(self, changed: list[str]) -> None:
        Button = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unapplied Changes",
            f"Apply the changes to {', '.join(changed)} of “{self.bucket}” before closing?",
            Button.Apply | Button.Discard | Button.Cancel,
            self,
        )
        box.setObjectName("unappliedChangesBox")
        box.setInformativeText("Discard forgets them; nothing has been written to the server yet.")
        box.setDefaultButton(Button.Apply)
        self.last_box = box

        def on_finished(_result: int) -> None:
            choice = box.standardButton(box.clickedButton()) if box.clickedButton() else Button.Cancel
            if choice == Button.Apply:
                self.start(self._apply_then_close())
            elif choice == Button.Discard:
                self._discard = True
                self.close()

        box.finished.connect(on_finished)
        box.open()

    async def _apply_then_close(self) -> None:
        """Apply every changed section in turn; close only if all were written."""
        for name in self.changed_sections():
            try:
                await self._as_section(name).apply()
            except SpacesError:
                self.show_section(name)  # it says what went wrong
                return
        self.close()
