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
    """The places visited, and the row that was selected in each when it was left.

    Back and Forward select that row again, as Explorer and Finder do: Back after opening a
    file's folder by mistake returns to the file, not to the top of the list.
    """

    def __init__(self, limit: int = 200) -> None:
        self._back: list[Place] = []
        self._forward: list[Place] = []
        self._current: Place | None = None
        self._limit = limit
        self._left_on: dict[Place, str] = {}  # place -> key selected when it was last left

    @property
    def current(self) -> Place | None:
        return self._current

    def visit(self, place: Place, *, leaving_on: str = "") -> None:
        """Go to `place`; `leaving_on` is the key selected in the place left ("" none)."""
        if place == self._current:
            return
        if self._current is not None:
            self._leave(leaving_on)
            self._back.append(self._current)
            del self._back[: -self._limit]
        self._current = place
        self._forward.clear()
        self._forget_unreachable()

    def selected_when_left(self, place: Place) -> str:
        """The key that was selected in `place` when it was last left ("" none)."""
        return self._left_on.get(place, "")

    def _leave(self, key: str) -> None:
        if self._current is not None:
            if key:
                self._left_on[self._current] = key
            else:
                self._left_on.pop(self._current, None)

    def _forget_unreachable(self) -> None:
        if len(self._left_on) > 2 * self._limit:
            kept = {*self._back, *self._forward, self._current}
            self._left_on = {p: k for p, k in self._left_on.items() if p in kept}

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def back(self, *, leaving_on: str = "") -> Place | None:
        if not self._back or self._current is None:
            return None
        self._leave(leaving_on)
        self._forward.append(self._current)
        self._current = self._back.pop()
        return self._current

    def forward(self, *, leaving_on: str = "") -> Place | None:
        if not self._forward or self._current is None:
            return None
        self._leave(leaving_on)
        self._back.append(self._current)
        self._current = self._forward.pop()
        return self._current

    def forget_account(self, account_id: str) -> None:
        self._back = [p for p in self._back if p.account_id != account_id]
        self._forward = [p for p in self._forward if p.account_id != account_id]
        self._left_on = {p: k for p, k in self._left_on.items() if p.account_id != account_id}


def came_from(old: Place | None, new: Place) -> str:
    """The folder of `new` that leads back to `old`, when going up (else "")."""
    if old is None or (old.account_id, old.bucket) != (new.account_id, new.bucket):
        return ""
    if not old.prefix.startswith(new.prefix) or old.prefix == new.prefix:
        return ""
    rest = old.prefix[len(new.prefix) :]
    return new.prefix + rest.split("/", 1)[0] + "/"
