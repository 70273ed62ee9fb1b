"""Test controls that change the mock's answers: `Prefer: code=NNN`, fault injection, a per-key rate limit."""

import math
import random
import re
import threading
import time
from collections.abc import Callable

# ASCII digits only: str.isdigit() also takes "²", which int() refuses.
_STATUS = re.compile(r"[0-9]{3}")


def preferred_status(prefer: str | None) -> int | None:
    """The status asked for with Prism's convention, `Prefer: code=NNN` (other preferences are ignored)."""
    if not prefer:
        return None
    for preference in prefer.split(","):
        name, _, value = preference.strip().partition("=")
        if name.strip().lower() == "code":
            value = value.strip().strip('"')
            if _STATUS.fullmatch(value):
                return int(value)
            return -1  # asked for, but not a status: the caller refuses it
    return None


class FaultInjector:
    """Answers a seeded share of requests with 500 or 503, so retry logic can be tested reproducibly."""

    STATUSES = (500, 503)

    def __init__(self, rate: float, seed: int) -> None:
        self._rate = rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> int | None:
        """The status of an injected fault for this request, or None."""
        if self._rate <= 0:
            return None
        with self._lock:
            if self._random.random() >= self._rate:
                return None
            return self._random.choice(self.STATUSES)


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
