"""Share…: a link per file (signed v4 or v2, upload, public, CDN), how long it lives, and Copy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QDateTime, QSignalBlocker
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
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import SpacesError
from spacesgui.core.formatting import human_count
from spacesgui.core.keys import basename
from spacesgui.core.share_links import DAY_S, MINUTE_S, Signature, expiry_problem
from spacesgui.core.sharing import (
    DEFAULT_V2_EXPIRY_S,
    HINTS,
    HOUR_S,
    LinkKind,
    amount_in,
    expiry_text,
    private_warning,
)
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel

Signer = Callable[[LinkKind, int], Awaitable[list[str]]]  # kind, expiry in seconds -> a link per file
Access = Callable[[], Awaitable[list[bool | None]]]  # whether each file is public (None: unknown)
Spawner = Callable[[Awaitable[None]], object]

UNITS = (("minutes", MINUTE_S), ("hours", HOUR_S), ("days", DAY_S))
# The spin box takes more than a link may live (10,080 minutes are 7 days), so that a
# typed 30 days stays 30 and the dialog says why it cannot be, instead of turning it into 7.
MAX_AMOUNT = 99_999
UPLOAD_WARNING = (
    "Anyone who has this link can replace the file with anything, until it expires. Give it "
    "only to the person who should send the new version."
)
# Links that only read first; the one that lets a stranger overwrite the file last, apart.
MENU_ORDER = (LinkKind.SIGNED, LinkKind.PUBLIC, LinkKind.CDN, LinkKind.SIGNED_V2, LinkKind.UPLOAD)
V2_WARNING = (
    "Legacy: signature version 2 is older and weaker than version 4, and Amazon S3 and most newer "
    "servers refuse it. Use it only for a server that accepts nothing else (the original Spaces)."
)


class ShareDialog(QDialog):
    """Makes one link per file, one a line, and copies them. GUI thread only; open with `open()`.

    Links are signed on a worker (`sign`); a change of kind or expiry signs again, and
    only the newest answer is shown. The expiry text is worked out from the moment the
    links were signed, so it says when these links stop working. For a public or CDN
    address, `access` is asked once whether the files are public, and private ones are named.

    Above the links box there are only one-line rows (the kind, and a stack of one
    expiry choice per kind), so the box stays where it is whichever kind is chosen; the
    words that change with it (what the link does, when it expires, warnings) are below.
    """

    def __init__(
        self,
        keys: Sequence[str],
        sign: Signer,
        spawn: Spawner,
        *,
        cdn: bool,
        access: Access | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shareDialog")
        self.setAccessibleName("Share")
        self._keys, self._sign, self._spawn, self._access = list(keys), sign, spawn, access
        self._generation = 0
        self._public: list[bool | None] | None = None  # the answer of `access`, once asked
        self._asked_access = False
        self.closed = False  # set when the dialog is closed: late answers are then dropped
        self.finished.connect(self._on_finished)
        title = f"“{basename(keys[0])}”" if len(keys) == 1 else human_count(len(keys), "file")
        self.setWindowTitle(f"Share {title}")
        self.setMinimumWidth(380)
        self.resize(560, 360)

        self.kind_combo = named(QComboBox(), "linkKindCombo", "Kind of link")
        for kind in MENU_ORDER:
            if kind is not LinkKind.CDN or cdn:
                self.kind_combo.addItem(kind.label, kind.value)
        self.hint_label = named(MutedLabel("", self), "shareHint", "About this link")
        self.hint_label.setWordWrap(True)
        self.warning_label = named(ProblemLabel(self), "shareWarning", "Warning")

        self.amount_spin = named(QSpinBox(), "expiryAmount", "Valid for")
        self.amount_spin.setRange(1, MAX_AMOUNT)
        self.unit_combo = named(QComboBox(), "expiryUnit", "Unit")
        for label, seconds in UNITS:
            self.unit_combo.addItem(label, seconds)
        self.unit_combo.setCurrentIndex(len(UNITS) - 1)
        self._unit_s = DAY_S  # the unit the amount is in, to convert it when the unit changes
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
        never = named(QLabel("Never"), "expiryNever", "Expires")
        self.expiry_choice = named(QStackedWidget(self), "expiryChoice", "Expires")
        for page in (duration, self.until_edit, never):
            self.expiry_choice.addWidget(page)
        self._expiry_page = {
            LinkKind.SIGNED: duration, LinkKind.UPLOAD: duration, LinkKind.SIGNED_V2: self.until_edit,
            LinkKind.PUBLIC: never, LinkKind.CDN: never,
        }  # fmt: skip

        self.expiry_label = named(QLabel(), "shareExpiry", "Expiry")
        self.expiry_label.setWordWrap(True)
        self.access_label = named(ProblemLabel(self), "shareAccess", "Who may read it")
        self.problem_label = named(ProblemLabel(self), "shareProblem", "Problem")
        self.links_edit = named(QPlainTextEdit(), "shareLinks", "Links")
        self.links_edit.setReadOnly(True)
        self.links_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.links_edit.setMinimumHeight(90)
        self.copied_label = named(MutedLabel("", self), "shareCopied")

        self.form = QFormLayout()
        self.form.addRow("Link:", self.kind_combo)
        self.form.addRow("Expires:", self.expiry_choice)
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
        layout.addWidget(self.links_edit, 1)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.expiry_label)
        layout.addWidget(self.access_label)
        layout.addWidget(self.problem_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.copied_label, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.unit_combo.currentIndexChanged.connect(self._on_unit_changed)
        self.amount_spin.valueChanged.connect(self._refresh)
        self.until_edit.dateTimeChanged.connect(self._refresh)
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
        return int(self.amount_spin.value()) * self._unit_s

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
        self.warning_label.set_problem(
            {LinkKind.SIGNED_V2: V2_WARNING, LinkKind.UPLOAD: UPLOAD_WARNING}.get(kind, "")
        )
        self.expiry_choice.setCurrentWidget(self._expiry_page[kind])
        self._show_access()
        if not kind.expires and self._access is not None and not self._asked_access:
            self._asked_access = True
            self._spawn(self._ask_access())
        self._refresh()

    def _on_unit_changed(self) -> None:
        # The same lifetime in the new unit (7 days: 168 hours), not the same number.
        unit = int(self.unit_combo.currentData())
        amount = amount_in(int(self.amount_spin.value()), self._unit_s, unit)
        self._unit_s = unit
        with QSignalBlocker(self.amount_spin):  # one refresh, below
            self.amount_spin.setValue(min(amount, MAX_AMOUNT))
        self._refresh()

    async def _ask_access(self) -> None:
        assert self._access is not None
        try:
            public = await self._access()
        except SpacesError:
            return  # unknown: the hint already says the address works only for public files
        if not self.closed:
            self._public = public
            self._show_access()

    def _show_access(self) -> None:
        """Name the private files while a public or CDN address is chosen."""
        warning = ""
        if not self.kind().expires and self._public is not None:
            warning = private_warning(self._public, basename(self._keys[0]))
        self.access_label.set_problem(warning)

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
        self.expiry_label.setVisible(kind.expires and not problem)
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
        self.expiry_label.setText(expiry_text(expires_s, signed_at) if kind.expires else "")
        self.copy_button.setEnabled(bool(links))

    def copy_links(self) -> None:
        links = self.links()
        if not links:
            return
        QGuiApplication.clipboard().setText("\n".join(links))
        what = ("command", "commands") if self.kind() is LinkKind.UPLOAD else ("link", "links")
        self.copied_label.setText(
            f"Copied the {what[0]}." if len(links) == 1 else f"Copied {len(links):,} {what[1]}, one a line."
        )
