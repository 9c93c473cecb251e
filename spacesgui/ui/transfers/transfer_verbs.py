"""The Transfers panel's verbs: its actions, which rows each applies to, and when each is enabled.

A mixin of TransferDock (GUI thread only), kept apart so the dock module stays about
layout and signals. The “All” verbs act on the whole queue. Cancel All asks first, because
it throws away what was moved; so does Delete (Remove from List) for unfinished rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QTreeView, QWidget

from spacesgui.core.formatting import human_count
from spacesgui.core.transfers import TransferState
from spacesgui.qtmodels.icons import icon
from spacesgui.qtmodels.transfer_model import TransferModel, TransferRole
from spacesgui.ui.transfers.transfer_details import show_details

if TYPE_CHECKING:
    from spacesgui.services.transfer_service import TransferService

State = TransferState
PAUSABLE = frozenset({State.QUEUED, State.RUNNING})
RESUMABLE = frozenset({State.PAUSED})
CANCELLABLE = frozenset({State.QUEUED, State.RUNNING, State.PAUSED, State.FAILED})  # failed: drops its parts
UNFINISHED = frozenset({State.QUEUED, State.RUNNING, State.PAUSED})  # what Cancel All stops
RETRYABLE = frozenset({State.FAILED, State.CANCELLED})
TIDY = frozenset({State.DONE, State.SKIPPED, State.CANCELLED})  # what Delete removes without asking
FINISHED = frozenset(s for s in State if s.finished)
AnyIndex = QModelIndex | QPersistentModelIndex


THROWN_AWAY = (
    "What they moved so far is thrown away: partly uploaded files are removed from the Space, "
    "partly downloaded ones from this computer."
)


def _has(count: int) -> str:
    return "has" if count == 1 else "have"


def existing_folder(path: str) -> str:
    """`path`, or its nearest existing ancestor (a download's folder may not exist yet)."""
    while path and not os.path.isdir(path):
        parent = os.path.dirname(path)
        if parent == path:
            return ""
        path = parent
    return path


class TransferVerbs:
    """Actions of the Transfers panel; mixed into TransferDock, which provides the attributes below."""

    model: TransferModel
    view: QTreeView
    last_dialog: QMessageBox | None
    _service: TransferService
    _open_url: Callable[[QUrl], object]

    # -- construction ---------------------------------------------------------
    def _action(
        self,
        text: str,
        name: str,
        tip: str,
        slot: Callable[[], None],
        icon_name: str | None = None,
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        widget = self._widget()
        action = QAction(text, widget)
        action.setObjectName(name)
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
        action.setStatusTip(tip)
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # Only while the panel has focus: the window's own keys stay the window's.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        widget.addAction(action)
        return action

    def _widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def _build_actions(self) -> None:
        self.pause_action = self._action(
            "Pause", "pauseTransfers", "Pause the selected transfers", self.pause_selected,
            icon_name="pause", shortcut="Ctrl+P",
        )  # fmt: skip
        self.resume_action = self._action(
            "Resume", "resumeTransfers", "Resume the selected paused transfers", self.resume_selected,
            icon_name="resume", shortcut="Ctrl+Shift+P",
        )  # fmt: skip
        self.cancel_action = self._action(
            "Cancel", "cancelTransfers", "Cancel the selected transfers", self.cancel_selected,
            icon_name="cancel",
        )  # fmt: skip
        # Delete tidies the list, as in a file manager; it cancels nothing without asking.
        self.remove_action = self._action(
            "Remove from List", "removeTransfers",
            "Remove the selected finished transfers from the list (failed and unfinished ones: after asking)",
            self.remove_selected, icon_name="clear", shortcut=QKeySequence.StandardKey.Delete,
        )  # fmt: skip
        self.retry_action = self._action(
            "Retry", "retryTransfers", "Try the selected failed or cancelled transfers again",
            self.retry_selected, icon_name="retry",
        )  # fmt: skip
        self.details_action = self._action(
            "Details…", "transferDetails", "Show the whole message of the selected failed transfer",
            self.show_details, icon_name="info", shortcut="Ctrl+I",
        )  # fmt: skip
        self.clear_action = self._action(
            "Clear Finished", "clearFinished",
            "Remove done, skipped and cancelled transfers from the list (failed ones stay, with what "
            "Retry goes on from: Delete asks before removing them)",
            self.clear_finished, icon_name="clear",
        )  # fmt: skip
        self.reveal_action = self._action(
            "Reveal in File Manager", "revealTransfer", "Open the local folder of the selected transfer",
            self.reveal_selected, icon_name="reveal",
        )  # fmt: skip
        self.pause_all_action = self._action(
            "Pause All", "pauseAll", "Pause every queued and running transfer", self.pause_all,
        )  # fmt: skip
        self.resume_all_action = self._action(
            "Resume All", "resumeAll", "Resume every paused transfer", self.resume_all,
        )  # fmt: skip
        self.cancel_all_action = self._action(
            "Cancel All…", "cancelAll", "Cancel every transfer that has not finished (asks first)",
            self.cancel_all,
        )  # fmt: skip
        self.retry_all_action = self._action(
            "Retry All", "retryAll", "Try every failed transfer again", self.retry_all,
        )  # fmt: skip

    @property
    def selection_actions(self) -> list[QAction]:
        return [
            self.pause_action,
            self.resume_action,
            self.cancel_action,
            self.retry_action,
            self.reveal_action,
        ]

    @property
    def queue_actions(self) -> list[QAction]:
        """The verbs on the whole queue."""
        return [self.pause_all_action, self.resume_all_action, self.cancel_all_action, self.retry_all_action]

    # -- which rows -----------------------------------------------------------
    def selected_ids(self) -> list[str]:
        """Ids of the selected rows; a file whose folder row is selected too is left to the folder."""
        ids = self.model.ids_for(self.view.selectionModel().selectedRows())
        chosen = set(ids)
        return [i for i in ids if (t := self.model.transfer(i)) is None or t.group_id not in chosen]

    def _current_rows(self) -> list[AnyIndex]:
        """The current row if it is selected, else the first selected row."""
        current = self.view.currentIndex()
        selection = self.view.selectionModel()
        if current.isValid() and selection.isSelected(current):
            return [current]
        return list(selection.selectedRows()[:1])

    def _ids_in(self, ids: Iterable[str], states: frozenset[TransferState]) -> list[str]:
        return [i for i in ids if self.model.states(i) & states]

    # -- verbs ----------------------------------------------------------------
    def pause_selected(self) -> None:
        self._send(self._service.pause, self._ids_in(self.selected_ids(), PAUSABLE))

    def resume_selected(self) -> None:
        self._send(self._service.resume, self._ids_in(self.selected_ids(), RESUMABLE))

    def cancel_selected(self) -> None:
        self._send(self._service.cancel, self._ids_in(self.selected_ids(), CANCELLABLE))

    def retry_selected(self) -> None:
        self._send(self._service.retry, self._ids_in(self.selected_ids(), RETRYABLE))

    def clear_finished(self) -> None:
        """Tidy the list as Cyberduck's Clean Up does: failed transfers stay, since removing one
        throws away what Retry would go on from (its parts on the server, its .part file)."""
        ids = self.model.files_in(self.model.all_ids(), TIDY)
        if ids:
            self._service.remove_finished(ids)

    def pause_all(self) -> None:
        self._send(self._service.pause, self._ids_in(self.model.all_ids(), PAUSABLE))

    def resume_all(self) -> None:
        self._send(self._service.resume, self._ids_in(self.model.all_ids(), RESUMABLE))

    def retry_all(self) -> None:
        # File ids, not folder ids: a folder's deliberately cancelled files stay cancelled.
        self._send(self._service.retry, self.model.file_ids({State.FAILED}))

    def cancel_all(self) -> None:
        """Ask, then cancel every queued, running and paused file (failed ones keep their parts)."""
        unfinished = self.model.file_ids(UNFINISHED)
        if not unfinished:
            return
        box = self._question(
            "Cancel Transfers",
            f"Cancel {human_count(len(unfinished), 'transfer')} that {_has(len(unfinished))} not finished?",
            f"{THROWN_AWAY} Finished and failed transfers stay.", "Cancel Transfers",
        )  # fmt: skip
        # Only what is still unfinished once answered: some may finish while asking.
        self._on_yes(box, lambda: self._send(self._service.cancel, self.model.file_ids(UNFINISHED)))

    def remove_selected(self) -> None:
        """Delete: the selected done, skipped and cancelled rows leave the list at once. Failed
        ones (Retry would go on from their parts) and unfinished ones are asked about first:
        failed ones then leave with their parts, unfinished ones are cancelled and stay listed."""
        ids = self.selected_ids()
        self._send(self._service.remove_finished, self.model.files_in(ids, TIDY))
        failed, unfinished = self.model.files_in(ids, {State.FAILED}), self.model.files_in(ids, UNFINISHED)
        if not failed and not unfinished:
            return
        removing = f"remove {human_count(len(failed), 'failed transfer')}" if failed else ""
        if unfinished:
            cancelling = (
                f"cancel {human_count(len(unfinished), 'transfer')} that {_has(len(unfinished))} not finished"
            )
            question = " and ".join(filter(None, (cancelling, removing)))
            title, yes = "Cancel Transfers", ("Cancel and Remove" if failed else "Cancel Transfers")
            informative = f"{THROWN_AWAY} Cancelled ones stay in the list; Delete again removes them."
        else:
            question, title, yes = removing, "Remove Failed Transfers", "Remove"
            informative = (
                "Retry could go on from what they moved. Removed, a partly uploaded file leaves the "
                "Space and a partly downloaded one this computer."
            )
        box = self._question(title, f"{question[0].upper()}{question[1:]}?", informative, yes)

        def answered_yes() -> None:
            # Only the files still in the state they were asked about: some may end meanwhile.
            self._send(self._service.cancel, self.model.files_in(unfinished, UNFINISHED))
            self._send(self._service.remove_finished, self.model.files_in(failed, {State.FAILED}))

        self._on_yes(box, answered_yes)

    def _question(self, title: str, text: str, informative: str, yes: str) -> QMessageBox:
        """A question about throwing away what transfers moved; No (“Keep Them”) is the default."""
        box = QMessageBox(self._widget())
        box.setObjectName("cancelTransfersDialog")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        box.setInformativeText(informative)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(yes)
        box.button(QMessageBox.StandardButton.No).setText("Keep Them")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return box

    def _on_yes(self, box: QMessageBox, then: Callable[[], None]) -> None:
        """Open `box`; run `then` if it is answered Yes."""
        box.finished.connect(lambda result: then() if result == QMessageBox.StandardButton.Yes else None)
        self.last_dialog = box
        box.open()

    def _send(self, verb: Callable[[list[str]], None], ids: list[str]) -> None:
        if ids:
            verb(ids)

    def reveal_selected(self) -> None:
        """Open the local folder of the current (or first selected) row in the file manager."""
        ids = self.model.ids_for(self._current_rows())
        folder = existing_folder(self.model.local_folder(ids[0])) if ids else ""
        if folder:
            self._open_url(QUrl.fromLocalFile(folder))

    def show_details(self) -> None:
        """Show the whole error of the current (or first selected) row."""
        ids = self.model.ids_for(self._current_rows())
        problems = self.model.problems(ids[0]) if ids else []
        if not problems:
            return
        index = self.model.index_of(ids[0])
        is_group = bool(index.data(TransferRole.IS_GROUP))
        self.last_dialog = show_details(self._widget(), str(index.data()), problems, is_group)

    def update_actions(self) -> None:
        """Enable each action when the selection (or the queue, for the “All” ones) allows it."""
        ids = self.selected_ids()
        states: set[TransferState] = set()
        for row_id in ids:
            states |= self.model.states(row_id)
        self.pause_action.setEnabled(bool(states & PAUSABLE))
        self.resume_action.setEnabled(bool(states & RESUMABLE))
        self.cancel_action.setEnabled(bool(states & CANCELLABLE))
        self.remove_action.setEnabled(bool(states))
        self.retry_action.setEnabled(bool(states & RETRYABLE))
        self.reveal_action.setEnabled(any(self.model.local_folder(i) for i in ids[:1]))
        current = self.model.ids_for(self._current_rows())
        self.details_action.setEnabled(bool(current) and self.model.has_problem(current[0]))
        counts = self.model.counts()
        self.clear_action.setEnabled(any(counts[s] for s in FINISHED))
        self.pause_all_action.setEnabled(any(counts[s] for s in PAUSABLE))
        self.resume_all_action.setEnabled(any(counts[s] for s in RESUMABLE))
        self.cancel_all_action.setEnabled(any(counts[s] for s in UNFINISHED))
        self.retry_all_action.setEnabled(counts[State.FAILED] > 0)
