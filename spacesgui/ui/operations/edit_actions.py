"""Delete, Rename, Cut, Copy and Paste of objects, and moves by dragging rows onto a folder.

Questions (the delete confirmation, Merge or Replace, file conflicts) open with open() and
are awaited, never exec() inside a coroutine; the work itself is planned on a worker and
runs in the transfer engine, so the window stays responsive on folders of any size.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QWidget

from spacesgui.core.formatting import human_count, human_size, listed_names
from spacesgui.core.history import Place
from spacesgui.core.keys import basename, parent
from spacesgui.core.listing import ObjectRef
from spacesgui.core.object_names import rename_problem
from spacesgui.core.transfers import Direction, TransferState
from spacesgui.qtmodels.icons import icon
from spacesgui.services.operation_planner import OperationPlan
from spacesgui.services.operation_service import OperationService
from spacesgui.services.transfer_decisions import AskConflict
from spacesgui.ui.box_answer import clicked_button
from spacesgui.ui.browser.object_view import ObjectView
from spacesgui.ui.browser.select_when_listed import SelectWhenListed
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.live_count import LiveCount
from spacesgui.ui.operations.folder_choice_dialog import FolderAsker
from spacesgui.ui.operations.job_banner import JobBanner
from spacesgui.ui.operations.object_clipboard import ClippedObjects, clipped_objects, objects_mime

log = logging.getLogger(__name__)

# The panel opens for operations this big; a rename or a few deletes just happen.
SHOW_QUEUE_AT = 20
# A rename or move of this many objects asks first (see EditActions._confirm_big_move).
BIG_MOVE = 1000


def where_refs(bucket: str, refs: list[ObjectRef]) -> str:
    """The folder that holds every one of `refs`, as an s3:// address (search results may differ)."""
    common: list[str] | None = None
    for ref in refs:
        parts = parent(ref.key).split("/")[:-1]
        if common is None:
            common = parts
        same = 0
        while same < min(len(common), len(parts)) and common[same] == parts[same]:
            same += 1
        common = common[:same]
    return f"s3://{bucket}/" + "".join(p + "/" for p in common or [])


class NameEditingView(Protocol):
    """A view of the object rows that can edit a name in place (the list, the icon grid)."""

    def addActions(self, actions: Sequence[QAction]) -> None: ...

    def isVisible(self) -> bool: ...

    def edit_name(self, key: str) -> bool: ...


class EditActions(QObject):
    """The Edit menu's object verbs; see the module docstring. GUI thread only."""

    def __init__(
        self, context: BrowserContext, view: ObjectView, operations: OperationService, ask_conflict: AskConflict,
        paste_files: Callable[[str], None], show_queue: Callable[[], None], parent: QWidget,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self._context = context
        self._view = view
        self._pasting = False  # a paste of objects is being planned or asked about
        self._operations = operations
        self._ask_conflict = ask_conflict
        self._paste_files = paste_files
        self._show_queue = show_queue
        self.ask_folder = FolderAsker(parent)
        self.renamed = SelectWhenListed(view)
        self._other_views: list[NameEditingView] = []  # the icon grid: same rows, same keys
        self.last_box: QMessageBox | None = None  # for tests
        self._preparing_delete = False  # counting, or asking: a second Delete waits for that one
        self.job_banner: JobBanner | None = None  # set by the window: banners that end with the job
        # Set by the window: whether a Space keeps every version (Delete's question then says
        # a deleted file can be restored, rather than that it cannot be undone).
        self.keeps_versions: Callable[[str, str], bool] = lambda _account_id, _bucket: False
        self.cut_action = self._action("Cut", "cutAction", "cut", QKeySequence.StandardKey.Cut, self.cut)
        self.copy_action = self._action(
            "Copy", "copyAction", "copy", QKeySequence.StandardKey.Copy, self.copy
        )
        self.paste_action = self._action(
            "Paste", "pasteAction", "paste", QKeySequence.StandardKey.Paste, self.paste
        )
        self.delete_action = self._action(
            "Delete…", "deleteAction", "delete", QKeySequence.StandardKey.Delete, self.delete_selected
        )
        self.rename_action = self._action("Rename", "renameAction", "rename", "F2", self.start_rename)
        self.select_all_action = self._action(
            "Select All", "selectAllAction", None, QKeySequence.StandardKey.SelectAll, self.select_all
        )  # no icon, as in file managers
        self.copy_action.setToolTip("Copy the selected objects (and their paths, as text)")
        self.delete_action.setToolTip("Delete the selected files and folders (asks first)")
        view.rename_requested.connect(self.rename)
        view.objects_dropped.connect(self._on_view_objects_dropped)
        view.selectionModel().selectionChanged.connect(self.update_enabled)
        QGuiApplication.clipboard().dataChanged.connect(self._mark_cut)

    def _action(
        self, text: str, name: str, icon_name: str | None, shortcut: object, slot: Callable[[], None]
    ) -> QAction:
        action = QAction(text, self._view)
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
        # The object view's keys: the Transfers panel and the path bar keep their own.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self._view.addAction(action)
        return action

    @property
    def actions(self) -> list[QAction]:
        return [
            self.cut_action, self.copy_action, self.paste_action, self.rename_action, self.delete_action,
            self.select_all_action,
        ]  # fmt: skip

    def select_all(self) -> None:
        """Edit → Select All: every row the list (or the grid, the same rows) shows."""
        self._view.selectAll()

    def also_in(self, view: NameEditingView) -> None:
        """Give `view` (the icon grid, over the list's rows and selection) the same keys, and
        rename in place there while it is the one shown."""
        view.addActions(self.actions)
        self._other_views.append(view)
        if isinstance(view, QAbstractItemView):  # a renamed row is scrolled to there too
            self.renamed.also_scroll(view)

    def update_enabled(self) -> None:
        place = self._context.place
        open_space = bool(place and place.bucket)
        refs = self._context.selected_refs() if open_space else []
        for action in (self.cut_action, self.copy_action, self.delete_action):
            action.setEnabled(bool(refs))
        self.rename_action.setEnabled(bool(refs))  # several: F2 says to select one
        self.paste_action.setEnabled(open_space)
        self.select_all_action.setEnabled(open_space)

    # -- delete -----------------------------------------------------------------------------

    def delete_selected(self) -> None:
        place, refs = self._context.place, self._context.selected_refs()
        if place is None or not place.bucket or not refs:
            self._context.show_message("Select the files and folders to delete first.", level="info")
            return
        self.delete_refs(place, refs)

    def delete_refs(self, place: Place, refs: list[ObjectRef]) -> None:
        """Delete `refs` of `place`'s Space after the same confirmation (search results use it).

        While a delete is being counted or asked about, another Delete is not started: a
        second click meant as "did it hear me?" must not bring a second question to confirm.
        """
        if not place.bucket or not refs:
            return
        if self._preparing_delete:  # its count, with Stop, or its question is on screen
            log.info("Delete ignored: the delete before it is still being counted or asked about")
            return
        self._preparing_delete = True
        self._context.spawn(self._delete_once(place, refs))

    async def _delete_once(self, place: Place, refs: list[ObjectRef]) -> None:
        try:
            await self._delete(place, refs)
        finally:
            self._preparing_delete = False

    async def _delete(self, place: Place, refs: list[ObjectRef]) -> None:
        counts = any(r.is_folder for r in refs)
        if counts:  # folders are listed to their last key: the count shows as it grows
            count = LiveCount(self._context.show_message, "Counting what the selected folders hold", self)
            plan = await count.run(
                self._operations.plan_delete(
                    place.account_id, place.bucket, refs, count.counted, count.cancel
                )
            )
        else:
            plan = await self._operations.plan_delete(place.account_id, place.bucket, refs)
        if plan is None:
            self._context.show_message("Counting stopped: nothing was deleted.", level="info")
            return
        if not plan.objects:
            self._context.show_message(
                "The selected folders are empty already: nothing to delete.", level="info"
            )
            return
        if counts:  # counted: the banner no longer says "so far" behind the question
            self._context.show_message(f"The selection holds {_what(plan)}.", level="info")
        if not await self._confirm_delete(place, refs, plan):
            self._context.show_message("Nothing was deleted.", level="info")
            return
        self._context.expect_gone([r.key for r in refs])
        queued = await self._operations.queue(place.account_id, plan, self._ask_conflict)
        where = where_refs(place.bucket, refs)
        ids = [t.id for t in plan.transfers if t.state == TransferState.QUEUED]
        self._say_job(
            ids, f"Deleting {human_count(queued, 'object')} from {where}…",
            f"Deleted {human_count(queued, 'object')} from {where}.", "Not deleted.",
        )  # fmt: skip
        if queued >= SHOW_QUEUE_AT:
            self._show_queue()

    def _say_job(self, ids: list[str], running: str, done: str, failed_title: str) -> None:
        if self.job_banner is not None:
            self.job_banner.follow(ids, running, done, failed_title)
        else:
            self._context.show_message(running, level="info")

    async def _confirm_delete(self, place: Place, refs: list[ObjectRef], plan: OperationPlan) -> bool:
        what = _what(plan)
        items = [basename(t.key) for t in plan.transfers if not t.group_id]
        items += [g.name + "/" for g in plan.groups]
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Delete", f"Delete {what}?", QMessageBox.StandardButton.Cancel,
            self._context.dialog_parent(),
        )  # fmt: skip
        box.setObjectName("confirmDeleteBox")
        after = (
            "This Space keeps versions: deleted files can be restored from View → Show Deleted Files."
            if self.keeps_versions(place.account_id, place.bucket)
            else "This cannot be undone."
        )
        box.setInformativeText(f"From {where_refs(place.bucket, refs)}:\n{listed_names(items)}\n\n{after}")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter never deletes
        return await self._ask(box) is delete

    async def _confirm_big_move(
        self, place: Place, plan: OperationPlan, prefix: str, names: dict[str, str] | None
    ) -> bool:
        """Ask before a rename or move of BIG_MOVE objects or more: S3 has no rename, so each
        object is copied and then deleted, which may run for long (a file manager's user
        expects a rename to be instant)."""
        if plan.objects < BIG_MOVE:
            return True
        if names:
            old_key, new_name = next(iter(names.items()))
            verb, question = "Rename", f"Rename “{basename(old_key)}” to “{new_name.rstrip('/')}”?"
        else:
            verb, question = (
                "Move",
                f"Move {human_count(plan.objects, 'object')} to s3://{place.bucket}/{prefix}?",
            )
        box = QMessageBox(
            QMessageBox.Icon.Question, verb, question, QMessageBox.StandardButton.Cancel,
            self._context.dialog_parent(),
        )  # fmt: skip
        box.setObjectName("confirmBigMoveBox")
        box.setInformativeText(
            f"Spaces and S3 have no rename: each of the {human_count(plan.objects, 'object')}, "
            f"{human_size(plan.bytes)}, is copied to its new name on the "
            "server, then deleted from the old one. That may take a while; the Transfers panel shows "
            "how far it got, and it can be paused."
        )
        go = box.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(go)  # asked after a deliberate rename or drop: Enter goes on
        if await self._ask(box) is go:
            return True
        self._context.show_message(f"Nothing was {'renamed' if names else 'moved'}.", level="info")
        return False

    async def _ask(self, box: QMessageBox) -> object:
        """Open `box` and wait for the button clicked (None when closed)."""
        self.last_box = box
        return await clicked_button(box)

    # -- rename -----------------------------------------------------------------------------

    def start_rename(self) -> None:
        """Edit the current row's name in place (F2); Enter renames, Esc leaves it."""
        refs = self._context.selected_refs()
        if len(refs) > 1:  # Finder and Explorer rename one at a time too; say so rather than nothing
            self._context.show_message(
                f"Select one file or folder to rename ({len(refs):,} are selected).", level="info"
            )
            return
        if refs:
            shown = next((v for v in self._other_views if v.isVisible()), self._view)
            shown.edit_name(refs[0].key)

    def rename(self, key: str, new_name: str) -> None:
        """Rename the object or folder `key` to `new_name` in its folder (a move on the server)."""
        place = self._context.place
        if place is None or not place.bucket:
            return
        is_folder = key.endswith("/")
        if new_name == basename(key):
            return
        problem = rename_problem(new_name, key, self._view.listed_entries(parent(key)))
        if problem:
            self._context.show_message(f"<b>Not renamed.</b> {problem}", level="error")
            return
        ref = next((r for r in self._context.selected_refs() if r.key == key), ObjectRef(key, is_folder))
        self._context.spawn(self._rename(place, ref, new_name))

    async def _rename(self, place: Place, ref: ObjectRef, new_name: str) -> None:
        folder = parent(ref.key)
        names = {ref.key: new_name}
        node = self._view.node_at(ref.key) if ref.is_folder else None
        was_open = node is not None and self._view.is_expanded(node)
        targets: dict[str, str] = {}
        if await self._copy(
            place, Direction.MOVE, place.bucket, [ref], folder, names, "Rename", targets=targets
        ):
            # The new name is listed once the move is done: select it then, as file managers
            # do, and open it again if it was open. Keep Both gave a file another name.
            new_key = folder + new_name.rstrip("/") + ("/" if ref.is_folder else "")
            self.renamed.follow(targets.get(ref.key, new_key), ref.key, expand=was_open)

    # -- copy, cut, paste, drop ------------------------------------------------------------

    def copy(self) -> None:
        self._clip(cut=False)

    def cut(self) -> None:
        self._clip(cut=True)

    def _clip(self, *, cut: bool) -> None:
        place, refs = self._context.place, self._context.selected_refs()
        if place is None or not place.bucket or not refs:
            return
        QGuiApplication.clipboard().setMimeData(
            objects_mime(ClippedObjects(place.account_id, place.bucket, tuple(refs), cut))
        )

    def _mark_cut(self) -> None:
        """Grey what is cut now (or nothing): after a Cut, a Copy, a paste that used the cut, or
        another application's copy."""
        clipped = clipped_objects(QGuiApplication.clipboard().mimeData())
        if clipped is not None and clipped.cut:
            keys = [ref.key for ref in clipped.refs]
            self._view.flat.tree.set_cut(clipped.account_id, clipped.bucket, keys)
        else:
            self._view.flat.tree.set_cut("", "", ())
        self._view.viewport().update()

    def paste(self) -> None:
        """Paste objects copied or cut here, or files copied in a file manager (an upload)."""
        self.paste_into("")

    def paste_into(self, folder_key: str) -> None:
        """Paste into the folder `folder_key` ("" = the open folder): a folder row's menu."""
        clipped = clipped_objects(QGuiApplication.clipboard().mimeData())
        if clipped is None:
            self._paste_files(folder_key)
            return
        place = self._context.place
        if place is None or not place.bucket:
            return
        if self._pasting:  # the cut stays on the clipboard until queued: once, not twice
            self._context.show_message("A paste is still being prepared; wait for it.", level="info")
            return
        self._pasting = True
        self._context.spawn(self._paste_objects(place, clipped, folder_key or place.prefix))

    async def _paste_objects(self, place: Place, clipped: ClippedObjects, prefix: str) -> None:
        direction = Direction.MOVE if clipped.cut else Direction.COPY
        refs = list(clipped.refs)
        try:
            queued = await self._copy(
                place, direction, clipped.bucket, refs, prefix, None, "Paste", clipped.account_id
            )
        finally:
            self._pasting = False
        # A cut is pasted once: once it is queued. A paste refused (into itself) or cancelled
        # leaves it to paste elsewhere, unless something else was copied meanwhile.
        clipboard = QGuiApplication.clipboard()
        if clipped.cut and queued and clipped_objects(clipboard.mimeData()) == clipped:
            clipboard.clear()

    def _on_view_objects_dropped(self, folder_key: str, copy: bool) -> None:
        place, refs = self._context.place, self._context.selected_refs()
        if place is None or not place.bucket or not refs:
            return
        refs = [r for r in refs if r.key != folder_key]
        if refs:
            direction = Direction.COPY if copy else Direction.MOVE
            self._context.spawn(self._copy(place, direction, place.bucket, refs, folder_key, None, "Drop"))

    async def _copy(
        self, place: Place, direction: Direction, source_bucket: str, refs: list[ObjectRef], prefix: str,
        names: dict[str, str] | None, what: str, source_account_id: str = "",
        targets: dict[str, str] | None = None,
    ) -> int:  # fmt: skip
        """Queue the copy or move; return how many objects were queued (`targets`: see
        OperationService.copy)."""
        targets = {} if targets is None else targets
        self.ask_folder.verb = "Move" if direction == Direction.MOVE else "Copy"
        ids: list[str] = []
        skipped: list[str] = []
        moving = direction == Direction.MOVE

        async def confirm(plan: OperationPlan) -> bool:
            return await self._confirm_big_move(place, plan, prefix, names)

        queued = await self._operations.copy(
            place.account_id, direction, source_bucket, refs, place.bucket, prefix, self._ask_conflict,
            self.ask_folder, names, source_account_id, queued_ids=ids, skipped=skipped,
            confirm=confirm if moving else None, targets=targets,
        )  # fmt: skip
        log.info("%s: %d queued", what, queued)
        if queued and what == "Paste":
            self._context.expect_new(_arrivals(refs, prefix, targets))
        if queued >= SHOW_QUEUE_AT:
            self._show_queue()
        if queued and what != "Rename":
            verb, past = ("Moving", "Moved") if direction == Direction.MOVE else ("Copying", "Copied")
            where, count = f"s3://{place.bucket}/{prefix}", human_count(queued, "object")
            done = f"{past} {count} to {where}."
            if skipped and direction == Direction.MOVE:  # a skipped move's file stays where it was
                done += (
                    f" “{basename(skipped[0])}” was skipped and stays in s3://{source_bucket}/{parent(skipped[0])}."
                    if len(skipped) == 1
                    else f" {human_count(len(skipped), 'skipped file')} stay where they were."
                )
            self._say_job(ids, f"{verb} {count} to {where}…", done, f"Not {past.lower()}.")
        elif queued and names:  # a rename says so too: an older banner must not stay on show
            old_key, new_name = next(iter(names.items()))
            new_key = targets.get(old_key, "")  # a file's; Keep Both may have named it otherwise
            old, new = basename(old_key), basename(new_key) if new_key else new_name.rstrip("/")
            count = f" ({human_count(queued, 'object')})" if queued > 1 else ""
            self._say_job(
                ids, f"Renaming “{old}” to “{new}”{count}…", f"Renamed “{old}” to “{new}”.", "Not renamed."
            )
        return queued


def _arrivals(refs: list[ObjectRef], prefix: str, targets: dict[str, str]) -> list[str]:
    """The rows a paste makes in the destination: each file under the key it is copied to
    (Keep Both may have renamed it), each folder as the folder it lands as."""
    return [
        prefix + basename(ref.key) + "/"
        if ref.is_folder
        else targets.get(ref.key, prefix + basename(ref.key))
        for ref in refs
    ]


def _what(plan: OperationPlan) -> str:
    """What a delete takes, as its question says it: "12,408 objects, 3.1 GB, in 2 folders"."""
    what = f"{human_count(plan.objects, 'object')}, {human_size(plan.bytes)}"
    if plan.folders:
        what += f", in {human_count(plan.folders, 'folder')}"
    return what


__all__ = ["EditActions"]
