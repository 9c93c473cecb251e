"""Guards against a PySide6 regression that silently corrupts the interpreter."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Signal

CALLS = 20_000


class _Model(QAbstractTableModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        return True if role == 1000 else None


def test_reading_model_data_from_python_keeps_references_to_none_and_true(qapp: object) -> None:
    """PySide6 6.12.0 lost a reference per call here, and the process aborted later."""
    model = _Model()
    index = model.index(0, 0)
    for value, role in ((None, 5), (True, 1000)):
        before = sys.getrefcount(value)
        for _ in range(CALLS):
            index.data(role)
        assert sys.getrefcount(value) >= before - 10, f"{value!r} lost references"


class _Emitter(QObject):
    fired = Signal(int)


def test_emitting_a_signal_from_python_keeps_references_to_true(qapp: object) -> None:
    """PySide6 6.12.0 also lost a reference to True on every Signal.emit()."""
    emitter = _Emitter()
    received: list[int] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for number in range(CALLS):
        emitter.fired.emit(number)
    assert len(received) == CALLS
    assert sys.getrefcount(True) >= before - 10, "True lost references"
