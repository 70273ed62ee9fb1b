"""Test controls: Prism's `Prefer: code=NNN`, `Prefer: fault=NAME`, a token-bucket rate limit."""

import pytest

from mock_server.controls import RateLimiter, preferred_fault, preferred_status


@pytest.mark.parametrize(
    ("header", "status"),
    [
        (None, None),
        ("", None),
        ("code=429", 429),
        ("example=assetNotFound, code=400", 400),
        ('code="503"', 503),
        ("Code = 402", 402),
        ("dynamic=true", None),
        ("code=abc", -1),
        ("code=\u00b2\u00b2\u00b2", -1),  # superscript digits pass str.isdigit() but not int()
        ("code=" + "9" * 5000, -1),
        ("code=20", -1),
    ],
)
def test_prefer_header(header: str | None, status: int | None) -> None:
    assert preferred_status(header) == status


@pytest.mark.parametrize(
    ("header", "fault"),
    [
        (None, None),
        ("code=500", None),
        ("fault=reset", "reset"),
        ("code=400, fault=cut-off", "cut-off"),
        ('Fault = "drip"', "drip"),
        ("fault=", ""),
    ],
)
def test_prefer_fault_header(header: str | None, fault: str | None) -> None:
    assert preferred_fault(header) == fault


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit=3, window=6.0, clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [None, None, None]
    assert limiter.acquire("a") == 2  # one token per 2 seconds
    assert limiter.acquire("b") is None  # keys have their own buckets
    clock.now += 2.0
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") == 2
    clock.now += 60.0
    assert [limiter.acquire("a") for _ in range(4)] == [None, None, None, 2]
