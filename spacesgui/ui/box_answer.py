"""Wait, in a coroutine, for the button a message box is closed with (no modal exec())."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QMessageBox


async def clicked_button(box: QMessageBox) -> object:
    """Open `box` and wait for the button clicked (None when it was closed another way).

    The box is deleted once answered. GUI thread only, on the window's event loop.
    """
    answer: asyncio.Future[object] = asyncio.get_running_loop().create_future()

    def on_finished(_result: int) -> None:
        if not answer.done():
            answer.set_result(box.clickedButton())
        box.deleteLater()

    box.finished.connect(on_finished)
    box.open()
    return await answer
