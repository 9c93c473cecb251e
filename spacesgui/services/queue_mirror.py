"""What the GUI knows of the transfer queue without asking the engine: each folder's files,
and the transfers that had not ended at the engine's last report.

The engine runs in the transfer process: asking it is a round trip the GUI thread would
wait for. TransferService notes here what it hands the engine and what the engine
reports, and answers questions about the queue (conflicts with queued targets, which
transfers a folder row stands for) from here. GUI thread only; no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacesgui.core.transfers import Transfer, target_of


class QueueMirror:
    """See the module docstring. `latest`: the unfinished transfers by id, as last shown."""

    def __init__(self) -> None:
        self._children: dict[str, list[str]] = {}  # group id → transfer ids
        # Unfinished transfers as the engine last reported them: id → (target_of, size). Planning
        # checks queue conflicts against it rather than asking the engine process and waiting.
        self._unfinished: dict[str, tuple[tuple[str, ...], int]] = {}
        self.latest: dict[str, Transfer] = {}  # the same unfinished transfers, as last shown

    def remember(self, transfers: Sequence[Transfer]) -> None:
        """Note transfers new to the queue, each under its group."""
        for t in transfers:
            if t.group_id:
                self._children.setdefault(t.group_id, []).append(t.id)
        self.note(transfers)

    def note(self, transfers: Iterable[Transfer]) -> None:
        """Note what the engine reported (or is about to be given) of these transfers."""
        for t in transfers:
            if t.state.finished:
                self._unfinished.pop(t.id, None)
                self.latest.pop(t.id, None)
            else:
                self._unfinished[t.id] = (target_of(t), t.size)
                self.latest[t.id] = t

    def forget(self, ids: Iterable[str]) -> None:
        """The engine no longer has these transfers (or never got them)."""
        for i in ids:
            self._unfinished.pop(i, None)
            self.latest.pop(i, None)

    def forget_groups(self, group_ids: Iterable[str]) -> None:
        """Forget which files these groups have (the engine never got them)."""
        for group_id in group_ids:
            self._children.pop(group_id, None)

    def clear_groups(self) -> None:
        """Forget every group's files (a new transfer process reports them again)."""
        self._children.clear()

    def removed(self, gone: set[str]) -> None:
        """Cleared from the queue: forget the transfers, and groups left with none."""
        self.forget(gone)
        for group_id in list(self._children):
            self._children[group_id] = [i for i in self._children[group_id] if i not in gone]
            if not self._children[group_id]:
                del self._children[group_id]

    def unfinished(self, ids: Iterable[str]) -> set[str]:
        """Which of `ids` had not ended at the engine's last report."""
        return {i for i in ids if i in self._unfinished}

    def targets(self) -> dict[tuple[str, ...], Transfer]:
        """What unfinished transfers will write (see target_of), with each transfer as last shown."""
        return {target: self.latest[i] for i, (target, _size) in self._unfinished.items()}

    def expand(self, ids: Iterable[str]) -> list[str]:
        """Transfer ids for `ids`, where a group id stands for all of its files."""
        result: list[str] = []
        for item in ids:
            result.extend(self._children.get(item, [item]))
        return result
