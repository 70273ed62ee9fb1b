"""Fixtures for the benchmarks' tests: a mock in process, as a benchmark target with an uploaded picture."""

from collections.abc import Iterator

import httpx
import pytest

from bench.servers import SAMPLE, Target
from memories_sdk.transport import AsyncBackend
from mock_server import DOCUMENTED_TEST_KEY, Settings, run_mock


def target_of(settings: Settings) -> Iterator[Target]:
    """A benchmark target for a fresh mock with `settings`, the sample picture uploaded."""
    with run_mock(settings) as mock:
        uploaded = httpx.post(
            f"{mock.base_url}/upload",
            headers={"Authorization": DOCUMENTED_TEST_KEY},
            files={"file": SAMPLE.read_bytes()},
        )
        yield Target("mock", mock.base_url, asset_id=uploaded.json()["data"]["asset_id"])


@pytest.fixture(params=["httpx", "aiohttp"])
def async_backend(request: pytest.FixtureRequest) -> AsyncBackend:
    """Each async backend in turn."""
    backend: AsyncBackend = request.param
    return backend


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    """A healthy mock."""
    yield from target_of(Settings(access_log=False))
