"""Back/forward navigation history, as a browser keeps it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """Where the object view is: an account, a Space in it (or none) and a folder prefix."""

    account_id: str
    bucket: str = ""
    prefix: str = ""


class History:
    def __init__(self, limit: int = 200) -> None:
        self._back: list[Place] = []
        self._forward: list[Place] = []
        self._current: Place | None = None
        self._limit = limit

    @property
    def current(self) -> Place | None:
        return self._current

    def visit(self, place: Place) -> None:
        if place == self._current:
            return
        if self._current is not None:
            self._back.append(self._current)
            del self._back[: -self._limit]
        self._current = place
        self._forward.clear()

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def back(self) -> Place | None:
        if not self._back or self._current is None:
            return None
        self._forward.append(self._current)
        self._current = self._back.pop()
        return self._current

    def forward(self) -> Place | None:
        if not self._forward or self._current is None:
            return None
        self._back.append(self._current)
        self._current = self._forward.pop()
        return self._current

    def forget_account(self, account_id: str) -> None:
        self._back = [p for p in self._back if p.account_id != account_id]
        self._forward = [p for p in self._forward if p.account_id != account_id]


def came_from(old: Place | None, new: Place) -> str:
    """The folder of `new` that leads back to `old`, when going up (else "")."""
    if old is None or (old.account_id, old.bucket) != (new.account_id, new.bucket):
        return ""
    if not old.prefix.startswith(new.prefix) or old.prefix == new.prefix:
        return ""
    rest = old.prefix[len(new.prefix) :]
    return new.prefix + rest.split("/", 1)[0] + "/"
