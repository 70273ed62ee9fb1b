"""A goal from an issue, and whether a run reached it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    """A goal from the issue, and whether this run reached it."""

    goal: str
    figure: str
    met: bool
