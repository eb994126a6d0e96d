"""Drill-down navigation: where the user is (nation → region → store → work order), with back/forward history
like a file browser. Plain Python (no widgets), so it is tested without a screen."""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("nation", "region", "store", "work_order")


@dataclass(frozen=True, slots=True)
class Location:
    level: str  # one of LEVELS
    key: str | int | None  # region code, store id or work order id; None for the nation
    title: str  # what the breadcrumb shows
    parent: Location | None = None

    def path(self) -> list[Location]:
        """From the top (the edition's home) down to this location."""
        out: list[Location] = []
        node: Location | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]

    def child(self, level: str, key: str | int, title: str) -> Location:
        if LEVELS.index(level) <= LEVELS.index(self.level):
            raise ValueError(f"cannot go from {self.level} down to {level}")
        return Location(level, key, title, self)


class History:
    """Back/forward over visited locations. `go` drops the forward branch, as browsers do."""

    def __init__(self, home: Location) -> None:
        self._items: list[Location] = [home]
        self._index = 0

    @property
    def current(self) -> Location:
        return self._items[self._index]

    @property
    def home(self) -> Location:
        return self._items[0].path()[0]

    def go(self, location: Location) -> Location:
        if location == self.current:
            return location
        del self._items[self._index + 1:]
        self._items.append(location)
        self._index += 1
        return location

    def can_back(self) -> bool:
        return self._index > 0

    def can_forward(self) -> bool:
        return self._index < len(self._items) - 1

    def back(self) -> Location:
        if self.can_back():
            self._index -= 1
        return self.current

    def forward(self) -> Location:
        if self.can_forward():
            self._index += 1
        return self.current
