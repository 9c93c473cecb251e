"""What the window remembers of how the user left it: its size, place and maximised state,
the list's columns turned off, the preview pane open or closed, the list or the icons, and
the search panel's last options. Saved as preferences (the JSON
settings file, where the refresh interval and the transfer settings live), read at start.

GUI thread only. A value that cannot be read (an older or hand-edited file) is ignored:
the window starts as it would the first time.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from spacesgui.core.folder_node import Column
from spacesgui.core.ports import PreferenceStore
from spacesgui.ui.browser.column_choice import ColumnChoice
from spacesgui.ui.preview.preview_feature import PreviewFeature
from spacesgui.ui.search.search_form import SearchForm

log = logging.getLogger(__name__)

PREF_PREVIEW = "window.preview_shown"
PREF_VIEW = "window.view_mode"  # "list" or "icons"
PREF_SEARCH = "window.search_options"
PREF_GEOMETRY = "window.geometry"  # Qt's saveGeometry() in base64: size, place, maximised
PREF_COLUMNS_OFF = "window.columns_off"  # the list's columns turned off, by name ("ACCESS")
# The search options remembered: field name → the form's widget attribute. The name
# searched for is not: it is what the user looks for now, not a way they like to search.
_SEARCH_EDITS = {
    "min_size": "min_size_edit",
    "max_size": "max_size_edit",
    "modified_from": "after_edit",
    "modified_until": "before_edit",
}


class WindowMemory(QObject):
    """Restores the remembered state as the window first shows, and saves each part when the user changes it."""

    def __init__(
        self, preferences: PreferenceStore, preview: PreviewFeature, form: SearchForm, columns: ColumnChoice,
        window: QWidget,
    ) -> None:  # fmt: skip
        super().__init__(window)
        self.setObjectName("windowMemory")
        self._preferences, self._preview, self._form, self._window = preferences, preview, form, window
        self._columns = columns
        self.restored = False
        off = self._read(PREF_COLUMNS_OFF, list, [])
        columns.set_turned_off(
            Column[name] for name in off if isinstance(name, str) and name in Column.__members__
        )
        columns.changed.connect(self._on_columns_changed)
        # Before the window first shows, so it opens where it was left, not moved after.
        geometry = self._read(PREF_GEOMETRY, str, "")
        if geometry and not window.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii", "ignore"))):
            log.warning("ignoring the saved %s: Qt could not read it", PREF_GEOMETRY)
        window.installEventFilter(self)
        # Once the window is laid out: the pane opens into the splitter, at its width.
        QTimer.singleShot(0, self, self.restore)
        preview.preview_action.toggled.connect(self._on_preview_toggled)
        preview.icons_action.toggled.connect(self._on_icons_toggled)
        form.search_requested.connect(self.save_search_options)

    def restore(self) -> None:
        if self._read(PREF_PREVIEW, bool, False):
            self._preview.preview_action.setChecked(True)
        if self._read(PREF_VIEW, str, "list") == "icons":
            self._preview.icons_action.setChecked(True)
        options = self._read(PREF_SEARCH, dict, {})
        form = self._form
        scope = options.get("scope")
        if isinstance(scope, int) and 0 <= scope < form.scope_combo.count():
            form.scope_combo.setCurrentIndex(scope)
        for name, attribute in _SEARCH_EDITS.items():
            value = options.get(name)
            if isinstance(value, str):
                getattr(form, attribute).setText(value)
        content_type = options.get("type")
        if isinstance(content_type, str):
            form.type_combo.setCurrentText(content_type)
        self.restored = True

    def save_search_options(self) -> None:
        form = self._form
        options: dict[str, Any] = {"scope": form.scope_combo.currentIndex()}
        for name, attribute in _SEARCH_EDITS.items():
            options[name] = getattr(form, attribute).text().strip()
        options["type"] = form.type_combo.currentText().strip()
        self._write(PREF_SEARCH, options)

    def _on_preview_toggled(self, on: bool) -> None:
        self._write(PREF_PREVIEW, on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            self._write(PREF_GEOMETRY, bytes(self._window.saveGeometry().toBase64().data()).decode("ascii"))
        return False

    def _on_columns_changed(self) -> None:
        self._write(PREF_COLUMNS_OFF, sorted(column.name for column in self._columns.turned_off))

    def _on_icons_toggled(self, on: bool) -> None:
        self._write(PREF_VIEW, "icons" if on else "list")

    def _read(self, name: str, kind: type, default: Any) -> Any:
        value = self._preferences.get_preference(name, default)
        if not isinstance(value, kind):
            log.warning("ignoring the saved %s: %r is not a %s", name, value, kind.__name__)
            return default
        return value

    def _write(self, name: str, value: Any) -> None:
        try:
            self._preferences.set_preference(name, value)
        except OSError as exc:  # a full disk or a read-only config folder: the window still works
            log.warning("could not save %s: %s", name, exc)
