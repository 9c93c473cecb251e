"""The whole story of a failed transfer, when the Status column had to cut it short."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from spacesgui.core.formatting import human_count
from spacesgui.core.transfer_text import failure_details, file_status
from spacesgui.core.transfers import Transfer
from spacesgui.ui.naming import named

MAX_LISTED = 50  # a folder's failures listed one by one; the rest are counted


def details_text(title: str, problems: list[tuple[str, Transfer]], is_group: bool) -> tuple[str, str]:
    """(headline, body): one file's full error, or a folder's failed files one a line."""
    if not is_group and problems:
        name, t = problems[0]
        return failure_details(name, t)
    lines = [f"• {name} — {file_status(t)}" for name, t in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"…and {human_count(len(problems) - MAX_LISTED, 'more')}.")
    return f"In “{title}”, {human_count(len(problems), 'file')} failed", "\n".join(lines)


def show_details(
    parent: QWidget, title: str, problems: list[tuple[str, Transfer]], is_group: bool
) -> QMessageBox:
    """Open (not exec) a box with the whole text, selectable so it can be copied into a report."""
    headline, body = details_text(title, problems, is_group)
    box = named(QMessageBox(parent), "transferDetailsDialog", "Transfer details")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Transfer Details")
    box.setText(headline)
    box.setInformativeText(body)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
