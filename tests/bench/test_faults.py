"""Under faults, every request is accounted for: a success with the right vector, a typed error, or counted lost."""

from collections.abc import Iterator

import pytest

from bench.clients import embedding
from bench.faults import under_faults
from bench.servers import Target
from memories_sdk.transport import AsyncBackend
from mock_server import Settings
from tests.bench.conftest import target_of

FAULTS = Settings(fault_rate=0.1, reset_rate=0.1, cut_off_rate=0.1, drip_rate=0.1, drip_seconds=0.05, access_log=False)


@pytest.fixture(scope="module")
def faulty() -> Iterator[Target]:
    yield from target_of(FAULTS)


@pytest.fixture(scope="module")
def expected(target: Target) -> list[float]:
    return embedding(target)


def test_every_request_ends_in_a_success_or_a_typed_error(
    faulty: Target, expected: list[float], async_backend: AsyncBackend
) -> None:
    run = under_faults(faulty, async_backend, 0, expected, requests=60)
    assert run.accounted == 60
    assert run.untyped_errors == {}
    assert run.wrong == 0
    assert run.typed_errors  # with no retries, 40% faults fail some
    assert set(run.typed_errors) <= {"APIConnectionError", "InternalServerError", "ServiceUnavailableError"}


def test_a_wrong_vector_is_counted_lost(faulty: Target) -> None:
    run = under_faults(faulty, "httpx", 4, [0.0], requests=10)
    assert run.wrong == 10 - sum(run.typed_errors.values())
    assert run.succeeded == 0
