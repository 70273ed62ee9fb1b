"""The request cap of a run (`--max-requests`): one count for the probes and schemathesis, which no request escapes.

The probes spend from the budget before each request they send. schemathesis has no request cap of its own (its limits
are examples, time and failures), and not every request it sends passes through its hooks: the capability probes
of its first phase and the credential probes of its `ignored_auth` check call `requests` directly. What every one of
them passes through is `requests.Session.send`, so for the length of the schemathesis phase that one function is
wrapped (`capping_requests`): each request is counted, the one that reaches the cap stops the engine (as Ctrl-C
would, between cases), and a request past the cap is never sent.
"""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests


class RequestCapReached(KeyboardInterrupt):
    """A request past the cap was about to be sent; it was not.

    A KeyboardInterrupt, so that schemathesis winds the run down as on Ctrl-C instead of recording a failure."""


class RequestBudget:
    """How many requests a run may still send, and how many it sent, by path."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def spent(self) -> int:
        """Requests sent so far."""
        return sum(self.sent.values())

    @property
    def remaining(self) -> int:
        """Requests that may still be sent."""
        return self.limit - self.spent

    def spend(self, path: str) -> int:
        """Count one request to `path` before it is sent; the requests left after it. Refused past the cap."""
        with self._lock:
            if self.spent >= self.limit:
                raise RequestCapReached(f"--max-requests {self.limit} reached")
            self.sent[path] += 1
            return self.limit - self.spent


@contextmanager
def capping_requests(budget: RequestBudget, share: int, on_reached: Callable[[], None]) -> Iterator[None]:
    """Count every request `requests` sends meanwhile against `budget`, at most `share` of them; `on_reached` runs
    when the last one allowed is sent."""
    original = requests.Session.send
    allowed = budget.spent + share

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if budget.spent >= allowed:
            on_reached()
            raise RequestCapReached(f"--max-requests {budget.limit} reached")
        budget.spend(urlsplit(request.url or "").path)
        if budget.spent >= allowed:
            on_reached()
        return original(self, request, **kwargs)

    requests.Session.send = send  # type: ignore[method-assign]
    try:
        yield
    finally:
        requests.Session.send = original  # type: ignore[method-assign]
