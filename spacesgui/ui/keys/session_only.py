"""When the keyring cannot keep a secret: say why, and offer to keep it for this session only.

`SessionOnlyAsker` is the `SessionOnlyPrompt` the account service awaits; the box opens
with `open()`, never `exec()` inside a coroutine.
"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QMessageBox, QWidget

from spacesgui.core.accounts import Account

SESSION_ONLY_TEXT = "Use for This Session Only"


class SessionOnlyAsker:
    """Ask “keep this secret in memory until you quit?”; `last_box` is for tests."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self.last_box: QMessageBox | None = None

    async def __call__(self, account: Account, problem: str) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "No System Keyring",
            f"The secret key of “{account.name}” cannot be remembered.\n\n{problem}",
            QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        box.setObjectName("noKeyringBox")
        keep = box.addButton(SESSION_ONLY_TEXT, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(keep)
        self.last_box = box

        def on_finished(_result: int) -> None:
            if not future.done():
                future.set_result(box.clickedButton() is keep)
            box.deleteLater()

        box.finished.connect(on_finished)
        box.open()
        return await future
