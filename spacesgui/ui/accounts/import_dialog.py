"""Import Accounts: what other tools on this machine know, ticked by the user, then added.

A window of its own (objectName `importAccounts`), never modal: it scans every source it
finds, lists each candidate with its source, name, endpoint and access key id, and marks
(and leaves unticked) the ones already present. Nothing is imported until Import is
pressed; a ticked candidate without a secret asks for it then (or is added without it,
with a note). GUI thread only.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.account_import import ImportCandidate, ImportResult, SourceKind
from spacesgui.services.account_service import SecretAnswer
from spacesgui.services.import_service import AccountImportService, Chosen, ImportOutcome, session_only
from spacesgui.ui.accounts.secret_dialog import SecretDialog
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel
from spacesgui.ui.visible_checks import with_visible_checks

log = logging.getLogger(__name__)

COLUMNS = ("Source", "Name", "Endpoint", "Access key", "Status")
ENDPOINT_COLUMN = COLUMNS.index("Endpoint")
READY, NO_SECRET = "Ready", "No secret key: asked at import"
SESSION_ONLY_TEXT = "Use for This Session Only"


class ImportDialog(QDialog):
    """The import window. `last_outcome` holds what the last Import did (for tests)."""

    imported = Signal(list)  # ids of the accounts just added

    def __init__(
        self,
        service: AccountImportService,
        spawn: Callable[[Awaitable[None]], object],
        parent: QWidget | None = None,
        *,
        kinds: Sequence[SourceKind] | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "importAccounts", "Import Accounts")
        self.setWindowTitle("Import Accounts")
        self.setModal(False)
        self.resize(820, 480)
        self._service, self._spawn = service, spawn
        self.kinds = list(kinds) if kinds is not None else None  # None: every source
        self._results: list[ImportResult] = []  # the scan, then each export file opened
        self._export_results: list[ImportResult] = []
        self.last_outcome: ImportOutcome | None = None
        self.secret_dialog: SecretDialog | None = None  # the one asking now, for tests
        self.keyring_box: QMessageBox | None = None  # "no keyring: this session only?", for tests
        self._statuses: dict[ImportCandidate, str] = {}  # what the last Import did to each row
        self._busy = False

        intro = QLabel(
            "Accounts found in other tools' settings on this computer. The ticked ones are added "
            "to spacesgui; their secret keys go straight to the system keyring (without one, you can "
            "keep them for this session only).",
            self,
        )
        intro.setWordWrap(True)
        self.sources_label = named(MutedLabel("Looking…", self), "importSources")
        self.sources_label.setWordWrap(True)
        self.tree = named(QTreeWidget(self), "importCandidates", "Accounts found")
        with_visible_checks(self.tree)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The endpoint gives way (cut at its end, whole in its tooltip): the access key and
        # the status must be read whole to choose, and pushed them out of sight at 820 px.
        header.setSectionResizeMode(ENDPOINT_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.tree.itemChanged.connect(self._update_buttons)
        self.problems = named(ProblemLabel(self), "importProblems", "Problems found")
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label = named(QLabel(self), "importResult", "Import result")
        self.result_label.setWordWrap(True)
        self.result_label.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        # ActionRole: pressing it imports and keeps the window open (to show what happened).
        self.import_button = named(
            buttons.addButton("Import", QDialogButtonBox.ButtonRole.ActionRole), "importButton"
        )
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.file_button = named(QPushButton("Open Export File…", self), "importFileButton")
        self.file_button.setToolTip("Add the accounts of a file saved with File → Export Accounts…")
        self.file_button.clicked.connect(self.choose_export_file)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.sources_label)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self._update_buttons()

    # -- filling the list ---------------------------------------------------------------

    def start(self) -> None:
        """Scan the sources (on a worker thread) and fill the list."""
        found = self._service.available_blocking()
        shown = [s for s in found if self.kinds is None or s.kind in self.kinds]
        self.sources_label.setText(
            "Looked in: " + "; ".join(f"{s.kind.label} ({s.where})" for s in shown)
            if shown
            else "No AWS CLI, s3cmd or rclone settings, and no AWS_ACCESS_KEY_ID, were found on "
            "this computer. Use “Open Export File…” to import a spacesgui export."
        )
        self._spawn(self._scan())

    async def _scan(self) -> None:
        result = await self._service.scan(self.kinds)
        self._results = [result, *self._export_results]
        self._refill()

    def choose_export_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Export File", "", "spacesgui accounts (*.json);;All files (*)"
        )
        if path:
            self.add_export_file(path)

    def add_export_file(self, path: str) -> None:
        """Read a spacesgui export and list its accounts as one more source."""
        self._spawn(self._add_export(path))

    async def _add_export(self, path: str) -> None:
        result = await self._service.read_export(path)
        self._export_results.append(result)
        self._results.append(result)
        self._refill()

    def _refill(self) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        # Keys for a server → the row that keeps its tick: the first with a secret, else the first.
        candidates = [c for result in self._results for c in result.candidates]
        kept: dict[str, ImportCandidate] = {}
        for candidate in candidates:
            if candidate.ref() not in kept or (candidate.secret and not kept[candidate.ref()].secret):
                kept[candidate.ref()] = candidate
        for candidate in candidates:
            chosen = kept[candidate.ref()]
            self.tree.addTopLevelItem(self._item(candidate, chosen if chosen is not candidate else None))
        self.tree.blockSignals(False)
        problems = [p.text() for r in self._results for p in r.problems]
        for text in problems:
            log.warning("import: %s", text)
        self.problems.set_problem(
            (f"{len(problems)} entr{'y' if len(problems) == 1 else 'ies'} could not be imported:\n")
            + "\n".join(f"• {text}" for text in problems)
            if problems
            else ""
        )
        self._update_buttons()

    def _item(self, candidate: ImportCandidate, same_as: ImportCandidate | None = None) -> QTreeWidgetItem:
        """A row for `candidate`; `same_as`: the row with the same keys for the same server that
        keeps its tick (only one of them can become an account: this one starts unticked)."""
        present = self._service.present(candidate)
        status = f"Already present as “{present}”" if present else (READY if candidate.secret else NO_SECRET)
        same = ""  # the whole story of a row whose keys another row has, for its tooltip
        if same_as is not None and not present:
            regions = (
                f" This row's region is {candidate.region or 'none'}, that one's {same_as.region or 'none'}."
                if candidate.region != same_as.region
                else ""
            )
            status = f"Tick one: same keys as “{same_as.name}”"
            same = (
                f"“{same_as.name}” ({same_as.source.label}) has the same keys for this server, and one "
                f"account can hold them: tick the row to keep.{regions}"
            )
        status = self._statuses.get(candidate, status)
        item = QTreeWidgetItem([
            candidate.source.label, candidate.name, candidate.endpoint_url, candidate.access_key_id, status,
        ])  # fmt: skip
        item.setData(0, Qt.ItemDataRole.UserRole, candidate)
        item.setToolTip(0, candidate.entry)
        if same:
            for column in range(1, len(COLUMNS)):
                item.setToolTip(column, same)
        if present:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            item.setData(0, Qt.ItemDataRole.CheckStateRole, None)
            for column in range(len(COLUMNS)):
                item.setToolTip(column, "These keys for this server are already an account.")
            item.setDisabled(True)
        else:
            item.setCheckState(0, Qt.CheckState.Unchecked if same_as is not None else Qt.CheckState.Checked)
        said = item.toolTip(ENDPOINT_COLUMN)  # the endpoint may be cut: whole here, first
        item.setToolTip(
            ENDPOINT_COLUMN, f"{candidate.endpoint_url}\n{said}" if said else candidate.endpoint_url
        )
        return item

    # -- reading the list ---------------------------------------------------------------

    def rows(self) -> list[tuple[ImportCandidate, bool, str]]:
        """(candidate, ticked, status) for every row, in order."""
        result = []
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item is None:
                continue
            candidate = item.data(0, Qt.ItemDataRole.UserRole)
            ticked = not item.isDisabled() and item.checkState(0) == Qt.CheckState.Checked
            result.append((candidate, ticked, item.text(4)))
        return result

    def _update_buttons(self) -> None:
        ticked = sum(1 for _c, on, _s in self.rows() if on)
        self.import_button.setEnabled(ticked > 0 and not self._busy)
        self.import_button.setText(f"Import {ticked}" if ticked else "Import")

    # -- importing ----------------------------------------------------------------------

    def _on_import_clicked(self) -> None:
        if not self._busy:
            self._spawn(self.import_ticked())

    async def import_ticked(self) -> None:
        self._busy = True
        self._update_buttons()
        try:
            chosen = []
            for candidate, ticked, _status in self.rows():
                if not ticked:
                    continue
                if candidate.secret:
                    chosen.append(Chosen(candidate, candidate.secret))
                    continue
                answer = await self._ask_secret(candidate)
                chosen.append(
                    Chosen(candidate, answer.secret, answer.remember) if answer else Chosen(candidate)
                )
            outcome = self._service.import_accounts(chosen)
            if outcome.keyring_refused:
                await self._offer_session_only(outcome)
            self.last_outcome = outcome
            self._statuses.update(outcome.statuses)
            self._show_outcome(outcome)
            if outcome.added_ids:
                self.imported.emit(list(outcome.added_ids))
            self._refill()  # what was added is now marked as present
        finally:
            self._busy = False
            self._update_buttons()

    async def _offer_session_only(self, outcome: ImportOutcome) -> None:
        """The keyring refused some secrets: offer to keep them in memory until quitting (as
        Add Account does), else they are not added and their rows say why."""
        refused = [item for item, _why in outcome.keyring_refused]
        names = ", ".join(f"“{item.candidate.name}”" for item in refused)
        many = len(refused) != 1
        text = (
            f"The secret key{'s' if many else ''} of {names} cannot be remembered: there is no usable "
            "system keyring (or it refused them), and spacesgui never writes secret keys to a file.\n\n"
            f"Use {'these accounts' if many else 'this account'} for this session only? "
            f"{'They are' if many else 'It is'} saved, and the secret key is asked for again the next "
            "time you start spacesgui. To remember secret keys instead, install and unlock a keyring "
            "such as gnome-keyring or KWallet, then import again."
        )
        if await self._ask_session_only(text):
            outcome.merge(self._service.import_accounts(session_only(refused)))
            return
        log.info("import: %d accounts not added, the user declined this session only", len(refused))
        outcome.failed.extend(
            (item.candidate.name, "the system keyring cannot keep its secret key, and using it for this "
             "session only was declined.")
            for item in refused
        )  # fmt: skip
        outcome.keyring_refused = []

    async def _ask_session_only(self, text: str) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        box = QMessageBox(
            QMessageBox.Icon.Warning, "No System Keyring", text, QMessageBox.StandardButton.NoButton, self
        )
        box.setObjectName("importNoKeyringBox")
        keep = box.addButton(SESSION_ONLY_TEXT, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Don't Add", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        self.keyring_box = box

        def on_finished(_result: int) -> None:
            if not future.done():
                future.set_result(box.clickedButton() is keep)
            box.deleteLater()

        box.finished.connect(on_finished)
        box.open()
        try:
            return await future
        finally:
            self.keyring_box = None

    async def _ask_secret(self, candidate: ImportCandidate) -> SecretAnswer | None:
        future: asyncio.Future[SecretAnswer | None] = asyncio.get_running_loop().create_future()
        dialog = SecretDialog(
            candidate.to_account(),
            f"{candidate.source.label} ({candidate.entry}) has no secret key for it. Cancel adds the "
            "account without one; it is then asked for when you first open it.",
            self,
        )
        self.secret_dialog = dialog

        def on_finished(result: int) -> None:
            if not future.done():
                future.set_result(dialog.answer() if result == QDialog.DialogCode.Accepted else None)
            dialog.deleteLater()

        dialog.finished.connect(on_finished)
        dialog.open()
        try:
            return await future
        finally:
            self.secret_dialog = None

    def _show_outcome(self, outcome: ImportOutcome) -> None:
        parts = []
        if outcome.added:
            names = ", ".join(f"“{html.escape(n)}”" for n in outcome.added)
            parts.append(
                f"<b>Added {len(outcome.added)} account{'s' if len(outcome.added) != 1 else ''}:</b> {names}."
            )
        for name in outcome.session_only:
            parts.append(
                f"“{html.escape(name)}” keeps its secret key for this session only; it is asked for "
                "again the next time you start spacesgui."
            )
        for name in outcome.without_secret:
            parts.append(
                f"“{html.escape(name)}” was added without its secret key; it is asked for when you first open it."
            )
        for name in outcome.already_present:
            parts.append(f"“{html.escape(name)}” was not added: the same keys are already an account.")
        for name, why in outcome.failed:
            parts.append(f"<b>“{html.escape(name)}” was not added:</b> {html.escape(why)}")
        self.result_label.setText("<br>".join(parts) or "Nothing was imported.")
        self.result_label.show()
