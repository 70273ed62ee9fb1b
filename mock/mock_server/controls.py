"""Test controls that change the mock's answers: `Prefer: code=NNN` and `fault=NAME`, a per-key rate limit.

(Faults themselves are mock_server.faults, latency mock_server.latency.)
"""

import math
import re
import threading
import time
from collections.abc import Callable

# ASCII digits only: str.isdigit() also takes "²", which int() refuses.
_STATUS = re.compile(r"[0-9]{3}")


def _preference(prefer: str | None, wanted: str) -> str | None:
    """The value of the preference `wanted` in a `Prefer` header (RFC 7240), unquoted, if it is there."""
    if not prefer:
        return None
    for preference in prefer.split(","):
        name, _, value = preference.strip().partition("=")
        if name.strip().lower() == wanted:
            return value.strip().strip('"')
    return None


def preferred_status(prefer: str | None) -> int | None:
    """The status asked for with Prism's convention, `Prefer: code=NNN` (other preferences are ignored)."""
    value = _preference(prefer, "code")
    if value is None:
        return None
    return int(value) if _STATUS.fullmatch(value) else -1  # -1: asked for, but not a status: the caller refuses it


def preferred_fault(prefer: str | None) -> str | None:
    """The fault asked for on this one request, `Prefer: fault=NAME` (mock_server.faults names them)."""
    return _preference(prefer, "fault")


class RateLimiter:
    """A token bucket per key: `limit` requests per `window` seconds, refilled continuously."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(limit)
        self._refill_per_second = limit / window
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, time of last update)
        self._lock = threading.Lock()

    def acquire(self, key: str) -> int | None:
        """Take a token for `key`; when none is left, the whole seconds to wait (for Retry-After)."""
        with self._lock:
            now = self._clock()
            tokens, updated = self._buckets.get(key, (self._capacity, now))
            tokens = min(self._capacity, tokens + (now - updated) * self._refill_per_second)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self._refill_per_second))
