"""Test controls: Prism's `Prefer: code=NNN`, seeded fault injection, a token-bucket rate limit."""

import pytest

from mock_server.controls import FaultInjector, RateLimiter, preferred_status


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


def test_faults_are_off_at_rate_zero() -> None:
    injector = FaultInjector(0.0, seed=1)
    assert all(injector.draw() is None for _ in range(1000))


def test_faults_follow_the_rate_and_the_seed() -> None:
    first = FaultInjector(0.3, seed=7)
    second = FaultInjector(0.3, seed=7)
    sequence = [first.draw() for _ in range(2000)]
    assert sequence == [second.draw() for _ in range(2000)]
    faults = [status for status in sequence if status is not None]
    assert 0.25 < len(faults) / len(sequence) < 0.35
    assert set(faults) == {500, 503}


def test_every_request_faults_at_rate_one() -> None:
    injector = FaultInjector(1.0, seed=3)
    assert all(injector.draw() in (500, 503) for _ in range(100))


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
