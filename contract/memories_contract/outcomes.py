"""What a run found, probe by probe and check by check: the one shape the reports are written from; or that it could
not judge the deployment at all."""

import enum
from dataclasses import dataclass


class CannotTest(Exception):
    """The run cannot judge the deployment (exit 2): the one line that says why."""


class Status(enum.Enum):
    """A probe's or a check's result."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class Finding:
    """One way the deployment broke the contract, and the command that shows it again."""

    message: str
    reproduction: str | None = None
    """A curl command, the key left out."""


@dataclass(frozen=True)
class Outcome:
    """The result of one probe or one schemathesis check."""

    suite: str
    """`probes` or `schemathesis`."""
    name: str
    status: Status
    summary: str
    """One line: what was shown, or why it did not run."""
    findings: tuple[Finding, ...] = ()
    seconds: float = 0.0

    @property
    def title(self) -> str:
        """`suite: name`, as the reports list it."""
        return f"{self.suite}: {self.name}"
