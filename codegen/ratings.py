"""How a change is rated: its severity for clients generated from OLD, its direction, and the rule that rates it."""

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    """How much a change hurts a client generated from OLD, least first."""

    INFO = "info"
    WARNING = "warning"
    BREAKING = "breaking"

    @property
    def rank(self) -> int:
        """The order of severities: info < warning < breaking."""
        return list(Severity).index(self)


class Direction(Enum):
    """Which way the changed part of the API travels, seen from the client."""

    REQUEST = "request"  # what a client sends
    RESPONSE = "response"  # what a client receives
    NEITHER = "neither"  # names, documentation, servers: nothing on the wire


@dataclass(frozen=True)
class Rule:
    """One kind of change, rated for clients generated from OLD."""

    name: str
    direction: Direction
    severity: Severity
    summary: str
    python: str
    hint: str
    documentation: bool = False
