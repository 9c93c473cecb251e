"""Make Public and Make Private for files, a selection, or whole folders (through the transfer queue)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from spacesgui.core.access import AccessState
from spacesgui.core.formatting import human_count
from spacesgui.core.history import Place
from spacesgui.core.keys import basename
from spacesgui.core.listing import ObjectRef
from spacesgui.core.transfers import PUBLIC_READ, TransferState
from spacesgui.qtmodels.icons import icon
from spacesgui.services.access_service import AccessService
from spacesgui.services.operation_service import OperationService
from spacesgui.ui.box_answer import clicked_button
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.operations.job_banner import JobBanner

SHOW_QUEUE_AT = 20
# Make Private looks up at most this many selected files' known access before asking.
CUSTOM_CHECK_LIMIT = 10_000
UNKNOWN_READ_LIMIT = 20  # and reads the access of at most this many it has not seen


class AccessActions(QObject):
    """Two actions on the selection; making files public asks first. GUI thread only."""

    def __init__(
        self, context: BrowserContext, operations: OperationService, show_queue: Callable[[], None],
        parent: QWidget,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self._context = context
        self._operations = operations
        self._show_queue = show_queue
        self.last_box: QMessageBox | None = None  # for tests
        self.job_banner: JobBanner | None = None  # set by the window: the banner ends with the job
        self.access: AccessService | None = None  # set by the window: reads a file's access
        self.make_public_action = QAction(icon("access"), "Make Public…", parent)
        self.make_public_action.setObjectName("makePublicAction")
        self.make_public_action.setToolTip("Let anyone with the address read the selected files (asks first)")
        self.make_public_action.triggered.connect(lambda: self.change(public=True))
        self.make_private_action = QAction("Make Private", parent)
        self.make_private_action.setObjectName("makePrivateAction")
        self.make_private_action.setToolTip("Only this account's keys may read the selected files")
        self.make_private_action.triggered.connect(lambda: self.change(public=False))

    @property
    def actions(self) -> list[QAction]:
        return [self.make_public_action, self.make_private_action]

    def update_enabled(self) -> None:
        place = self._context.place
        chosen = bool(place and place.bucket and self._context.selected_refs())
        for action in self.actions:
            action.setEnabled(chosen)

    def change(self, *, public: bool) -> None:
        place, refs = self._context.place, self._context.selected_refs()
        if place is None or not place.bucket or not refs:
            self._context.show_message("Select the files or folders first.", level="info")
            return
        self._context.spawn(self._change(place, refs, public))

    def change_refs(self, place: Place, refs: list[ObjectRef], *, public: bool) -> None:
        """Make `refs` of `place`'s Space public or private (Find in Space's results)."""
        if place.bucket and refs:
            self._context.spawn(self._change(place, refs, public))

    async def _change(self, place: Place, refs: list[ObjectRef], public: bool) -> None:
        folders = any(r.is_folder for r in refs)
        if folders:
            self._context.show_message("Counting what the selected folders hold…", level="info")
        plan = await self._operations.plan_access(place.account_id, place.bucket, refs, public)
        # A folder's marker ("photos/", what New Folder makes) is changed too, but is no file.
        markers = sum(1 for t in plan.transfers if t.key.endswith("/"))
        if plan.objects == markers:
            self._context.show_message("The selected folders hold no files: nothing to change.", level="info")
            return
        if not public and not await self._confirm_private(place, refs):
            self._context.show_message("Nothing was made private.", level="info")
            return
        if public and not await self._confirm_public(place, refs, plan.objects - markers):
            if folders:
                self._context.show_message("Nothing was made public.", level="info")
            return
        queued = await self._operations.queue_access(place.account_id, plan)
        what = "public" if public else "private"
        ids = [t.id for t in plan.transfers if t.state == TransferState.QUEUED]
        files = sum(1 for t in plan.transfers if t.state == TransferState.QUEUED and not t.key.endswith("/"))
        running = f"Making {human_count(files, 'file')} {what}…"
        done = f"Made {human_count(files, 'file')} {what}."
        if self.job_banner is not None:
            self.job_banner.follow(ids, running, done, f"Not made {what}.")
        else:
            self._context.show_message(running, level="info")
        if queued >= SHOW_QUEUE_AT:
            self._show_queue()

    async def _confirm_private(self, place: Place, refs: list[ObjectRef]) -> bool:
        """Ask only when selected files are Custom: Make Private also takes away what they
        give other accounts or groups, which nothing else says. What the Access column has
        not read yet (a narrow window hides it) is read here, for the first few files."""
        files = [r.key for r in refs if not r.is_folder][:CUSTOM_CHECK_LIMIT]
        # The Access column knows the keys of the place shown; Find in Space's results may be
        # of another Space, whose same-named files it must not answer for.
        shown = self._context.place
        here = shown is not None and (shown.account_id, shown.bucket) == (place.account_id, place.bucket)
        known = {key: self._context.known_access(key) if here else AccessState.UNKNOWN for key in files}
        unknown = [key for key, state in known.items() if state == AccessState.UNKNOWN][:UNKNOWN_READ_LIMIT]
        if unknown and self.access is not None:
            access = self.access
            read = await asyncio.gather(
                *(access.object_state(place.account_id, place.bucket, key) for key in unknown),
                return_exceptions=True,
            )  # a read that fails asks nothing more of the user: the change itself says what fails
            known.update({k: s for k, s in zip(unknown, read, strict=True) if isinstance(s, AccessState)})
        custom = [key for key in files if known[key] == AccessState.CUSTOM]
        if not custom:
            return True
        named = f"“{basename(custom[0])}”" if len(custom) == 1 else human_count(len(custom), "selected file")
        return await self._ask(
            "Make Private",
            f"{named[0].upper()}{named[1:]} also {'gives' if len(custom) == 1 else 'give'} access to other "
            "accounts or groups (Custom).",
            "Make Private takes those permissions away too: only this account's keys can read "
            "afterwards. Permissions… shows who has access now.",
            "Make Private", "confirmPrivateBox",
        )  # fmt: skip

    async def _confirm_public(self, place: Place, refs: list[ObjectRef], objects: int) -> bool:
        folders = sum(1 for r in refs if r.is_folder)
        files = len(refs) - folders
        parts = [human_count(n, word) for n, word in ((files, "file"), (folders, "folder")) if n]
        what = " and ".join(parts)
        if folders:  # as Delete does: say how many files that is in all
            what += f" ({human_count(objects, 'file')})"
        return await self._ask(
            "Make Public", f"Make {what} public?",
            "Anyone who has the address of a file can then read it, without keys. "
            + (f"Every file now inside the folders is changed; {self._later(place)} " if folders else "")
            + "Make Private undoes it.",
            "Make Public", "confirmPublicBox",
        )  # fmt: skip

    def _later(self, place: Place) -> str:
        """What files put in `place`'s folders later get: S3 keeps access per file, not per
        folder (a new-user pass making assets/ public expected the next deploy's to be public)."""
        later = "private"
        with contextlib.suppress(KeyError):  # an account removed meanwhile: say private
            account = self._context.account_of(place.account_id)
            later = "public" if account.upload_acl == PUBLIC_READ else later
        return f"files put there later are {later}, as this account uploads them."

    async def _ask(self, title: str, text: str, informative: str, verb: str, name: str) -> bool:
        """A warning with `verb` and Cancel (the default); True when `verb` was clicked."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel,
            self._context.dialog_parent(),
        )  # fmt: skip
        box.setObjectName(name)
        box.setInformativeText(informative)
        chosen = box.addButton(verb, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.last_box = box
        return await clicked_button(box) is chosen
