"""Find in Space (Ctrl+Shift+F): a dock that searches a Space, or a folder and below, by name,
size, date and type, and lists the matches while the listing runs.

The results offer the object view's verbs through the window's own action modules
(`ResultVerbs`): Reveal in Folder, Open (when the app can open files), Download, Delete…,
Share…, Properties…, Copy Path. GUI thread only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import InvalidInput, SpacesError
from spacesgui.core.formatting import human_count
from spacesgui.core.history import Place
from spacesgui.core.keys import Location, parent
from spacesgui.core.listing import ObjectRef
from spacesgui.core.search import MAX_KEPT, SearchCriteria, SearchFilter
from spacesgui.core.search_follow import result_changes, touched_folders
from spacesgui.core.transfers import Transfer
from spacesgui.qtmodels.legible_colors import status_text
from spacesgui.qtmodels.search_result_model import SearchResultModel
from spacesgui.services.search_service import SearchProgress, SearchRequest, SearchService
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.context_menu import show_once
from spacesgui.ui.keyboard_menu import open_menu_by_keyboard
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.search.search_form import SearchForm

log = logging.getLogger(__name__)

RefsVerb = Callable[[Place, list[ObjectRef]], None]
KeysVerb = Callable[[Place, list[str]], None]


@dataclass(frozen=True, slots=True)
class ResultVerbs:
    """What the results can have done to them, by the window's action modules (None: not offered)."""

    reveal: Callable[[Place, str], None]
    rename: Callable[[Place, str], None] | None = None  # the result's key, in its folder's Place
    download: RefsVerb | None = None
    delete: RefsVerb | None = None
    share: KeysVerb | None = None
    properties: KeysVerb | None = None
    open: RefsVerb | None = None
    copy_link: KeysVerb | None = None
    make_public: RefsVerb | None = None
    make_private: RefsVerb | None = None


NO_SPACE = "Open a Space first: the search looks through the open Space."


class SearchPanel(QDockWidget):
    """The dock (objectName `searchPanel`); `find_action` (Ctrl+Shift+F) shows it and focuses it."""

    def __init__(
        self, context: BrowserContext, service: SearchService, verbs: ResultVerbs, parent: QWidget
    ) -> None:
        super().__init__("Find in Space", parent)
        named(self, "searchPanel", "Find in Space")
        self._context, self._service, self._verbs = context, service, verbs
        self._search_id = 0  # the running search, 0 when none
        self._place: Place | None = None  # where the shown results were searched
        self._criteria: SearchCriteria | None = None  # what they were searched for
        self._dropped = 0  # matches deleted or moved away since: counted out of what is said
        self._folders_to_check: dict[
            str, str
        ] = {}  # folder results to ask the server about (touched_folders)
        self._checking_folders = False
        self._placed = False  # given its first place and height
        # The Transfers panel: Find in Space opens as a tab beside it, below the objects, so
        # the list keeps its width (beside the list, the form squeezed it to ~200 px).
        self.share_with: QDockWidget | None = None
        self.unfold_partner: Callable[[], None] | None = None  # a folded panel is a header only
        self._started = 0.0
        self._searched = self._matched = 0
        self.max_kept = MAX_KEPT  # matches kept and shown; past it they are only counted
        self.form = SearchForm(self)
        self.model = SearchResultModel(self)
        self.view = named(QTableView(self), "searchResults", "Search results")
        self._setup_view()
        self.status_label = named(MutedLabel("", self), "searchStatus", "Search status")
        self.status_label.setWordWrap(True)
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(6, 4, 6, 4)
        column.addWidget(self.form)
        column.addWidget(self.status_label)
        column.addWidget(self.view, 1)
        self.setWidget(body)
        QWidget.setTabOrder(self.form.tab_chain()[-1], self.view)
        self.form.pattern_edit.installEventFilter(self)  # Down goes on to the results

        self.find_action = QAction("Find in Space…", parent)
        self.find_action.setObjectName("findInSpaceAction")
        self.find_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.find_action.setStatusTip(
            "Search the open Space, or the open folder and below, by name, size, date, type"
        )
        self.find_action.triggered.connect(self.open_panel)
        parent.addAction(self.find_action)
        self._build_verbs()

        self.form.search_requested.connect(self.start)
        self.form.stop_requested.connect(self.stop)
        # Escape anywhere in the panel stops a running search (enabled only then, so it
        # never takes Escape from anything else).
        self.stop_action = QAction("Stop Search", self)
        self.stop_action.setObjectName("stopSearchAction")
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.stop_action.setEnabled(False)
        self.stop_action.triggered.connect(self.stop)
        self.addAction(self.stop_action)
        self.form.running_changed.connect(self.stop_action.setEnabled)
        # When no search runs, Escape gives the keyboard back to the files (Finder's and
        # Explorer's search field let go on Escape); the results stay for later.
        self.leave_action = QAction("Back to the Files", self)
        self.leave_action.setObjectName("leaveSearchAction")
        self.leave_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.leave_action.triggered.connect(lambda: self.focus_files())
        self.addAction(self.leave_action)
        self.form.running_changed.connect(lambda running: self.leave_action.setEnabled(not running))
        self.focus_files: Callable[[], object] = lambda: None  # set by the window: its rows take the keyboard
        service.progress.connect(self._on_service_progress)
        service.finished.connect(self._on_service_finished)
        service.failed.connect(self._on_service_failed)
        self.view.selectionModel().selectionChanged.connect(self._update_enabled)
        self._update_enabled()

    def _setup_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setShowGrid(False)
        view.setTabKeyNavigation(False)  # Tab leaves the results (it went cell by cell, 3 a row)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long path keeps its file name
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
        # Fixed sections: a 100,000-row batch never makes Qt measure every row's text.
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 90)
        header.resizeSection(2, 130)
        # Matches show as found until a header is clicked; then sorted by it, new ones merged in.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        open_menu_by_keyboard(view)
        view.doubleClicked.connect(self._on_view_double_clicked)

    def _verb(self, text: str, name: str, shortcut: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.view)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.view.addAction(action)
        return action

    def _build_verbs(self) -> None:
        v = self._verbs
        self.reveal_action = self._verb(
            "Reveal in Folder", "searchRevealAction", "Return", self.reveal_current
        )
        self.open_action = self._verb("Open", "searchOpenAction", "", self.open_current)
        self.rename_action = self._verb("Rename…", "searchRenameAction", "F2", self.rename_current)
        # No Ctrl+D or Alt+Return here: the window's Download and Properties hold those keys
        # everywhere, and a second action on the same key would leave both ambiguous (dead).
        self.download_action = self._verb(
            "Download", "searchDownloadAction", "", lambda: self._on_refs(v.download)
        )
        self.delete_action = self._verb(
            "Delete…", "searchDeleteAction", "Delete", lambda: self._on_refs(v.delete)
        )
        self.share_action = self._verb("Share…", "searchShareAction", "", lambda: self._on_keys(v.share))
        # As in the list's menu (a new-user pass missed them here); Ctrl+Shift+C as there (the
        # window's Copy Link holds it for the list only).
        self.copy_link_action = self._verb(
            "Copy Link", "searchCopyLinkAction", "Ctrl+Shift+C", lambda: self._on_keys(v.copy_link)
        )
        self.make_public_action = self._verb(
            "Make Public…", "searchMakePublicAction", "", lambda: self._on_refs(v.make_public)
        )
        self.make_private_action = self._verb(
            "Make Private", "searchMakePrivateAction", "", lambda: self._on_refs(v.make_private)
        )
        self.properties_action = self._verb(
            "Properties…", "searchPropertiesAction", "", lambda: self._on_keys(v.properties)
        )
        self.copy_path_action = self._verb("Copy Path", "searchCopyPathAction", "Ctrl+C", self.copy_paths)
        offered = {
            self.open_action: v.open, self.rename_action: v.rename, self.download_action: v.download,
            self.delete_action: v.delete,
            self.share_action: v.share, self.copy_link_action: v.copy_link,
            self.make_public_action: v.make_public, self.make_private_action: v.make_private,
            self.properties_action: v.properties,
        }  # fmt: skip
        self._verb_actions = [self.reveal_action, *(a for a, verb in offered.items() if verb is not None)]
        self._verb_actions.append(self.copy_path_action)

    # -- searching ---------------------------------------------------------------------------
    def open_panel(self) -> None:
        first = self.isHidden() and not self._placed
        window = self.parentWidget()
        if first and isinstance(window, QMainWindow) and self.isFloating() is False:
            self._placed = True
            self._dock_below(window)
        self.show()
        self.raise_()
        if first and isinstance(window, QMainWindow) and self.isFloating() is False:
            # Two fifths of the height the first time; after that, as the user left it.
            height = max(self.minimumSizeHint().height(), window.height() * 2 // 5)
            window.resizeDocks([self], [height], Qt.Orientation.Vertical)
        self.form.pattern_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.form.pattern_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the name field goes on to the results, as from the filter to the rows."""
        if (
            watched is self.form.pattern_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and self.model.rowCount()
        ):
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.view.selectionModel().hasSelection():
                self.view.setCurrentIndex(self.model.index(0, 0))  # selects it: what Enter acts on
            return True
        return super().eventFilter(watched, event)

    def _dock_below(self, window: QMainWindow) -> None:
        """Below the objects: a tab beside the Transfers panel when that is docked there."""
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        if window.dockWidgetArea(self) != bottom:
            window.addDockWidget(bottom, self)
        partner = self.share_with
        if partner is None or partner.isFloating() or window.dockWidgetArea(partner) != bottom:
            return
        if self.unfold_partner is not None:
            self.unfold_partner()
        window.tabifyDockWidget(partner, self)

    def start(self) -> None:
        """Search with the terms in the form, where the form says, in the open Space."""
        place = self._context.place
        if place is None or not place.bucket:
            self._say(NO_SPACE, error=True)
            return
        try:
            criteria = self.form.criteria()
        except InvalidInput as exc:
            log.warning("search not started: %s", exc.message)
            self._say(exc.message, error=True)
            return
        self.stop()
        prefix = "" if self.form.whole_space else place.prefix
        self._place = Place(place.account_id, place.bucket, prefix)
        self._criteria = criteria
        self.model.reset(prefix)
        self._searched = self._matched = self._dropped = 0
        self._started = time.monotonic()
        self._search_id = self._service.start(
            SearchRequest(place.account_id, place.bucket, prefix, criteria, self.max_kept)
        )
        self.form.set_running(True)
        self._say(f"Searching {self._where()} for {criteria.describe()}…")

    def stop(self) -> None:
        """Stop the running search; the matches found so far stay."""
        if not self._search_id:
            return
        self._service.stop(self._search_id)
        self._search_id = 0
        self.form.set_running(False)
        self._say(f"Stopped after {human_count(self._searched, 'object')}: {self._found()}.")

    @property
    def service(self) -> SearchService:
        return self._service

    @property
    def search_id(self) -> int:
        return self._search_id

    @property
    def searched(self) -> int:
        return self._searched

    def _where(self) -> str:
        place = self._place
        return Location(place.bucket, place.prefix).url() if place else ""

    def _found(self) -> str:
        matched = max(0, self._matched - self._dropped)
        text = f"{matched:,} match" + ("" if matched == 1 else "es")
        shown = self.model.rowCount()
        if matched > shown:
            text += f" (first {shown:,} shown)"
        return text

    def _folder_hint(self) -> str:
        """After no match for a plain name with a size, date or type (folders have none, so
        none was looked at), how to look inside folders of that name."""
        criteria = self._criteria
        pattern = criteria.pattern.strip() if criteria is not None else ""
        if criteria is None or self._matched or not pattern or "/" in pattern:
            return ""
        if SearchFilter(criteria).folder_test() is not None:
            return ""  # folders of that name were looked for too, and there are none
        return (
            f" With a size, date or type, only files are matched: for the files in folders named"
            f" “{pattern}”, search for “{pattern}/*”."
        )

    def place_opened(self) -> None:
        """The window opened a place: a "no Space is open" notice no longer holds."""
        place = self._context.place
        if place is not None and place.bucket and self.status_label.text() == NO_SPACE:
            self._say("")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setProperty("error", error)
        # Problems in the legible red every other form uses (it was the highlight blue).
        red = status_text(self.status_label.palette(), ok=False).name()
        self.status_label.setStyleSheet(f"color: {red};" if error else "")

    def _on_service_progress(self, search_id: int, progress: SearchProgress) -> None:
        if search_id != self._search_id:
            return
        self.model.append(progress.hits)
        self._searched, self._matched = progress.searched, progress.matched
        self._say(
            f"Searching {self._where()}… {human_count(self._searched, 'object')} searched, {self._found()}"
        )

    def _on_service_finished(self, search_id: int, total: SearchProgress) -> None:
        if search_id != self._search_id:
            return
        self._search_id = 0
        self._searched, self._matched = total.searched, total.matched
        self.form.set_running(False)
        took = time.monotonic() - self._started
        self._say(
            f"Searched {human_count(self._searched, 'object')} in {self._where()} ({took:.1f} s): {self._found()}."
            + self._folder_hint()
        )
        self._update_enabled()

    def _on_service_failed(self, search_id: int, error: SpacesError) -> None:
        if search_id != self._search_id:
            return
        self._search_id = 0
        self.form.set_running(False)
        self._say(
            f"The search stopped after {human_count(self._searched, 'object')}: {error.title}. {error.message}",
            error=True,
        )
        self._context.show_error(error)

    # -- results -----------------------------------------------------------------------------
    def follow_transfers(self, changes: list[Transfer]) -> None:
        """Take deleted results away and show renamed or moved ones where they are now.

        Fed with TransferService.transfers_changed (GUI thread), so an operation run from
        the results, or from the object view, shows in the list the moment it is done.
        """
        place, criteria = self._place, self._criteria
        if place is None or criteria is None:
            return
        found = result_changes(changes, place.account_id, place.bucket)
        if not found:
            return
        gone = set(found.gone)
        still = SearchFilter(criteria, place.prefix)
        now = time.time()
        moves = {}
        for old, to in found.moved.items():
            if old.endswith("/"):  # a folder's placeholder: the folder itself is a result
                if to.key.startswith(place.prefix) and still.matches_folder(to.key):
                    moves[old] = (to.key, 0, 0.0)
                else:
                    gone.add(old)
            elif to.key.startswith(place.prefix) and still.matches_one(to.key, to.size, now):
                moves[old] = (to.key, to.size, now)
            else:
                gone.add(old)  # moved out of the searched folder, or renamed to a name not searched for
        self._apply(moves, gone)
        touched = touched_folders(self.model.folders(), found)
        for folder, moved_to in touched.items():  # one check at a time: a big delete ends many flushes
            self._folders_to_check[folder] = moved_to or self._folders_to_check.get(folder, "")
        if touched and not self._checking_folders:
            self._checking_folders = True
            self._context.spawn(self._follow_folders(place, still))

    def _apply(self, moves: dict[str, tuple[str, int, float]], gone: set[str]) -> None:
        moved = self.model.move_keys(moves)
        removed = self.model.remove_keys(gone)
        if not removed and not moved:
            return
        self._dropped += removed
        log.info("search results follow the Space: %d gone, %d renamed or moved", removed, moved)
        if not self._search_id:
            self._say(f"{self._found()} in {self._where()} ({self._changed(removed, moved)}).")
        self._update_enabled()

    async def _follow_folders(self, place: Place, still: SearchFilter) -> None:
        """Folders found by name whose keys were deleted or moved: once the server says
        nothing is left in one, it goes, or shows where its keys went if that still matches.
        Runs until no folder waits to be checked (those touched meanwhile are checked next)."""
        try:
            while self._folders_to_check and self._place == place:
                touched, self._folders_to_check = self._folders_to_check, {}
                await self._check_folders(place, still, touched)
        finally:
            self._checking_folders = False
            self._folders_to_check.clear()

    async def _check_folders(self, place: Place, still: SearchFilter, touched: dict[str, str]) -> None:
        try:
            holding = await self._service.folders_holding(place.account_id, place.bucket, list(touched))
        except SpacesError as error:  # the rows stay as they were; F5 or a new search tells
            log.warning("could not check the folders found by the search: %s", error.detail or error.message)
            return
        if self._place != place:
            return  # a new search in another place meanwhile
        moves, gone = {}, set()
        for folder, moved_to in touched.items():
            if folder in holding or self.model.row_of(folder) < 0:
                continue
            keep = moved_to.startswith(place.prefix) and still.matches_folder(moved_to)
            if keep and self.model.row_of(moved_to) < 0:
                moves[folder] = (moved_to, 0, 0.0)
            else:
                gone.add(folder)
        self._apply(moves, gone)

    @staticmethod
    def _changed(removed: int, moved: int) -> str:
        parts = []
        if removed:
            parts.append(f"{removed:,} deleted or moved away")
        if moved:
            parts.append(f"{moved:,} renamed or moved")
        return ", ".join(parts) + " since the search"

    def selected_refs(self) -> list[ObjectRef]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.ref(row) for row in rows]

    def _update_enabled(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        for action in self._verb_actions:
            action.setEnabled(bool(rows))
        self.reveal_action.setEnabled(len(rows) == 1)
        self.rename_action.setEnabled(len(rows) == 1)  # one at a time, as in the object view
        files = any(not self.model.key(index.row()).endswith("/") for index in rows)
        for action in (self.share_action, self.copy_link_action, self.properties_action):
            action.setEnabled(files)  # a folder has no link or headers of its own

    def reveal_current(self) -> None:
        """Open the current result's folder in the object view and select it there."""
        index = self.view.currentIndex()
        if self._place is None or not index.isValid():
            return
        key = self.model.key(index.row())
        self._verbs.reveal(Place(self._place.account_id, self._place.bucket, parent(key)), key)

    def rename_current(self) -> None:
        """Rename the current result where it is: its folder opens in the object view with the
        name ready to type over (F2 there), so the name is checked against what sits beside it."""
        index = self.view.currentIndex()
        if self._place is None or not index.isValid() or self._verbs.rename is None:
            return
        key = self.model.key(index.row())
        self._verbs.rename(Place(self._place.account_id, self._place.bucket, parent(key)), key)

    def copy_paths(self) -> None:
        if self._place is not None and (refs := self.selected_refs()):
            base = Location(self._place.bucket, "").url()
            QGuiApplication.clipboard().setText("\n".join(base + ref.key for ref in refs))

    def _on_refs(self, verb: Callable[[Place, list[ObjectRef]], None] | None) -> None:
        if verb is not None and self._place is not None and (refs := self.selected_refs()):
            verb(Place(self._place.account_id, self._place.bucket, ""), refs)

    def _on_keys(self, verb: Callable[[Place, list[str]], None] | None) -> None:
        """Share and Properties: files only (a folder has no link or headers of its own)."""
        keys = [ref.key for ref in self.selected_refs() if not ref.is_folder]
        if verb is not None and self._place is not None and keys:
            verb(Place(self._place.account_id, self._place.bucket, ""), keys)

    def open_current(self) -> None:
        """Open the current result: a folder in the object view, a file in its application."""
        index = self.view.currentIndex()
        if self._place is None or not index.isValid():
            return
        ref = self.model.ref(index.row())
        if ref.is_folder:
            self._verbs.reveal(Place(self._place.account_id, self._place.bucket, ref.key), "")
        elif self._verbs.open is not None:
            self._on_refs(self._verbs.open)
        else:
            self.reveal_current()

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        self.open_current()

    def _on_view_context_menu_requested(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        if not index.isValid():
            return
        self._update_enabled()
        menu = QMenu(self.view)
        menu.setObjectName("searchContextMenu")
        menu.addActions(self._verb_actions)
        show_once(menu, self.view.viewport().mapToGlobal(position))
