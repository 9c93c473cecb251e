"""Share…: a link per file (signed v4 or v2, upload, public, CDN), how long it lives, and Copy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import SpacesError
from spacesgui.core.formatting import human_count
from spacesgui.core.keys import basename
from spacesgui.core.share_links import DAY_S, MAX_V4_EXPIRY_S, MINUTE_S, Signature, expiry_problem
from spacesgui.core.sharing import DEFAULT_V2_EXPIRY_S, HINTS, HOUR_S, LinkKind, expiry_text
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel

Signer = Callable[[LinkKind, int], Awaitable[list[str]]]  # kind, expiry in seconds -> a link per file
Spawner = Callable[[Awaitable[None]], object]

UNITS = (("minutes", MINUTE_S), ("hours", HOUR_S), ("days", DAY_S))
V2_WARNING = (
    "Legacy: signature version 2 is older and weaker than version 4, and Amazon S3 and most newer "
    "servers refuse it. Use it only for a server that accepts nothing else (the original Spaces)."
)


class ShareDialog(QDialog):
    """Makes one link per file, one a line, and copies them. GUI thread only; open with `open()`.

    Links are signed on a worker (`sign`); a change of kind or expiry signs again, and
    only the newest answer is shown. The expiry text is worked out from the moment the
    links were signed, so it says when these links stop working.
    """

    def __init__(
        self,
        keys: Sequence[str],
        sign: Signer,
        spawn: Spawner,
        *,
        cdn: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shareDialog")
        self.setAccessibleName("Share")
        self._keys, self._sign, self._spawn = list(keys), sign, spawn
        self._generation = 0
        self.closed = False  # set when the dialog is closed: late answers are then dropped
        self.finished.connect(self._on_finished)
        title = f"“{basename(keys[0])}”" if len(keys) == 1 else human_count(len(keys), "file")
        self.setWindowTitle(f"Share {title}")
        self.setMinimumWidth(380)
        self.resize(560, 360)

        self.kind_combo = named(QComboBox(), "linkKindCombo", "Kind of link")
        for kind in LinkKind:
            if kind is not LinkKind.CDN or cdn:
                self.kind_combo.addItem(kind.label, kind.value)
        self.hint_label = named(MutedLabel("", self), "shareHint")
        self.hint_label.setWordWrap(True)
        self.amount_spin = named(QSpinBox(), "expiryAmount", "Valid for")
        self.unit_combo = named(QComboBox(), "expiryUnit", "Unit")
        for label, seconds in UNITS:
            self.unit_combo.addItem(label, seconds)
        self.unit_combo.setCurrentIndex(len(UNITS) - 1)
        self.amount_spin.setValue(7)
        duration = QWidget(self)
        duration_row = QHBoxLayout(duration)
        duration_row.setContentsMargins(0, 0, 0, 0)
        duration_row.addWidget(self.amount_spin)
        duration_row.addWidget(self.unit_combo, 1)
        self.until_edit = named(QDateTimeEdit(), "expiryDateEdit", "Valid until")
        self.until_edit.setCalendarPopup(True)
        self.until_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.until_edit.setDateTime(QDateTime.currentDateTime().addSecs(DEFAULT_V2_EXPIRY_S))
        self.expiry_label = named(QLabel(), "shareExpiry", "Expiry")
        self.expiry_label.setWordWrap(True)
        self.warning_label = named(ProblemLabel(self), "shareWarning", "Warning")
        self.problem_label = named(ProblemLabel(self), "shareProblem", "Problem")
        self.links_edit = named(QPlainTextEdit(), "shareLinks", "Links")
        self.links_edit.setReadOnly(True)
        self.links_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.links_edit.setMinimumHeight(90)
        self.copied_label = named(MutedLabel("", self), "shareCopied")

        self.form = QFormLayout()
        self.form.addRow("Link:", self.kind_combo)
        self.form.addRow("", self.hint_label)
        self.form.addRow("Valid for:", duration)
        self.form.addRow("Valid until:", self.until_edit)
        self._duration_row, self._until_row = duration, self.until_edit
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = named(
            buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole), "copyLinksButton"
        )
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.copy_button.setDefault(True)  # what one opens Share for
        self.copy_button.clicked.connect(self.copy_links)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.expiry_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.links_edit, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.copied_label, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.unit_combo.currentIndexChanged.connect(self._on_unit_changed)
        self.amount_spin.valueChanged.connect(self._refresh)
        self.until_edit.dateTimeChanged.connect(self._refresh)
        self._on_unit_changed()
        self._on_kind_changed()

    def _on_finished(self) -> None:
        self.closed = True
        self.deleteLater()

    # -- state --------------------------------------------------------------
    def kind(self) -> LinkKind:
        return LinkKind(self.kind_combo.currentData())

    def set_kind(self, kind: LinkKind) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))

    def expires_s(self) -> int:
        """The chosen lifetime in seconds (for a v2 link: from now to the chosen moment)."""
        if self.kind() is LinkKind.SIGNED_V2:
            return int(QDateTime.currentDateTime().secsTo(self.until_edit.dateTime()))
        return int(self.amount_spin.value()) * int(self.unit_combo.currentData())

    def set_expiry(self, amount: int, unit_s: int) -> None:
        self.unit_combo.setCurrentIndex(self.unit_combo.findData(unit_s))
        self.amount_spin.setValue(amount)

    def links(self) -> list[str]:
        text = self.links_edit.toPlainText()
        return text.split("\n") if text else []

    # -- reactions ----------------------------------------------------------
    def _on_kind_changed(self) -> None:
        kind = self.kind()
        self.hint_label.setText(HINTS[kind])
        self._set_row_visible(self._duration_row, kind in (LinkKind.SIGNED, LinkKind.UPLOAD))
        self._set_row_visible(self._until_row, kind is LinkKind.SIGNED_V2)
        self.warning_label.set_problem(V2_WARNING if kind is LinkKind.SIGNED_V2 else "")
        self._refresh()

    def _set_row_visible(self, field: QWidget, visible: bool) -> None:
        self.form.setRowVisible(field, visible)

    def _on_unit_changed(self) -> None:
        # SigV4 allows 1 minute to 7 days: the spin box's range keeps the choice inside it.
        unit = int(self.unit_combo.currentData())
        self.amount_spin.setRange(1, MAX_V4_EXPIRY_S // unit)
        self._refresh()

    def _refresh(self) -> None:
        """Sign again for the current choice; the answer replaces the links when it is still current."""
        self._generation += 1
        self.copied_label.setText("")
        kind, expires_s = self.kind(), self.expires_s()
        problem = None
        if kind.expires:
            signature = Signature.V2 if kind is LinkKind.SIGNED_V2 else Signature.V4
            problem = expiry_problem(expires_s, signature)
        self.problem_label.set_problem(problem or "")
        # Until the new links come, the old ones (another kind or expiry) cannot be copied.
        self.copy_button.setEnabled(False)
        self.links_edit.setEnabled(False)
        if problem:
            self.links_edit.setPlainText("")
            self.expiry_label.setText("")
            return
        self._spawn(self._sign_links(self._generation, kind, expires_s))

    async def _sign_links(self, generation: int, kind: LinkKind, expires_s: int) -> None:
        signed_at = datetime.now()
        try:
            links = await self._sign(kind, expires_s)
        except SpacesError as error:
            if generation == self._generation and not self.closed:
                self.problem_label.set_problem(error.message)
                self.links_edit.setPlainText("")
            return
        if generation != self._generation or self.closed:
            return  # the choice changed while these were signed, or the dialog is gone
        self.links_edit.setPlainText("\n".join(links))
        self.links_edit.setEnabled(True)
        self.expiry_label.setText(expiry_text(expires_s, signed_at) if kind.expires else "Never expires.")
        self.copy_button.setEnabled(bool(links))

    def copy_links(self) -> None:
        links = self.links()
        if not links:
            return
        QGuiApplication.clipboard().setText("\n".join(links))
        self.copied_label.setText(
            "Copied the link." if len(links) == 1 else f"Copied {len(links):,} links, one a line."
        )
