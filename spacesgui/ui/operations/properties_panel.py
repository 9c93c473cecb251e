"""Properties (an Info window, as Finder and Transmit have): details, access, headers and metadata.

Non-modal: it reads the objects on workers, shows what one object or a selection has
("(mixed)" where values differ) and saves edits as a copy onto each object. Every
failure is said per object, by name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import SpacesError
from spacesgui.core.formatting import human_count, human_size, human_time, storage_class_text
from spacesgui.core.keys import basename
from spacesgui.core.object_headers import HEADER_FIELDS
from spacesgui.core.operations import ObjectDetails
from spacesgui.core.property_edits import HeaderEdit, Shared, edit_problems, shared, summarize
from spacesgui.core.sharing import access_text, private_warning
from spacesgui.services.object_service import ObjectInfo, ObjectService, UpdateOutcome
from spacesgui.ui.elided_field import ElidedField
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.operations.metadata_editor import MetadataEditor
from spacesgui.ui.problem_label import ProblemLabel

Spawner = Callable[[Awaitable[None]], object]

# (objectName suffix, label) of the read-only rows
DETAIL_ROWS = (
    ("Key", "Key"), ("Size", "Size"), ("Modified", "Last modified"), ("Etag", "ETag"),
    ("StorageClass", "Storage class"), ("VersionId", "Version id"), ("Access", "Access"),
    ("PublicUrl", "Public URL"), ("CdnUrl", "CDN URL"),
)  # fmt: skip


# Values that are sentences: cut at their end. Addresses, keys and ETags are cut in the
# middle instead, where their ends (the file name) stay readable.
SENTENCES = frozenset({"Access"})


def _value_field(name: str, label: str) -> ElidedField:
    """A read-only value: selectable, “…” in it when too wide, never widening the window."""
    elide = Qt.TextElideMode.ElideRight if name in SENTENCES else Qt.TextElideMode.ElideMiddle
    return named(ElidedField(elide=elide), f"property{name}", label)


def _size_text(size: int) -> str:
    """“1.2 MB (1,234,567 bytes)”: rounded for reading, exact for checking."""
    return human_size(size) if size < 1000 else f"{human_size(size)} ({size:,} bytes)"


class PropertiesPanel(QDialog):
    """The Info window for the files `keys` of `bucket`. GUI thread only; open with `show()`."""

    def __init__(
        self,
        service: ObjectService,
        spawn: Spawner,
        account_id: str,
        bucket: str,
        keys: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("propertiesPanel")
        self.setAccessibleName("Properties")
        self.setModal(False)
        self._service, self._spawn = service, spawn
        self._account_id, self._bucket, self._keys = account_id, bucket, list(keys)
        self._infos: list[ObjectInfo] = []
        self.cdn_on = True  # False: the Space is not known to have a CDN endpoint; no CDN URL row
        self._loaded_fields: dict[str, Shared] = {}
        self._touched: set[str] = set()
        self._busy = True
        what = f"“{basename(keys[0])}”" if len(keys) == 1 else human_count(len(keys), "file")
        self.setWindowTitle(f"Properties of {what}")
        self.resize(460, 640)
        self.setMinimumWidth(300)

        self.status_label = named(MutedLabel("", self), "propertiesStatus", "Status")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.errors_label = named(ProblemLabel(self), "propertiesErrors", "What failed")
        self.errors_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label = named(ProblemLabel(self), "propertiesProblems", "What is wrong with the values")
        self.private_warning = named(
            ProblemLabel(self), "propertiesPrivateWarning", "Why the address will not work"
        )
        self.details = {name: _value_field(name, label) for name, label in DETAIL_ROWS}
        self.header_edits: dict[str, QLineEdit] = {}
        for attribute, label in HEADER_FIELDS:
            edit = named(QLineEdit(), f"header_{attribute}", label)
            edit.textEdited.connect(lambda _text, a=attribute: self._on_header_edited(a))
            self.header_edits[attribute] = edit
        self.metadata = MetadataEditor(self)
        self.metadata.changed.connect(self._update_state)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = named(
            self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.ApplyRole), "savePropertiesButton"
        )
        self.revert_button = named(
            self.buttons.addButton("Revert", QDialogButtonBox.ButtonRole.ResetRole), "revertPropertiesButton"
        )
        for button in (self.revert_button, self.buttons.button(QDialogButtonBox.StandardButton.Close)):
            button.setAutoDefault(False)
        self.save_button.setDefault(True)  # Return in a field saves, as an Info window commits
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self._render())
        self.buttons.rejected.connect(self.close)
        self.closed = False  # set when the window is closed: late answers are then dropped
        self.finished.connect(self._on_finished)
        self._build_layout()
        self._set_busy(True)
        # The keys start on the first value one can change, not on the read-only Key (the
        # keyboard-only pass had to Tab through nine read-only rows to reach it).
        self.header_edits[HEADER_FIELDS[0][0]].setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_layout(self) -> None:
        content = QWidget()
        form = QFormLayout()  # one form, so every label column lines up
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label in DETAIL_ROWS:
            if name == "PublicUrl":
                self._public_row = self._with_copy(self.details[name], "copyPublicUrlButton")
                form.addRow(f"{label}:", self._public_row)
                form.addRow("", self.private_warning)  # as the Share dialog says it
            else:
                form.addRow(f"{label}:", self.details[name])
        form.addRow(self._heading("Headers"))
        for attribute, label in HEADER_FIELDS:
            form.addRow(f"{label}:", self.header_edits[attribute])
        form.addRow(self._heading("Metadata (x-amz-meta-*)"))
        form.addRow(self.metadata)
        self._general = form
        column = QVBoxLayout(content)
        column.addLayout(form)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.errors_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)
        self._scroll, self._content = scroll, content

    def _fit_height(self) -> None:
        """Grow tall enough for every row, the metadata's Add and Remove included, where the
        screen has room: at 640 px the table was cut and a scroll bar hid its buttons. Run once
        the values are shown (rows such as the private-address warning appear with them)."""
        layout = self.layout()
        if self.closed or layout is None:
            return
        if self._scroll.isHidden():  # nothing could be read: only the reason and Close
            layout.activate()
            self.resize(self.width(), layout.sizeHint().height())
            return
        # The window's layout as it asks, with the scroll area as tall as what it holds.
        content = self._content.sizeHint().height()
        wanted = layout.sizeHint().height() - self._scroll.sizeHint().height() + content + 4
        screen = self.screen()
        frame = 80  # the window's title bar, and a desktop's panel
        room = screen.availableGeometry().height() - frame if screen is not None else wanted
        self.resize(self.width(), max(self.height(), min(wanted, room)))

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))  # no blank line above the form

    def _heading(self, text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        label.setContentsMargins(0, 8, 0, 0)
        return label

    def _with_copy(self, field: QLineEdit, name: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        button = named(QToolButton(), name, "Copy the public URL")
        button.setText("Copy")
        button.clicked.connect(lambda: QGuiApplication.clipboard().setText(field.text()))
        layout.addWidget(button)
        return row

    def _on_finished(self) -> None:
        self.closed = True
        self.deleteLater()

    # -- loading ------------------------------------------------------------
    def load(self) -> None:
        """Read every object's properties on the workers (again)."""
        self._set_busy(True)
        self._set_status(f"Reading the properties of {self._what()}…")
        self._spawn(self._load())

    async def _load(self) -> None:
        try:
            infos = await self._service.properties(
                self._account_id, self._bucket, self._keys, self._on_progress
            )
        except SpacesError as error:
            if not self.closed:
                self._set_status("")
                self.errors_label.set_problem(f"The properties could not be read: {error.message}")
            return
        if self.closed:
            return
        self._infos = infos
        self._render()
        QTimer.singleShot(0, self._fit_height)  # once the rows shown with the values are laid out

    def _on_progress(self, done: int, total: int) -> None:
        if total > 1 and not self.closed:
            self._set_status(f"Reading the properties of {done:,} of {total:,} files…")

    def _what(self) -> str:
        return (
            f"“{basename(self._keys[0])}”" if len(self._keys) == 1 else human_count(len(self._keys), "file")
        )

    def _details(self) -> list[ObjectDetails]:
        return [info.details for info in self._infos if info.details is not None]

    # -- showing ------------------------------------------------------------
    def _render(self) -> None:
        """Show the loaded values, forgetting edits."""
        good = [info for info in self._infos if info.details is not None]
        failed = [info for info in self._infos if info.error is not None]
        if len(self._infos) == 1 and failed and failed[0].error:  # the one file: its reason says it all
            self.errors_label.set_problem(failed[0].error.message)
        else:
            self.errors_label.set_problem(
                "\n".join(f"Could not read “{i.key}”: {i.error.message}" for i in failed if i.error)
            )
        self._set_status(self._summary(len(good), len(failed)))
        details = self._details()
        self._scroll.setVisible(bool(details))  # no empty fields that look as if they could be typed in
        self.save_button.setVisible(bool(details))
        self.revert_button.setVisible(bool(details))
        self._show_details(good, details)
        summary = summarize([d.headers for d in details])
        self._loaded_fields = summary.fields
        self._touched.clear()
        for attribute, edit in self.header_edits.items():
            value = summary.fields[attribute]
            edit.setText(value.value)
            edit.setPlaceholderText(value.shown if value.mixed else "")
        self.metadata.load(summary.metadata)
        self._set_busy(not details)

    def _summary(self, good: int, failed: int) -> str:
        if not failed:
            return (
                ""
                if good == 1
                else f"{good:,} files. “(mixed)”: the files differ; left alone unless you type over it."
            )
        if not good:
            return "" if failed == 1 else "None of the files could be read."
        return f"Showing {human_count(good, 'file')}; {failed:,} could not be read."

    def _show_details(self, infos: list[ObjectInfo], details: list[ObjectDetails]) -> None:
        one = len(details) == 1
        sizes = [d.size for d in details]
        values = {
            "Key": shared(d.key for d in details).shown if one else f"{len(details):,} files",
            "Size": _size_text(sizes[0]) if one else f"{human_size(sum(sizes))} in all",
            "Modified": shared(human_time(d.last_modified) for d in details).shown,
            "Etag": shared(d.etag for d in details).shown,
            "StorageClass": shared(storage_class_text(d.storage_class) for d in details).shown,
            "VersionId": shared(d.version_id or "—" for d in details).shown,
            "Access": shared(access_text(i.acl, i.access_note) for i in infos).shown,
            "PublicUrl": shared(i.public_url for i in infos).shown,
            "CdnUrl": shared(i.cdn_url for i in infos).shown,
        }  # fmt: skip
        for name, text in values.items():
            self.details[name].setText(text)
            self.details[name].setCursorPosition(0)
            self.details[name].setToolTip(text)  # the whole value where a narrow window cuts it
        cdn = one and self.cdn_on and any(i.cdn_url for i in infos)
        self._general.setRowVisible(self.details["CdnUrl"], cdn)
        self._general.setRowVisible(self._public_row, one)
        public = [i.acl.public_read if i.acl is not None else None for i in infos]
        warning = private_warning(public, basename(infos[0].key)) if one and infos else ""
        self.private_warning.set_problem(warning)
        self._general.setRowVisible(self.private_warning, bool(warning))

    # -- editing ------------------------------------------------------------
    def _on_header_edited(self, attribute: str) -> None:
        self._touched.add(attribute)
        self._update_state()

    def edit(self) -> HeaderEdit:
        """What the user changed: typed-over fields, and the metadata table's changes."""
        fields = {}
        for attribute in self._touched:
            text = self.header_edits[attribute].text()
            loaded = self._loaded_fields.get(attribute, Shared())
            if loaded.mixed or text.strip() != loaded.value:
                fields[attribute] = text
        renamed, removed, values = self.metadata.edit()
        return HeaderEdit(fields, renamed, removed, values)

    def _update_state(self) -> None:
        edit = self.edit()
        problems = edit_problems(edit) if not edit.empty else []
        self.problems_label.set_problem("\n".join(problems))
        self.save_button.setEnabled(not self._busy and not edit.empty and not problems)
        self.revert_button.setEnabled(not self._busy and not edit.empty)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for edit in self.header_edits.values():
            edit.setReadOnly(busy)
        self.metadata.setEnabled(not busy)
        self._update_state()

    # -- saving -------------------------------------------------------------
    def save(self) -> None:
        edit = self.edit()
        if self._busy or edit.empty or edit_problems(edit):
            return
        self._set_busy(True)
        self._set_status(f"Saving {self._what()}…")
        self._spawn(self._save(edit))

    async def _save(self, edit: HeaderEdit) -> None:
        try:
            outcomes = await self._service.update_metadata(
                self._account_id, self._bucket, self._details(), edit
            )
        except SpacesError as error:
            if not self.closed:
                self._set_busy(False)
                self._set_status("")
                self.errors_label.set_problem(f"Nothing was saved: {error.message}")
            return
        if not self.closed:
            self._apply(outcomes)

    def _apply(self, outcomes: list[UpdateOutcome]) -> None:
        by_key = {o.key: o for o in outcomes}
        self._infos = [
            replace(info, details=by_key[info.key].details) if info.key in by_key else info
            for info in self._infos
        ]
        self._render()
        failed = [o for o in outcomes if o.error is not None]
        saved = sum(1 for o in outcomes if o.changed)
        if failed:
            self.errors_label.set_problem(
                "\n".join(f"Not saved: “{o.key}”: {o.error.message}" for o in failed if o.error)
            )
        self._set_status(
            f"Saved {human_count(saved, 'file')}."
            + (f" {human_count(len(failed), 'file')} could not be saved." if failed else "")
        )
