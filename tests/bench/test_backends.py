"""Both async backends measured at each number of requests in flight."""

from bench.backends import IN_FLIGHT, rates
from bench.servers import Target


def test_each_backend_is_measured_at_each_count(target: Target) -> None:
    rows = rates(target, seconds=0.05, rounds=1, warm_up=0.01)
    assert [row.in_flight for row in rows] == list(IN_FLIGHT) == [1, 8, 32, 64]
    assert all(row.httpx > 0 and row.aiohttp > 0 for row in rows)
