"""Preview (Space bar, View → Preview) and View → as Icons, wired to the window.

The pane follows the selection of the object view (and of the icons grid, which shares
it). A selection change waits SETTLE_MS for the next one, then starts one preview; the
service cancels the one in flight, and the pane shows a result only for the object
still selected. GUI thread only.
"""

from __future__ import annotations

import time
from typing import Protocol

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QBoxLayout, QSplitter, QWidget

from spacesgui.core.history import Place
from spacesgui.core.keys import parent
from spacesgui.core.listing import ObjectRef
from spacesgui.services.preview_service import Preview, PreviewService
from spacesgui.services.thumbnail_service import ThumbnailService
from spacesgui.ui.browser.name_editing import drop_name_editor
from spacesgui.ui.browser.object_view import ObjectView
from spacesgui.ui.preview.icons_view import IconsView
from spacesgui.ui.preview.preview_pane import DEFAULT_WIDTH, MIN_WIDTH, NARROW_WIDTH, PreviewPane

SETTLE_MS = 60  # arrow keys held down: preview where they stop, not every row passed


class PreviewHost(Protocol):
    """What the feature needs of the window."""

    @property
    def place(self) -> Place | None: ...

    def selected_refs(self) -> list[ObjectRef]: ...

    def go_up(self) -> None: ...

    def fit_sidebar(self) -> None:
        """Give the sidebar back the width the window allows it (the preview took some)."""
        ...

    def refresh_loaded(self, prefixes: set[str]) -> None:
        """List again the loaded folders among `prefixes` of the open Space."""
        ...


# Below this width (the splitter's), the preview gives way below MIN_WIDTH to the list.
NARROW_WINDOW = 560


class PreviewFeature(QObject):
    """The preview pane, the icons grid and their View-menu actions."""

    def __init__(
        self,
        host: PreviewHost,
        view: ObjectView,
        previews: PreviewService,
        thumbnails: ThumbnailService,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._host, self._view, self._previews, self._thumbnails = host, view, previews, thumbnails
        self.pane = PreviewPane(parent)
        self.pane.hide()
        self.icons_view = IconsView(view, thumbnails, parent)
        self.icons_view.hide()
        self.icons_view.go_up_requested.connect(host.go_up)
        self.preview_action = QAction("Preview", self)
        self.preview_action.setObjectName("previewAction")
        self.preview_action.setCheckable(True)
        self.preview_action.setStatusTip("Show the selected file beside the list (Space, Ctrl+Y)")
        self.preview_action.setShortcut(QKeySequence("Ctrl+Y"))
        self.preview_action.toggled.connect(self._on_preview_action_toggled)
        group = QActionGroup(self)
        self.list_action = self._mode_action("as List", "listViewAction", "Ctrl+1", group)
        self.icons_action = self._mode_action("as Icons", "iconsViewAction", "Ctrl+2", group)
        self.list_action.setChecked(True)
        self.icons_action.toggled.connect(self._on_icons_action_toggled)
        for action in (self.preview_action, self.list_action, self.icons_action):
            parent.addAction(action)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._preview_selection)
        self._typed_at = 0.0  # when a key last went to type-to-select
        previews.preview_ready.connect(self._on_previews_preview_ready)
        previews.object_gone.connect(self._on_previews_object_gone)
        self._gone = ""  # the key whose preview said it is gone; its row leaves the list
        view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        view.flat.modelReset.connect(self._on_flat_model_reset)
        view.flat.dataChanged.connect(self._on_rows_changed)
        self._shown: ObjectRef | None = None  # the row as listed when its preview was asked for
        for widget in (view, self.icons_view):
            widget.installEventFilter(self)

    def _mode_action(self, text: str, name: str, shortcut: str, group: QActionGroup) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setCheckable(True)
        action.setShortcut(QKeySequence(shortcut))
        group.addAction(action)
        return action

    def menu_actions(self) -> list[QAction]:
        return [self.list_action, self.icons_action, self.preview_action]

    def place_in(self, splitter: QSplitter) -> None:
        """Put the pane right of the object view and the grid in the view's place."""
        splitter.addWidget(self.pane)
        splitter.setCollapsible(splitter.indexOf(self.pane), True)
        splitter.installEventFilter(self)  # a narrower window takes from the preview first
        holder = self._view.parentWidget()
        column = holder.layout() if holder is not None else None
        if isinstance(column, QBoxLayout):
            column.insertWidget(column.indexOf(self._view) + 1, self.icons_view, 1)

    # -- the pane ---------------------------------------------------------------
    @property
    def shown(self) -> bool:
        return self.preview_action.isChecked()

    def toggle(self) -> None:
        self.preview_action.toggle()

    def _on_preview_action_toggled(self, on: bool) -> None:
        self.pane.setVisible(on)
        splitter = self.pane.parentWidget()
        if on and isinstance(splitter, QSplitter):
            sizes = splitter.sizes()
            if len(sizes) >= 2 and sizes[-1] < DEFAULT_WIDTH // 2:
                # At most 40% of what the objects had: in a small window the list (or the
                # icons grid, two columns at least) keeps the larger share.
                shared = sizes[-2] + sizes[-1]
                sizes[-1] = max(MIN_WIDTH, min(DEFAULT_WIDTH, shared * 2 // 5))
                sizes[-2] = max(200, shared - sizes[-1])
                splitter.setSizes(sizes)
                self._give_the_list_room()  # a narrow window: the sidebar gives way too
        if on:
            self._preview_selection()
        else:
            self._previews.cancel()
            self.pane.show_message("Select a file to preview it.")
            self._host.fit_sidebar()  # what the preview took from the sidebar comes back

    def _on_flat_model_reset(self) -> None:
        self._gone = ""  # another folder: what was said of the last one no longer applies
        self._on_selection_changed()

    def _on_selection_changed(self, *_: object) -> None:
        if self.shown:
            self._settle.start()

    def _on_rows_changed(self, top: QModelIndex, bottom: QModelIndex, *_: object) -> None:
        """Preview the selected file again when a new listing says it changed (F5, Properties
        → Save, another tool): the pane kept the old type and date, as if a save had failed.

        Rows change all the time (the Access column, thumbnails): only a change that spans
        the current row reads the selection again."""
        current = self._view.currentIndex().row()
        if not self.shown or self._shown is None or not top.row() <= current <= bottom.row():
            return
        refs = self._host.selected_refs()
        if len(refs) == 1 and refs[0].key == self._shown.key and refs[0] != self._shown:
            self._settle.start()

    def _preview_selection(self) -> None:
        self._settle.stop()
        place = self._host.place
        refs = self._host.selected_refs()
        if place is None or not place.bucket or not refs:
            self._previews.cancel()
            if not (refs == [] and self._gone and self._gone == self.pane.key):
                self.pane.show_message("Select a file to preview it.")
            # else: the selection went with the gone file's row; the pane still says why
            return
        if len(refs) > 1:
            self._previews.cancel()
            self.pane.show_message(f"{len(refs):,} items selected.")
            return
        ref = refs[0]
        if ref == self._shown and ref.key == self.pane.key and self._previews.busy:
            return  # already on its way (not when a listing has since changed the file)
        self._gone = ""
        self._shown = ref
        self.pane.show_loading(ref.key)
        self._previews.show(place.account_id, place.bucket, ref.key, ref.size)

    def _on_previews_preview_ready(self, preview: Preview) -> None:
        # The service emits only its last request; the pane checks it is still the selection.
        if self.shown and preview.key == self.pane.key:
            self.pane.show_preview(preview)

    def _on_previews_object_gone(self, account_id: str, bucket: str, key: str) -> None:
        self._gone = key
        place = self._host.place
        if place is not None and (place.account_id, place.bucket) == (account_id, bucket):
            self._host.refresh_loaded({parent(key)})  # as Properties does: the row goes

    # -- list or icons ------------------------------------------------------------
    @property
    def icons_mode(self) -> bool:
        return self.icons_action.isChecked()

    def _on_icons_action_toggled(self, _on: bool) -> None:
        for view in (self.icons_view, self._view):
            drop_name_editor(view)
        self.update_view()
        (self.icons_view if self.icons_mode else self._view).setFocus()

    def update_view(self) -> None:
        """Show the list or the grid, whichever is chosen, where the window shows objects."""
        place = self._host.place
        has_bucket = bool(place and place.bucket)
        if place is not None:
            self._thumbnails.set_place(place.account_id, place.bucket)
        icons = self.icons_mode and has_bucket
        self._view.flat.set_top_level_only(icons)
        self.icons_view.setVisible(icons)
        if icons:
            self._view.setVisible(False)
        elif has_bucket:
            self._view.setVisible(True)

    # -- Space bar ------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._on_key(watched, event)
        if event.type() == QEvent.Type.Resize and isinstance(watched, QSplitter) and self.pane.isVisible():
            QTimer.singleShot(0, self._give_the_list_room)  # once the splitter has laid out
        return False

    def _give_the_list_room(self) -> None:
        """Shrink the preview (to MIN_WIDTH at least), then the sidebar (to its minimum), while
        the list has under 60% of the list and the preview: a window made narrower took it all
        from the list (trial item 9), and at 640 px a 240 px sidebar left it 160 px. Should the
        list still be narrower than MIN_WIDTH in a window under NARROW_WINDOW, the preview goes
        below MIN_WIDTH too, to NARROW_WIDTH at least: at 480 px the list had 90 px."""
        splitter = self.pane.parentWidget()
        if not isinstance(splitter, QSplitter) or not self.pane.isVisible():
            return
        narrow = splitter.width() < NARROW_WINDOW
        self.pane.setMinimumWidth(NARROW_WIDTH if narrow else MIN_WIDTH)
        sizes = splitter.sizes()
        shared = sizes[-2] + sizes[-1]
        if len(sizes) < 2 or shared <= 0 or sizes[-2] * 5 >= shared * 3:
            return
        if sizes[-1] > MIN_WIDTH:
            sizes[-1] = max(MIN_WIDTH, shared * 2 // 5)
            sizes[-2] = shared - sizes[-1]
        if len(sizes) >= 3 and sizes[-2] * 5 < (sizes[-2] + sizes[-1]) * 3:
            wanted = (sizes[-1] * 3 + 1) // 2 - sizes[-2]  # the list at 60% of the two
            sidebar = splitter.widget(0)
            spare = max(0, sizes[0] - (sidebar.minimumWidth() if sidebar is not None else sizes[0]))
            given = min(wanted, spare)
            sizes[0], sizes[-2] = sizes[0] - given, sizes[-2] + given
        if narrow and sizes[-2] < MIN_WIDTH <= sizes[-1]:
            shared = sizes[-2] + sizes[-1]
            sizes[-1] = max(NARROW_WIDTH, shared * 2 // 5)
            sizes[-2] = shared - sizes[-1]
        splitter.setSizes(sizes)

    def _on_key(self, watched: QObject, event: QKeyEvent) -> bool:
        if isinstance(watched, QAbstractItemView) and watched.state() == QAbstractItemView.State.EditingState:
            return False  # renaming in place: a space is part of the name
        text = event.text()
        if event.key() == Qt.Key.Key_Space and not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            typing = time.monotonic() - self._typed_at < QApplication.keyboardInputInterval() / 1000
            if typing:  # "my file": the space belongs to the name being typed
                self._typed_at = time.monotonic()
                return False
            self.toggle()
            return True
        if text and text.isprintable() and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._typed_at = time.monotonic()
        return False
