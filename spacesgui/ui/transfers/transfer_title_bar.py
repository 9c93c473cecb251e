"""The Transfers panel's header: a button that folds the panel to this one line, float and close.

A custom title bar (QDockWidget.setTitleBarWidget) so the header can fold the panel;
mouse presses it does not take fall through to the dock, which still drags, docks and
floats the panel as a native title bar would. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.transfers.glyph_icons import Glyph, glyph_icon


class TransferTitleBar(QWidget):
    """“▾ Transfers  ·  summary ……  ⧉ ✕” over the panel (objectName "transferTitleBar")."""

    fold_requested = Signal(bool)  # True: fold to the header; False: unfold

    def __init__(self, dock: QDockWidget) -> None:
        super().__init__(dock)
        named(self, "transferTitleBar", "Transfers panel header")
        self._dock = dock
        self._folded = False
        self.fold_button = named(QToolButton(self), "transferFoldButton", "Fold the Transfers panel")
        self.fold_button.setText(dock.windowTitle())
        self.fold_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.fold_button.setAutoRaise(True)
        self.fold_button.clicked.connect(self._on_fold_button_clicked)
        self.summary = named(MutedLabel("", self), "transferHeaderSummary", "Transfers summary")
        # Ignored: a long summary is cut by the header's width instead of widening the window.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.float_button = self._button("transferFloatButton", "Float or dock the Transfers panel")
        self.float_button.clicked.connect(self._on_float_button_clicked)
        self.close_button = self._button(
            "transferCloseButton", "Hide the Transfers panel (View › Transfers Panel shows it)"
        )
        self.close_button.clicked.connect(dock.close)
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 1, 2, 1)
        row.setSpacing(6)
        row.addWidget(self.fold_button)
        row.addWidget(self.summary, 1)
        row.addWidget(self.float_button)
        row.addWidget(self.close_button)
        self._paint_icons()
        self.set_folded(False)

    def _button(self, name: str, tip: str) -> QToolButton:
        button = named(QToolButton(self), name, tip)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setIconSize(QSize(14, 14))
        return button

    def _paint_icons(self) -> None:
        palette = self.palette()
        self.float_button.setIcon(glyph_icon(Glyph.FLOAT, palette))
        self.close_button.setIcon(glyph_icon(Glyph.CLOSE, palette))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._paint_icons()

    @property
    def folded(self) -> bool:
        return self._folded

    def set_folded(self, folded: bool) -> None:
        """Show the arrow and words for the folded (▸) or open (▾) state; the dock does the folding."""
        self._folded = folded
        self.fold_button.setArrowType(Qt.ArrowType.RightArrow if folded else Qt.ArrowType.DownArrow)
        tip = "Show the Transfers panel" if folded else "Fold the Transfers panel to this line"
        self.fold_button.setToolTip(tip)
        self.fold_button.setAccessibleName(tip)

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setToolTip(text)

    def _on_fold_button_clicked(self) -> None:
        self.fold_requested.emit(not self._folded)

    def _on_float_button_clicked(self) -> None:
        self._dock.setFloating(not self._dock.isFloating())
