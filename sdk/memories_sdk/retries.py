"""When to retry and how long to wait: exponential backoff with jitter, and the server's Retry-After.

Retried: connection errors and timeouts, and the statuses 408, 429 and 5xx. Not 409: the API means by it a
conflict or a duplicate request, which the same request sent again cannot resolve.
The wait before retry n (0-based) is min(initial_delay * 2**n, max_delay), less up to `jitter` of it at
random, unless the server said how long: `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date,
honoured up to `max_retry_after`.
"""

import email.utils
import math
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import anyio
import httpx

_NUMBER = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,9})?")

# The errors after which the request may simply be sent again.
RETRYABLE_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def retryable_status(status: int) -> bool:
    """408, 429 and every 5xx (non-IANA ones such as 520 included)."""
    return status in (408, 429) or status >= 500


def retry_after(headers: httpx.Headers) -> float | None:
    """The wait the server asks for, in seconds: `retry-after-ms`, or `Retry-After` as seconds or HTTP date."""
    milliseconds = headers.get("retry-after-ms", "").strip()
    if _NUMBER.fullmatch(milliseconds):
        return float(milliseconds) / 1000
    raw = headers.get("retry-after", "").strip()
    if _NUMBER.fullmatch(raw):  # RFC 9110 says whole seconds; a decimal point is tolerated, "1e1" or "+3" is not
        return float(raw)
    try:
        moment = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How many times to retry and how long to wait. `RetryPolicy(max_retries=0)` turns retries off."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    # How to draw jitter and how to wait: replaceable, so that tests neither depend on chance nor sleep.
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=anyio.sleep, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {self.max_retries}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, not {self.jitter}")
        delays = (self.initial_delay, self.max_delay, self.max_retry_after)
        if not all(math.isfinite(delay) and delay >= 0 for delay in delays):
            raise ValueError("delays must be finite and not negative")

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (0-based) when the server did not say."""
        delay = min(self.initial_delay * 2.0**retry, self.max_delay)
        return delay * (1 - self.jitter * self.random())

    def delay_after_response(self, retry: int, response: httpx.Response) -> float | None:
        """The wait before retrying after `response`, or None when it must not be retried."""
        if retry >= self.max_retries or not retryable_status(response.status_code):
            return None
        requested = retry_after(response.headers)
        if requested is None:
            return self.backoff(retry)
        return min(requested, self.max_retry_after)

    def delay_after_error(self, retry: int, error: httpx.TransportError) -> float | None:
        """The wait before retrying after a transport error, or None when it must not be retried."""
        if retry >= self.max_retries or not isinstance(error, RETRYABLE_ERRORS):
            return None
        return self.backoff(retry)
