"""The Overview page: every setting of the Space in one plain sentence, each linking to its page."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from spacesgui.core.errors import NotSupported, SpacesError
from spacesgui.core.space_overview import (
    access_sentence,
    cors_sentence,
    lifecycle_sentence,
    logging_sentence,
    policy_sentence,
    versioning_sentence,
)
from spacesgui.ui.naming import named
from spacesgui.ui.settings.settings_section import SectionPage, SpaceContext

Lines = dict[str, str]  # section name -> the sentence shown for it

# (section, what the server lacks when it cannot say: "This server does not support …")
LINES = (
    ("Permissions", "access lists (ACLs)"),
    ("CORS", "CORS"),
    ("Versioning", "versioning"),
    ("Lifecycle", "lifecycle rules"),
    ("Policy", "bucket policies"),
    ("Logging", "access logging"),
)


class OverviewSection(SectionPage[Lines]):
    """What the Space's settings mean, read-only. GUI thread only.

    `section_requested` asks the window to show another page (a line's link was followed).
    """

    section_requested = Signal(str)  # section name
    title = "Overview"
    what = "Space settings"
    intro = "Who can do what with this Space, in plain words. Follow a link to change it."
    editable = False

    def __init__(self, context: SpaceContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.sentences: dict[str, QLabel] = {}
        form = QFormLayout(self.body)
        form.setContentsMargins(0, 8, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setVerticalSpacing(10)
        for name, _lacking in LINES:
            link = named(
                QLabel(f'<a href="{name}">{name}</a>', self.body), f"overviewLink{name}", f"Open {name}"
            )
            link.setTextInteractionFlags(
                Qt.TextInteractionFlag.LinksAccessibleByMouse
                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            )
            link.linkActivated.connect(self.section_requested.emit)
            sentence = named(QLabel("…", self.body), f"overview{name}", name)
            sentence.setTextFormat(Qt.TextFormat.PlainText)  # Space names and server words, as they are
            sentence.setWordWrap(True)
            sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.sentences[name] = sentence
            form.addRow(link, sentence)

    async def _read(self) -> Lines:
        service, account_id, bucket = self.context.service, self.context.account_id, self.context.bucket
        reads: list[tuple[Awaitable[Any], Callable[[Any], str]]] = [
            (service.acl(account_id, bucket), access_sentence),
            (service.cors_origins(account_id, bucket), cors_sentence),
            (service.versioning(account_id, bucket), versioning_sentence),
            (service.lifecycle(account_id, bucket), lifecycle_sentence),
            (service.policy(account_id, bucket), policy_sentence),
            (service.logging(account_id, bucket), logging_sentence),
        ]
        answers = await asyncio.gather(*(read for read, _say in reads), return_exceptions=True)
        lines: Lines = {}
        for (name, lacking), (_read, say), answer in zip(LINES, reads, answers, strict=True):
            if isinstance(answer, NotSupported):
                lines[name] = f"This server does not support {lacking}."
            elif isinstance(answer, SpacesError):
                lines[name] = f"Could not be read: {answer.message}"
            elif isinstance(answer, BaseException):
                raise answer
            else:
                lines[name] = say(answer)
        return lines

    def _show(self, value: Lines) -> None:
        for name, sentence in value.items():
            self.sentences[name].setText(sentence)

    def _current(self) -> Lines:
        return self._loaded or {}
