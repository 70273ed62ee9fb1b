"""pytest fixtures for suites that test against the mock (registered through the `pytest11` entry point).

    def test_embedding(memories_client: AuthenticatedClient) -> None:
        ...

    @pytest.mark.anyio
    async def test_embedding_async(memories_async_client: AuthenticatedClient) -> None:
        ...

`memories_mock` serves one mock for the whole session, on 127.0.0.1 and an ephemeral port; override
`memories_mock_settings` in a conftest.py to configure it. `memories_client` (sync tests) and
`memories_async_client` (async tests, anyio's pytest plugin) are fresh generated clients for it, with the
raw-key authentication the API expects, closed after the test.
"""

from collections.abc import AsyncIterator, Iterator

import pytest

from memories_client import AuthenticatedClient
from mock_server.settings import Settings
from mock_server.testing import RunningMock, run_mock


@pytest.fixture(scope="session")
def memories_mock_settings() -> Settings:
    """The settings of the session's mock: the defaults (the documented test key, memory storage)."""
    return Settings(access_log=False)


@pytest.fixture(scope="session")
def memories_mock(memories_mock_settings: Settings) -> Iterator[RunningMock]:
    """The session's mock, listening on loopback."""
    with run_mock(memories_mock_settings) as running:
        yield running


@pytest.fixture
def memories_client(memories_mock: RunningMock) -> Iterator[AuthenticatedClient]:
    """A generated client for the session's mock, for sync tests; closed after the test."""
    with memories_mock.client() as client:
        yield client


@pytest.fixture
async def memories_async_client(memories_mock: RunningMock) -> AsyncIterator[AuthenticatedClient]:
    """A generated client for the session's mock, for async tests; its async transport is closed after the test."""
    async with memories_mock.client() as client:
        yield client
